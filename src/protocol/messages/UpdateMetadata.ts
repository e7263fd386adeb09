/**
 * UpdateMetadata (key 6), as Kafka 3.7 describes it on the wire: UpdateMetadataRequest.json and UpdateMetadataResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const UpdateMetadataRequest: MessageSpec = {
  apiKey: 6,
  type: 'request',
  name: 'UpdateMetadataRequest',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'isKRaftController', type: 'bool', versions: '8+', default: 'false' },
    { name: 'Type', type: 'int8', versions: '8+', taggedVersions: '8+', tag: 0, default: '0' },
    { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '5+', default: '-1', ignorable: true },
    {
      name: 'UngroupedPartitionStates',
      type: '[]UpdateMetadataPartitionState',
      versions: '0-4',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
        { name: 'Leader', type: 'int32', versions: '0+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
        { name: 'Isr', type: '[]int32', versions: '0+' },
        { name: 'ZkVersion', type: 'int32', versions: '0+' },
        { name: 'Replicas', type: '[]int32', versions: '0+' },
        { name: 'OfflineReplicas', type: '[]int32', versions: '4+', ignorable: true },
      ],
    },
    {
      name: 'TopicStates',
      type: '[]UpdateMetadataTopicState',
      versions: '5+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '5+' },
        { name: 'TopicId', type: 'uuid', versions: '7+', ignorable: true },
        {
          name: 'PartitionStates',
          type: '[]UpdateMetadataPartitionState',
          versions: '5+',
          fields: [
            { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
            { name: 'Leader', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
            { name: 'Isr', type: '[]int32', versions: '0+' },
            { name: 'ZkVersion', type: 'int32', versions: '0+' },
            { name: 'Replicas', type: '[]int32', versions: '0+' },
            { name: 'OfflineReplicas', type: '[]int32', versions: '4+', ignorable: true },
          ],
        },
      ],
    },
    {
      name: 'LiveBrokers',
      type: '[]UpdateMetadataBroker',
      versions: '0+',
      fields: [
        { name: 'Id', type: 'int32', versions: '0+' },
        { name: 'V0Host', type: 'string', versions: '0', ignorable: true },
        { name: 'V0Port', type: 'int32', versions: '0', ignorable: true },
        {
          name: 'Endpoints',
          type: '[]UpdateMetadataEndpoint',
          versions: '1+',
          ignorable: true,
          fields: [
            { name: 'Port', type: 'int32', versions: '1+' },
            { name: 'Host', type: 'string', versions: '1+' },
            { name: 'Listener', type: 'string', versions: '3+', ignorable: true },
            { name: 'SecurityProtocol', type: 'int16', versions: '1+' },
          ],
        },
        { name: 'Rack', type: 'string', versions: '2+', nullableVersions: '0+', ignorable: true },
      ],
    },
  ],
};

export const UpdateMetadataResponse: MessageSpec = {
  apiKey: 6,
  type: 'response',
  name: 'UpdateMetadataResponse',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [{ name: 'ErrorCode', type: 'int16', versions: '0+' }],
};
