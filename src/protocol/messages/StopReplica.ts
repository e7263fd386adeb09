/**
 * StopReplica (key 5), as Kafka 3.7 describes it on the wire: StopReplicaRequest.json and StopReplicaResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const StopReplicaRequest: MessageSpec = {
  apiKey: 5,
  type: 'request',
  name: 'StopReplicaRequest',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'isKRaftController', type: 'bool', versions: '4+', default: 'false' },
    { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '1+', default: '-1', ignorable: true },
    { name: 'DeletePartitions', type: 'bool', versions: '0-2' },
    {
      name: 'UngroupedPartitions',
      type: '[]StopReplicaPartitionV0',
      versions: '0',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0' },
        { name: 'PartitionIndex', type: 'int32', versions: '0' },
      ],
    },
    {
      name: 'Topics',
      type: '[]StopReplicaTopicV1',
      versions: '1-2',
      fields: [
        { name: 'Name', type: 'string', versions: '1-2' },
        { name: 'PartitionIndexes', type: '[]int32', versions: '1-2' },
      ],
    },
    {
      name: 'TopicStates',
      type: '[]StopReplicaTopicState',
      versions: '3+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '3+' },
        {
          name: 'PartitionStates',
          type: '[]StopReplicaPartitionState',
          versions: '3+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '3+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '3+', default: '-1' },
            { name: 'DeletePartition', type: 'bool', versions: '3+' },
          ],
        },
      ],
    },
  ],
};

export const StopReplicaResponse: MessageSpec = {
  apiKey: 5,
  type: 'response',
  name: 'StopReplicaResponse',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'PartitionErrors',
      type: '[]StopReplicaPartitionError',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+' },
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
};
