/**
 * org.apache.kafka.common.security.token.delegation.internals.DelegationTokenCache plus the credential derivation of
 * kafka.server.DelegationTokenManager: every live token by id, the HMAC -> id index that RenewDelegationToken and
 * ExpireDelegationToken look tokens up by, and each token's SCRAM credentials (SHA-256 and SHA-512), derived from
 * the base64 HMAC as the password with the mechanism's minimum iterations (4096), as Kafka's
 * prepareScramCredentials does. A SCRAM client authenticates with username = token id, password = base64 HMAC.
 */
import { createHmac } from 'node:crypto';
import { credentialFromPassword, SCRAM_MECHANISMS, scramMechanismInfo, secureRandomString } from '../scram/ScramCredential';
import type { ScramCredential, ScramMechanism } from '../scram/ScramCredential';
import type { DelegationToken, TokenInformation } from './TokenInformation';

/** DelegationTokenManager.DefaultHmacAlgorithm = HmacSHA512. */
export function createTokenHmac(tokenId: string, secretKey: string): Buffer {
  return createHmac('sha512', Buffer.from(secretKey, 'utf8')).update(tokenId, 'utf8').digest();
}

/**
 * ScramFormatter.generateCredential(password, iterations): the salt is secureRandomBytes(), i.e. the UTF-8 bytes of
 * a random base-36 string.
 */
export function tokenScramCredentials(hmacBase64: string): Map<ScramMechanism, ScramCredential> {
  const out = new Map<ScramMechanism, ScramCredential>();
  for (const m of SCRAM_MECHANISMS) {
    out.set(m, credentialFromPassword(m, hmacBase64, scramMechanismInfo(m).minIterations, Buffer.from(secureRandomString(), 'utf8')));
  }
  return out;
}

export class DelegationTokenCache {
  private readonly tokens = new Map<string, TokenInformation>();
  private readonly hmacToId = new Map<string, string>();
  private readonly idToHmac = new Map<string, string>();
  private readonly credentials = new Map<ScramMechanism, Map<string, ScramCredential>>(SCRAM_MECHANISMS.map((m) => [m, new Map()]));

  /** updateCache: the token, its HMAC index and its credentials replace what the cache held for its id. */
  updateCache(token: DelegationToken, scramCredentials: Map<ScramMechanism, ScramCredential>): void {
    const id = token.tokenInfo.tokenId;
    const hmac = token.hmac.toString('base64');
    this.tokens.set(id, token.tokenInfo);
    for (const m of SCRAM_MECHANISMS) {
      const c = scramCredentials.get(m);
      if (c) this.credentials.get(m)!.set(id, c);
      else this.credentials.get(m)!.delete(id);
    }
    this.hmacToId.set(hmac, id);
    this.idToHmac.set(id, hmac);
  }

  /** removeCache: the token, its HMAC index entry and its credentials. */
  removeCache(tokenId: string): void {
    if (this.tokens.delete(tokenId)) {
      const hmac = this.idToHmac.get(tokenId);
      this.idToHmac.delete(tokenId);
      if (hmac !== undefined) this.hmacToId.delete(hmac);
    }
    for (const m of SCRAM_MECHANISMS) this.credentials.get(m)!.delete(tokenId);
  }

  credential(mechanism: ScramMechanism, tokenId: string): ScramCredential | undefined {
    return this.credentials.get(mechanism)?.get(tokenId);
  }

  /** The owner's name (what the SCRAM server authenticates the connection as), undefined for an unknown id. */
  owner(tokenId: string): string | undefined {
    return this.tokens.get(tokenId)?.owner.name;
  }

  token(tokenId: string): TokenInformation | undefined {
    return this.tokens.get(tokenId);
  }

  tokenForHmac(hmacBase64: string): TokenInformation | undefined {
    const id = this.hmacToId.get(hmacBase64);
    return id === undefined ? undefined : this.tokens.get(id);
  }

  allTokens(): TokenInformation[] {
    return [...this.tokens.values()];
  }
}
