import { expect } from 'chai';
import * as D from '../../../src/zk/ZkData';

const s = (b: Buffer): string => b.toString('utf8');
const assignment = (o: Record<number, number[]>): Map<number, number[]> => new Map(Object.entries(o).map(([k, v]) => [Number(k), v]));

describe('ZkData: /brokers/ids/<id> v5', () => {
  const plain: D.EndPoint = { listenerName: 'PLAINTEXT', host: 'kafka-1', port: 9092, securityProtocol: 'PLAINTEXT' };
  it('encodes the zk-mode.md example byte for byte', () => {
    expect(s(D.encodeBrokerInfo({ id: 1, endpoints: [plain], jmxPort: -1, timestamp: '1704032948949' }))).to.equal(
      '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://kafka-1:9092"],' +
        '"jmx_port":-1,"port":9092,"host":"kafka-1","version":5,"timestamp":"1704032948949"}',
    );
  });
  it('puts rack after endpoints and keeps listener order', () => {
    const ext: D.EndPoint = { listenerName: 'EXTERNAL', host: 'example.com', port: 19092, securityProtocol: 'PLAINTEXT' };
    expect(s(D.encodeBrokerInfo({ id: 2, endpoints: [plain, ext], rack: 'r1', timestamp: '1' }))).to.equal(
      '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","EXTERNAL":"PLAINTEXT"},' +
        '"endpoints":["PLAINTEXT://kafka-1:9092","EXTERNAL://example.com:19092"],"rack":"r1","jmx_port":-1,"port":9092,' +
        '"host":"kafka-1","version":5,"timestamp":"1"}',
    );
  });
  it('writes host null / port -1 without a PLAINTEXT listener, brackets IPv6', () => {
    const ssl: D.EndPoint = { listenerName: 'SSL', host: '::1', port: 9093, securityProtocol: 'SSL' };
    const json = s(D.encodeBrokerInfo({ id: 3, endpoints: [ssl], timestamp: '5' }));
    expect(json).to.equal(
      '{"features":{},"listener_security_protocol_map":{"SSL":"SSL"},"endpoints":["SSL://[::1]:9093"],"jmx_port":-1,"port":-1,"host":null,"version":5,"timestamp":"5"}',
    );
    const back = D.decodeBrokerInfo(3, Buffer.from(json));
    expect(back.endpoints).to.deep.equal([ssl]);
    expect(back.host).to.equal(null);
  });
  it('decodes what it encodes', () => {
    const b = D.decodeBrokerInfo(1, D.encodeBrokerInfo({ id: 1, endpoints: [plain], rack: 'a', jmxPort: 9999, timestamp: '7' }));
    expect(b).to.deep.equal({
      id: 1,
      endpoints: [plain],
      rack: 'a',
      jmxPort: 9999,
      version: 5,
      timestamp: '7',
      features: {},
      host: 'kafka-1',
      port: 9092,
    });
  });
});

describe('ZkData: /brokers/topics/<t> v3', () => {
  it('encodes the zk-mode.md example', () => {
    expect(s(D.encodeTopicZNode('cMr3GpVESX2L3byPGf93lQ', assignment({ 0: [2, 3, 1], 1: [3, 1, 2], 2: [1, 2, 3] })))).to.equal(
      '{"partitions":{"0":[2,3,1],"1":[3,1,2],"2":[1,2,3]},"topic_id":"cMr3GpVESX2L3byPGf93lQ","adding_replicas":{},"removing_replicas":{},"version":3}',
    );
  });
  it('omits topic_id when absent', () => {
    expect(s(D.encodeTopicZNode(null, assignment({ 0: [1] })))).to.equal('{"partitions":{"0":[1]},"adding_replicas":{},"removing_replicas":{},"version":3}');
  });
  it('writes reassignment maps and the 12-partition order', () => {
    const parts = new Map(Array.from({ length: 12 }, (_, p) => [p, [1]] as [number, number[]]));
    const json = s(D.encodeTopicZNode('id', parts, assignment({ 3: [4, 5] }), assignment({ 3: [1] })));
    expect(json).to.equal(
      '{"partitions":{"11":[1],"0":[1],"1":[1],"2":[1],"3":[1],"4":[1],"5":[1],"6":[1],"7":[1],"8":[1],"9":[1],"10":[1]},' +
        '"topic_id":"id","adding_replicas":{"3":[4,5]},"removing_replicas":{"3":[1]},"version":3}',
    );
    const back = D.decodeTopicZNode(Buffer.from(json));
    expect(back.topicId).to.equal('id');
    expect([...back.partitions.keys()]).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(back.adding.get(3)).to.deep.equal([4, 5]);
    expect(back.removing.get(3)).to.deep.equal([1]);
  });
});

describe('ZkData: partition state', () => {
  const l = (over: Partial<D.LeaderAndIsr> = {}): D.LeaderAndIsr => ({
    leader: 2,
    leaderEpoch: 0,
    isr: [2, 3, 1],
    leaderRecoveryState: 0,
    partitionEpoch: 0,
    ...over,
  });
  it('encodes controller_epoch, leader, version, leader_epoch, isr', () => {
    expect(s(D.encodeTopicPartitionState({ leaderAndIsr: l(), controllerEpoch: 1 }))).to.equal(
      '{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,3,1]}',
    );
  });
  it('adds leader_recovery_state while RECOVERING', () => {
    expect(s(D.encodeTopicPartitionState({ leaderAndIsr: l({ leader: 3, leaderEpoch: 4, isr: [3], leaderRecoveryState: 1 }), controllerEpoch: 2 }))).to.equal(
      '{"controller_epoch":2,"leader":3,"version":1,"leader_recovery_state":1,"leader_epoch":4,"isr":[3]}',
    );
  });
  it('decodes with the znode version as partition epoch', () => {
    const d = D.decodeTopicPartitionState(Buffer.from('{"controller_epoch":1,"leader":-1,"version":1,"leader_epoch":5,"isr":[1]}'), { version: 7 });
    expect(d).to.deep.equal({ controllerEpoch: 1, leaderAndIsr: l({ leader: -1, leaderEpoch: 5, isr: [1], partitionEpoch: 7 }) });
  });
});

describe('ZkData: other znodes', () => {
  it('controller, epoch, cluster id, feature', () => {
    expect(s(D.encodeController(1, 1704032949256))).to.equal('{"version":2,"brokerid":1,"timestamp":"1704032949256","kraftControllerEpoch":-1}');
    expect(D.decodeController(D.encodeController(3, 1))?.brokerId).to.equal(3);
    expect(D.decodeController(Buffer.from('{"version":1,"brokerid":0,"timestamp":"1535943857541"}'))?.brokerId).to.equal(0);
    expect(s(D.encodeControllerEpoch(2))).to.equal('2');
    expect(D.decodeControllerEpoch(Buffer.from('17'))).to.equal(17);
    expect(s(D.encodeClusterId('0-qO5c0cSx6Xr_0aaXdpZg'))).to.equal('{"version":"1","id":"0-qO5c0cSx6Xr_0aaXdpZg"}');
    expect(D.decodeClusterId(D.encodeClusterId('abc'))).to.equal('abc');
    expect(s(D.encodeFeature())).to.equal('{"features":{},"version":2,"status":1}');
    expect(s(D.encodeFeature({ f: { maxVersionLevel: 2 } }))).to.equal('{"features":{"f":{"max_version_level":2}},"version":2,"status":1}');
    expect(D.decodeFeature(D.encodeFeature())).to.deep.equal({ version: 2, status: 1, features: {} });
  });
  it('config entity and change notifications', () => {
    expect(s(D.encodeConfigEntity({ 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' }))).to.equal(
      '{"version":1,"config":{"compression.type":"producer","cleanup.policy":"compact","segment.bytes":"104857600"}}',
    );
    expect(s(D.encodeConfigEntity({}))).to.equal('{"version":1,"config":{}}');
    expect(s(D.encodeConfigEntity({ 'retention.ms': '604800000' }))).to.equal('{"version":1,"config":{"retention.ms":"604800000"}}');
    expect(D.decodeConfigEntity(Buffer.from('{"version":1,"config":{"a":"1"}}'))).to.deep.equal({ a: '1' });
    expect(s(D.encodeConfigChangeNotification('topics/my-topic'))).to.equal('{"version":2,"entity_path":"topics/my-topic"}');
    expect(D.decodeConfigChangeNotification(Buffer.from('{"version":1,"entity_type":"topics","entity_name":"t"}'))).to.equal('topics/t');
  });
  it('partition lists, reassignment, log dir events, producer id block', () => {
    const tp = [{ topic: 't', partition: 0 }];
    expect(s(D.encodeIsrChangeNotification(tp))).to.equal('{"version":1,"partitions":[{"topic":"t","partition":0}]}');
    expect(s(D.encodePreferredReplicaElection(tp))).to.equal('{"version":1,"partitions":[{"topic":"t","partition":0}]}');
    expect(D.decodePreferredReplicaElection(D.encodePreferredReplicaElection(tp))).to.deep.equal(tp);
    expect(s(D.encodeReassignPartitions([{ topic: 't', partition: 0, replicas: [1, 2, 3] }]))).to.equal(
      '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2,3]}]}',
    );
    expect(s(D.encodeLogDirEvent(2))).to.equal('{"version":1,"broker":2,"event":1}');
    expect(s(D.encodeProducerIdBlock({ brokerId: 0, blockStart: 0n, blockEnd: 999n }))).to.equal(
      '{"version":1,"broker":0,"block_start":"0","block_end":"999"}',
    );
    expect(D.decodeProducerIdBlock(Buffer.from('{"version":1,"broker":0,"block_start":"1000","block_end":"1999"}'))?.blockEnd).to.equal(1999n);
  });
  it('paths and the top-level creation order', () => {
    expect(D.PersistentZkPaths).to.deep.equal([
      '/consumers',
      '/brokers/ids',
      '/brokers/topics',
      '/config/changes',
      '/admin/delete_topics',
      '/brokers/seqid',
      '/isr_change_notification',
      '/latest_producer_id_block',
      '/log_dir_event_notification',
      '/config/topics',
      '/config/clients',
      '/config/users',
      '/config/brokers',
      '/config/ips',
    ]);
    expect(D.TopicPartitionStateZNode.path({ topic: 'a-b', partition: 3 })).to.equal('/brokers/topics/a-b/partitions/3/state');
    expect(D.parseTopicPartitionKey('a-b-3')).to.deep.equal({ topic: 'a-b', partition: 3 });
    expect(D.sequenceSuffix(7)).to.equal('0000000007');
  });
  it('random ids: 22 url-safe chars, topic ids never start with "-"', () => {
    for (let i = 0; i < 200; i++) {
      const t = D.randomTopicId();
      expect(t).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(D.generateClusterId()).to.match(/^[A-Za-z0-9_-]{22}$/);
    }
  });
});
