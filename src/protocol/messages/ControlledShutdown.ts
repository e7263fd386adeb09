/**
 * ControlledShutdown (key 7), as Kafka 3.7 describes it on the wire: ControlledShutdownRequest.json and ControlledShutdownResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ControlledShutdownRequest: MessageSpec = {
  apiKey: 7,
  type: 'request',
  name: 'ControlledShutdownRequest',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '2+', default: '-1', ignorable: true },
  ],
};

export const ControlledShutdownResponse: MessageSpec = {
  apiKey: 7,
  type: 'response',
  name: 'ControlledShutdownResponse',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'RemainingPartitions',
      type: '[]RemainingPartition',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+' },
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
      ],
    },
  ],
};
