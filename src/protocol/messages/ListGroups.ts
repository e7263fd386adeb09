/**
 * ListGroups (key 16), as Kafka 3.7 describes it on the wire: ListGroupsRequest.json and ListGroupsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ListGroupsRequest: MessageSpec = {
  apiKey: 16,
  type: 'request',
  name: 'ListGroupsRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [{ name: 'StatesFilter', type: '[]string', versions: '4+' }],
};

export const ListGroupsResponse: MessageSpec = {
  apiKey: 16,
  type: 'response',
  name: 'ListGroupsResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'Groups',
      type: '[]ListedGroup',
      versions: '0+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'ProtocolType', type: 'string', versions: '0+' },
        { name: 'GroupState', type: 'string', versions: '4+', ignorable: true },
      ],
    },
  ],
};
