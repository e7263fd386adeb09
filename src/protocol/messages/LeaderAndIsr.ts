/**
 * LeaderAndIsr (key 4), as Kafka 3.7 describes it on the wire: LeaderAndIsrRequest.json and LeaderAndIsrResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const LeaderAndIsrRequest: MessageSpec = {
  apiKey: 4,
  type: 'request',
  name: 'LeaderAndIsrRequest',
  validVersions: '0-7',
  flexibleVersions: '4+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'isKRaftController', type: 'bool', versions: '7+', default: 'false' },
    { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '2+', default: '-1', ignorable: true },
    { name: 'Type', type: 'int8', versions: '5+' },
    {
      name: 'UngroupedPartitionStates',
      type: '[]LeaderAndIsrPartitionState',
      versions: '0-1',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
        { name: 'Leader', type: 'int32', versions: '0+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
        { name: 'Isr', type: '[]int32', versions: '0+' },
        { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
        { name: 'Replicas', type: '[]int32', versions: '0+' },
        { name: 'AddingReplicas', type: '[]int32', versions: '3+', ignorable: true },
        { name: 'RemovingReplicas', type: '[]int32', versions: '3+', ignorable: true },
        { name: 'IsNew', type: 'bool', versions: '1+', default: 'false', ignorable: true },
        { name: 'LeaderRecoveryState', type: 'int8', versions: '6+', default: '0' },
      ],
    },
    {
      name: 'TopicStates',
      type: '[]LeaderAndIsrTopicState',
      versions: '2+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '2+' },
        { name: 'TopicId', type: 'uuid', versions: '5+', ignorable: true },
        {
          name: 'PartitionStates',
          type: '[]LeaderAndIsrPartitionState',
          versions: '2+',
          fields: [
            { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
            { name: 'Leader', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
            { name: 'Isr', type: '[]int32', versions: '0+' },
            { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
            { name: 'Replicas', type: '[]int32', versions: '0+' },
            { name: 'AddingReplicas', type: '[]int32', versions: '3+', ignorable: true },
            { name: 'RemovingReplicas', type: '[]int32', versions: '3+', ignorable: true },
            { name: 'IsNew', type: 'bool', versions: '1+', default: 'false', ignorable: true },
            { name: 'LeaderRecoveryState', type: 'int8', versions: '6+', default: '0' },
          ],
        },
      ],
    },
    {
      name: 'LiveLeaders',
      type: '[]LeaderAndIsrLiveLeader',
      versions: '0+',
      fields: [
        { name: 'BrokerId', type: 'int32', versions: '0+' },
        { name: 'HostName', type: 'string', versions: '0+' },
        { name: 'Port', type: 'int32', versions: '0+' },
      ],
    },
  ],
};

export const LeaderAndIsrResponse: MessageSpec = {
  apiKey: 4,
  type: 'response',
  name: 'LeaderAndIsrResponse',
  validVersions: '0-7',
  flexibleVersions: '4+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'PartitionErrors',
      type: '[]LeaderAndIsrPartitionError',
      versions: '0-4',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ],
    },
    {
      name: 'Topics',
      type: '[]LeaderAndIsrTopicError',
      versions: '5+',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '5+' },
        {
          name: 'PartitionErrors',
          type: '[]LeaderAndIsrPartitionError',
          versions: '5+',
          fields: [
            { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
