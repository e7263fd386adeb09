import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { configureLogging, shutdownLogging } from '../../../src/common/logger';
import { AclOperation as O } from '../../../src/security/AclEntry';
import { userPrincipal } from '../../../src/security/auth/KafkaPrincipal';
import { AclAuthorizer } from '../../../src/security/authorizer/AclAuthorizer';
import { AclPermissionType as P } from '../../../src/security/authorizer/AclBinding';
import { AuthorizableRequestContext, PatternType as PT, ResourceType as RT } from '../../../src/security/authorizer/Authorizer';
import { MemoryAclStore } from '../security/authorizer/MemoryAclStore';

const ctx = (user: string, apiKey = 0): AuthorizableRequestContext => ({
  principal: userPrincipal(user),
  clientAddress: '127.0.0.1',
  listenerName: 'SASL_SSL',
  securityProtocol: 'SASL_SSL',
  apiKey,
  apiVersion: 9,
  clientId: 'c',
  correlationId: 1,
});
const write = (topic: string, logIfDenied = true) => ({ operation: O.WRITE, resourceType: RT.TOPIC, resourceName: topic, logIfAllowed: true, logIfDenied });

/** kafka-authorizer.log: Kafka's log4j.properties sends kafka.authorizer.logger there at INFO, additivity false. */
describe('kafka-authorizer.log (kafka.authorizer.logger audit lines)', () => {
  let dir: string;
  let console: string;
  let sink: PassThrough;
  let authorizer: AclAuthorizer;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authlog-'));
    console = '';
    sink = new PassThrough();
    sink.on('data', (d: Buffer) => (console += d.toString()));
    authorizer = new AclAuthorizer({ superUsers: 'User:admin', allowEveryoneIfNoAclFound: false }, new MemoryAclStore());
    await authorizer.start();
    await authorizer.createAcls([
      {
        pattern: { resourceType: RT.TOPIC, name: 'ok', patternType: PT.LITERAL },
        entry: { principal: 'User:alice', host: '*', operation: O.WRITE, permissionType: P.ALLOW },
      },
    ]);
  });
  afterEach(async () => {
    await shutdownLogging();
    configureLogging({ files: false, stream: process.stdout, level: 'INFO' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('denied actions at INFO with Kafka 3.7 words, allowed ones not at the default level, nothing in server.log', async () => {
    configureLogging({ logDir: dir, stream: sink });
    expect(authorizer.authorize(ctx('alice'), [write('t')])).to.deep.equal([false]);
    expect(authorizer.authorize(ctx('alice'), [write('ok')])).to.deep.equal([true]);
    // logIfDenied = false (e.g. a Metadata listing filtering topics): TRACE only.
    expect(authorizer.authorize(ctx('bob', 3), [write('hidden', false)])).to.deep.equal([false]);
    await shutdownLogging();
    const lines = fs.readFileSync(path.join(dir, 'kafka-authorizer.log'), 'utf8').trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO Principal = User:alice is Denied Operation = Write from host = 127\.0\.0\.1 on resource = Topic:LITERAL:t for request = Produce with resourceRefCount = 1 \(kafka\.authorizer\.logger\)$/,
    );
    expect(fs.readFileSync(path.join(dir, 'server.log'), 'utf8')).not.to.contain('Principal');
    expect(console).not.to.contain('Principal');
  });

  it('authorizerLevel DEBUG also records allowed actions and super users', async () => {
    configureLogging({ logDir: dir, stream: sink, authorizerLevel: 'DEBUG' });
    authorizer.authorize(ctx('alice'), [write('ok')]);
    authorizer.authorize(ctx('admin'), [write('any')]);
    await shutdownLogging();
    const text = fs.readFileSync(path.join(dir, 'kafka-authorizer.log'), 'utf8');
    expect(text).to.contain(
      'DEBUG Principal = User:alice is Allowed Operation = Write from host = 127.0.0.1 on resource = Topic:LITERAL:ok for request = Produce',
    );
    expect(text).to.contain('DEBUG principal = User:admin is a super user, allowing operation without checking acls. (kafka.authorizer.logger)');
    expect(text).to.contain('DEBUG Principal = User:admin is Allowed Operation = Write');
  });
});
