import { expect } from 'chai';
import * as net from 'net';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { RequestContext } from '../../../src/network/RequestContext';
import { RequestHandler, SocketServer } from '../../../src/network/SocketServer';
import { ApiVersionsApi, MetadataApi } from '../../../src/protocol/apis';
import { SaslHandshakeApi } from '../../../src/protocol/apis/17-sasl-handshake';
import { SaslAuthenticateApi } from '../../../src/protocol/apis/36-sasl-authenticate';
import { encodeResponse, isFlexible } from '../../../src/protocol/apis/types';
import { ErrorCode } from '../../../src/protocol/errors';
import { Reader } from '../../../src/protocol/Reader';
import { ClientSecurity, ListenerSecurity } from '../../../src/security/auth/ListenerSecurity';
import { principalToString } from '../../../src/security/auth/KafkaPrincipal';
import { secureContextOptions, SslSettings } from '../../../src/security/ssl/SslFactory';
import { SslPrincipalMapper } from '../../../src/security/ssl/SslPrincipalMapper';
import { credentialFromPassword, ScramCredentialCache } from '../../../src/security/scram/ScramCredential';
import { createTestPki, TestPki } from '../../helpers/tls';
import { waitFor } from '../../helpers/ports';

/** A RequestHandler that serves ApiVersions and Metadata and remembers each request's principal. */
class RecordingHandler implements RequestHandler {
  readonly principals: string[] = [];
  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const codec = apiKey === MetadataApi.apiKey ? MetadataApi : apiKey === ApiVersionsApi.apiKey ? ApiVersionsApi : undefined;
    if (!codec || apiVersion > codec.maxVersion) return undefined;
    return isFlexible(codec, apiVersion);
  }
  handle(ctx: RequestContext, body: Reader) {
    this.principals.push(`${ctx.securityProtocol} ${principalToString(ctx.principal!)}`);
    const v = ctx.header.apiVersion;
    if (ctx.header.apiKey === ApiVersionsApi.apiKey) {
      ApiVersionsApi.decodeRequest(body, v);
      return encodeResponse(ApiVersionsApi, v, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
    }
    MetadataApi.decodeRequest(body, v);
    return encodeResponse(MetadataApi, v, { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics: [] });
  }
}

function settings(pki: TestPki, over: Partial<SslSettings>): SslSettings {
  return {
    keystoreType: 'PKCS12',
    keystoreLocation: null,
    keystorePassword: null,
    keyPassword: null,
    keystoreKey: null,
    keystoreCertificateChain: null,
    truststoreType: 'PEM',
    truststoreLocation: pki.caPem,
    truststorePassword: null,
    truststoreCertificates: null,
    enabledProtocols: ['TLSv1.2', 'TLSv1.3'],
    ...over,
  };
}

describe('SocketServer listener security (TLS, SASL) with NetworkClient', function () {
  this.timeout(30000);
  let pki: TestPki;
  let server: SocketServer;
  const handler = new RecordingHandler();
  const scram = new ScramCredentialCache();
  const ports: Record<string, number> = {};

  before(async () => {
    pki = createTestPki();
    scram.update('SCRAM-SHA-256', 'carol', credentialFromPassword('SCRAM-SHA-256', 'carol-secret', 4096));
    const serverTls = (clientAuth: 'none' | 'requested' | 'required', rules = 'DEFAULT') => ({
      context: secureContextOptions(settings(pki, { keystoreLocation: pki.broker.p12, keystorePassword: pki.password })),
      clientAuth,
      principalMapper: new SslPrincipalMapper(rules),
    });
    const sasl = { enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'], plainUsers: new Map([['alice', 'alice-secret']]), maxReauthMs: 0, maxReceiveSize: 524288 };
    const listeners: { listenerName: string; host: string; port: number; security: ListenerSecurity }[] = [
      { listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 0, security: { listenerName: 'PLAINTEXT', protocol: 'PLAINTEXT' } },
      { listenerName: 'SSL', host: '127.0.0.1', port: 0, security: { listenerName: 'SSL', protocol: 'SSL', tls: serverTls('requested') } },
      {
        listenerName: 'CERT',
        host: '127.0.0.1',
        port: 0,
        security: { listenerName: 'CERT', protocol: 'SSL', tls: serverTls('required', 'RULE:^CN=(.*?),OU=(.*?),.*$/$1-$2/L,DEFAULT') },
      },
      { listenerName: 'SASL_SSL', host: '127.0.0.1', port: 0, security: { listenerName: 'SASL_SSL', protocol: 'SASL_SSL', tls: serverTls('none'), sasl } },
      { listenerName: 'SASL_PLAINTEXT', host: '127.0.0.1', port: 0, security: { listenerName: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', sasl } },
      {
        listenerName: 'REAUTH',
        host: '127.0.0.1',
        port: 0,
        security: {
          listenerName: 'REAUTH',
          protocol: 'SASL_PLAINTEXT',
          sasl: { ...sasl, plainUsers: new Map([...sasl.plainUsers, ['bob', 'bob-secret']]), maxReauthMs: 400 },
        },
      },
    ];
    server = new SocketServer(1, 1 << 20, 60000, handler, null, 'ZK_BROKER', scram);
    await server.startup(listeners);
    for (const l of listeners) ports[l.listenerName] = server.boundPorts.get(l.listenerName)!;
  });

  after(async () => {
    await server.shutdown();
    pki.cleanup();
  });

  async function principalVia(listener: string, security: ClientSecurity): Promise<string> {
    const before = handler.principals.length;
    const client = new NetworkClient('127.0.0.1', ports[listener], 'test', 5000, 5000, security);
    try {
      await client.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
    } finally {
      client.close();
    }
    return handler.principals[before];
  }

  const clientTls = (over: Partial<SslSettings> = {}) => ({ context: secureContextOptions(settings(pki, over)), verifyHostname: true });

  it('PLAINTEXT and SSL without a client certificate are User:ANONYMOUS', async () => {
    expect(await principalVia('PLAINTEXT', { protocol: 'PLAINTEXT' })).to.equal('PLAINTEXT User:ANONYMOUS');
    expect(await principalVia('SSL', { protocol: 'SSL', tls: clientTls() })).to.equal('SSL User:ANONYMOUS');
  });

  it('a client certificate gives User:<RFC 2253 DN>, through the mapping rules', async () => {
    const id = pki.identity('client1', '/C=US/O=Acme, Inc/OU=eng/CN=client1');
    const tlsClient = clientTls({ keystoreType: 'PEM', keystoreLocation: id.combinedPem });
    expect(await principalVia('SSL', { protocol: 'SSL', tls: tlsClient })).to.equal('SSL User:CN=client1,OU=eng,O=Acme\\, Inc,C=US');
    expect(await principalVia('CERT', { protocol: 'SSL', tls: tlsClient })).to.equal('SSL User:client1-eng');
  });

  it('ssl.client.auth=required refuses a client without a certificate, and the listener keeps serving', async () => {
    const client = new NetworkClient('127.0.0.1', ports.CERT, 'test', 3000, 3000, { protocol: 'SSL', tls: clientTls() });
    let failed = false;
    try {
      await client.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
    } catch {
      failed = true;
    } finally {
      client.close();
    }
    expect(failed).to.equal(true);
    const id = pki.identity('client2', '/O=x/OU=ops/CN=client2');
    expect(
      await principalVia('CERT', { protocol: 'SSL', tls: clientTls({ keystoreType: 'PKCS12', keystoreLocation: id.p12, keystorePassword: id.password }) }),
    ).to.equal('SSL User:client2-ops');
  });

  it('garbage and a half handshake on the TLS port close only that connection', async () => {
    const garbage = net.connect(ports.SSL, '127.0.0.1');
    await new Promise<void>((resolve) => garbage.once('connect', () => resolve()));
    garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await new Promise<void>((resolve) => garbage.once('close', () => resolve()));
    const half = net.connect(ports.SSL, '127.0.0.1');
    await new Promise<void>((resolve) => half.once('connect', () => resolve()));
    half.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a ClientHello record header, then nothing
    expect(await principalVia('SSL', { protocol: 'SSL', tls: clientTls() })).to.equal('SSL User:ANONYMOUS');
    half.destroy();
  });

  it('SASL PLAIN and SCRAM-SHA-256 give User:<name>, over SASL_SSL and SASL_PLAINTEXT', async () => {
    expect(
      await principalVia('SASL_SSL', { protocol: 'SASL_SSL', tls: clientTls(), sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' } }),
    ).to.equal('SASL_SSL User:alice');
    expect(
      await principalVia('SASL_PLAINTEXT', { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'carol', password: 'carol-secret' } }),
    ).to.equal('SASL_PLAINTEXT User:carol');
  });

  it("a wrong password gets SASL_AUTHENTICATION_FAILED with Kafka's message", async () => {
    const plain = new NetworkClient('127.0.0.1', ports.SASL_PLAINTEXT, 'test', 3000, 3000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'PLAIN', username: 'alice', password: 'nope' },
    });
    await expectRejection(plain, 'Authentication failed: Invalid username or password');
    const scramClient = new NetworkClient('127.0.0.1', ports.SASL_PLAINTEXT, 'test', 3000, 3000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'carol', password: 'nope' },
    });
    await expectRejection(scramClient, 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256');
  });

  it('an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled ones; any other request before authentication closes', async () => {
    const raw = new NetworkClient('127.0.0.1', ports.SASL_PLAINTEXT, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
    const versions = await raw.send(ApiVersionsApi, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(versions.errorCode).to.equal(0);
    const hs = await raw.send(SaslHandshakeApi, 1, { mechanism: 'GSSAPI' });
    expect(hs).to.deep.equal({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] });
    await waitFor('the connection to close', async () => !raw.isConnected, 5000, 20);
    raw.close();
    const early = new NetworkClient('127.0.0.1', ports.SASL_PLAINTEXT, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
    let error = '';
    await early.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false }).catch((e: Error) => (error = e.message));
    early.close();
    expect(error).to.match(/closed/);
    // v0 handshake then a raw PLAIN token (kafka-python's way): a 4-byte empty answer, then requests are served.
    const v0 = new NetworkClient('127.0.0.1', ports.SASL_PLAINTEXT, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
    expect((await v0.send(SaslHandshakeApi, 0, { mechanism: 'PLAIN' })).errorCode).to.equal(0);
    v0.close();
    expect(
      await principalVia('SASL_PLAINTEXT', { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' } }),
    ).to.equal('SASL_PLAINTEXT User:alice');
  });

  it('before authentication a frame above sasl.server.max.receive.size closes the connection at once', async () => {
    const sock = net.connect(ports.SASL_PLAINTEXT, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const header = Buffer.alloc(8);
    header.writeInt32BE(1 << 20, 0); // announces 1 MiB, more than the 512 KiB allowed before authentication
    sock.write(header);
    await new Promise<void>((resolve) => sock.once('close', () => resolve()));
    expect(
      await principalVia('SASL_PLAINTEXT', { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' } }),
    ).to.equal('SASL_PLAINTEXT User:alice');
  });

  describe('re-authentication (KIP-368, connections.max.reauth.ms=400)', () => {
    const md = (c: NetworkClient) => c.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
    async function login(
      c: NetworkClient,
      user: string,
      mechanism = 'PLAIN',
    ): Promise<{ errorCode: number; errorMessage: string | null; sessionLifetimeMs: number }> {
      expect((await c.send(SaslHandshakeApi, 1, { mechanism })).errorCode).to.equal(0);
      return c.send(SaslAuthenticateApi, 2, { authBytes: Buffer.from(`\u0000${user}\u0000${user}-secret`) });
    }

    it('tells v1+ clients the session lifetime and lets them re-authenticate as the same principal', async () => {
      const c = new NetworkClient('127.0.0.1', ports.REAUTH, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
      const first = await login(c, 'alice');
      expect([first.errorCode, first.sessionLifetimeMs]).to.deep.equal([0, 400]);
      await md(c);
      const again = await login(c, 'alice');
      expect([again.errorCode, again.sessionLifetimeMs]).to.deep.equal([0, 400]);
      expect((await md(c)).controllerId).to.equal(-1);
      const other = await login(c, 'bob');
      expect(other.errorCode).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED);
      expect(other.errorMessage).to.equal('Cannot change principals during re-authentication from User.alice: User.bob');
      await waitFor('the connection to close', async () => !c.isConnected, 5000, 20);
      c.close();
    });

    it('refuses another mechanism on re-authentication: the handshake is answered, then the connection closes without an answer', async () => {
      // Kafka's REAUTH_BAD_MECHANISM state throws before building a response (SaslServerAuthenticator.authenticate).
      const c = new NetworkClient('127.0.0.1', ports.REAUTH, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
      expect((await login(c, 'alice')).errorCode).to.equal(0);
      expect((await c.send(SaslHandshakeApi, 1, { mechanism: 'SCRAM-SHA-256' })).errorCode).to.equal(0);
      let error = '';
      await c.send(SaslAuthenticateApi, 2, { authBytes: Buffer.from('n,,n=alice,r=abc') }).catch((e: Error) => (error = e.message));
      expect(error).to.match(/closed/);
      c.close();
    });

    it("NetworkClient starts a new session before the broker's ends, so its requests keep working", async () => {
      const c = new NetworkClient('127.0.0.1', ports.REAUTH, 'test', 3000, 3000, {
        protocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
      });
      await md(c);
      const after = Date.now() + 500;
      await waitFor('the first session to expire', async () => Date.now() > after, 5000, 50);
      expect((await md(c)).controllerId).to.equal(-1);
      c.close();
    });

    it('closes a connection used after its session expired', async () => {
      const c = new NetworkClient('127.0.0.1', ports.REAUTH, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
      expect((await login(c, 'alice')).errorCode).to.equal(0);
      const expiry = Date.now() + 400;
      await md(c);
      await waitFor('the session to expire', async () => Date.now() > expiry + 50, 5000, 50);
      let error = '';
      await md(c).catch((e: Error) => (error = e.message));
      c.close();
      expect(error).to.match(/closed/);
    });
  });

  it('SaslAuthenticate v0-2 all authenticate', async () => {
    for (const v of [0, 1, 2]) {
      const c = new NetworkClient('127.0.0.1', ports.SASL_PLAINTEXT, 'test', 3000, 3000, { protocol: 'PLAINTEXT' });
      expect((await c.send(SaslHandshakeApi, 1, { mechanism: 'PLAIN' })).errorCode).to.equal(0);
      const res = await c.send(SaslAuthenticateApi, v, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') });
      expect(res.errorCode).to.equal(0);
      const md = await c.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
      expect(md.controllerId).to.equal(-1);
      c.close();
    }
  });

  it('a v0 handshake with raw tokens authenticates (kafka-python)', async () => {
    const sock = net.connect(ports.SASL_PLAINTEXT, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const frames: Buffer[] = [];
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        frames.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
        buf = buf.subarray(4 + buf.readInt32BE(0));
      }
    });
    const hs = Buffer.from('0000001d00110000000000010004746573740005504c41494e', 'hex'); // SaslHandshake v0 PLAIN, correlation 1
    hs.writeInt32BE(hs.length - 4, 0);
    sock.write(hs);
    await waitFor('handshake response', async () => frames.length >= 1, 5000, 10);
    const token = Buffer.from('\u0000alice\u0000alice-secret');
    const frame = Buffer.alloc(4 + token.length);
    frame.writeInt32BE(token.length, 0);
    token.copy(frame, 4);
    sock.write(frame);
    await waitFor('token response', async () => frames.length >= 2, 5000, 10);
    expect(frames[1].length).to.equal(0);
    sock.destroy();
  });
});

async function expectRejection(client: NetworkClient, message: string): Promise<void> {
  let error = '';
  try {
    await client.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
  } catch (e) {
    error = (e as Error).message;
  } finally {
    client.close();
  }
  expect(error).to.contain(message);
}
