/**
 * DescribeCluster (key 60), as Kafka 3.7 describes it on the wire: DescribeClusterRequest.json and DescribeClusterResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeClusterRequest: MessageSpec = {
  apiKey: 60,
  type: 'request',
  name: 'DescribeClusterRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'EndpointType', type: 'int8', versions: '1+', default: '1' },
  ],
};

export const DescribeClusterResponse: MessageSpec = {
  apiKey: 60,
  type: 'response',
  name: 'DescribeClusterResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'EndpointType', type: 'int8', versions: '1+', default: '1' },
    { name: 'ClusterId', type: 'string', versions: '0+' },
    { name: 'ControllerId', type: 'int32', versions: '0+', default: '-1' },
    {
      name: 'Brokers',
      type: '[]DescribeClusterBroker',
      versions: '0+',
      fields: [
        { name: 'BrokerId', type: 'int32', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Port', type: 'int32', versions: '0+' },
        { name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
      ],
    },
    { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '0+', default: '-2147483648' },
  ],
};
