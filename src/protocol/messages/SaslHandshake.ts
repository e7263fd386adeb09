/**
 * SaslHandshake (key 17), as Kafka 3.7 describes it on the wire: SaslHandshakeRequest.json and SaslHandshakeResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const SaslHandshakeRequest: MessageSpec = {
  apiKey: 17,
  type: 'request',
  name: 'SaslHandshakeRequest',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [{ name: 'Mechanism', type: 'string', versions: '0+' }],
};

export const SaslHandshakeResponse: MessageSpec = {
  apiKey: 17,
  type: 'response',
  name: 'SaslHandshakeResponse',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Mechanisms', type: '[]string', versions: '0+' },
  ],
};
