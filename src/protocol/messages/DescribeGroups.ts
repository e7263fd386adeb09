/**
 * DescribeGroups (key 15), as Kafka 3.7 describes it on the wire: DescribeGroupsRequest.json and DescribeGroupsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeGroupsRequest: MessageSpec = {
  apiKey: 15,
  type: 'request',
  name: 'DescribeGroupsRequest',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'Groups', type: '[]string', versions: '0+' },
    { name: 'IncludeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
};

export const DescribeGroupsResponse: MessageSpec = {
  apiKey: 15,
  type: 'response',
  name: 'DescribeGroupsResponse',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'Groups',
      type: '[]DescribedGroup',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'GroupState', type: 'string', versions: '0+' },
        { name: 'ProtocolType', type: 'string', versions: '0+' },
        { name: 'ProtocolData', type: 'string', versions: '0+' },
        {
          name: 'Members',
          type: '[]DescribedGroupMember',
          versions: '0+',
          fields: [
            { name: 'MemberId', type: 'string', versions: '0+' },
            { name: 'GroupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: 'null', ignorable: true },
            { name: 'ClientId', type: 'string', versions: '0+' },
            { name: 'ClientHost', type: 'string', versions: '0+' },
            { name: 'MemberMetadata', type: 'bytes', versions: '0+' },
            { name: 'MemberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        { name: 'AuthorizedOperations', type: 'int32', versions: '3+', default: '-2147483648' },
      ],
    },
  ],
};
