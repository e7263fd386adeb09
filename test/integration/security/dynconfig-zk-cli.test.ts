import { expect } from 'chai';
import * as fs from 'fs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeConfigsApi } from '../../../src/protocol/apis';
import { ConfigResourceType, ConfigSource } from '../../../src/protocol/apis/32-describe-configs';
import { EncryptingPasswordEncoder } from '../../../src/server/config/PasswordEncoder';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const WARNING =
  'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.\n';
const PW_KEY = 'listener.name.plaintext.ssl.key.password';
const decoder = (secret: string) => new EncryptingPasswordEncoder(secret, null, 'AES/CBC/PKCS5Padding', 128, 4096);

/**
 * kafka-configs --zookeeper for brokers (Kafka 3.7's ConfigCommand): refused while the broker runs; with the broker
 * down it writes /config/brokers/<id> with passwords encrypted by the password.encoder.secret given in --add-config, and
 * the broker starts with those values. A restart with password.encoder.old.secret re-encodes the stored passwords.
 */
describe('integration: kafka-configs --zookeeper for brokers, password encoding, old-secret rotation', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ overrides: { 'password.encoder.secret': 'first-secret' } });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const zkConfigs = (...args: string[]) => runTool('kafka-configs', ['--zookeeper', cluster.connectString, '--entity-type', 'brokers', ...args]);
  const stored = async () => (JSON.parse((await zk.get('/config/brokers/1')).data!) as { version: number; config: Record<string, string> }).config;

  it('refuses while the broker runs, with Kafka 3.7 requirement messages', async () => {
    const one = await zkConfigs('--entity-name', '1', '--alter', '--add-config', 'log.cleaner.backoff.ms=5000');
    expect(one.code).to.equal(1);
    expect(one.stdout).to.equal(WARNING);
    expect(one.stderr).to.equal(
      'requirement failed: --bootstrap-server option must be specified to update brokers configs: {add: {log.cleaner.backoff.ms=5000}, delete: List()} - broker 1 is running. Broker configuration operations using ZooKeeper are only supported if the affected broker(s) are not running.\n',
    );
    const dflt = await zkConfigs('--entity-default', '--alter', '--add-config', 'log.cleaner.backoff.ms=5000');
    expect(dflt.stderr).to.contain(' - 1 brokers are running. Broker configuration operations using ZooKeeper');
    const d = await zkConfigs('--entity-name', '1', '--describe');
    expect(d.stderr).to.contain('requirement failed: --bootstrap-server option must be specified to describe brokers - broker 1 is running.');
    expect(await zk.exists('/config/brokers/1')).to.equal(false);
  });

  it('with the broker down: encrypts passwords with the given secret, refuses without one, and the broker starts with the values', async () => {
    await cluster.stopBroker(1);
    await waitFor('broker 1 unregistered', async () => !(await zk.exists('/brokers/ids/1')), 20000);
    const noSecret = await zkConfigs('--entity-name', '1', '--alter', '--add-config', `${PW_KEY}=key-pw`);
    expect(noSecret.code).to.equal(1);
    expect(noSecret.stderr).to.equal(
      `requirement failed: password.encoder.secret must be specified to update Set(${PW_KEY}). Other password encoder configs like cipher algorithm and iterations may also be specified to override the default encoding parameters. Password encoder configs will not be persisted in ZooKeeper.\n`,
    );
    const nonDynamic = await zkConfigs('--entity-name', '1', '--alter', '--add-config', 'broker.rack=r1');
    expect(nonDynamic.code).to.equal(1);
    expect(nonDynamic.stderr).to.contain('org.apache.kafka.common.config.ConfigException: Cannot update these configs dynamically: Set(broker.rack)');

    const ok = await zkConfigs(
      '--entity-name',
      '1',
      '--alter',
      '--add-config',
      `log.retention.ms=1234567,${PW_KEY}=key-pw,password.encoder.secret=first-secret`,
    );
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.equal(`${WARNING}Completed updating config for entity: brokers '1'.\n`);
    const cfg = await stored();
    expect(Object.keys(cfg).sort()).to.deep.equal([PW_KEY, 'log.retention.ms']);
    expect(cfg['log.retention.ms']).to.equal('1234567');
    expect(decoder('first-secret').decode(cfg[PW_KEY])).to.equal('key-pw');
    const described = await zkConfigs('--entity-name', '1', '--describe');
    expect(described.stdout).to.equal(
      `${WARNING}Configs for brokers '1' are ${Object.entries(cfg)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}\n`,
    );

    await cluster.startBroker(1);
    await cluster.waitForBrokers([1]);
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-dynconfig', 10000);
    try {
      const r = await c.send(DescribeConfigsApi, 4, {
        resources: [{ resourceType: ConfigResourceType.BROKER, resourceName: '1', configurationKeys: ['log.retention.ms', PW_KEY] }],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      const byName = new Map(r.results[0].configs.map((e) => [e.name, e]));
      expect([byName.get('log.retention.ms')!.value, byName.get('log.retention.ms')!.configSource]).to.deep.equal([
        '1234567',
        ConfigSource.DYNAMIC_BROKER_CONFIG,
      ]);
      expect([byName.get(PW_KEY)!.value, byName.get(PW_KEY)!.isSensitive, byName.get(PW_KEY)!.configSource]).to.deep.equal([
        null,
        true,
        ConfigSource.DYNAMIC_BROKER_CONFIG,
      ]);
    } finally {
      c.close();
    }
    expect(cluster.broker(1).output.some((l) => l.includes('could not be decoded'))).to.equal(false);
  });

  it('--bootstrap-server --alter requires every sensitive entry again (ConfigCommand.alterConfig)', async () => {
    const r = await runTool('kafka-configs', [
      '--bootstrap-server',
      `127.0.0.1:${cluster.broker(1).port}`,
      '--entity-type',
      'brokers',
      '--entity-name',
      '1',
      '--alter',
      '--add-config',
      'log.cleaner.backoff.ms=1000',
    ]);
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.contain(`All sensitive broker config entries must be specified for --alter, missing entries: Set(${PW_KEY})`);
  });

  it('password.encoder.old.secret: at start-up the stored passwords are re-encoded with the new secret', async () => {
    const before = (await stored())[PW_KEY];
    await cluster.stopBroker(1);
    fs.appendFileSync(cluster.broker(1).propsFile, 'password.encoder.secret=second-secret\npassword.encoder.old.secret=first-secret\n');
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1]);
    const after = (await stored())[PW_KEY];
    expect(after).to.not.equal(before);
    expect(decoder('second-secret').decode(after)).to.equal('key-pw');
    expect(() => decoder('first-secret').decode(after)).to.throw();
    expect(cluster.broker(1).output.some((l) => l.includes('could not be decoded'))).to.equal(false);
  });
});
