/**
 * JoinGroup (key 11), as Kafka 3.7 describes it on the wire: JoinGroupRequest.json and JoinGroupResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const JoinGroupRequest: MessageSpec = {
  apiKey: 11,
  type: 'request',
  name: 'JoinGroupRequest',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'SessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'RebalanceTimeoutMs', type: 'int32', versions: '1+', default: '-1', ignorable: true },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'ProtocolType', type: 'string', versions: '0+' },
    {
      name: 'Protocols',
      type: '[]JoinGroupRequestProtocol',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Metadata', type: 'bytes', versions: '0+' },
      ],
    },
    { name: 'Reason', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null', ignorable: true },
  ],
};

export const JoinGroupResponse: MessageSpec = {
  apiKey: 11,
  type: 'response',
  name: 'JoinGroupResponse',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'ProtocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: 'null', ignorable: true },
    { name: 'ProtocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'Leader', type: 'string', versions: '0+' },
    { name: 'SkipAssignment', type: 'bool', versions: '9+', default: 'false' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    {
      name: 'Members',
      type: '[]JoinGroupResponseMember',
      versions: '0+',
      fields: [
        { name: 'MemberId', type: 'string', versions: '0+' },
        { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
        { name: 'Metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
};
