/**
 * kafka.server.DelegationTokenManager + DelegationTokenManagerZk (Kafka 3.7, ZooKeeper mode): creates, renews and
 * expires delegation tokens, keeps every broker's DelegationTokenCache in step with /delegation_token (loaded at
 * startup, then one token re-read per /delegation_token/token_changes notification), and removes expired tokens.
 * Token support is on only when delegation.token.secret.key (or its deprecated alias delegation.token.master.key)
 * is set and not empty; otherwise the APIs answer DELEGATION_TOKEN_AUTH_DISABLED and nothing is written.
 * Like Kafka, the expired-token scan (every delegation.token.expiry.check.interval.ms) runs only on the active
 * controller (KafkaController.onControllerFailover schedules "delete-expired-tokens"); the other brokers drop the
 * tokens when its change notifications arrive. Every operation runs under one lock, as Kafka's `lock.synchronized`.
 */
import { randomUUID } from 'node:crypto';
import { getLogger, type Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { KafkaPrincipal, principalToString } from '../auth/KafkaPrincipal';
import { createTokenHmac, DelegationTokenCache, tokenScramCredentials } from './DelegationTokenCache';
import type { DelegationTokenStore } from './DelegationTokenZk';
import { DelegationToken, isExpired, ownerOrRenewer, samePrincipal, TokenInformation } from './TokenInformation';

/** DelegationTokenManager.ErrorTimestamp. */
export const ERROR_TIMESTAMP = -1;

export interface DelegationTokenSettings {
  /** delegation.token.secret.key, else delegation.token.master.key; null or '' = tokens disabled. */
  secretKey: string | null;
  maxLifetimeMs: number;
  expiryTimeMs: number;
  expiryCheckIntervalMs: number;
}

/** KafkaConfig's delegationTokenSecretKey (the alias only when the key itself is absent), tokenAuthEnabled and the three periods. */
export function delegationTokenSettings(config: { getString(name: string): string | null; getLong(name: string): number }): DelegationTokenSettings {
  return {
    secretKey: config.getString('delegation.token.secret.key') ?? config.getString('delegation.token.master.key'),
    maxLifetimeMs: config.getLong('delegation.token.max.lifetime.ms'),
    expiryTimeMs: config.getLong('delegation.token.expiry.time.ms'),
    expiryCheckIntervalMs: config.getLong('delegation.token.expiry.check.interval.ms'),
  };
}

export interface CreateTokenResult {
  owner: KafkaPrincipal;
  tokenRequester: KafkaPrincipal;
  issueTimestamp: number;
  expiryTimestamp: number;
  maxTimestamp: number;
  tokenId: string;
  hmac: Buffer;
  errorCode: number;
}

export interface TokenTimestampResult {
  errorCode: number;
  expiryTimestamp: number;
}

/** CoreUtils.generateUuidAsBase64: a random UUID's 16 bytes, URL-safe base64 without padding (22 characters). */
export function generateUuidAsBase64(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

/**
 * DelegationTokenManager.filterToken (DescribeDelegationToken): tokens of the requested owners only (an owner filter
 * matches owners and renewers); the requester's own tokens (as owner or renewer); others only with DESCRIBE on the
 * token or DESCRIBE_TOKENS on its owner.
 */
export function filterToken(
  requester: KafkaPrincipal,
  owners: KafkaPrincipal[] | null,
  token: TokenInformation,
  authorizeToken: (tokenId: string) => boolean,
  authorizeRequester: (owner: KafkaPrincipal) => boolean,
): boolean {
  if (owners !== null && !owners.some((o) => ownerOrRenewer(token, o))) return false;
  if (ownerOrRenewer(token, requester)) return true;
  return authorizeToken(token.tokenId) || authorizeRequester(token.owner);
}

export class DelegationTokenManager {
  private lock: Promise<unknown> = Promise.resolve();
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;

  constructor(
    readonly settings: DelegationTokenSettings,
    readonly cache: DelegationTokenCache,
    private readonly store: DelegationTokenStore,
    brokerId: number,
    /** Whether this broker is the active controller (the only one that scans for expired tokens). */
    private readonly isController: () => boolean,
    private readonly time: () => number = Date.now,
    private readonly newTokenId: () => string = generateUuidAsBase64,
  ) {
    this.log = getLogger('kafka.server.DelegationTokenManager', `[Token Manager on Node ${brokerId}]: `);
  }

  /** KafkaConfig.tokenAuthEnabled. */
  get enabled(): boolean {
    return this.settings.secretKey !== null && this.settings.secretKey !== '';
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** DelegationTokenManagerZk.startup: the paths, every stored token in the cache, then the change listener. */
  async startup(): Promise<void> {
    if (!this.enabled) return;
    await this.store.createPaths();
    await this.withLock(() => this.loadCache());
    await this.store.startChangeListener((tokenId) => this.withLock(() => this.processNotification(tokenId)));
    const interval = this.settings.expiryCheckIntervalMs;
    this.expiryTimer = setInterval(() => {
      if (this.isController()) void this.expireTokens().catch((e) => this.log.error('Error while removing expired delegation tokens', e));
    }, interval);
    this.expiryTimer.unref();
  }

  shutdown(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    this.store.close();
  }

  hmacFor(tokenId: string): Buffer {
    return createTokenHmac(tokenId, this.settings.secretKey!);
  }

  private async loadCache(): Promise<void> {
    const ids = await this.store.tokenIds();
    this.log.info(`Loading the token cache. Total token count: ${ids.length}`);
    for (const id of ids) {
      try {
        const info = await this.store.get(id);
        if (info) this.updateCache(info);
      } catch (e) {
        this.log.error(`Error while getting Token for tokenId: ${id}`, e);
      }
    }
  }

  /** TokenChangedNotificationHandler: the token as ZooKeeper has it now, or gone. */
  private async processNotification(tokenId: string): Promise<void> {
    this.log.info(`Processing Token Notification for tokenId: ${tokenId}`);
    let info: TokenInformation | null = null;
    try {
      info = await this.store.get(tokenId);
    } catch (e) {
      this.log.error(`Error while getting Token for tokenId: ${tokenId}`, e);
    }
    if (info) this.updateCache(info);
    else this.cache.removeCache(tokenId);
  }

  /** DelegationTokenManager.updateCache: the HMAC recomputed from the secret key, fresh SCRAM credentials from it. */
  private updateCache(info: TokenInformation): void {
    const hmac = this.hmacFor(info.tokenId);
    this.cache.updateCache({ tokenInfo: info, hmac }, tokenScramCredentials(hmac.toString('base64')));
  }

  /** DelegationTokenManagerZk.updateToken: ZooKeeper, this broker's cache, then the notification for the others. */
  private async updateToken(info: TokenInformation): Promise<void> {
    await this.store.setOrCreate(info);
    this.updateCache(info);
    await this.store.notifyChange(info.tokenId);
  }

  /** DelegationTokenManagerZk.removeToken. */
  private async removeToken(tokenId: string): Promise<void> {
    await this.store.delete(tokenId);
    this.cache.removeCache(tokenId);
    await this.store.notifyChange(tokenId);
  }

  createToken(owner: KafkaPrincipal, tokenRequester: KafkaPrincipal, renewers: KafkaPrincipal[], maxLifeTimeMs: number): Promise<CreateTokenResult> {
    if (!this.enabled) {
      const r = { owner, tokenRequester, issueTimestamp: -1, expiryTimestamp: -1, maxTimestamp: -1, tokenId: '', hmac: Buffer.alloc(0) };
      return Promise.resolve({ ...r, errorCode: ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED });
    }
    return this.withLock(async () => {
      const tokenId = this.newTokenId();
      const issue = this.time();
      const maxLifeTime = maxLifeTimeMs <= 0 ? this.settings.maxLifetimeMs : Math.min(maxLifeTimeMs, this.settings.maxLifetimeMs);
      const maxTimestamp = issue + maxLifeTime;
      const expiryTimestamp = Math.min(maxTimestamp, issue + this.settings.expiryTimeMs);
      const info: TokenInformation = { tokenId, owner, tokenRequester, renewers, issueTimestamp: issue, maxTimestamp, expiryTimestamp };
      await this.updateToken(info);
      this.log.info(`Created a delegation token: ${tokenId} for owner: ${principalToString(owner)}`);
      return { owner, tokenRequester, issueTimestamp: issue, expiryTimestamp, maxTimestamp, tokenId, hmac: this.hmacFor(tokenId), errorCode: ErrorCode.NONE };
    });
  }

  /** allowedToRenew: the owner or a renewer. */
  private static allowedToRenew(principal: KafkaPrincipal, info: TokenInformation): boolean {
    return samePrincipal(principal, info.owner) || info.renewers.some((r) => samePrincipal(r, principal));
  }

  renewToken(principal: KafkaPrincipal, hmac: Buffer, renewLifeTimeMs: number): Promise<TokenTimestampResult> {
    if (!this.enabled) return Promise.resolve({ errorCode: ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED, expiryTimestamp: ERROR_TIMESTAMP });
    return this.withLock(async () => {
      const info = this.cache.tokenForHmac(hmac.toString('base64'));
      if (!info) return { errorCode: ErrorCode.DELEGATION_TOKEN_NOT_FOUND, expiryTimestamp: ERROR_TIMESTAMP };
      const now = this.time();
      if (!DelegationTokenManager.allowedToRenew(principal, info))
        return { errorCode: ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH, expiryTimestamp: ERROR_TIMESTAMP };
      if (isExpired(info, now)) return { errorCode: ErrorCode.DELEGATION_TOKEN_EXPIRED, expiryTimestamp: ERROR_TIMESTAMP };
      const renewLifeTime = renewLifeTimeMs < 0 ? this.settings.expiryTimeMs : renewLifeTimeMs;
      const expiryTimestamp = Math.min(info.maxTimestamp, now + renewLifeTime);
      await this.updateToken({ ...info, expiryTimestamp });
      this.log.info(`Delegation token renewed for token: ${info.tokenId} for owner: ${principalToString(info.owner)}`);
      return { errorCode: ErrorCode.NONE, expiryTimestamp };
    });
  }

  expireToken(principal: KafkaPrincipal, hmac: Buffer, expireLifeTimeMs: number): Promise<TokenTimestampResult> {
    if (!this.enabled) return Promise.resolve({ errorCode: ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED, expiryTimestamp: ERROR_TIMESTAMP });
    return this.withLock(async () => {
      const info = this.cache.tokenForHmac(hmac.toString('base64'));
      if (!info) return { errorCode: ErrorCode.DELEGATION_TOKEN_NOT_FOUND, expiryTimestamp: ERROR_TIMESTAMP };
      const now = this.time();
      if (!DelegationTokenManager.allowedToRenew(principal, info))
        return { errorCode: ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH, expiryTimestamp: ERROR_TIMESTAMP };
      if (expireLifeTimeMs < 0) {
        // A negative period expires the token at once: it is removed, not kept with a past expiry.
        await this.removeToken(info.tokenId);
        this.log.info(`Token expired for token: ${info.tokenId} for owner: ${principalToString(info.owner)}`);
        return { errorCode: ErrorCode.NONE, expiryTimestamp: now };
      }
      if (isExpired(info, now)) return { errorCode: ErrorCode.DELEGATION_TOKEN_EXPIRED, expiryTimestamp: ERROR_TIMESTAMP };
      const expiryTimestamp = Math.min(info.maxTimestamp, now + expireLifeTimeMs);
      await this.updateToken({ ...info, expiryTimestamp });
      this.log.info(`Updated expiry time for token: ${info.tokenId} for owner: ${principalToString(info.owner)}`);
      return { errorCode: ErrorCode.NONE, expiryTimestamp };
    });
  }

  /** DelegationTokenManager.expireTokens: every token past its expiry or max lifetime is removed (znode, cache, notification). */
  expireTokens(): Promise<void> {
    return this.withLock(async () => {
      for (const info of this.cache.allTokens()) {
        if (isExpired(info, this.time())) {
          this.log.info(`Delegation token expired for token: ${info.tokenId} for owner: ${principalToString(info.owner)}`);
          await this.removeToken(info.tokenId);
        }
      }
    });
  }

  /** getTokens: the cached tokens that pass the filter, each with its HMAC. */
  getTokens(filter: (t: TokenInformation) => boolean): DelegationToken[] {
    if (!this.enabled) return [];
    return this.cache
      .allTokens()
      .filter(filter)
      .map((tokenInfo) => ({ tokenInfo, hmac: this.hmacFor(tokenInfo.tokenId) }));
  }
}
