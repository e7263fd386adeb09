/**
 * DeleteGroups (key 42), as Kafka 3.7 describes it on the wire: DeleteGroupsRequest.json and DeleteGroupsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DeleteGroupsRequest: MessageSpec = {
  apiKey: 42,
  type: 'request',
  name: 'DeleteGroupsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'GroupsNames', type: '[]string', versions: '0+' }],
};

export const DeleteGroupsResponse: MessageSpec = {
  apiKey: 42,
  type: 'response',
  name: 'DeleteGroupsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results',
      type: '[]DeletableGroupResult',
      versions: '0+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
};
