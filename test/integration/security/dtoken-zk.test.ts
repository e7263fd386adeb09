import { expect } from 'chai';
import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { CreateDelegationTokenApi, DescribeDelegationTokenApi, MetadataApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor, waitForPort } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
const SECRET = 'dtoken-test-secret';

/**
 * Delegation tokens in ZooKeeper mode, end to end: kafka-delegation-tokens over SASL_PLAINTEXT/SCRAM creates, renews,
 * describes and expires tokens; /delegation_token/tokens/<id> holds Kafka's JSON; a client authenticates with the token
 * (SCRAM with tokenauth=true) on the other broker as the token's owner and may not ask for tokens; removed or expired
 * tokens stop authenticating on every broker.
 */
describe('integration: delegation tokens (ZooKeeper mode, SASL/SCRAM)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;
  const saslPort = new Map<number, number>();
  let dir: string;
  const configFor = new Map<string, string>();

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
        'delegation.token.secret.key': SECRET,
        'delegation.token.expiry.check.interval.ms': '300',
      },
      brokerOverrides,
    });
    for (const id of [1, 2]) await waitForPort(saslPort.get(id)!, 20000);
    zk = await ZkReader.connect(cluster.connectString);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtoken-'));
    for (const user of ['alice', 'bob', 'carol']) {
      const r = await runTool('kafka-configs', [
        '--zookeeper',
        cluster.connectString,
        '--alter',
        '--add-config',
        `SCRAM-SHA-256=[password=${user}-pw],SCRAM-SHA-512=[password=${user}-pw]`,
        '--entity-type',
        'users',
        '--entity-name',
        user,
      ]);
      expect(r.code, r.stderr).to.equal(0);
      const file = path.join(dir, `${user}.properties`);
      fs.writeFileSync(
        file,
        `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${user}-pw";\n`,
      );
      configFor.set(user, file);
    }
    fs.writeFileSync(path.join(dir, 'plaintext.properties'), 'security.protocol=PLAINTEXT\n');
    // Every broker knows the users before the tests authenticate with them.
    for (const id of [1, 2]) {
      await waitFor(`carol authenticates on broker ${id}`, async () => (await saslCall(id, 'carol', 'carol-pw')).ok, 30000, 200);
    }
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const sasl = (id: number) => `127.0.0.1:${saslPort.get(id)}`;

  /** One Metadata request over SCRAM (with tokenauth when asked); ok, or the authentication error. */
  async function saslCall(
    id: number,
    username: string,
    password: string,
    tokenAuth = false,
    mechanism = 'SCRAM-SHA-256',
  ): Promise<{ ok: boolean; error: string }> {
    const c = new NetworkClient('127.0.0.1', saslPort.get(id)!, 'dtoken-test', 5000, 5000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism, username, password, tokenAuth },
    });
    try {
      await c.send(MetadataApi, 9, {
        topics: [],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      return { ok: true, error: '' };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    } finally {
      c.close();
    }
  }

  const tokens = (user: string, id: number, args: string[]) =>
    runTool('kafka-delegation-tokens', ['--bootstrap-server', sasl(id), '--command-config', configFor.get(user)!, ...args]);

  /** The token id and HMAC from --create's table row. */
  function created(stdout: string): { tokenId: string; hmac: string } {
    const m = /Created delegation token with tokenId : (\S+)\n/.exec(stdout);
    expect(m, stdout).to.not.equal(null);
    const row = stdout.split('\n').find((l) => l.startsWith(m![1] + ' '))!;
    return { tokenId: m![1], hmac: row.split(/\s+/)[1] };
  }

  let token: { tokenId: string; hmac: string };

  it('token requests over PLAINTEXT are refused (UnsupportedByAuthenticationException)', async () => {
    const r = await runTool('kafka-delegation-tokens', [
      '--bootstrap-server',
      cluster.bootstrap[0],
      '--command-config',
      path.join(dir, 'plaintext.properties'),
      '--create',
      '--max-life-time-period',
      '-1',
    ]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('Calling create token operation with renewers :[] , max-life-time-period :-1\n');
    expect(r.stderr).to.contain(
      'org.apache.kafka.common.errors.UnsupportedByAuthenticationException: Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.',
    );
  });

  it("--create stores Kafka's token znode and a change notification; the HMAC is HMAC-SHA512(secret, tokenId)", async () => {
    const before = Date.now();
    const r = await tokens('alice', 1, ['--create', '--max-life-time-period', '-1', '--renewer-principal', 'User:bob']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^Calling create token operation with renewers :\[User:bob\] , max-life-time-period :-1\nCreated delegation token with tokenId : \S+\n\nTOKENID {9}HMAC {27}OWNER/,
    );
    token = created(r.stdout);
    expect(token.tokenId).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(token.hmac).to.equal(createHmac('sha512', SECRET).update(token.tokenId).digest('base64'));
    expect(r.stdout).to.match(new RegExp(`${token.tokenId} +\\S+ +User:alice +User:alice +\\[User:bob\\] +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d`));

    const node = await zk.get(`/delegation_token/tokens/${token.tokenId}`);
    const json = node.data!;
    expect(Object.keys(JSON.parse(json))).to.deep.equal([
      'issueTimestamp',
      'renewers',
      'tokenRequester',
      'tokenId',
      'owner',
      'expiryTimestamp',
      'maxTimestamp',
      'version',
    ]);
    const info = JSON.parse(json) as Record<string, unknown>;
    expect(info).to.include({ tokenRequester: 'User%3Aalice', owner: 'User%3Aalice', tokenId: token.tokenId, version: 3 });
    expect(info.renewers).to.deep.equal(['User%3Abob']);
    const issue = info.issueTimestamp as number;
    expect(issue).to.be.within(before - 1000, Date.now() + 1000);
    // Defaults: expiry after delegation.token.expiry.time.ms (1 day), max after delegation.token.max.lifetime.ms (7 days).
    expect(info.expiryTimestamp).to.equal(issue + 24 * 3600 * 1000);
    expect(info.maxTimestamp).to.equal(issue + 7 * 24 * 3600 * 1000);
    const changes = await zk.children('/delegation_token/token_changes');
    expect(changes.some((c) => /^token_change_\d{10}$/.test(c))).to.equal(true);
  });

  it('the other broker sees the token live: --describe by owner or renewer (Kafka 3.7: no --owner-principal = none)', async () => {
    await waitFor(
      'broker 2 describes the token',
      async () => (await tokens('carol', 2, ['--describe', '--owner-principal', 'User:alice'])).stdout.includes(token.tokenId),
      20000,
      200,
    );
    const byRenewer = await tokens('bob', 2, ['--describe', '--owner-principal', 'User:bob']);
    expect(byRenewer.stdout).to.match(/^Calling describe token operation for owners: \[User:bob\]\nTotal number of tokens : 1\nTOKENID/);
    expect(byRenewer.stdout).to.contain(token.hmac);
    const current = await tokens('alice', 2, ['--describe']);
    expect(current.stdout).to.match(/^Calling describe token operation for current user.\nTotal number of tokens : 0\nTOKENID/);
  });

  it('a client authenticates with the token (SCRAM-SHA-256 and -512, tokenauth=true) on the other broker, and may not ask for tokens', async () => {
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
      const r = await saslCall(2, token.tokenId, token.hmac, true, mechanism);
      expect(r, mechanism).to.deep.equal({ ok: true, error: '' });
    }
    const c = new NetworkClient('127.0.0.1', saslPort.get(2)!, 'dtoken-test', 5000, 5000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-512', username: token.tokenId, password: token.hmac, tokenAuth: true },
    });
    try {
      const create = await c.send(CreateDelegationTokenApi, 3, { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1 });
      expect(create.errorCode).to.equal(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
      // The connection authenticated as the token's owner.
      expect(create).to.include({ principalType: 'User', principalName: 'alice', tokenRequesterPrincipalName: 'alice', tokenId: '' });
      const describe = await c.send(DescribeDelegationTokenApi, 3, { owners: null });
      expect(describe).to.include({ errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED });
    } finally {
      c.close();
    }
    // The tools authenticate with a token as Kafka's clients do (ScramLoginModule tokenauth="true"), and are refused too.
    const tokenConfig = path.join(dir, 'token.properties');
    fs.writeFileSync(
      tokenConfig,
      `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${token.tokenId}" password="${token.hmac}" tokenauth="true";\n`,
    );
    const viaTool = await runTool('kafka-delegation-tokens', [
      '--bootstrap-server',
      sasl(1),
      '--command-config',
      tokenConfig,
      '--describe',
      '--owner-principal',
      'User:alice',
    ]);
    expect(viaTool.code).to.equal(1);
    expect(viaTool.stdout).to.equal('Calling describe token operation for owners: [User:alice]\n');
    expect(viaTool.stderr).to.contain('org.apache.kafka.common.errors.UnsupportedByAuthenticationException');
    // A wrong HMAC, or the token id without tokenauth (no such user), is refused.
    expect((await saslCall(2, token.tokenId, 'd3JvbmcK', true)).ok).to.equal(false);
    expect((await saslCall(2, token.tokenId, token.hmac, false)).error).to.match(/Authentication failed/);
  });

  it('--renew by the renewer moves the expiry; by anyone else DelegationTokenOwnerMismatchException', async () => {
    const r = await tokens('bob', 2, ['--renew', '--renew-time-period', '3600000', '--hmac', token.hmac]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(
        `^Calling renew token operation with hmac :${token.hmac.replace(/[+/]/g, '\\$&')} , renew-time-period :3600000\nCompleted renew operation. New expiry date : \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d$`,
      ),
    );
    const info = JSON.parse((await zk.get(`/delegation_token/tokens/${token.tokenId}`)).data!) as { expiryTimestamp: number; issueTimestamp: number };
    expect(info.expiryTimestamp).to.be.within(Date.now() + 3600000 - 60000, Date.now() + 3600000);
    const other = await tokens('carol', 1, ['--renew', '--renew-time-period', '-1', '--hmac', token.hmac]);
    expect(other.code).to.equal(1);
    expect(other.stderr).to.contain('org.apache.kafka.common.errors.DelegationTokenOwnerMismatchException: Specified Principal is not valid Owner/Renewer.');
  });

  it('--expire -1 removes the token: its znode goes, and it no longer authenticates on any broker', async () => {
    const r = await tokens('alice', 1, ['--expire', '--expiry-time-period', '-1', '--hmac', token.hmac]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Completed expire operation. New expiry date : \d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(await zk.exists(`/delegation_token/tokens/${token.tokenId}`)).to.equal(false);
    await waitFor('the token stops authenticating on broker 2', async () => !(await saslCall(2, token.tokenId, token.hmac, true)).ok, 20000, 200);
    const again = await tokens('alice', 2, ['--renew', '--renew-time-period', '-1', '--hmac', token.hmac]);
    expect(again.stderr).to.contain('org.apache.kafka.common.errors.DelegationTokenNotFoundException: Delegation Token is not found on server.');
  });

  it("a token past its max lifetime is removed by the controller's expiry scan and refused on every broker", async () => {
    const r = await tokens('bob', 2, ['--create', '--max-life-time-period', '2000']);
    expect(r.code, r.stderr).to.equal(0);
    const t = created(r.stdout);
    const info = JSON.parse((await zk.get(`/delegation_token/tokens/${t.tokenId}`)).data!) as {
      maxTimestamp: number;
      issueTimestamp: number;
      expiryTimestamp: number;
    };
    expect(info.maxTimestamp - info.issueTimestamp).to.equal(2000);
    expect(info.expiryTimestamp).to.equal(info.maxTimestamp);
    for (const id of [1, 2]) await waitFor(`the token authenticates on broker ${id}`, async () => (await saslCall(id, t.tokenId, t.hmac, true)).ok, 10000, 100);
    await waitFor('the expiry scan removes the znode', async () => !(await zk.exists(`/delegation_token/tokens/${t.tokenId}`)), 20000, 200);
    for (const id of [1, 2]) await waitFor(`broker ${id} refuses it`, async () => !(await saslCall(id, t.tokenId, t.hmac, true)).ok, 20000, 200);
  });

  it('a token for another owner needs CREATE_TOKENS on that user only with an authorizer; non-User renewers are INVALID_PRINCIPAL_TYPE', async () => {
    const forAlice = await tokens('carol', 1, ['--create', '--max-life-time-period', '-1', '--owner-principal', 'User:alice']);
    expect(forAlice.code, forAlice.stderr).to.equal(0);
    expect(forAlice.stdout).to.match(/ User:alice +User:carol +\[\] /);
    const group = await tokens('carol', 1, ['--create', '--max-life-time-period', '-1', '--renewer-principal', 'Group:admins']);
    expect(group.code).to.equal(1);
    expect(group.stderr).to.contain('org.apache.kafka.common.errors.InvalidPrincipalTypeException: Supplied principalType is not supported.');
  });
});
