/**
 * ExpireDelegationToken (key 40), as Kafka 3.7 describes it on the wire: ExpireDelegationTokenRequest.json and ExpireDelegationTokenResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ExpireDelegationTokenRequest: MessageSpec = {
  apiKey: 40,
  type: 'request',
  name: 'ExpireDelegationTokenRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'Hmac', type: 'bytes', versions: '0+' },
    { name: 'ExpiryTimePeriodMs', type: 'int64', versions: '0+' },
  ],
};

export const ExpireDelegationTokenResponse: MessageSpec = {
  apiKey: 40,
  type: 'response',
  name: 'ExpireDelegationTokenResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ExpiryTimestampMs', type: 'int64', versions: '0+' },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
  ],
};
