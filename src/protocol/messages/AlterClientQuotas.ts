/**
 * AlterClientQuotas (key 49), as Kafka 3.7 describes it on the wire: AlterClientQuotasRequest.json and AlterClientQuotasResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AlterClientQuotasRequest: MessageSpec = {
  apiKey: 49,
  type: 'request',
  name: 'AlterClientQuotasRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'Entries',
      type: '[]EntryData',
      versions: '0+',
      fields: [
        {
          name: 'Entity',
          type: '[]EntityData',
          versions: '0+',
          fields: [
            { name: 'EntityType', type: 'string', versions: '0+' },
            { name: 'EntityName', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
        {
          name: 'Ops',
          type: '[]OpData',
          versions: '0+',
          fields: [
            { name: 'Key', type: 'string', versions: '0+' },
            { name: 'Value', type: 'float64', versions: '0+' },
            { name: 'Remove', type: 'bool', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export const AlterClientQuotasResponse: MessageSpec = {
  apiKey: 49,
  type: 'response',
  name: 'AlterClientQuotasResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Entries',
      type: '[]EntryData',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        {
          name: 'Entity',
          type: '[]EntityData',
          versions: '0+',
          fields: [
            { name: 'EntityType', type: 'string', versions: '0+' },
            { name: 'EntityName', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};
