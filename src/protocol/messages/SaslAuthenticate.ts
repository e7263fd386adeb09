/**
 * SaslAuthenticate (key 36), as Kafka 3.7 describes it on the wire: SaslAuthenticateRequest.json and SaslAuthenticateResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const SaslAuthenticateRequest: MessageSpec = {
  apiKey: 36,
  type: 'request',
  name: 'SaslAuthenticateRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'AuthBytes', type: 'bytes', versions: '0+' }],
};

export const SaslAuthenticateResponse: MessageSpec = {
  apiKey: 36,
  type: 'response',
  name: 'SaslAuthenticateResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'AuthBytes', type: 'bytes', versions: '0+' },
    { name: 'SessionLifetimeMs', type: 'int64', versions: '1+', default: '0', ignorable: true },
  ],
};
