/**
 * DescribeClientQuotas (key 48), as Kafka 3.7 describes it on the wire: DescribeClientQuotasRequest.json and DescribeClientQuotasResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeClientQuotasRequest: MessageSpec = {
  apiKey: 48,
  type: 'request',
  name: 'DescribeClientQuotasRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'Components',
      type: '[]ComponentData',
      versions: '0+',
      fields: [
        { name: 'EntityType', type: 'string', versions: '0+' },
        { name: 'MatchType', type: 'int8', versions: '0+' },
        { name: 'Match', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'Strict', type: 'bool', versions: '0+' },
  ],
};

export const DescribeClientQuotasResponse: MessageSpec = {
  apiKey: 48,
  type: 'response',
  name: 'DescribeClientQuotasResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Entries',
      type: '[]EntryData',
      versions: '0+',
      nullableVersions: '0+',
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
          name: 'Values',
          type: '[]ValueData',
          versions: '0+',
          fields: [
            { name: 'Key', type: 'string', versions: '0+' },
            { name: 'Value', type: 'float64', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
