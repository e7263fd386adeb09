/**
 * DescribeDelegationToken (key 41), as Kafka 3.7 describes it on the wire: DescribeDelegationTokenRequest.json and DescribeDelegationTokenResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeDelegationTokenRequest: MessageSpec = {
  apiKey: 41,
  type: 'request',
  name: 'DescribeDelegationTokenRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Owners',
      type: '[]DescribeDelegationTokenOwner',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'PrincipalType', type: 'string', versions: '0+' },
        { name: 'PrincipalName', type: 'string', versions: '0+' },
      ],
    },
  ],
};

export const DescribeDelegationTokenResponse: MessageSpec = {
  apiKey: 41,
  type: 'response',
  name: 'DescribeDelegationTokenResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'Tokens',
      type: '[]DescribedDelegationToken',
      versions: '0+',
      fields: [
        { name: 'PrincipalType', type: 'string', versions: '0+' },
        { name: 'PrincipalName', type: 'string', versions: '0+' },
        { name: 'TokenRequesterPrincipalType', type: 'string', versions: '3+' },
        { name: 'TokenRequesterPrincipalName', type: 'string', versions: '3+' },
        { name: 'IssueTimestamp', type: 'int64', versions: '0+' },
        { name: 'ExpiryTimestamp', type: 'int64', versions: '0+' },
        { name: 'MaxTimestamp', type: 'int64', versions: '0+' },
        { name: 'TokenId', type: 'string', versions: '0+' },
        { name: 'Hmac', type: 'bytes', versions: '0+' },
        {
          name: 'Renewers',
          type: '[]DescribedDelegationTokenRenewer',
          versions: '0+',
          fields: [
            { name: 'PrincipalType', type: 'string', versions: '0+' },
            { name: 'PrincipalName', type: 'string', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
  ],
};
