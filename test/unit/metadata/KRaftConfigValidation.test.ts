import { expect } from 'chai';
import { isKRaftMode, validateKRaftConfig } from '../../../src/server/config/KRaftConfigValidation';
import { parseVoterConnections } from '../../../src/server/config/QuorumConfig';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';

const controller = {
  'process.roles': 'controller',
  'node.id': '3001',
  'controller.quorum.voters': '3001@127.0.0.1:19091,3002@127.0.0.1:19092,3003@127.0.0.1:19093',
  'controller.listener.names': 'CONTROLLER',
  listeners: 'CONTROLLER://127.0.0.1:19091',
  'log.dirs': '/tmp/kraft-controller-3001',
};
const broker = {
  'process.roles': 'broker',
  'node.id': '1',
  'controller.quorum.voters': '3001@127.0.0.1:19091,3002@127.0.0.1:19092,3003@127.0.0.1:19093',
  'controller.listener.names': 'CONTROLLER',
  listeners: 'PLAINTEXT://127.0.0.1:9092',
  'log.dirs': '/tmp/kraft-broker-1',
};
const combined = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.quorum.voters': '1@localhost:9093',
  'controller.listener.names': 'CONTROLLER',
  listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
  'log.dirs': '/tmp/kraft-combined-logs',
};

const fails = (props: Record<string, string>) => () => validateKRaftConfig(props);

describe('KRaft configuration (Kafka 3.7 KafkaConfig.validateValues)', () => {
  it('accepts a dedicated controller, a broker and a combined node, with Kafka 3.7 defaults', () => {
    const c = validateKRaftConfig(controller);
    expect([...c.processRoles]).to.deep.equal(['controller']);
    expect(c.nodeId).to.equal(3001);
    expect([...c.voters.keys()]).to.deep.equal([3001, 3002, 3003]);
    expect(c.voters.get(3002)).to.deep.equal({ host: '127.0.0.1', port: 19092, unknown: false });
    expect(c.metadataLogDir).to.equal('/tmp/kraft-controller-3001');
    expect(c.advertisedListeners).to.deep.equal([]);
    expect(c.listeners[0]).to.include({ listenerName: 'CONTROLLER', securityProtocol: 'PLAINTEXT' });
    expect([c.brokerSessionTimeoutMs, c.brokerHeartbeatIntervalMs]).to.deep.equal([9000, 2000]);
    expect([c.quorumElectionTimeoutMs, c.quorumFetchTimeoutMs, c.quorumElectionBackoffMaxMs, c.quorumRequestTimeoutMs]).to.deep.equal([1000, 2000, 1000, 2000]);
    expect([c.quorumAppendLingerMs, c.quorumRetryBackoffMs, c.metadataMaxIdleIntervalMs, c.initialBrokerRegistrationTimeoutMs]).to.deep.equal([
      25, 20, 500, 60000,
    ]);
    expect([c.metadataLogSegmentBytes, c.metadataLogSegmentMs, c.metadataMaxRetentionBytes, c.metadataMaxRetentionMs]).to.deep.equal([
      1073741824, 604800000, 104857600, 604800000,
    ]);
    expect([c.metadataSnapshotMaxNewRecordBytes, c.metadataSnapshotMaxIntervalMs]).to.deep.equal([20971520, 3600000]);
    expect(() => validateKRaftConfig({ ...controller, 'metadata.log.segment.bytes': '11' })).to.throw(
      'Invalid value 11 for configuration metadata.log.segment.bytes: Value must be at least 12',
    );
    const b = validateKRaftConfig({ ...broker, 'metadata.log.dir': '/tmp/meta' });
    expect(b.metadataLogDir).to.equal('/tmp/meta');
    expect(b.advertisedListeners.map((l) => l.port)).to.deep.equal([9092]);
    const m = validateKRaftConfig(combined);
    expect([...m.processRoles].sort()).to.deep.equal(['broker', 'controller']);
    expect(m.advertisedListeners.map((l) => l.listenerName)).to.deep.equal(['PLAINTEXT']);
  });

  it('tells KRaft mode from ZooKeeper mode by a non-empty process.roles', () => {
    expect(isKRaftMode(broker)).to.equal(true);
    expect(isKRaftMode({ 'process.roles': ' ' })).to.equal(false);
    expect(isKRaftMode({ 'zookeeper.connect': 'localhost:2181' })).to.equal(false);
  });

  it('requires a parseable voter set, with RaftConfig messages for malformed entries', () => {
    expect(fails({ ...broker, 'controller.quorum.voters': '' })).to.throw(
      'If using process.roles, controller.quorum.voters must contain a parseable set of voters.',
    );
    expect(fails({ ...broker, 'controller.quorum.voters': '3001-127.0.0.1:19091' })).to.throw(
      'Invalid configuration value for controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.',
    );
    expect(fails({ ...broker, 'controller.quorum.voters': 'x@127.0.0.1:19091' })).to.throw('Failed to parse voter ID as an integer from x');
    expect(fails({ ...broker, 'controller.quorum.voters': '3001@127.0.0.1' })).to.throw(
      'Failed to parse host name from entry 3001@127.0.0.1 for the configuration controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.',
    );
    expect(fails({ ...broker, 'controller.quorum.voters': '3001@' })).to.throw('Invalid configuration value for controller.quorum.voters.');
    expect(parseVoterConnections(['1@0.0.0.0:0']).get(1)).to.deep.equal({ host: '0.0.0.0', port: 0, unknown: true });
    expect(parseVoterConnections(['1@[::1]:9093']).get(1)).to.deep.equal({ host: '::1', port: 9093, unknown: false });
  });

  it('a malformed voter string is refused in ZooKeeper mode too, as Kafka validates every key', () => {
    expect(() => KafkaConfig.fromProps({ 'zookeeper.connect': 'localhost:2181', 'controller.quorum.voters': 'nonsense' })).to.throw(
      'Invalid configuration value for controller.quorum.voters.',
    );
    expect(KafkaConfig.fromProps({ 'zookeeper.connect': 'localhost:2181' }).getList('process.roles')).to.deep.equal([]);
  });

  it('node.id: required, equal to broker.id, a voter iff the node is a controller', () => {
    const { ['node.id']: _n, ...noNode } = broker;
    expect(fails(noNode)).to.throw('Missing configuration `node.id` which is required when `process.roles` is defined (i.e. when running in KRaft mode).');
    expect(fails({ ...broker, 'broker.id': '2' })).to.throw('You must set `node.id` to the same value as `broker.id`.');
    expect(validateKRaftConfig({ ...noNode, 'broker.id': '7' }).nodeId).to.equal(7);
    expect(fails({ ...broker, 'node.id': '3001' })).to.throw(
      "If process.roles contains just the 'broker' role, the node id 3001 must not be included in the set of voters controller.quorum.voters=Set(3001, 3002, 3003)",
    );
    expect(fails({ ...controller, 'node.id': '1' })).to.throw(
      "If process.roles contains the 'controller' role, the node id 1 must be included in the set of voters controller.quorum.voters=Set(3001, 3002, 3003)",
    );
  });

  it('controller.listener.names: required and outside listeners for a broker, inside listeners for a controller', () => {
    const { ['controller.listener.names']: _c, ...noNames } = broker;
    expect(fails(noNames)).to.throw('controller.listener.names must contain at least one value when running KRaft with just the broker role');
    expect(fails({ ...broker, listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093' })).to.throw(
      "controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role",
    );
    expect(fails({ ...broker, 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT' })).to.throw(
      'Controller listener with name CONTROLLER defined in controller.listener.names not found in listener.security.protocol.map',
    );
    const mapped = { ...controller, 'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,OTHER:PLAINTEXT' };
    expect(fails({ ...controller, 'controller.listener.names': 'OTHER' })).to.throw('No security protocol defined for listener CONTROLLER');
    expect(fails({ ...mapped, listeners: '' })).to.throw(
      "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role",
    );
    expect(fails({ ...mapped, 'controller.listener.names': 'CONTROLLER,OTHER' })).to.throw(
      "controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role",
    );
    expect(fails({ ...controller, listeners: 'CONTROLLER://127.0.0.1:19091,PLAINTEXT://127.0.0.1:9092' })).to.throw(
      'The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller',
    );
    expect(fails({ ...controller, 'advertised.listeners': 'CONTROLLER://127.0.0.1:19091' })).to.throw(
      'The advertised.listeners config must be empty when process.roles=controller',
    );
    expect(fails({ ...combined, listeners: 'CONTROLLER://:9093' })).to.throw(
      'There must be at least one advertised listener. Perhaps all listeners appear in controller.listener.names?',
    );
    expect(fails({ ...combined, 'advertised.listeners': 'PLAINTEXT://h:9092,CONTROLLER://h:9093' })).to.throw(
      'The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role',
    );
  });

  it('process.roles: only broker and controller, each once', () => {
    expect(fails({ ...broker, 'process.roles': 'broker,zookeeper' })).to.throw(
      'Invalid value zookeeper for configuration process.roles: String must be one of: broker, controller',
    );
    expect(fails({ ...broker, 'process.roles': 'broker,broker' })).to.throw('Duplicate role names found in `process.roles`: ArrayBuffer(broker, broker)');
  });
});
