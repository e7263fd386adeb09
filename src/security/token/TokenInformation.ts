/**
 * org.apache.kafka.common.security.token.delegation.{TokenInformation, DelegationToken} (KIP-48): what the broker
 * knows about a token (id, owner, requester, renewers, issue / expiry / max timestamps) and the token as handed to
 * its owner (the information plus the HMAC of the id, which is the token's password).
 */
import { KafkaPrincipal, USER_TYPE } from '../auth/KafkaPrincipal';

export interface TokenInformation {
  tokenId: string;
  owner: KafkaPrincipal;
  /** Who asked for the token (KIP-373: may differ from the owner). */
  tokenRequester: KafkaPrincipal;
  renewers: KafkaPrincipal[];
  issueTimestamp: number;
  maxTimestamp: number;
  expiryTimestamp: number;
}

export interface DelegationToken {
  tokenInfo: TokenInformation;
  hmac: Buffer;
}

/** KafkaPrincipal.equals: type and name (tokenAuthenticated is not part of a principal's identity). */
export function samePrincipal(a: KafkaPrincipal, b: KafkaPrincipal): boolean {
  return a.type === b.type && a.name === b.name;
}

/** TokenInformation.ownerOrRenewer. */
export function ownerOrRenewer(token: TokenInformation, principal: KafkaPrincipal): boolean {
  return samePrincipal(token.owner, principal) || token.renewers.some((r) => samePrincipal(r, principal));
}

/** DelegationTokenManager.expireTokens' test: past its max lifetime or its current expiry. */
export function isExpired(token: TokenInformation, nowMs: number): boolean {
  return token.maxTimestamp < nowMs || token.expiryTimestamp < nowMs;
}

/**
 * SecurityUtils.parseKafkaPrincipal: `<type>:<name>`, split at the first ':'; an empty string, or one without ':',
 * is an IllegalArgumentException with Kafka's message.
 */
export function parseKafkaPrincipal(s: string): KafkaPrincipal {
  const i = s.indexOf(':');
  if (s === '' || i < 0) throw new Error(`expected a string in format principalType:principalName but got ${s}`);
  return { type: s.substring(0, i), name: s.substring(i + 1) };
}

/** Renewers must be users (KafkaApis.handleCreateTokenRequest: INVALID_PRINCIPAL_TYPE otherwise). */
export function isUserPrincipal(p: KafkaPrincipal): boolean {
  return p.type === USER_TYPE;
}
