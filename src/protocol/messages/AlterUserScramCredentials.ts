/**
 * AlterUserScramCredentials (key 51), as Kafka 3.7 describes it on the wire: AlterUserScramCredentialsRequest.json and AlterUserScramCredentialsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AlterUserScramCredentialsRequest: MessageSpec = {
  apiKey: 51,
  type: 'request',
  name: 'AlterUserScramCredentialsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Deletions',
      type: '[]ScramCredentialDeletion',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Mechanism', type: 'int8', versions: '0+' },
      ],
    },
    {
      name: 'Upsertions',
      type: '[]ScramCredentialUpsertion',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Mechanism', type: 'int8', versions: '0+' },
        { name: 'Iterations', type: 'int32', versions: '0+' },
        { name: 'Salt', type: 'bytes', versions: '0+' },
        { name: 'SaltedPassword', type: 'bytes', versions: '0+' },
      ],
    },
  ],
};

export const AlterUserScramCredentialsResponse: MessageSpec = {
  apiKey: 51,
  type: 'response',
  name: 'AlterUserScramCredentialsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results',
      type: '[]AlterUserScramCredentialsResult',
      versions: '0+',
      fields: [
        { name: 'User', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
};
