/**
 * Client quota admin in ZooKeeper mode on two real brokers with AclAuthorizer: kafka-configs --bootstrap-server for
 * users, clients, <user, client-id> and defaults (AlterClientQuotas / DescribeClientQuotas), the znodes as Kafka writes
 * them, kafka-configs --zookeeper's checks, DescribeClientQuotas filters and AlterClientQuotas errors on the wire (our
 * NetworkClient: neither kafkajs nor confluent_kafka 1.7.0 has the quota admin APIs), and a non-super user refused.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterClientQuotasApi, DescribeClientQuotasApi } from '../../../src/protocol/apis';
import type { AlterClientQuotasRequest } from '../../../src/protocol/apis/49-alter-client-quotas';
import type { DescribeClientQuotasRequest } from '../../../src/protocol/apis/48-describe-client-quotas';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const USERS = 'user_admin="admin-secret" user_alice="alice-secret"';
const WARNING =
  'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.\n';

describe('integration: client quota admin (kafka-configs users/clients, DescribeClientQuotas, AlterClientQuotas), ZooKeeper mode', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;
  let bs: string;
  let tmp: string;
  const saslPorts = new Map<number, number>();

  before(async () => {
    const brokerOverrides: Record<number, Record<string, string>> = {};
    for (const id of [1, 2]) {
      const port = await freePort();
      saslPorts.set(id, port);
      brokerOverrides[id] = { listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${port}` };
    }
    cluster = await TestCluster.start({
      brokers: 2,
      brokerOverrides,
      overrides: {
        'sasl.enabled.mechanisms': 'PLAIN',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${USERS};`,
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:admin;User:ANONYMOUS',
      },
    });
    zk = await ZkReader.connect(cluster.connectString);
    bs = cluster.bootstrap.join(',');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qadmin-'));
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const configs = (args: string[]) => runTool('kafka-configs', ['--bootstrap-server', bs, ...args]);

  /** The znode's JSON as Kafka's ConfigEntityZNode writes it, or null when there is none. */
  const znode = async (p: string): Promise<Record<string, string> | null> => {
    if (!(await zk.exists(p))) return null;
    const j = JSON.parse((await zk.get(p)).data!) as { version: number; config: Record<string, string> };
    expect(j.version).to.equal(1);
    return j.config;
  };

  const notifications = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const c of await zk.children('/config/changes')) out.push(JSON.parse((await zk.get(`/config/changes/${c}`)).data!).entity_path as string);
    return out;
  };

  const send = async <Req, Res>(
    brokerId: number,
    codec: { apiKey: number } & Parameters<NetworkClient['send']>[0],
    version: number,
    req: Req,
  ): Promise<Res> => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'qadmin-it', 10000);
    try {
      return (await c.send(codec as never, version, req as never)) as Res;
    } finally {
      c.close();
    }
  };
  const describe = (brokerId: number, version: number, req: DescribeClientQuotasRequest) =>
    send<DescribeClientQuotasRequest, Awaited<ReturnType<typeof DescribeClientQuotasApi.decodeResponse>>>(brokerId, DescribeClientQuotasApi, version, req);
  const alter = (brokerId: number, version: number, req: AlterClientQuotasRequest) =>
    send<AlterClientQuotasRequest, Awaited<ReturnType<typeof AlterClientQuotasApi.decodeResponse>>>(brokerId, AlterClientQuotasApi, version, req);

  it('alters and describes user quotas over --bootstrap-server, keeping the user’s SCRAM credential in the znode', async () => {
    const scram = await runTool('kafka-configs', [
      '--zookeeper',
      cluster.connectString,
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[password=alice-secret]',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(scram.code, scram.stderr).to.equal(0);
    const add = await configs(['--alter', '--add-config', 'producer_byte_rate=1024,request_percentage=50', '--entity-type', 'users', '--entity-name', 'alice']);
    expect(add, add.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for user alice.\n', stderr: '' });
    const cfg = (await znode('/config/users/alice'))!;
    expect(Object.keys(cfg).sort()).to.deep.equal(['SCRAM-SHA-256', 'producer_byte_rate', 'request_percentage']);
    // A LONG stored as an integer, a DOUBLE as Java prints it (ZkAdminManager.alterClientQuotas).
    expect(cfg).to.include({ producer_byte_rate: '1024', request_percentage: '50.0' });
    expect(await notifications()).to.include('users/alice');

    const d = await configs(['--describe', '--entity-type', 'users', '--entity-name', 'alice']);
    // The values in the order Kafka's admin client prints them: its HashMap (both keys share a bucket) keeps the
    // broker's order, which is the Properties order of the znode.
    expect(d, d.stderr).to.deep.equal({
      code: 0,
      stdout:
        "Quota configs for user-principal 'alice' are request_percentage=50.0, producer_byte_rate=1024.0\n" +
        "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096\n",
      stderr: '',
    });
    // --zookeeper describes every key of the user, quotas included.
    const dz = await runTool('kafka-configs', ['--zookeeper', cluster.connectString, '--describe', '--entity-type', 'users', '--entity-name', 'alice']);
    expect(dz.code, dz.stderr).to.equal(0);
    expect(dz.stdout.startsWith(WARNING)).to.equal(true);
    expect(dz.stdout).to.contain('producer_byte_rate=1024').and.to.contain('request_percentage=50.0').and.to.contain('SCRAM-SHA-256=salt=');

    // Both kinds at once, an unknown key, a value that is not a number: ConfigCommand's checks, nothing written.
    const both = await configs([
      '--alter',
      '--add-config',
      'producer_byte_rate=1,SCRAM-SHA-512=[password=x]',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(both).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: "Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.\n",
    });
    const unknown = await configs(['--alter', '--add-config', 'retention.ms=1', '--user', 'alice']);
    expect(unknown.stderr).to.equal(
      "Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: Set(retention.ms)\n",
    );
    const nan = await configs(['--alter', '--add-config', 'consumer_byte_rate=fast', '--user', 'alice']);
    expect(nan).to.deep.include({ code: 1, stderr: 'Cannot parse quota configuration value for consumer_byte_rate: fast\n' });
    const absent = await configs(['--alter', '--delete-config', 'consumer_byte_rate', '--user', 'alice']);
    expect(absent).to.deep.include({ code: 1, stderr: 'Invalid config(s): consumer_byte_rate\n' });
    expect((await znode('/config/users/alice'))!).to.include({ producer_byte_rate: '1024', request_percentage: '50.0' });
  });

  it('<user, client-id>, client-id and default entities: where the znodes go, the describe lines, and deletes that clean up', async () => {
    const pairs: Array<[string[], string, string]> = [
      [
        ['--entity-type', 'users', '--entity-name', 'bob', '--entity-type', 'clients', '--entity-name', 'app 1'],
        '/config/users/bob/clients/app%201',
        'user bob',
      ],
      [['--entity-type', 'users', '--entity-default', '--entity-type', 'clients', '--entity-default'], '/config/users/<default>/clients/<default>', ''],
      [['--client', 'app 1'], '/config/clients/app%201', 'client app 1'],
      [['--client-defaults'], '/config/clients/<default>', ''],
      [['--user-defaults'], '/config/users/<default>', ''],
    ];
    for (const [entity, znodePath, done] of pairs) {
      const r = await configs(['--alter', '--add-config', 'consumer_byte_rate=2048,producer_byte_rate=1e7', ...entity]);
      const expected = done
        ? `Completed updating config for ${done}.\n`
        : `Completed updating default config for ${entity.includes('--client-defaults') ? 'clients' : 'users'} in the cluster.\n`;
      expect(r, `${entity.join(' ')}: ${r.stderr}`).to.deep.equal({ code: 0, stdout: expected, stderr: '' });
      expect(await znode(znodePath), znodePath).to.deep.equal({ consumer_byte_rate: '2048', producer_byte_rate: '10000000' });
    }
    const notes = await notifications();
    for (const p of ['users/bob/clients/app%201', 'users/<default>/clients/<default>', 'clients/app%201', 'clients/<default>', 'users/<default>']) {
      expect(notes).to.include(p);
    }

    const values = 'consumer_byte_rate=2048.0, producer_byte_rate=1.0E7';
    const pair = await configs(['--describe', '--entity-type', 'users', '--entity-name', 'bob', '--entity-type', 'clients', '--entity-name', 'app 1']);
    expect(pair, pair.stderr).to.deep.equal({ code: 0, stdout: `Quota configs for user-principal 'bob', client-id 'app 1' are ${values}\n`, stderr: '' });
    const defaults = await configs(['--describe', '--user-defaults']);
    expect(defaults, defaults.stderr).to.deep.equal({ code: 0, stdout: `Quota configs for the default user-principal are ${values}\n`, stderr: '' });
    // All clients: the named one and the default (in the admin client's HashMap order), no user entities.
    const clients = await configs(['--describe', '--entity-type', 'clients']);
    expect(clients.code, clients.stderr).to.equal(0);
    expect(clients.stdout.split('\n').filter(Boolean).sort()).to.deep.equal([
      `Quota configs for client-id 'app 1' are ${values}`,
      `Quota configs for the default client-id are ${values}`,
    ]);
    // Every <user, client-id>: users and clients without names.
    const all = await configs(['--describe', '--entity-type', 'users', '--entity-type', 'clients']);
    expect(all.stdout.split('\n').filter(Boolean).sort()).to.deep.equal([
      `Quota configs for the default user-principal, the default client-id are ${values}`,
      `Quota configs for user-principal 'bob', client-id 'app 1' are ${values}`,
    ]);

    // Deleting the last quotas of bob's client removes the node and the emptied bob/clients and bob nodes.
    const del = await configs(['--alter', '--delete-config', 'consumer_byte_rate,producer_byte_rate', '--user', 'bob', '--client', 'app 1']);
    expect(del, del.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for client app 1.\n', stderr: '' });
    expect(await zk.exists('/config/users/bob')).to.equal(false);
    expect(await notifications()).to.include('users/bob/clients/app%201');
    // A client-only path refuses SCRAM keys.
    const scram = await configs(['--alter', '--add-config', 'SCRAM-SHA-256=[password=x]', '--client', 'c']);
    expect(scram.stderr).to.equal("Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: Set(SCRAM-SHA-256)\n");
  });

  it('--zookeeper: users only, SCRAM keys only (Kafka 3.7’s ConfigCommand checks)', async () => {
    const zkArgs = ['--zookeeper', cluster.connectString];
    const clients = await runTool('kafka-configs', [
      ...zkArgs,
      '--alter',
      '--add-config',
      'producer_byte_rate=1',
      '--entity-type',
      'clients',
      '--entity-name',
      'c',
    ]);
    expect(clients).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'Invalid entity type clients, the entity type must be one of users, brokers with a --zookeeper argument\n',
    });
    const quota = await runTool('kafka-configs', [
      ...zkArgs,
      '--alter',
      '--add-config',
      'producer_byte_rate=1',
      '--entity-type',
      'users',
      '--entity-name',
      'carol',
    ]);
    expect(quota.code).to.equal(1);
    expect(quota.stdout).to.equal(WARNING);
    expect(quota.stderr).to.equal(
      'requirement failed: --bootstrap-server option must be specified to update users configs: {add: {producer_byte_rate=1}, delete: List()}. ' +
        'User configuration updates using ZooKeeper are only supported for SCRAM credential updates.\n',
    );
    expect(await zk.exists('/config/users/carol')).to.equal(false);
  });

  it('ips: connection_creation_rate for an ip and the ip default, Kafka’s checks of names and keys', async () => {
    const set = await configs(['--alter', '--add-config', 'connection_creation_rate=10', '--ip', '127.0.0.9']);
    expect(set, set.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for ip 127.0.0.9.\n', stderr: '' });
    const def = await configs(['--alter', '--add-config', 'connection_creation_rate=20', '--entity-type', 'ips', '--entity-default']);
    expect(def, def.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating default config for ips in the cluster.\n', stderr: '' });
    expect(await znode('/config/ips/127.0.0.9')).to.deep.equal({ connection_creation_rate: '10' });
    expect(await znode('/config/ips/<default>')).to.deep.equal({ connection_creation_rate: '20' });
    const one = await configs(['--describe', '--ip', '127.0.0.9']);
    expect(one, one.stderr).to.deep.equal({ code: 0, stdout: "Quota configs for ip '127.0.0.9' are connection_creation_rate=10.0\n", stderr: '' });
    const all = await configs(['--describe', '--entity-type', 'ips']);
    expect(all.stdout.split('\n').filter(Boolean).sort()).to.deep.equal([
      "Quota configs for ip '127.0.0.9' are connection_creation_rate=10.0",
      'Quota configs for the default ip are connection_creation_rate=20.0',
    ]);
    const key = await configs(['--alter', '--add-config', 'producer_byte_rate=1', '--ip', '127.0.0.9']);
    expect(key).to.deep.include({
      code: 1,
      stderr: "Only connection quota configs can be added for 'ips' using --bootstrap-server. Unexpected config names: producer_byte_rate\n",
    });
    const name = await configs(['--describe', '--ip', 'no such host.invalid']);
    expect(name).to.deep.include({ code: 1, stderr: 'The entity name for ips must be a valid IP or resolvable host, but it is: no such host.invalid\n' });
  });

  it('DescribeClientQuotas on the wire (v0 and v1, any broker): filters, strict, and Kafka’s errors for bad filters', async () => {
    const set = await alter(2, 1, {
      validateOnly: false,
      entries: [
        { entity: [{ entityType: 'user', entityName: 'dave' }], ops: [{ key: 'request_percentage', value: 12.5, remove: false }] },
        {
          entity: [
            { entityType: 'user', entityName: 'dave' },
            { entityType: 'client-id', entityName: 'etl' },
          ],
          ops: [{ key: 'producer_byte_rate', value: 4096, remove: false }],
        },
        { entity: [{ entityType: 'ip', entityName: '10.1.2.3' }], ops: [{ key: 'connection_creation_rate', value: 5, remove: false }] },
      ],
    });
    expect(set.entries.map((e) => e.errorCode)).to.deep.equal([0, 0, 0]);
    for (const [brokerId, v] of [
      [1, 0],
      [2, 1],
    ]) {
      const strict = await describe(brokerId, v, { components: [{ entityType: 'user', matchType: 0, match: 'dave' }], strict: true });
      expect(strict).to.deep.include({ errorCode: 0, errorMessage: null });
      expect(strict.entries).to.deep.equal([{ entity: [{ entityType: 'user', entityName: 'dave' }], values: [{ key: 'request_percentage', value: 12.5 }] }]);
      const loose = await describe(brokerId, v, { components: [{ entityType: 'user', matchType: 0, match: 'dave' }], strict: false });
      expect(loose.entries!.map((e) => e.entity.map((x) => `${x.entityType}=${x.entityName}`).join(',')).sort()).to.deep.equal([
        'user=dave',
        'user=dave,client-id=etl',
      ]);
    }
    const ips = await describe(1, 1, { components: [{ entityType: 'ip', matchType: 0, match: '10.1.2.3' }], strict: true });
    expect(ips.entries).to.deep.equal([{ entity: [{ entityType: 'ip', entityName: '10.1.2.3' }], values: [{ key: 'connection_creation_rate', value: 5 }] }]);

    const bad: Array<[DescribeClientQuotasRequest['components'], number, string | null]> = [
      [
        [
          { entityType: 'user', matchType: 2, match: null },
          { entityType: 'user', matchType: 1, match: null },
        ],
        ErrorCode.INVALID_REQUEST,
        'Duplicate user filter component entity type',
      ],
      [[{ entityType: 'group', matchType: 2, match: null }], ErrorCode.UNSUPPORTED_VERSION, "Custom entity type 'group' not supported"],
      [[{ entityType: '', matchType: 2, match: null }], ErrorCode.INVALID_REQUEST, 'Unexpected empty filter component entity type'],
      [
        [
          { entityType: 'client-id', matchType: 2, match: null },
          { entityType: 'ip', matchType: 2, match: null },
        ],
        ErrorCode.INVALID_REQUEST,
        'Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.',
      ],
      [[{ entityType: 'user', matchType: 7, match: null }], ErrorCode.UNKNOWN_SERVER_ERROR, null],
    ];
    for (const [components, errorCode, errorMessage] of bad) {
      expect(await describe(1, 1, { components, strict: false }), JSON.stringify(components)).to.deep.equal({
        throttleTimeMs: 0,
        errorCode,
        errorMessage,
        entries: null,
      });
    }
    // The broker is still serving.
    expect((await describe(2, 1, { components: [], strict: false })).errorCode).to.equal(0);
  });

  it('AlterClientQuotas on the wire: per-entity errors, validateOnly writes nothing', async () => {
    const before = (await zk.children('/config/changes')).length;
    const r = await alter(1, 0, {
      validateOnly: false,
      entries: [
        { entity: [{ entityType: 'client-id', entityName: 'ok' }], ops: [{ key: 'consumer_byte_rate', value: 100, remove: false }] },
        { entity: [{ entityType: 'client-id', entityName: 'x' }], ops: [{ key: 'no_such_quota', value: 1, remove: false }] },
        { entity: [{ entityType: 'user', entityName: 'u' }], ops: [{ key: 'producer_byte_rate', value: 1.5, remove: false }] },
        {
          entity: [
            { entityType: 'user', entityName: 'u' },
            { entityType: 'ip', entityName: '1.2.3.4' },
          ],
          ops: [{ key: 'producer_byte_rate', value: 1, remove: false }],
        },
        { entity: [], ops: [] },
        { entity: [{ entityType: 'user', entityName: '' }], ops: [] },
      ],
    });
    expect(r.entries.map((e) => [e.errorCode, e.errorMessage])).to.deep.equal([
      [0, null],
      [ErrorCode.INVALID_REQUEST, 'Invalid configuration key no_such_quota'],
      [ErrorCode.INVALID_REQUEST, 'Configuration producer_byte_rate must be a LONG value'],
      [ErrorCode.INVALID_REQUEST, 'Invalid quota entity combination, IP entity should not be used with user/client ID entity.'],
      [ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity'],
      [ErrorCode.INVALID_REQUEST, 'Empty user not supported'],
    ]);
    expect(await znode('/config/clients/ok')).to.deep.equal({ consumer_byte_rate: '100' });
    expect(await znode('/config/clients/x')).to.equal(null);
    expect((await zk.children('/config/changes')).length).to.equal(before + 1);

    const v = await alter(2, 1, {
      validateOnly: true,
      entries: [{ entity: [{ entityType: 'client-id', entityName: 'dry' }], ops: [{ key: 'producer_byte_rate', value: 1, remove: false }] }],
    });
    expect(v.entries).to.deep.equal([{ errorCode: 0, errorMessage: null, entity: [{ entityType: 'client-id', entityName: 'dry' }] }]);
    expect(await znode('/config/clients/dry')).to.equal(null);
    expect((await zk.children('/config/changes')).length).to.equal(before + 1);
  });

  it('a non-super user is refused (CLUSTER_AUTHORIZATION_FAILED) through --command-config; the admin super user is not', async () => {
    const props = (user: string): string => {
      const f = path.join(tmp, `${user}.properties`);
      fs.writeFileSync(
        f,
        'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n' +
          `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${user}-secret";\n`,
      );
      return f;
    };
    const sasl = `127.0.0.1:${saslPorts.get(1)}`;
    const args = ['--bootstrap-server', sasl, '--command-config', props('alice'), '--alter', '--add-config', 'producer_byte_rate=1', '--client', 'denied'];
    const denied = await runTool('kafka-configs', args);
    expect(denied.code).to.equal(1);
    expect(denied.stderr).to.equal(
      `Error while executing config command with args '${args.join(' ')}'\n` +
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.\n',
    );
    const dargs = ['--bootstrap-server', sasl, '--command-config', props('alice'), '--describe', '--client', 'ok'];
    const ddenied = await runTool('kafka-configs', dargs);
    expect(ddenied.stderr).to.contain('ClusterAuthorizationException: Cluster authorization failed.');
    expect(await znode('/config/clients/denied')).to.equal(null);

    const ok = await runTool('kafka-configs', [
      '--bootstrap-server',
      sasl,
      '--command-config',
      props('admin'),
      '--alter',
      '--add-config',
      'producer_byte_rate=1',
      '--client',
      'allowed',
    ]);
    expect(ok, ok.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for client allowed.\n', stderr: '' });
    await waitFor('the allowed client znode', async () => (await znode('/config/clients/allowed')) !== null, 5000);
  });
});
