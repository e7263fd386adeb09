/**
 * CreateAcls (key 30), as Kafka 3.7 describes it on the wire: CreateAclsRequest.json and CreateAclsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const CreateAclsRequest: MessageSpec = {
  apiKey: 30,
  type: 'request',
  name: 'CreateAclsRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Creations',
      type: '[]AclCreation',
      versions: '0+',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+' },
        { name: 'ResourceName', type: 'string', versions: '0+' },
        { name: 'ResourcePatternType', type: 'int8', versions: '1+', default: '3' },
        { name: 'Principal', type: 'string', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Operation', type: 'int8', versions: '0+' },
        { name: 'PermissionType', type: 'int8', versions: '0+' },
      ],
    },
  ],
};

export const CreateAclsResponse: MessageSpec = {
  apiKey: 30,
  type: 'response',
  name: 'CreateAclsResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results',
      type: '[]AclCreationResult',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
};
