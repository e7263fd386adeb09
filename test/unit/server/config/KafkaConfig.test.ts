import { expect } from 'chai';
import { ConfigException, KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { javaDoubleToString } from '../../../../src/common/config/ConfigDef';

const base = { 'zookeeper.connect': 'localhost:2181' };
const make = (props: Record<string, string> = {}) => KafkaConfig.fromProps({ ...base, ...props });

function configError(props: Record<string, string>): ConfigException {
  try {
    KafkaConfig.fromProps(props);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigException);
    return e as ConfigException;
  }
  throw new Error('expected a ConfigException');
}

describe('KafkaConfig', () => {
  describe('defaults (Apache Kafka 3.7)', () => {
    const c = make();
    it('general and ZooKeeper', () => {
      expect(c.brokerId).to.equal(-1);
      expect(c.brokerIdGenerationEnable).to.equal(true);
      expect(c.maxReservedBrokerId).to.equal(1000);
      expect(c.zkConnect).to.equal('localhost:2181');
      expect(c.zkSessionTimeoutMs).to.equal(18000);
      expect(c.zkConnectionTimeoutMs).to.equal(18000);
      expect(c.zkMaxInFlightRequests).to.equal(10);
      expect(c.zkEnableSecureAcls).to.equal(false);
      expect(c.messageMaxBytes).to.equal(1048588);
      expect(c.socketRequestMaxBytes).to.equal(104857600);
      expect(c.connectionsMaxIdleMs).to.equal(600000);
      expect(c.interBrokerProtocolVersion).to.equal('3.7-IV4');
      expect(c.rack).to.equal(null);
    });
    it('log', () => {
      expect(c.logDirs).to.deep.equal(['/tmp/kafka-logs']);
      expect(c.numPartitions).to.equal(1);
      expect(c.defaultReplicationFactor).to.equal(1);
      expect(c.autoCreateTopicsEnable).to.equal(true);
      expect(c.deleteTopicEnable).to.equal(true);
      expect(c.logSegmentBytes).to.equal(1073741824);
      expect(c.logRollTimeMillis).to.equal(168 * 3600000);
      expect(c.logRetentionTimeMillis).to.equal(168 * 3600000);
      expect(c.logRetentionBytes).to.equal(-1);
      expect(c.logCleanupIntervalMs).to.equal(300000);
      expect(c.logCleanupPolicy).to.deep.equal(['delete']);
      expect(c.logIndexIntervalBytes).to.equal(4096);
      expect(c.logIndexSizeMaxBytes).to.equal(10485760);
      expect(c.compressionType).to.equal('producer');
      expect(c.logMessageTimestampType).to.equal('CreateTime');
      expect(c.minInSyncReplicas).to.equal(1);
      expect(c.getLong('log.flush.interval.messages')).to.be.greaterThan(Number.MAX_SAFE_INTEGER);
    });
    it('replication, groups, offsets, transactions', () => {
      expect(c.offsetsTopicPartitions).to.equal(50);
      expect(c.offsetsTopicReplicationFactor).to.equal(3);
      expect(c.offsetsTopicSegmentBytes).to.equal(104857600);
      expect(c.offsetsRetentionMinutes).to.equal(10080);
      expect(c.groupInitialRebalanceDelay).to.equal(3000);
      expect(c.groupMinSessionTimeoutMs).to.equal(6000);
      expect(c.groupMaxSessionTimeoutMs).to.equal(1800000);
      expect(c.transactionTopicReplicationFactor).to.equal(3);
      expect(c.transactionTopicMinISR).to.equal(2);
      expect(c.uncleanLeaderElectionEnable).to.equal(false);
      expect(c.autoLeaderRebalanceEnable).to.equal(true);
      expect(c.leaderImbalanceCheckIntervalSeconds).to.equal(300);
      expect(c.leaderImbalancePerBrokerPercentage).to.equal(10);
      expect(c.controlledShutdownEnable).to.equal(true);
      expect(c.controlledShutdownMaxRetries).to.equal(3);
      expect(c.controlledShutdownRetryBackoffMs).to.equal(5000);
      expect(c.controllerSocketTimeoutMs).to.equal(30000);
      expect(c.replicaLagTimeMaxMs).to.equal(30000);
      expect(c.replicaFetchWaitMaxMs).to.equal(500);
      expect(c.replicaFetchMaxBytes).to.equal(1048576);
      expect(c.numReplicaFetchers).to.equal(1);
    });
    it('listeners: PLAINTEXT://:9092 on all interfaces, advertised the same, default protocol map', () => {
      const ep = { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '', port: 9092 };
      expect(c.listeners).to.deep.equal([ep]);
      expect(c.advertisedListeners).to.deep.equal([ep]);
      expect(c.interBrokerListenerName).to.equal('PLAINTEXT');
      expect([...c.listenerSecurityProtocolMap.keys()]).to.deep.equal(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);
    });
    it('logConfig() has the LogConfig shape', () => {
      const lc = c.logConfig();
      expect(lc).to.include({
        segmentBytes: 1073741824,
        indexIntervalBytes: 4096,
        maxIndexSize: 10485760,
        segmentMs: 604800000,
        maxMessageBytes: 1048588,
        retentionMs: 604800000,
        compressionType: 'producer',
      });
      expect(lc.flushIntervalMessages).to.be.greaterThan(Number.MAX_SAFE_INTEGER);
    });
  });

  describe('derived values', () => {
    it('log.retention.ms > minutes > hours; negatives mean -1', () => {
      expect(make({ 'log.retention.hours': '1' }).logRetentionTimeMillis).to.equal(3600000);
      expect(make({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).logRetentionTimeMillis).to.equal(120000);
      expect(make({ 'log.retention.minutes': '2', 'log.retention.ms': '5' }).logRetentionTimeMillis).to.equal(5);
      expect(make({ 'log.retention.ms': '-5' }).logRetentionTimeMillis).to.equal(-1);
    });
    it('log.roll.ms wins over log.roll.hours', () => {
      expect(make({ 'log.roll.hours': '2' }).logRollTimeMillis).to.equal(7200000);
      expect(make({ 'log.roll.hours': '2', 'log.roll.ms': '1000' }).logRollTimeMillis).to.equal(1000);
    });
    it('log.dirs wins over log.dir and is a trimmed list', () => {
      expect(make({ 'log.dir': '/a' }).logDirs).to.deep.equal(['/a']);
      expect(make({ 'log.dir': '/a', 'log.dirs': ' /b , /c,' }).logDirs).to.deep.equal(['/b', '/c']);
    });
    it('zookeeper.connection.timeout.ms defaults to the session timeout', () => {
      expect(make({ 'zookeeper.session.timeout.ms': '6000' }).zkConnectionTimeoutMs).to.equal(6000);
      expect(make({ 'zookeeper.connection.timeout.ms': '1000' }).zkConnectionTimeoutMs).to.equal(1000);
    });
    it('advertised.listeners defaults to listeners; listener names are upper-cased', () => {
      const c = make({ listeners: 'plaintext://127.0.0.1:9093' });
      expect(c.listeners).to.deep.equal([{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9093 }]);
      expect(c.advertisedListeners).to.deep.equal(c.listeners);
    });
    it('custom listener names through listener.security.protocol.map and inter.broker.listener.name', () => {
      const c = make({
        listeners: 'INTERNAL://:9092, EXTERNAL://[::1]:9093',
        'advertised.listeners': 'INTERNAL://kafka-1:9092,EXTERNAL://localhost:9093',
        'listener.security.protocol.map': 'INTERNAL:PLAINTEXT, EXTERNAL : PLAINTEXT',
        'inter.broker.listener.name': 'INTERNAL',
      });
      expect(c.listeners.map((e) => [e.listenerName, e.host, e.port])).to.deep.equal([
        ['INTERNAL', '', 9092],
        ['EXTERNAL', '::1', 9093],
      ]);
      expect(c.advertisedListeners[0].host).to.equal('kafka-1');
      expect(c.interBrokerListenerName).to.equal('INTERNAL');
      expect(c.interBrokerSecurityProtocol).to.equal('PLAINTEXT');
    });
    it('accepts Kafka forms: trimmed values, +N, case-insensitive booleans, typed values', () => {
      const c = KafkaConfig.fromProps({
        ...base,
        'num.partitions': ' +3 ',
        'auto.create.topics.enable': 'FALSE',
        'log.retention.bytes': 1073741824,
        'delete.topic.enable': false,
        'log.cleanup.policy': 'compact , delete',
      });
      expect(c.numPartitions).to.equal(3);
      expect(c.autoCreateTopicsEnable).to.equal(false);
      expect(c.deleteTopicEnable).to.equal(false);
      expect(c.logRetentionBytes).to.equal(1073741824);
      expect(c.logCleanupPolicy).to.deep.equal(['compact', 'delete']);
      expect(c.valueString('log.cleanup.policy')).to.equal('compact,delete');
    });
  });

  describe('errors name the key', () => {
    it('missing zookeeper.connect', () => {
      const e = configError({});
      expect(e.message).to.equal('Missing required configuration "zookeeper.connect" which has no default value.');
      expect(e.configName).to.equal('zookeeper.connect');
    });
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'log.segment.bytes': 'abc' }, 'Invalid value abc for configuration log.segment.bytes: Not a number of type INT'],
      [{ 'log.segment.bytes': '13' }, 'Invalid value 13 for configuration log.segment.bytes: Value must be at least 14'],
      [{ 'log.segment.bytes': '2147483648' }, 'Invalid value 2147483648 for configuration log.segment.bytes: Not a number of type INT'],
      [{ 'log.retention.bytes': '1.5' }, 'Invalid value 1.5 for configuration log.retention.bytes: Not a number of type LONG'],
      [{ 'offsets.topic.replication.factor': '40000' }, 'Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT'],
      [{ 'auto.create.topics.enable': 'yes' }, 'Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false'],
      [{ 'log.cleanup.policy': 'delete,foo' }, 'Invalid value foo for configuration log.cleanup.policy: String must be one of: compact, delete'],
      [
        { 'log.message.timestamp.type': 'Now' },
        'Invalid value Now for configuration log.message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
      ],
      [
        { 'compression.type': 'brotli' },
        'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
      ],
      [{ 'num.partitions': '0' }, 'Invalid value 0 for configuration num.partitions: Value must be at least 1'],
      [{ 'inter.broker.protocol.version': '9.9' }, 'Invalid value 9.9 for configuration inter.broker.protocol.version: Version 9.9 is not a valid version'],
    ];
    for (const [props, message] of cases) {
      const key = Object.keys(props)[0];
      it(`${key}=${props[key]}`, () => {
        const e = configError({ ...base, ...props });
        expect(e.message).to.equal(message);
        expect(e.configName).to.equal(key);
      });
    }
    it('listener problems', () => {
      expect(configError({ ...base, listeners: 'FOO://:9092' }).message).to.contain('No security protocol defined for listener FOO');
      expect(configError({ ...base, listeners: 'nonsense' }).message).to.contain('Unable to parse nonsense to a broker endpoint');
      const dup = configError({ ...base, listeners: 'PLAINTEXT://:9092,SSL://:9092' });
      expect(dup.message).to.contain('Each listener must have a different port');
      expect(dup.configName).to.equal('listeners');
      expect(configError({ ...base, 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' }).configName).to.equal('advertised.listeners');
      const proto = configError({ ...base, 'listener.security.protocol.map': 'PLAINTEXT:FOO' });
      expect(proto.message).to.equal('Invalid security protocol `FOO` defined in listener.security.protocol.map');
      const both = configError({ ...base, 'inter.broker.listener.name': 'PLAINTEXT', 'security.inter.broker.protocol': 'PLAINTEXT' });
      expect(both.message).to.equal('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.');
    });
    it('cross-key checks', () => {
      expect(configError({ ...base, 'broker.id': '1001' }).configName).to.equal('broker.id');
      expect(configError({ ...base, 'broker.id.generation.enable': 'false' }).message).to.equal('broker.id must be greater than or equal to 0');
      expect(configError({ ...base, 'log.dirs': ' , ' }).configName).to.equal('log.dirs');
      expect(configError({ ...base, 'replica.fetch.wait.max.ms': '40000' }).configName).to.equal('replica.socket.timeout.ms');
    });
  });

  describe('unknown keys, getters, logValues', () => {
    it('keeps and reports unknown keys', () => {
      const c = make({ 'foo.bar': 'x', 'a.b': 'y' });
      expect(c.originals['foo.bar']).to.equal('x');
      expect(c.unknownKeys()).to.deep.equal(['a.b', 'foo.bar']);
    });
    it('typed getters', () => {
      const c = make({ 'broker.id': '7' });
      expect(c.getInt('broker.id')).to.equal(7);
      expect(c.getString('listeners')).to.equal('PLAINTEXT://:9092');
      expect(c.getBoolean('delete.topic.enable')).to.equal(true);
      expect(c.getList('log.cleanup.policy')).to.deep.equal(['delete']);
      expect(c.getDouble('log.cleaner.min.cleanable.ratio')).to.equal(0.5);
      expect(c.getLong('log.retention.check.interval.ms')).to.equal(300000);
      expect(() => c.getInt('no.such.key')).to.throw(ConfigException);
      expect(() => c.getInt('listeners')).to.throw(ConfigException);
    });
    it('logValues: sorted tab-indented Java forms', () => {
      const text = make({ 'broker.id': '1', 'log.cleanup.policy': 'compact,delete' }).logValues();
      const lines = text.split('\n');
      expect(lines[0]).to.equal('KafkaConfig values: ');
      expect(text.endsWith('\n')).to.equal(true);
      const body = lines.slice(1, -1);
      expect(body.every((l) => /^\t[a-z.]+ = .*$/.test(l))).to.equal(true);
      const keys = body.map((l) => l.slice(1, l.indexOf(' = ')));
      expect(keys).to.deep.equal([...keys].sort());
      expect(body).to.include('\tbroker.id = 1');
      expect(body).to.include('\tadvertised.listeners = null');
      expect(body).to.include('\tlog.cleanup.policy = [compact, delete]');
      expect(body).to.include('\tlog.flush.interval.messages = 9223372036854775807');
      expect(body).to.include('\tlog.cleaner.io.max.bytes.per.second = 1.7976931348623157E308');
      expect(body).to.include('\tlog.cleaner.min.cleanable.ratio = 0.5');
      expect(body).to.include('\tzookeeper.connect = localhost:2181');
    });
    it('Java Double.toString forms', () => {
      expect(javaDoubleToString(1)).to.equal('1.0');
      expect(javaDoubleToString(0.9)).to.equal('0.9');
      expect(javaDoubleToString(1e7)).to.equal('1.0E7');
      expect(javaDoubleToString(1e-4)).to.equal('1.0E-4');
    });
  });

  describe('ZooKeeper-mode identity and KRaft keys', () => {
    it('broker.id and node.id are synonyms: either fills the other (KafkaConfig.populateSynonyms)', () => {
      expect(make({ 'broker.id': '3' }).getInt('node.id')).to.equal(3);
      expect(make({ 'node.id': '4' }).brokerId).to.equal(4);
      expect(make().getInt('node.id')).to.equal(-1);
    });
    it("refuses controller.listener.names outside KRaft mode, with Kafka 3.7's message", () => {
      const e = configError({ ...base, 'broker.id': '1', 'controller.listener.names': 'CONTROLLER' });
      expect(e.message).to.contain('controller.listener.names must be empty when not running in KRaft mode: [CONTROLLER]');
    });
  });
});

describe('KafkaConfig in KRaft mode (process.roles set)', () => {
  const voters = '3001@127.0.0.1:19091,3002@127.0.0.1:19092,3003@127.0.0.1:19093';
  it('builds a broker: no zookeeper.connect needed, node.id is broker.id, the controller listener is known but not served', () => {
    const c = KafkaConfig.fromProps({
      'process.roles': 'broker',
      'node.id': '1',
      'controller.quorum.voters': voters,
      'controller.listener.names': 'CONTROLLER',
      listeners: 'PLAINTEXT://127.0.0.1:9092',
      'log.dirs': '/tmp/kraft-b1',
    });
    expect(c.kraft).to.not.equal(null);
    expect([...c.kraft!.processRoles]).to.deep.equal(['broker']);
    expect(c.brokerId).to.equal(1);
    expect([...c.kraft!.voters.keys()]).to.deep.equal([3001, 3002, 3003]);
    expect(c.listeners.map((l) => l.listenerName)).to.deep.equal(['PLAINTEXT']);
    expect(c.advertisedListeners.map((l) => `${l.host}:${l.port}`)).to.deep.equal(['127.0.0.1:9092']);
    expect(c.listenerSecurityProtocolMap.get('CONTROLLER')).to.equal('PLAINTEXT');
  });

  it('builds a controller whose only listener is the CONTROLLER one, advertising nothing', () => {
    const c = KafkaConfig.fromProps({
      'process.roles': 'controller',
      'node.id': '3001',
      'controller.quorum.voters': voters,
      'controller.listener.names': 'CONTROLLER',
      listeners: 'CONTROLLER://127.0.0.1:19091',
      'log.dirs': '/tmp/kraft-c1',
    });
    expect(c.brokerId).to.equal(3001);
    expect(c.listeners.map((l) => `${l.listenerName}:${l.securityProtocol}:${l.port}`)).to.deep.equal(['CONTROLLER:PLAINTEXT:19091']);
    expect(c.advertisedListeners).to.deep.equal([]);
    expect(c.kraft!.metadataLogDir).to.equal('/tmp/kraft-c1');
  });

  it('keeps ZooKeeper mode as it was: kraft is null', () => {
    const c = KafkaConfig.fromProps({ 'zookeeper.connect': 'localhost:2181', 'broker.id': '0' });
    expect(c.kraft).to.equal(null);
  });
});
