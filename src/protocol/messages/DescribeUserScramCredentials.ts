/**
 * DescribeUserScramCredentials (key 50), as Kafka 3.7 describes it on the wire: DescribeUserScramCredentialsRequest.json and DescribeUserScramCredentialsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeUserScramCredentialsRequest: MessageSpec = {
  apiKey: 50,
  type: 'request',
  name: 'DescribeUserScramCredentialsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Users', type: '[]UserName', versions: '0+', nullableVersions: '0+', fields: [{ name: 'Name', type: 'string', versions: '0+' }] }],
};

export const DescribeUserScramCredentialsResponse: MessageSpec = {
  apiKey: 50,
  type: 'response',
  name: 'DescribeUserScramCredentialsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Results',
      type: '[]DescribeUserScramCredentialsResult',
      versions: '0+',
      fields: [
        { name: 'User', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        {
          name: 'CredentialInfos',
          type: '[]CredentialInfo',
          versions: '0+',
          fields: [
            { name: 'Mechanism', type: 'int8', versions: '0+' },
            { name: 'Iterations', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
