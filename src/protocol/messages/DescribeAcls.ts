/**
 * DescribeAcls (key 29), as Kafka 3.7 describes it on the wire: DescribeAclsRequest.json and DescribeAclsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeAclsRequest: MessageSpec = {
  apiKey: 29,
  type: 'request',
  name: 'DescribeAclsRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ResourceTypeFilter', type: 'int8', versions: '0+' },
    { name: 'ResourceNameFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'PatternTypeFilter', type: 'int8', versions: '1+', default: '3' },
    { name: 'PrincipalFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'HostFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'Operation', type: 'int8', versions: '0+' },
    { name: 'PermissionType', type: 'int8', versions: '0+' },
  ],
};

export const DescribeAclsResponse: MessageSpec = {
  apiKey: 29,
  type: 'response',
  name: 'DescribeAclsResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Resources',
      type: '[]DescribeAclsResource',
      versions: '0+',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+' },
        { name: 'ResourceName', type: 'string', versions: '0+' },
        { name: 'PatternType', type: 'int8', versions: '1+', default: '3' },
        {
          name: 'Acls',
          type: '[]AclDescription',
          versions: '0+',
          fields: [
            { name: 'Principal', type: 'string', versions: '0+' },
            { name: 'Host', type: 'string', versions: '0+' },
            { name: 'Operation', type: 'int8', versions: '0+' },
            { name: 'PermissionType', type: 'int8', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
