/**
 * Delegation tokens in ZooKeeper, as Kafka 3.7's ZK mode keeps them (kafka.zk.DelegationToken*ZNode,
 * KafkaZkClient's token methods, DelegationTokenManagerZk.toJsonCompatibleMap / fromBytes):
 *   /delegation_token/tokens/<tokenId>          the token's information (never its HMAC or credentials: every broker
 *                                              recomputes the HMAC from delegation.token.secret.key)
 *   /delegation_token/token_changes/token_change_<seq>   the token id, after every create/renew/expire/removal
 * The JSON's key order is Kafka's: toJsonCompatibleMap builds a mutable.Map and returns `.toMap`, a Scala 2.13
 * immutable.HashMap (CHAMP) of 8 entries, which Jackson writes in that map's iteration order.
 */
import { desanitize, sanitize } from '../../common/Sanitizer';
import { jsonString } from '../../zk/data/json';
import type { KafkaZkClient } from '../../zk/KafkaZkClient';
import { ZkNodeChangeNotificationListener } from '../../zk/ZkNodeChangeNotificationListener';
import { maybeThrow } from '../../zk/ZkRequests';
import { MATCH_ANY_VERSION } from '../../zk/ZooKeeperClient';
import { principalToString } from '../auth/KafkaPrincipal';
import { parseKafkaPrincipal, TokenInformation } from './TokenInformation';

export const DelegationTokenAuthZNode = { path: '/delegation_token' } as const;
export const DelegationTokenChangeNotificationZNode = { path: '/delegation_token/token_changes' } as const;
export const DelegationTokenChangeNotificationSequenceZNode = {
  SequenceNumberPrefix: 'token_change_',
  createPath: '/delegation_token/token_changes/token_change_',
} as const;
export const DelegationTokensZNode = { path: '/delegation_token/tokens' } as const;
export const DelegationTokenInfoZNode = { path: (tokenId: string): string => `/delegation_token/tokens/${tokenId}` } as const;

/** DelegationTokenManagerZk.CurrentVersion (3: with tokenRequester, KIP-373). */
export const TOKEN_ZNODE_VERSION = 3;

/**
 * DelegationTokenInfoZNode.encode. Key order: the iteration order of Scala 2.13's immutable.HashMap for these 8
 * keys (improved String hash codes, 5 bits per trie level, each node's own entries before its sub-nodes).
 */
export function encodeTokenInfo(t: TokenInformation): Buffer {
  const renewers = t.renewers.map((r) => jsonString(sanitize(principalToString(r)))).join(',');
  const json =
    `{"issueTimestamp":${t.issueTimestamp},"renewers":[${renewers}],"tokenRequester":${jsonString(sanitize(principalToString(t.tokenRequester)))},` +
    `"tokenId":${jsonString(t.tokenId)},"owner":${jsonString(sanitize(principalToString(t.owner)))},"expiryTimestamp":${t.expiryTimestamp},` +
    `"maxTimestamp":${t.maxTimestamp},"version":${TOKEN_ZNODE_VERSION}}`;
  return Buffer.from(json, 'utf8');
}

/**
 * DelegationTokenManagerZk.fromBytes: null for no data; versions 1-3 (before 3 the requester is the owner); anything
 * malformed throws (the callers log it and skip the token, as Kafka's loadCache does).
 */
export function decodeTokenInfo(data: Buffer | null): TokenInformation | null {
  if (data === null || data.length === 0) return null;
  const js = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
  const version = js.version;
  if (typeof version !== 'number' || !(version > 0 && version <= TOKEN_ZNODE_VERSION)) throw new Error(`Unsupported token znode version ${String(version)}`);
  const str = (k: string): string => {
    if (typeof js[k] !== 'string') throw new Error(`Token znode field ${k} is not a string`);
    return js[k] as string;
  };
  const num = (k: string): number => {
    if (typeof js[k] !== 'number') throw new Error(`Token znode field ${k} is not a number`);
    return js[k] as number;
  };
  const owner = parseKafkaPrincipal(desanitize(str('owner')));
  const tokenRequester = version >= 3 ? parseKafkaPrincipal(desanitize(str('tokenRequester'))) : owner;
  if (!Array.isArray(js.renewers) || !js.renewers.every((r) => typeof r === 'string')) throw new Error('Token znode field renewers is not a list of strings');
  const renewers = (js.renewers as string[]).map((r) => parseKafkaPrincipal(desanitize(r)));
  return {
    tokenId: str('tokenId'),
    owner,
    tokenRequester,
    renewers,
    issueTimestamp: num('issueTimestamp'),
    maxTimestamp: num('maxTimestamp'),
    expiryTimestamp: num('expiryTimestamp'),
  };
}

/** What the token manager needs from ZooKeeper (a fake in the unit tests). */
export interface DelegationTokenStore {
  /** KafkaZkClient.createDelegationTokenPaths. */
  createPaths(): Promise<void>;
  tokenIds(): Promise<string[]>;
  /** getDelegationTokenInfo: null for NONODE (or no data). */
  get(tokenId: string): Promise<TokenInformation | null>;
  /** setOrCreateDelegationToken. */
  setOrCreate(token: TokenInformation): Promise<void>;
  /** deleteDelegationToken. */
  delete(tokenId: string): Promise<void>;
  /** createTokenChangeNotification. */
  notifyChange(tokenId: string): Promise<void>;
  /** Follows /delegation_token/token_changes: each notification's token id, in order. */
  startChangeListener(onChange: (tokenId: string) => Promise<void>): Promise<void>;
  close(): void;
}

export class ZkDelegationTokenStore implements DelegationTokenStore {
  private listener: ZkNodeChangeNotificationListener | null = null;

  constructor(
    private readonly zk: KafkaZkClient,
    private readonly brokerId: number,
  ) {}

  async createPaths(): Promise<void> {
    await this.zk.makeSurePersistentPathExists(DelegationTokenChangeNotificationZNode.path);
    await this.zk.makeSurePersistentPathExists(DelegationTokensZNode.path);
  }

  tokenIds(): Promise<string[]> {
    return this.zk.getChildren(DelegationTokensZNode.path);
  }

  async get(tokenId: string): Promise<TokenInformation | null> {
    const r = await this.zk.getDataAndStat(DelegationTokenInfoZNode.path(tokenId));
    return r ? decodeTokenInfo(r.data) : null;
  }

  async setOrCreate(token: TokenInformation): Promise<void> {
    const path = DelegationTokenInfoZNode.path(token.tokenId);
    const data = encodeTokenInfo(token);
    const set = await this.zk.raw(() => this.zk.zk.setData(path, data, MATCH_ANY_VERSION));
    if (set.code !== 'NONODE') {
      maybeThrow(set);
      return;
    }
    await this.zk.retry(() => this.zk.zk.create(path, data, 'PERSISTENT'));
  }

  async delete(tokenId: string): Promise<void> {
    await this.zk.deletePathIfExists(DelegationTokenInfoZNode.path(tokenId));
  }

  async notifyChange(tokenId: string): Promise<void> {
    await this.zk.retry(() =>
      this.zk.zk.create(DelegationTokenChangeNotificationSequenceZNode.createPath, Buffer.from(tokenId, 'utf8'), 'PERSISTENT_SEQUENTIAL'),
    );
  }

  async startChangeListener(onChange: (tokenId: string) => Promise<void>): Promise<void> {
    this.listener = new ZkNodeChangeNotificationListener(
      this.zk,
      DelegationTokenChangeNotificationZNode.path,
      DelegationTokenChangeNotificationSequenceZNode.SequenceNumberPrefix,
      async (data) => {
        if (data !== null) await onChange(data.toString('utf8'));
      },
      this.brokerId,
    );
    await this.listener.startup();
  }

  close(): void {
    this.listener?.shutdown();
    this.listener = null;
  }
}
