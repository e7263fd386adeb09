import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { MetadataApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor, waitForPort } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * Delegation tokens with AclAuthorizer: creating a token for another owner needs CREATE_TOKENS on that USER,
 * describing others' tokens needs DESCRIBE on the DELEGATION_TOKEN or DESCRIBE_TOKENS on the owner (ACLs written with
 * kafka-acls --user-principal / --delegation-token), and a token-authenticated client has its owner's permissions.
 */
describe('integration: delegation tokens with ACLs (kafka-acls --user-principal / --delegation-token)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let port: number;
  let dir: string;
  let plaintext: string;
  const configFor = new Map<string, string>();

  before(async () => {
    port = await freePort();
    cluster = await TestCluster.start({
      brokers: 1,
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${port}`,
        'inter.broker.listener.name': 'PLAINTEXT',
        'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
        'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': SCRAM_JAAS,
        'delegation.token.secret.key': 'acl-test-secret',
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        // PLAINTEXT (inter-broker and the admin tools here) is anonymous.
        'super.users': 'User:ANONYMOUS',
      },
    });
    plaintext = cluster.bootstrap[0];
    await waitForPort(port, 20000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtoken-acl-'));
    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      const r = await runTool('kafka-configs', [
        '--zookeeper',
        cluster.connectString,
        '--alter',
        '--add-config',
        `SCRAM-SHA-256=[password=${user}-pw]`,
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
    const t = await runTool('kafka-topics', [
      '--bootstrap-server',
      plaintext,
      '--create',
      '--topic',
      'alice-topic',
      '--partitions',
      '1',
      '--replication-factor',
      '1',
    ]);
    expect(t.code, t.stderr).to.equal(0);
    await waitFor('dave authenticates', async () => (await metadata('dave', 'dave-pw')).ok, 30000, 200);
  });

  after(async () => {
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Metadata for alice-topic over SCRAM: the topic's error code, or not ok when authentication failed. */
  async function metadata(username: string, password: string, tokenAuth = false): Promise<{ ok: boolean; topicError: number }> {
    const c = new NetworkClient('127.0.0.1', port, 'dtoken-acl-test', 5000, 5000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-256', username, password, tokenAuth },
    });
    try {
      const md = await c.send(MetadataApi, 9, {
        topics: [{ name: 'alice-topic' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      return { ok: true, topicError: md.topics[0].errorCode };
    } catch {
      return { ok: false, topicError: -1 };
    } finally {
      c.close();
    }
  }

  const tokens = (user: string, args: string[]) =>
    runTool('kafka-delegation-tokens', ['--bootstrap-server', `127.0.0.1:${port}`, '--command-config', configFor.get(user)!, ...args]);
  const acls = (args: string[]) => runTool('kafka-acls', ['--bootstrap-server', plaintext, ...args]);

  let tokenId = '';
  let hmac = '';

  it('a token for another owner needs CREATE_TOKENS on User:<owner> (kafka-acls --user-principal)', async () => {
    const denied = await tokens('bob', ['--create', '--max-life-time-period', '-1', '--owner-principal', 'User:alice']);
    expect(denied.code).to.equal(1);
    expect(denied.stderr).to.contain('org.apache.kafka.common.errors.DelegationTokenAuthorizationException: Delegation Token authorization failed.');

    const add = await acls(['--add', '--allow-principal', 'User:bob', '--operation', 'CreateTokens', '--user-principal', 'User:alice']);
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stdout).to.contain(
      'Adding ACLs for resource `ResourcePattern(resourceType=USER, name=User:alice, patternType=LITERAL)`: \n \t(principal=User:bob, host=*, operation=CREATE_TOKENS, permissionType=ALLOW) \n',
    );
    await waitFor(
      'bob may create a token for alice',
      async () => {
        const r = await tokens('bob', ['--create', '--max-life-time-period', '-1', '--owner-principal', 'User:alice']);
        if (r.code !== 0) return false;
        tokenId = /Created delegation token with tokenId : (\S+)\n/.exec(r.stdout)![1];
        hmac = r.stdout
          .split('\n')
          .find((l) => l.startsWith(tokenId + ' '))!
          .split(/\s+/)[1];
        expect(r.stdout).to.match(new RegExp(`${tokenId} +\\S+ +User:alice +User:bob +\\[\\] `));
        return true;
      },
      15000,
      200,
    );
    // Still refused to anyone else.
    const carol = await tokens('carol', ['--create', '--max-life-time-period', '-1', '--owner-principal', 'User:alice']);
    expect(carol.stderr).to.contain('DelegationTokenAuthorizationException');
  });

  it('others describe the token only with DESCRIBE on it (--delegation-token) or DESCRIBE_TOKENS on its owner', async () => {
    const count = async (user: string) => {
      const r = await tokens(user, ['--describe', '--owner-principal', 'User:alice']);
      expect(r.code, r.stderr).to.equal(0);
      return Number(/Total number of tokens : (\d+)/.exec(r.stdout)![1]);
    };
    expect(await count('alice')).to.equal(1); // the owner
    expect(await count('carol')).to.equal(0);
    expect(await count('dave')).to.equal(0);
    expect((await acls(['--add', '--allow-principal', 'User:carol', '--operation', 'Describe', '--delegation-token', tokenId])).code).to.equal(0);
    expect((await acls(['--add', '--allow-principal', 'User:dave', '--operation', 'DescribeTokens', '--user-principal', 'User:alice'])).code).to.equal(0);
    await waitFor('carol sees the token', async () => (await count('carol')) === 1, 15000, 200);
    await waitFor('dave sees the token', async () => (await count('dave')) === 1, 15000, 200);

    const list = await acls(['--list', '--principal', 'User:dave']);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.equal(
      'ACLs for principal `User:dave`\n' +
        'Current ACLs for resource `ResourcePattern(resourceType=USER, name=User:alice, patternType=LITERAL)`: \n \t(principal=User:dave, host=*, operation=DESCRIBE_TOKENS, permissionType=ALLOW) \n\n',
    );
  });

  it("a token-authenticated client has its owner's permissions", async () => {
    expect((await metadata('bob', 'bob-pw')).topicError).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await metadata(tokenId, hmac, true)).topicError).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await acls(['--add', '--allow-principal', 'User:alice', '--operation', 'Describe', '--topic', 'alice-topic'])).code).to.equal(0);
    await waitFor('the token (as alice) sees alice-topic', async () => (await metadata(tokenId, hmac, true)).topicError === ErrorCode.NONE, 15000, 200);
    expect((await metadata('bob', 'bob-pw')).topicError).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });
});
