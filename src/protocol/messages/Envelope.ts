/**
 * Envelope (key 58), as Kafka 3.7 describes it on the wire: EnvelopeRequest.json and EnvelopeResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const EnvelopeRequest: MessageSpec = {
  apiKey: 58,
  type: 'request',
  name: 'EnvelopeRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'RequestData', type: 'bytes', versions: '0+' },
    { name: 'RequestPrincipal', type: 'bytes', versions: '0+', nullableVersions: '0+' },
    { name: 'ClientHostAddress', type: 'bytes', versions: '0+' },
  ],
};

export const EnvelopeResponse: MessageSpec = {
  apiKey: 58,
  type: 'response',
  name: 'EnvelopeResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ResponseData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
  ],
};
