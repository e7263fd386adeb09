/**
 * WriteTxnMarkers (key 27), as Kafka 3.7 describes it on the wire: WriteTxnMarkersRequest.json and WriteTxnMarkersResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const WriteTxnMarkersRequest: MessageSpec = {
  apiKey: 27,
  type: 'request',
  name: 'WriteTxnMarkersRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'Markers',
      type: '[]WritableTxnMarker',
      versions: '0+',
      fields: [
        { name: 'ProducerId', type: 'int64', versions: '0+' },
        { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
        { name: 'TransactionResult', type: 'bool', versions: '0+' },
        {
          name: 'Topics',
          type: '[]WritableTxnMarkerTopic',
          versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            { name: 'PartitionIndexes', type: '[]int32', versions: '0+' },
          ],
        },
        { name: 'CoordinatorEpoch', type: 'int32', versions: '0+' },
      ],
    },
  ],
};

export const WriteTxnMarkersResponse: MessageSpec = {
  apiKey: 27,
  type: 'response',
  name: 'WriteTxnMarkersResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'Markers',
      type: '[]WritableTxnMarkerResult',
      versions: '0+',
      fields: [
        { name: 'ProducerId', type: 'int64', versions: '0+' },
        {
          name: 'Topics',
          type: '[]WritableTxnMarkerTopicResult',
          versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            {
              name: 'Partitions',
              type: '[]WritableTxnMarkerPartitionResult',
              versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
  ],
};
