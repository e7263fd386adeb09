/**
 * BrokerHeartbeat (key 63), as Kafka 3.7 describes it on the wire: BrokerHeartbeatRequest.json and BrokerHeartbeatResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const BrokerHeartbeatRequest: MessageSpec = {
  apiKey: 63,
  type: 'request',
  name: 'BrokerHeartbeatRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
    { name: 'CurrentMetadataOffset', type: 'int64', versions: '0+' },
    { name: 'WantFence', type: 'bool', versions: '0+' },
    { name: 'WantShutDown', type: 'bool', versions: '0+' },
    { name: 'OfflineLogDirs', type: '[]uuid', versions: '1+', taggedVersions: '1+', tag: 0 },
  ],
};

export const BrokerHeartbeatResponse: MessageSpec = {
  apiKey: 63,
  type: 'response',
  name: 'BrokerHeartbeatResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'IsCaughtUp', type: 'bool', versions: '0+', default: 'false' },
    { name: 'IsFenced', type: 'bool', versions: '0+', default: 'true' },
    { name: 'ShouldShutDown', type: 'bool', versions: '0+' },
  ],
};
