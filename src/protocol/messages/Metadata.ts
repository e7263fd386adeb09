/**
 * Metadata (key 3), as Kafka 3.7 describes it on the wire: MetadataRequest.json and MetadataResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const MetadataRequest: MessageSpec = {
  apiKey: 3,
  type: 'request',
  name: 'MetadataRequest',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'Topics',
      type: '[]MetadataRequestTopic',
      versions: '0+',
      nullableVersions: '1+',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '10+', ignorable: true },
        { name: 'Name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    { name: 'AllowAutoTopicCreation', type: 'bool', versions: '4+', default: 'true' },
    { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'IncludeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
};

export const MetadataResponse: MessageSpec = {
  apiKey: 3,
  type: 'response',
  name: 'MetadataResponse',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    {
      name: 'Brokers',
      type: '[]MetadataResponseBroker',
      versions: '0+',
      fields: [
        { name: 'NodeId', type: 'int32', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Port', type: 'int32', versions: '0+' },
        { name: 'Rack', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null', ignorable: true },
      ],
    },
    { name: 'ClusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: 'null', ignorable: true },
    { name: 'ControllerId', type: 'int32', versions: '1+', default: '-1', ignorable: true },
    {
      name: 'Topics',
      type: '[]MetadataResponseTopic',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'Name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'TopicId', type: 'uuid', versions: '10+', ignorable: true },
        { name: 'IsInternal', type: 'bool', versions: '1+', default: 'false', ignorable: true },
        {
          name: 'Partitions',
          type: '[]MetadataResponsePartition',
          versions: '0+',
          fields: [
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'LeaderId', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '7+', default: '-1', ignorable: true },
            { name: 'ReplicaNodes', type: '[]int32', versions: '0+' },
            { name: 'IsrNodes', type: '[]int32', versions: '0+' },
            { name: 'OfflineReplicas', type: '[]int32', versions: '5+', ignorable: true },
          ],
        },
        { name: 'TopicAuthorizedOperations', type: 'int32', versions: '8+', default: '-2147483648' },
      ],
    },
    { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '8-10', default: '-2147483648' },
  ],
};
