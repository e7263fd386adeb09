import { expect } from 'chai';
import { NetworkClient } from '../../../../src/network/NetworkClient';
import { RequestContext } from '../../../../src/network/RequestContext';
import { RequestHandler, SocketServer } from '../../../../src/network/SocketServer';
import { MetadataApi } from '../../../../src/protocol/apis';
import { encodeResponse, isFlexible } from '../../../../src/protocol/apis/types';
import { Reader } from '../../../../src/protocol/Reader';
import { ListenerSecurity } from '../../../../src/security/auth/ListenerSecurity';
import { credentialFromPassword, ScramCredentialCache } from '../../../../src/security/scram/ScramCredential';
import { DelegationTokenCache } from '../../../../src/security/token/DelegationTokenCache';
import { DelegationTokenManager } from '../../../../src/security/token/DelegationTokenManager';
import { decodeTokenInfo, DelegationTokenStore, encodeTokenInfo } from '../../../../src/security/token/DelegationTokenZk';
import { withTokenCredentials } from '../../../../src/security/token/TokenCredentialSource';
import type { TokenInformation } from '../../../../src/security/token/TokenInformation';

class MemoryStore implements DelegationTokenStore {
  readonly nodes = new Map<string, Buffer>();
  async createPaths(): Promise<void> {}
  async tokenIds(): Promise<string[]> {
    return [...this.nodes.keys()];
  }
  async get(id: string): Promise<TokenInformation | null> {
    const b = this.nodes.get(id);
    return b ? decodeTokenInfo(b) : null;
  }
  async setOrCreate(t: TokenInformation): Promise<void> {
    this.nodes.set(t.tokenId, encodeTokenInfo(t));
  }
  async delete(id: string): Promise<void> {
    this.nodes.delete(id);
  }
  async notifyChange(): Promise<void> {}
  async startChangeListener(): Promise<void> {}
  close(): void {}
}

/** Serves Metadata and remembers each request's principal, token flag included. */
class RecordingHandler implements RequestHandler {
  readonly seen: string[] = [];
  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    return apiKey === MetadataApi.apiKey && apiVersion <= MetadataApi.maxVersion ? isFlexible(MetadataApi, apiVersion) : undefined;
  }
  handle(ctx: RequestContext, body: Reader) {
    this.seen.push(`${ctx.principal!.type}:${ctx.principal!.name}${ctx.principal!.tokenAuthenticated ? ' (token)' : ''}`);
    MetadataApi.decodeRequest(body, ctx.header.apiVersion);
    return encodeResponse(MetadataApi, ctx.header.apiVersion, { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics: [] });
  }
}

describe('SASL/SCRAM with a delegation token through the SocketServer', function () {
  this.timeout(30000);
  let server: SocketServer;
  let port: number;
  let manager: DelegationTokenManager;
  const handler = new RecordingHandler();

  before(async () => {
    manager = new DelegationTokenManager(
      { secretKey: 'k', maxLifetimeMs: 3600000, expiryTimeMs: 600000, expiryCheckIntervalMs: 3600000 },
      new DelegationTokenCache(),
      new MemoryStore(),
      1,
      () => true,
    );
    await manager.startup();
    const users = new ScramCredentialCache();
    users.update('SCRAM-SHA-256', 'dave', credentialFromPassword('SCRAM-SHA-256', 'dave-pw', 4096));
    const sasl = { enabledMechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'], plainUsers: new Map<string, string>(), maxReauthMs: 0, maxReceiveSize: 524288 };
    const listeners: { listenerName: string; host: string; port: number; security: ListenerSecurity }[] = [
      { listenerName: 'SASL_PLAINTEXT', host: '127.0.0.1', port: 0, security: { listenerName: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', sasl } },
    ];
    server = new SocketServer(1, 1 << 20, 60000, handler, null, 'ZK_BROKER', withTokenCredentials(users, manager));
    await server.startup(listeners);
    port = server.boundPorts.get('SASL_PLAINTEXT')!;
  });

  after(async () => {
    await server.shutdown();
    manager.shutdown();
  });

  async function metadataAs(username: string, password: string, tokenAuth: boolean): Promise<{ seen: string; sessionExpiresAtMs: number | null }> {
    const before = handler.seen.length;
    const client = new NetworkClient('127.0.0.1', port, 'test', 5000, 5000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-512', username, password, tokenAuth },
    });
    try {
      await client.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
      return { seen: handler.seen[before], sessionExpiresAtMs: (client as unknown as { sessionExpiresAtMs: number | null }).sessionExpiresAtMs };
    } finally {
      client.close();
    }
  }

  it('the connection is the owner, marked token-authenticated; its session ends with the token (SaslAuthenticate session lifetime)', async () => {
    const t = await manager.createToken({ type: 'User', name: 'alice' }, { type: 'User', name: 'alice' }, [], -1);
    const start = Date.now();
    const r = await metadataAs(t.tokenId, t.hmac.toString('base64'), true);
    expect(r.seen).to.equal('User:alice (token)');
    // NetworkClient reconnects at 85% of the lifetime the broker sent: the token's expiry (10 minutes) minus now.
    expect(r.sessionExpiresAtMs).to.be.within(start + 0.85 * 600000 - 5000, Date.now() + 0.85 * 600000);
  });

  it('a user keeps an unlimited session (connections.max.reauth.ms=0) and is not token-authenticated', async () => {
    expect(await metadataAs('dave', 'dave-pw', false).catch(() => null)).to.equal(null); // no SHA-512 credential for dave
    const client = new NetworkClient('127.0.0.1', port, 'test', 5000, 5000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'dave', password: 'dave-pw' },
    });
    const before = handler.seen.length;
    try {
      await client.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
      expect(handler.seen[before]).to.equal('User:dave');
      expect((client as unknown as { sessionExpiresAtMs: number | null }).sessionExpiresAtMs).to.equal(null);
    } finally {
      client.close();
    }
  });
});
