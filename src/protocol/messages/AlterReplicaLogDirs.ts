/**
 * AlterReplicaLogDirs (key 34), as Kafka 3.7 describes it on the wire: AlterReplicaLogDirsRequest.json and AlterReplicaLogDirsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AlterReplicaLogDirsRequest: MessageSpec = {
  apiKey: 34,
  type: 'request',
  name: 'AlterReplicaLogDirsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Dirs',
      type: '[]AlterReplicaLogDir',
      versions: '0+',
      fields: [
        { name: 'Path', type: 'string', versions: '0+' },
        {
          name: 'Topics',
          type: '[]AlterReplicaLogDirTopic',
          versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const AlterReplicaLogDirsResponse: MessageSpec = {
  apiKey: 34,
  type: 'response',
  name: 'AlterReplicaLogDirsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results',
      type: '[]AlterReplicaLogDirTopicResult',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]AlterReplicaLogDirPartitionResult',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
