/**
 * CreateDelegationToken (key 38), as Kafka 3.7 describes it on the wire: CreateDelegationTokenRequest.json and CreateDelegationTokenResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const CreateDelegationTokenRequest: MessageSpec = {
  apiKey: 38,
  type: 'request',
  name: 'CreateDelegationTokenRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'OwnerPrincipalType', type: 'string', versions: '3+', nullableVersions: '3+' },
    { name: 'OwnerPrincipalName', type: 'string', versions: '3+', nullableVersions: '3+' },
    {
      name: 'Renewers',
      type: '[]CreatableRenewers',
      versions: '0+',
      fields: [
        { name: 'PrincipalType', type: 'string', versions: '0+' },
        { name: 'PrincipalName', type: 'string', versions: '0+' },
      ],
    },
    { name: 'MaxLifetimeMs', type: 'int64', versions: '0+' },
  ],
};

export const CreateDelegationTokenResponse: MessageSpec = {
  apiKey: 38,
  type: 'response',
  name: 'CreateDelegationTokenResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'PrincipalType', type: 'string', versions: '0+' },
    { name: 'PrincipalName', type: 'string', versions: '0+' },
    { name: 'TokenRequesterPrincipalType', type: 'string', versions: '3+' },
    { name: 'TokenRequesterPrincipalName', type: 'string', versions: '3+' },
    { name: 'IssueTimestampMs', type: 'int64', versions: '0+' },
    { name: 'ExpiryTimestampMs', type: 'int64', versions: '0+' },
    { name: 'MaxTimestampMs', type: 'int64', versions: '0+' },
    { name: 'TokenId', type: 'string', versions: '0+' },
    { name: 'Hmac', type: 'bytes', versions: '0+' },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
  ],
};
