/**
 * RenewDelegationToken (key 39), as Kafka 3.7 describes it on the wire: RenewDelegationTokenRequest.json and RenewDelegationTokenResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const RenewDelegationTokenRequest: MessageSpec = {
  apiKey: 39,
  type: 'request',
  name: 'RenewDelegationTokenRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'Hmac', type: 'bytes', versions: '0+' },
    { name: 'RenewPeriodMs', type: 'int64', versions: '0+' },
  ],
};

export const RenewDelegationTokenResponse: MessageSpec = {
  apiKey: 39,
  type: 'response',
  name: 'RenewDelegationTokenResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ExpiryTimestampMs', type: 'int64', versions: '0+' },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
  ],
};
