import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { freePort, waitFor, waitForPort } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * SCRAM credentials created, changed and deleted live (kafka-configs through a broker and through ZooKeeper) are what
 * every broker's SASL_PLAINTEXT listener authenticates against: its ScramCredentialCache follows /config/users.
 */
describe('integration: SASL/SCRAM with credentials from /config/users, updated live on every broker', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  const saslPort = new Map<number, number>();
  let plaintext: string;

  before(async () => {
    for (const id of [1, 2]) saslPort.set(id, await freePort());
    const brokerOverrides: Record<number, Record<string, string>> = {};
    for (const id of [1, 2]) brokerOverrides[id] = { listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${saslPort.get(id)}` };
    cluster = await TestCluster.start({
      brokers: 2,
      overrides: {
        'inter.broker.listener.name': 'PLAINTEXT',
        'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
        'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': SCRAM_JAAS,
        'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': SCRAM_JAAS,
      },
      brokerOverrides,
    });
    plaintext = cluster.bootstrap.join(',');
    for (const id of [1, 2]) await waitForPort(saslPort.get(id)!, 20000);
  });

  after(async () => {
    await cluster?.stop();
  });

  /**
   * kcat -L against one broker's SASL listener: exit 0 once authenticated, else the librdkafka error. A refusal is
   * reported at once; the metadata timeout only bounds how long kcat goes on after it (shorter when a refusal is expected).
   */
  const kcatMetadata = (id: number, mechanism: string, user: string, password: string, metadataTimeoutS = 3) =>
    kcat(
      [
        '-L',
        '-b',
        `127.0.0.1:${saslPort.get(id)}`,
        '-m',
        String(metadataTimeoutS),
        '-X',
        'security.protocol=SASL_PLAINTEXT',
        '-X',
        `sasl.mechanisms=${mechanism}`,
        '-X',
        `sasl.username=${user}`,
        '-X',
        `sasl.password=${password}`,
      ],
      { timeoutMs: 20000 },
    );

  /** Waits until the broker accepts (ok) or refuses with "Authentication failed" (not ok) the user's password. */
  const everyBroker = async (what: string, mechanism: string, user: string, password: string, ok: boolean): Promise<void> => {
    for (const id of [1, 2]) {
      await waitFor(
        `${what} on broker ${id}`,
        async () => {
          const r = await kcatMetadata(id, mechanism, user, password, ok ? 3 : 1);
          return ok ? r.code === 0 : r.code !== 0 && /Authentication failed/i.test(r.stderr);
        },
        30000,
        200,
      );
    }
  };

  it('a user created live through a broker authenticates with SCRAM-SHA-256 on every broker (kcat); a wrong password does not', async () => {
    const r = await runTool('kafka-configs', [
      '--bootstrap-server',
      plaintext,
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[iterations=8192,password=alice-secret]',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(r, r.stderr).to.include({ code: 0, stdout: 'Completed updating config for user alice.\n' });
    await everyBroker('alice authenticates', 'SCRAM-SHA-256', 'alice', 'alice-secret', true);
    const ok = await kcatMetadata(1, 'SCRAM-SHA-256', 'alice', 'alice-secret');
    expect(ok.stdout).to.match(/2 brokers:/);
    expect(ok.stdout).to.contain(`127.0.0.1:${saslPort.get(2)}`); // brokers as seen on the SASL listener

    const wrong = await kcatMetadata(1, 'SCRAM-SHA-256', 'alice', 'not-her-password', 1);
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stderr).to.match(/Authentication failed/i);
    // alice has no SCRAM-SHA-512 credential.
    const otherMechanism = await kcatMetadata(2, 'SCRAM-SHA-512', 'alice', 'alice-secret', 1);
    expect(otherMechanism.code).to.not.equal(0);
    expect(otherMechanism.stderr).to.match(/Authentication failed/i);
  });

  it('a user created through ZooKeeper produces and consumes with SCRAM-SHA-512 (kafkajs)', async () => {
    const r = await runTool('kafka-configs', [
      '--zookeeper',
      cluster.connectString,
      '--alter',
      '--add-config',
      'SCRAM-SHA-512=[password=bob-secret]',
      '--entity-type',
      'users',
      '--entity-name',
      'bob',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    await everyBroker('bob authenticates', 'SCRAM-SHA-512', 'bob', 'bob-secret', true);

    const kafka = new Kafka({
      clientId: 'it-scram',
      brokers: [`127.0.0.1:${saslPort.get(1)}`, `127.0.0.1:${saslPort.get(2)}`],
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: 'bob-secret' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'scram-t', numPartitions: 2, replicationFactor: 2 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'scram-t', messages: [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    const consumed = await kcat(
      [
        '-C',
        '-b',
        `127.0.0.1:${saslPort.get(2)}`,
        '-t',
        'scram-t',
        '-e',
        '-f',
        '%k=%s\n',
        '-X',
        'security.protocol=SASL_PLAINTEXT',
        '-X',
        'sasl.mechanisms=SCRAM-SHA-512',
        '-X',
        'sasl.username=bob',
        '-X',
        'sasl.password=bob-secret',
      ],
      { timeoutMs: 20000 },
    );
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n').sort()).to.deep.equal(['k0=v0', 'k1=v1', 'k2=v2', 'k3=v3']);
  });

  it('kafka-configs --command-config authenticates its admin requests with SCRAM on the SASL listener', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-scram-'));
    const config = (password: string): string => {
      const f = path.join(dir, `${password}.properties`);
      fs.writeFileSync(
        f,
        'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n' +
          `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="${password}";\n`,
      );
      return f;
    };
    const sasl = `127.0.0.1:${saslPort.get(1)}`;
    const add = await runTool('kafka-configs', [
      '--bootstrap-server',
      sasl,
      '--command-config',
      config('bob-secret'),
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[password=carol-secret]',
      '--entity-type',
      'users',
      '--entity-name',
      'carol',
    ]);
    expect(add, add.stderr).to.include({ code: 0, stdout: 'Completed updating config for user carol.\n' });
    await everyBroker('carol authenticates', 'SCRAM-SHA-256', 'carol', 'carol-secret', true);
    const d = await runTool('kafka-configs', [
      '--bootstrap-server',
      sasl,
      '--command-config',
      config('bob-secret'),
      '--describe',
      '--entity-type',
      'users',
      '--entity-name',
      'carol',
    ]);
    expect(d.stdout).to.equal("SCRAM credential configs for user-principal 'carol' are SCRAM-SHA-256=iterations=4096\n");

    const args = ['--bootstrap-server', sasl, '--command-config', config('wrong'), '--describe', '--entity-type', 'users'];
    const refused = await runTool('kafka-configs', args);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.equal(
      `Error while executing config command with args '${args.join(' ')}'\n` +
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.SaslAuthenticationException: ' +
        'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512\n',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a changed password takes over and a deleted credential stops authenticating, on every broker', async () => {
    const change = await runTool('kafka-configs', [
      '--bootstrap-server',
      plaintext,
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[password=alice-new]',
      '--user',
      'alice',
    ]);
    expect(change.code, change.stderr).to.equal(0);
    await everyBroker('alice authenticates with the new password', 'SCRAM-SHA-256', 'alice', 'alice-new', true);
    await everyBroker('the old password is refused', 'SCRAM-SHA-256', 'alice', 'alice-secret', false);

    const del = await runTool('kafka-configs', ['--bootstrap-server', plaintext, '--alter', '--delete-config', 'SCRAM-SHA-256', '--user', 'alice']);
    expect(del.code, del.stderr).to.equal(0);
    await everyBroker('alice is refused after the deletion', 'SCRAM-SHA-256', 'alice', 'alice-new', false);
  });

  it('a restarted broker has every credential before its listeners accept clients', async () => {
    await cluster.stopBroker(2);
    await cluster.startBroker(2);
    await waitForPort(saslPort.get(2)!, 20000);
    // No waiting for a notification: the credentials were loaded from /config/users at start-up.
    const r = await kcatMetadata(2, 'SCRAM-SHA-512', 'bob', 'bob-secret');
    expect(r.code, r.stderr).to.equal(0);
  });
});
