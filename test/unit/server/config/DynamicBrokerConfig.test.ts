import { expect } from 'chai';
import { ConfigException } from '../../../../src/common/config/ConfigDef';
import { ConfigSource } from '../../../../src/protocol/apis/32-describe-configs';
import { AlterConfigOp } from '../../../../src/protocol/apis/44-incremental-alter-configs';
import { ConfigHelper } from '../../../../src/server/ConfigHelper';
import { BrokerConfigHandler } from '../../../../src/server/config/BrokerConfigHandler';
import { BrokerConfigStore, BrokerReconfigurable, DynamicBrokerConfig } from '../../../../src/server/config/DynamicBrokerConfig';
import { DynamicBrokerConfigAdmin, prepareIncrementalConfigs } from '../../../../src/server/config/DynamicBrokerConfigAdmin';
import { dynamicThreadPool } from '../../../../src/server/config/DynamicBrokerReconfigurables';
import { KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { getLogger } from '../../../../src/common/logger';

const base = { 'zookeeper.connect': 'localhost:2181', 'broker.id': '0', 'log.dirs': '/tmp/dyn-unit' };

/** An in-memory /config/brokers. */
class MemoryStore implements BrokerConfigStore {
  readonly znodes = new Map<string, Record<string, string>>();
  readonly notifications: string[] = [];
  async fetchBrokerConfig(name: string): Promise<Record<string, string>> {
    return { ...(this.znodes.get(name) ?? {}) };
  }
  async changeBrokerConfig(name: string, props: Readonly<Record<string, string>>): Promise<void> {
    this.znodes.set(name, { ...props });
    this.notifications.push(`brokers/${name}`);
  }
}

function setup(props: Record<string, string> = {}) {
  const config = new KafkaConfig({ ...base, ...props });
  const dyn = new DynamicBrokerConfig(config);
  const store = new MemoryStore();
  const admin = new DynamicBrokerConfigAdmin(0, dyn, store, getLogger('test'));
  const handler = new BrokerConfigHandler(0, dyn, store);
  /** What a broker does with the notifications an alter wrote. */
  const deliver = async () => {
    for (const n of store.notifications.splice(0)) await handler.processConfigChanges(n.substring('brokers/'.length));
  };
  return { config, dyn, store, admin, deliver };
}

describe('DynamicBrokerConfig', () => {
  it('precedence: per-broker dynamic > cluster default dynamic > server.properties > default', async () => {
    const { config, dyn, store } = setup({ 'log.retention.ms': '1000000', 'log.segment.bytes': '2000000' });
    store.znodes.set('<default>', { 'log.retention.ms': '500000', 'log.cleaner.backoff.ms': '7000' });
    store.znodes.set('0', { 'log.retention.ms': '250000' });
    await dyn.initialize(store);
    expect(config.logRetentionTimeMillis).to.equal(250000);
    expect(config.logCleanerBackoffMs).to.equal(7000);
    expect(config.logSegmentBytes).to.equal(2000000);
    expect(config.numIoThreads).to.equal(8);
    // Removing the per-broker value falls back to the cluster default, then to server.properties.
    dyn.updateBrokerConfig(0, {});
    expect(config.logRetentionTimeMillis).to.equal(500000);
    dyn.updateDefaultConfig({});
    expect(config.logRetentionTimeMillis).to.equal(1000000);
    expect(config.logCleanerBackoffMs).to.equal(15000);
  });

  it('only the first synonym is dynamic (log.retention.ms, not .hours/.minutes): it replaces the static synonyms', () => {
    const { config, dyn } = setup({ 'log.retention.hours': '1', 'log.roll.hours': '2' });
    dyn.updateDefaultConfig({ 'log.retention.ms': '42000', 'log.roll.ms': '43000' });
    expect(config.logRetentionTimeMillis).to.equal(42000);
    expect(config.logRollTimeMillis).to.equal(43000);
    expect(() => dyn.validate({ 'log.retention.hours': '2', 'log.retention.minutes': '3' }, false)).to.throw(
      'Cannot update these configs dynamically: Set(log.retention.hours, log.retention.minutes)',
    );
  });

  it("refuses non-dynamic keys, base security keys and per-broker keys at the default level with Kafka's messages", () => {
    const { dyn } = setup();
    expect(() => dyn.validate({ 'broker.id': '3', 'zookeeper.connect': 'x:1' }, true)).to.throw(
      ConfigException,
      'Cannot update these configs dynamically: Set(broker.id, zookeeper.connect)',
    );
    expect(() => dyn.validate({ 'ssl.keystore.location': '/k.p12' }, true)).to.throw(
      'These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.keystore.location)',
    );
    expect(() => dyn.validate({ 'listener.name.ssl.ssl.keystore.location': '/k.p12' }, false)).to.throw(
      'Cannot update these configs at default cluster level, broker id must be specified: Set(listener.name.ssl.ssl.keystore.location)',
    );
    expect(() => dyn.validate({ 'log.retention.ms': 'soon' }, false)).to.throw(
      'Invalid value soon for configuration log.retention.ms: Not a number of type LONG',
    );
    expect(() => dyn.validate({ 'log.cleaner.threads': '-1' }, false)).to.throw(
      'Invalid value -1 for configuration log.cleaner.threads: Value must be at least 0',
    );
    // KafkaConfig's own checks run on the merged set.
    expect(() => dyn.validate({ 'log.roll.ms': '0' }, false)).to.throw(/log.roll.ms/);
    // Custom keys (not KafkaConfig's) are allowed, as DynamicConfig.Broker.validate allows them.
    dyn.validate({ 'my.custom.key': 'x', 'leader.replication.throttled.rate': '1000' }, false);
    expect(() => dyn.validate({ 'leader.replication.throttled.rate': '-5' }, false)).to.throw(/Value must be at least 0/);
  });

  it('thread pools: at least 1 and between half and double the current value (DynamicThreadPool)', () => {
    const { dyn } = setup();
    dyn.addReconfigurable(dynamicThreadPool);
    dyn.validate({ 'num.io.threads': '16' }, true);
    dyn.validate({ 'num.io.threads': '4' }, true);
    expect(() => dyn.validate({ 'num.io.threads': '17' }, true)).to.throw('Invalid dynamic configuration');
    expect(() => dyn.validate({ 'num.io.threads': '3' }, true)).to.throw('Invalid dynamic configuration');
  });

  it('reconfigurables validate before the config changes and apply after, with old and new configs', () => {
    const { config, dyn } = setup();
    const seen: string[] = [];
    let refuse = false;
    const r: BrokerReconfigurable = {
      validateReconfiguration: (o, n) => {
        seen.push(`validate ${o.messageMaxBytes}->${n.messageMaxBytes}`);
        if (refuse) throw new Error('no');
      },
      reconfigure: (o, n) => seen.push(`reconfigure ${o.messageMaxBytes}->${n.messageMaxBytes}`),
    };
    dyn.addReconfigurable(r);
    dyn.validate({ 'message.max.bytes': '5000' }, false);
    expect(config.messageMaxBytes).to.equal(1048588);
    dyn.updateDefaultConfig({ 'message.max.bytes': '5000' });
    expect(config.messageMaxBytes).to.equal(5000);
    refuse = true;
    dyn.updateDefaultConfig({ 'message.max.bytes': '6000' });
    expect(config.messageMaxBytes).to.equal(5000);
    expect(dyn.currentDynamicDefaultConfigs()).to.deep.equal({ 'message.max.bytes': '5000' });
    expect(seen).to.deep.equal(['validate 1048588->5000', 'validate 1048588->5000', 'reconfigure 1048588->5000', 'validate 5000->6000']);
  });

  it('drops invalid, non-dynamic and misplaced keys found in ZooKeeper and keeps the rest', () => {
    const { config, dyn } = setup();
    dyn.updateDefaultConfig({ 'log.retention.ms': 'bad', 'broker.id': '9', 'listener.name.ssl.ssl.key.password': 'x', 'log.cleaner.backoff.ms': '999' });
    expect(dyn.currentDynamicDefaultConfigs()).to.deep.equal({ 'log.cleaner.backoff.ms': '999' });
    expect(config.brokerId).to.equal(0);
  });

  describe('passwords', () => {
    it('are stored encrypted per broker and decoded when read back; refused at the default level', () => {
      const { dyn } = setup({ 'password.encoder.secret': 'enc-secret' });
      const stored = dyn.toPersistentProps({ 'listener.name.ssl.ssl.keystore.password': 'ks-pw', 'log.cleaner.backoff.ms': '1' }, true);
      expect(stored['listener.name.ssl.ssl.keystore.password']).to.match(/^encryptedPassword:[^,]+,keyLength:128,cipherAlgorithm:AES\/CBC\/PKCS5Padding,/);
      expect(stored['log.cleaner.backoff.ms']).to.equal('1');
      expect(dyn.fromPersistentProps(stored, true)).to.deep.equal({ 'listener.name.ssl.ssl.keystore.password': 'ks-pw', 'log.cleaner.backoff.ms': '1' });
      expect(() => dyn.toPersistentProps({ 'listener.name.ssl.ssl.keystore.password': 'x' }, false)).to.throw(
        'Password config can be defined only at broker level',
      );
    });

    it('without password.encoder.secret a password cannot be stored, and a stored one is ignored', () => {
      const { dyn } = setup();
      expect(() => dyn.toPersistentProps({ 'listener.name.ssl.ssl.key.password': 'x' }, true)).to.throw('Password encoder secret not configured');
      expect(dyn.fromPersistentProps({ 'listener.name.ssl.ssl.key.password': 'encryptedPassword:x', 'num.io.threads': '9' }, true)).to.deep.equal({
        'num.io.threads': '9',
      });
    });

    it('password.encoder.old.secret: values are re-encoded with the new secret at start-up', async () => {
      const old = setup({ 'password.encoder.secret': 'old-secret' });
      const stored = old.dyn.toPersistentProps({ 'listener.name.ssl.ssl.key.password': 'key-pw' }, true);
      const { dyn, store } = setup({ 'password.encoder.secret': 'new-secret', 'password.encoder.old.secret': 'old-secret' });
      store.znodes.set('0', stored);
      await dyn.initialize(store);
      expect(store.znodes.get('0')!['listener.name.ssl.ssl.key.password']).to.not.equal(stored['listener.name.ssl.ssl.key.password']);
      expect(dyn.currentDynamicBrokerConfigs()).to.deep.equal({ 'listener.name.ssl.ssl.key.password': 'key-pw' });
      expect(setup({ 'password.encoder.secret': 'new-secret' }).dyn.fromPersistentProps(store.znodes.get('0')!, true)).to.deep.equal({
        'listener.name.ssl.ssl.key.password': 'key-pw',
      });
    });
  });

  describe('AlterConfigs / IncrementalAlterConfigs for BROKER resources (ZkAdminManager)', () => {
    it('writes the level znode and a notification; the handler applies it; validateOnly writes nothing', async () => {
      const { config, admin, store, deliver } = setup();
      let res = await admin.alterConfigs('', [{ name: 'log.retention.ms', value: '60000' }], true);
      expect(res.errorCode).to.equal(0);
      expect(store.znodes.size).to.equal(0);
      res = await admin.alterConfigs('', [{ name: 'log.retention.ms', value: '60000' }], false);
      expect(res.errorCode).to.equal(0);
      expect(store.znodes.get('<default>')).to.deep.equal({ 'log.retention.ms': '60000' });
      expect(store.notifications).to.deep.equal(['brokers/<default>']);
      await deliver();
      expect(config.logRetentionTimeMillis).to.equal(60000);
      res = await admin.incrementalAlterConfigs(
        '0',
        [
          { name: 'log.cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' },
          { name: 'num.io.threads', configOperation: AlterConfigOp.SET, value: '10' },
        ],
        false,
      );
      expect(res.errorCode).to.equal(0);
      expect(store.znodes.get('0')).to.deep.equal({ 'log.cleanup.policy': 'delete,compact', 'num.io.threads': '10' });
      await deliver();
      expect(config.logCleanupPolicy).to.deep.equal(['delete', 'compact']);
      expect(config.numIoThreads).to.equal(10);
    });

    it("answers Kafka's errors: another broker's id, a non-integer id, invalid configs, passwords without a secret", async () => {
      const { admin, store } = setup();
      let res = await admin.alterConfigs('1', [{ name: 'log.retention.ms', value: '1' }], false);
      expect([res.errorCode, res.errorMessage]).to.deep.equal([42, 'Unexpected broker id, expected 0, but received 1']);
      res = await admin.alterConfigs('x', [], false);
      expect([res.errorCode, res.errorMessage]).to.deep.equal([42, 'Broker id must be an integer, but it is: x']);
      res = await admin.alterConfigs('0', [{ name: 'auto.create.topics.enable', value: 'false' }], false);
      expect([res.errorCode, res.errorMessage]).to.deep.equal([
        40,
        "Invalid config value for resource ConfigResource(type=BROKER, name='0'): Cannot update these configs dynamically: Set(auto.create.topics.enable)",
      ]);
      res = await admin.alterConfigs('0', [{ name: 'listener.name.ssl.ssl.key.password', value: 'pw' }], false);
      expect([res.errorCode, res.errorMessage]).to.deep.equal([
        40,
        "Invalid config value for resource ConfigResource(type=BROKER, name='0'): Password encoder secret not configured",
      ]);
      res = await admin.incrementalAlterConfigs('', [{ name: 'log.retention.ms', configOperation: AlterConfigOp.APPEND, value: '5' }], false);
      expect([res.errorCode, res.errorMessage]).to.deep.equal([
        40,
        "Invalid config value for resource ConfigResource(type=BROKER, name=''): Config value append is not allowed for config key: log.retention.ms",
      ]);
      expect(store.znodes.size).to.equal(0);
    });

    it('prepareIncrementalConfigs: APPEND starts from the default list, SUBTRACT removes, DELETE drops', () => {
      const props: Record<string, string> = { 'num.io.threads': '9' };
      prepareIncrementalConfigs(
        [
          { name: 'log.cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' },
          { name: 'num.io.threads', configOperation: AlterConfigOp.DELETE, value: null },
        ],
        props,
      );
      expect(props).to.deep.equal({ 'log.cleanup.policy': 'delete,compact' });
      prepareIncrementalConfigs([{ name: 'log.cleanup.policy', configOperation: AlterConfigOp.SUBTRACT, value: 'delete' }], props);
      expect(props).to.deep.equal({ 'log.cleanup.policy': 'compact' });
    });
  });

  describe('DescribeConfigs (ConfigHelper with the dynamic layers)', () => {
    it("lists synonyms in Kafka's order with their sources, read_only from AllDynamicConfigs, sensitive values null", async () => {
      const { dyn, store } = setup({ 'log.retention.ms': '1000000', 'password.encoder.secret': 's' });
      store.znodes.set('<default>', { 'log.retention.ms': '500000' });
      store.znodes.set('0', dyn.toPersistentProps({ 'log.retention.ms': '250000', 'listener.name.ssl.ssl.key.password': 'pw' }, true));
      await dyn.initialize(store);
      const helper = new ConfigHelper(dyn.staticConfig, {
        staticConfig: dyn.staticConfig,
        dynamicBroker: () => dyn.currentDynamicBrokerConfigs(),
        dynamicDefault: () => dyn.currentDynamicDefaultConfigs(),
      });
      const entries = helper.brokerConfigEntries(true, false);
      const retention = entries.find((e) => e.name === 'log.retention.ms')!;
      expect(retention.value).to.equal('250000');
      expect(retention.readOnly).to.equal(false);
      expect(retention.configSource).to.equal(ConfigSource.DYNAMIC_BROKER_CONFIG);
      expect(retention.synonyms.map((s) => [s.name, s.value, s.source])).to.deep.equal([
        ['log.retention.ms', '250000', ConfigSource.DYNAMIC_BROKER_CONFIG],
        ['log.retention.ms', '500000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
        ['log.retention.ms', '1000000', ConfigSource.STATIC_BROKER_CONFIG],
        ['log.retention.hours', '168', ConfigSource.DEFAULT_CONFIG],
      ]);
      expect(entries.find((e) => e.name === 'broker.id')!.readOnly).to.equal(true);
      const pw = entries.find((e) => e.name === 'listener.name.ssl.ssl.key.password')!;
      expect([pw.value, pw.isSensitive, pw.readOnly, pw.configSource]).to.deep.equal([null, true, true, ConfigSource.DYNAMIC_BROKER_CONFIG]);
      expect(pw.synonyms).to.deep.equal([{ name: 'listener.name.ssl.ssl.key.password', value: null, source: ConfigSource.DYNAMIC_BROKER_CONFIG }]);
      const defaults = helper.defaultBrokerConfigEntries(true, false);
      expect(defaults.map((e) => [e.name, e.value, e.configSource, e.synonyms.length])).to.deep.equal([
        ['log.retention.ms', '500000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, 1],
      ]);
    });
  });
});
