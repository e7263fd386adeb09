import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterUserScramCredentialsApi, DescribeUserScramCredentialsApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { ScramMechanism, credentialFromPassword, credentialFromString, saltedPassword } from '../../../src/security/scram/ScramCredential';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const WARNING =
  'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.\n';

/** The credential stored for `mech` in /config/users/<user>'s JSON is the one of `password` (its salt, its iterations). */
function expectCredentialOf(config: Record<string, string>, mech: ScramMechanism, password: string, iterations: number): void {
  const stored = credentialFromString(config[mech]);
  expect(stored.iterations).to.equal(iterations);
  expect(credentialFromPassword(mech, password, iterations, stored.salt)).to.deep.equal(stored);
}

describe('integration: SCRAM credentials in ZooKeeper (kafka-configs, DescribeUserScramCredentials, AlterUserScramCredentials)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;
  let bs: string;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2 });
    zk = await ZkReader.connect(cluster.connectString);
    bs = cluster.bootstrap.join(',');
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  const userConfig = async (user: string): Promise<Record<string, string>> => {
    const j = JSON.parse((await zk.get(`/config/users/${user}`)).data!) as { version: number; config: Record<string, string> };
    expect(j.version).to.equal(1);
    return j.config;
  };

  /** Every broker's UserConfigHandler handled the change notification of users/<user> (its credential cache is updated). */
  const everyBrokerProcessed = async (user: string, mechanisms: string[]): Promise<void> => {
    const ok = (cfg: string): boolean => {
      const keys = Object.entries(JSON.parse(cfg) as Record<string, string>);
      return keys.length === mechanisms.length && keys.every(([k, v]) => mechanisms.includes(k) && v === '[hidden]');
    };
    for (const id of [1, 2]) {
      const prefix = `[UserConfigHandler broker=${id}] Processing override for entityPath: users/${user} with config: `;
      const processed = (l: string): boolean => l.includes(prefix) && ok(l.substring(l.indexOf(prefix) + prefix.length).replace(/ \([^)]*\)$/, ''));
      await waitFor(`broker ${id} processed users/${user}`, async () => cluster.broker(id).output.some(processed), 20000);
    }
  };

  const describeVia = async (port: number, users: { name: string }[] | null) => {
    const c = new NetworkClient('127.0.0.1', port, 'it-scram', 10000);
    try {
      return await c.send(DescribeUserScramCredentialsApi, 0, { users });
    } finally {
      c.close();
    }
  };

  it('kafka-configs --zookeeper adds SCRAM credentials as Kafka writes them, with a change notification every broker applies', async () => {
    const add = await runTool('kafka-configs', [
      '--zookeeper',
      cluster.connectString,
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-512]',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(add, add.stderr).to.deep.equal({ code: 0, stdout: `${WARNING}Completed updating config for entity: user-principal 'alice'.\n`, stderr: '' });
    const cfg = await userConfig('alice');
    expect(Object.keys(cfg).sort()).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(cfg['SCRAM-SHA-256']).to.match(/^salt=[A-Za-z0-9+/=]+,stored_key=[A-Za-z0-9+/=]{44},server_key=[A-Za-z0-9+/=]{44},iterations=8192$/);
    expectCredentialOf(cfg, 'SCRAM-SHA-256', 'alice-secret', 8192);
    expectCredentialOf(cfg, 'SCRAM-SHA-512', 'alice-512', 4096);
    // As ConfigCommand's ScramFormatter: the salt is the bytes of a random base-36 string.
    expect(credentialFromString(cfg['SCRAM-SHA-256']).salt.toString('latin1')).to.match(/^[0-9a-z]+$/);
    const changes = await zk.children('/config/changes');
    const notes = await Promise.all(changes.map(async (c) => (await zk.get(`/config/changes/${c}`)).data));
    expect(notes).to.include('{"version":2,"entity_path":"users/alice"}');
    await everyBrokerProcessed('alice', ['SCRAM-SHA-256', 'SCRAM-SHA-512']);

    const d = await runTool('kafka-configs', ['--zookeeper', cluster.connectString, '--describe', '--entity-type', 'users', '--entity-name', 'alice']);
    expect(d.code, d.stderr).to.equal(0);
    const lines = d.stdout.split('\n');
    expect(lines.slice(0, 2).join('\n') + '\n').to.equal(WARNING);
    expect(lines[2]).to.match(
      /^Configs for user-principal 'alice' are SCRAM-SHA-(256|512)=salt=[^,]+,stored_key=[^,]+,server_key=[^,]+,iterations=\d+,SCRAM-SHA-(256|512)=salt=[^,]+,stored_key=[^,]+,server_key=[^,]+,iterations=\d+$/,
    );
    expect(lines[2]).to.contain(`SCRAM-SHA-256=${cfg['SCRAM-SHA-256']}`).and.to.contain(`SCRAM-SHA-512=${cfg['SCRAM-SHA-512']}`);

    // Every broker describes it (DescribeUserScramCredentials, from /config/users as ZkAdminManager does).
    for (const id of [1, 2]) {
      const r = await runTool('kafka-configs', ['--bootstrap-server', `127.0.0.1:${cluster.broker(id).port}`, '--describe', '--entity-type', 'users']);
      expect(r, r.stderr).to.deep.equal({
        code: 0,
        stdout: "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n",
        stderr: '',
      });
    }
  });

  it('kafka-configs --bootstrap-server adds and deletes through AlterUserScramCredentials on the controller', async () => {
    const add = await runTool('kafka-configs', [
      '--bootstrap-server',
      bs,
      '--alter',
      '--add-config',
      'SCRAM-SHA-512=[iterations=5000,password=bob-secret]',
      '--entity-type',
      'users',
      '--entity-name',
      'bob',
    ]);
    expect(add, add.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for user bob.\n', stderr: '' });
    const cfg = await userConfig('bob');
    expect(Object.keys(cfg)).to.deep.equal(['SCRAM-SHA-512']);
    expectCredentialOf(cfg, 'SCRAM-SHA-512', 'bob-secret', 5000);
    await everyBrokerProcessed('bob', ['SCRAM-SHA-512']);

    const del = await runTool('kafka-configs', ['--bootstrap-server', bs, '--alter', '--delete-config', 'SCRAM-SHA-512', '--user', 'alice']);
    expect(del, del.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for user alice.\n', stderr: '' });
    expect(Object.keys(await userConfig('alice'))).to.deep.equal(['SCRAM-SHA-256']);
    await everyBrokerProcessed('alice', ['SCRAM-SHA-256']);

    const one = await runTool('kafka-configs', ['--bootstrap-server', bs, '--describe', '--entity-type', 'users', '--entity-name', 'bob']);
    expect(one.stdout).to.equal("SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-512=iterations=5000\n");
    const all = await runTool('kafka-configs', ['--bootstrap-server', bs, '--describe', '--entity-type', 'users']);
    expect(all.stdout).to.equal(
      "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192\n" +
        "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-512=iterations=5000\n",
    );
    const nobody = await runTool('kafka-configs', ['--bootstrap-server', bs, '--describe', '--entity-type', 'users', '--entity-name', 'nobody']);
    expect(nobody).to.deep.equal({ code: 0, stdout: '', stderr: '' });

    // --zookeeper --delete-config removes the last credential: the znode stays, with no config.
    const zdel = await runTool('kafka-configs', [
      '--zookeeper',
      cluster.connectString,
      '--alter',
      '--delete-config',
      'SCRAM-SHA-512',
      '--entity-type',
      'users',
      '--entity-name',
      'bob',
    ]);
    expect(zdel.stdout).to.equal(`${WARNING}Completed updating config for entity: user-principal 'bob'.\n`);
    expect(await userConfig('bob')).to.deep.equal({});
    await everyBrokerProcessed('bob', []);
    const zall = await runTool('kafka-configs', ['--zookeeper', cluster.connectString, '--describe', '--entity-type', 'users']);
    expect(zall.stdout).to.match(new RegExp(`^${WARNING}Configs for user-principal 'alice' are SCRAM-SHA-256=salt=[^\\n]+\\n$`));
  });

  it("kafka-configs refuses what Kafka 3.7's ConfigCommand refuses, with its messages", async () => {
    const zkArgs = ['--zookeeper', cluster.connectString, '--alter', '--entity-type', 'users', '--entity-name', 'carol'];
    const quota = await runTool('kafka-configs', [...zkArgs, '--add-config', 'producer_byte_rate=1024']);
    expect(quota.code).to.equal(1);
    expect(quota.stderr).to.equal(
      'requirement failed: --bootstrap-server option must be specified to update users configs: {add: {producer_byte_rate=1024}, delete: List()}. User configuration updates using ZooKeeper are only supported for SCRAM credential updates.\n',
    );
    const few = await runTool('kafka-configs', [...zkArgs, '--add-config', 'SCRAM-SHA-256=[iterations=100,password=x]']);
    expect(few).to.include({ code: 1, stderr: 'Iterations 100 is less than the minimum 4096 required for SCRAM_SHA_256\n' });
    const bad = await runTool('kafka-configs', [...zkArgs, '--add-config', 'SCRAM-SHA-256=[pass=x]']);
    expect(bad).to.include({ code: 1, stderr: 'Invalid credential property SCRAM_SHA_256=pass=x\n' });
    const missing = await runTool('kafka-configs', [...zkArgs, '--delete-config', 'SCRAM-SHA-512']);
    expect(missing).to.include({ code: 1, stderr: 'Invalid config(s): SCRAM-SHA-512\n' });
    const dflt0 = await runTool('kafka-configs', [
      '--zookeeper',
      cluster.connectString,
      '--alter',
      '--entity-type',
      'users',
      '--entity-default',
      '--add-config',
      'SCRAM-SHA-256=[password=x]',
    ]);
    expect(dflt0).to.include({ code: 1, stderr: 'requirement failed: Unknown Dynamic Configuration: HashSet(SCRAM-SHA-256).\n' });
    expect(await zk.exists('/config/users/carol')).to.equal(false);
    expect(await zk.exists('/config/users/<default>')).to.equal(false);

    const bsArgs = ['--bootstrap-server', bs, '--alter', '--entity-type', 'users', '--entity-name', 'carol'];
    const few2 = await runTool('kafka-configs', [...bsArgs, '--add-config', 'SCRAM-SHA-512=[iterations=4000,password=x]']);
    expect(few2).to.include({ code: 1, stderr: 'Iterations 4000 is less than the minimum 4096 required for SCRAM-SHA-512\n' });
    const many = await runTool('kafka-configs', [...bsArgs, '--add-config', 'SCRAM-SHA-256=[iterations=20000,password=x]']);
    expect(many.code).to.equal(1);
    expect(many.stderr).to.equal(
      `Error while executing config command with args '${[...bsArgs, '--add-config', 'SCRAM-SHA-256=[iterations=20000,password=x]'].join(' ')}'\n` +
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.UnacceptableCredentialException: Too many iterations\n',
    );
    const notThere = await runTool('kafka-configs', [...bsArgs, '--delete-config', 'SCRAM-SHA-256']);
    expect(notThere.stderr).to.contain(
      'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.ResourceNotFoundException: Attempt to delete a user credential that does not exist\n',
    );
    const both = await runTool('kafka-configs', [...bsArgs, '--add-config', 'SCRAM-SHA-256=[password=x],consumer_byte_rate=10']);
    expect(both).to.include({ code: 1, stderr: "Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.\n" });
    const dflt = await runTool('kafka-configs', [
      '--bootstrap-server',
      bs,
      '--alter',
      '--entity-type',
      'users',
      '--entity-default',
      '--add-config',
      'SCRAM-SHA-256=[password=x]',
    ]);
    expect(dflt).to.include({
      code: 1,
      stderr: 'The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.\n',
    });
    expect(await zk.exists('/config/users/carol')).to.equal(false);
  });

  it('AlterUserScramCredentials answers NOT_CONTROLLER off the controller; Describe reports empty, duplicate and unknown names', async () => {
    const md = await cluster.metadata(1);
    const other = [1, 2].find((id) => id !== md.controllerId)!;
    const salt = Buffer.from('abc');
    const c = new NetworkClient('127.0.0.1', cluster.broker(other).port, 'it-scram', 10000);
    try {
      const res = await c.send(AlterUserScramCredentialsApi, 0, {
        deletions: [{ name: 'zed', mechanism: 1 }],
        upsertions: [{ name: 'dan', mechanism: 1, iterations: 4096, salt, saltedPassword: saltedPassword('SCRAM-SHA-256', 'p', salt, 4096) }],
      });
      expect(res.results).to.deep.equal([
        { user: 'dan', errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: 'This is not the correct controller for this cluster.' },
        { user: 'zed', errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: 'This is not the correct controller for this cluster.' },
      ]);
    } finally {
      c.close();
    }
    expect(await zk.exists('/config/users/dan')).to.equal(false);

    const d = await describeVia(cluster.broker(other).port, [{ name: 'alice' }, { name: '' }, { name: 'x' }, { name: 'x' }, { name: 'nobody' }]);
    expect(d.errorCode).to.equal(0);
    expect(d.results.map((r) => [r.user, r.errorCode, r.errorMessage, r.credentialInfos])).to.deep.equal([
      ['alice', 0, null, [{ mechanism: 1, iterations: 8192 }]],
      ['', ErrorCode.RESOURCE_NOT_FOUND, 'Username must not be empty', []],
      ['x', ErrorCode.DUPLICATE_RESOURCE, 'Cannot describe SCRAM credentials for the same user twice in a single request: x', []],
      ['nobody', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to describe a user credential that does not exist: nobody', []],
    ]);
  });
});
