/**
 * What one listener's security protocol needs at run time (Kafka's ChannelBuilders output for a listener): TLS
 * material and client-auth mode for SSL / SASL_SSL, the enabled SASL mechanisms and their credential sources for
 * SASL_PLAINTEXT / SASL_SSL. Built from KafkaConfig by src/server/config/KafkaConfigSecurity.ts; used by the
 * SocketServer (server side) and NetworkClient (the broker's own inter-broker clients).
 */
import type { SecureContextOptions } from 'tls';
import type { SslPrincipalMapper } from '../ssl/SslPrincipalMapper';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type SslClientAuth = 'none' | 'requested' | 'required';

export interface ServerTlsSettings {
  /** key/cert (PEM) or pfx/passphrase (PKCS12), ca (the truststore's certificates), protocol range. */
  context: SecureContextOptions;
  clientAuth: SslClientAuth;
  principalMapper: SslPrincipalMapper;
}

/** A SCRAM credential, as secscram's ScramCredential (src/security/scram/ScramCredential.ts) pins it. */
export interface ScramCredentialLike {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

/** Structurally secscram's ScramCredentialProvider (the broker's CredentialCache). */
export interface ScramCredentialSource {
  scramCredential(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: string): ScramCredentialLike | undefined;
  /**
   * dtoken: a delegation token's credential for SCRAM with the `tokenauth=true` extension (Kafka's
   * DelegationTokenCredentialCallback answered by ScramServerCallbackHandler from the DelegationTokenCache): the
   * credential derived from the token's HMAC, the owner's name the connection authenticates as, and the token's
   * expiry. Undefined for an unknown token id (or when the broker has no token support).
   */
  tokenCredential?(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', tokenId: string): TokenScramCredential | undefined;
}

/** dtoken: what tokenCredential answers; `credential` undefined when the token has none for the mechanism. */
export interface TokenScramCredential {
  credential: ScramCredentialLike | undefined;
  owner: string;
  expiryTimestamp: number;
}

export interface ServerSaslSettings {
  /** sasl.enabled.mechanisms (listener override first), upper-case, in configured order. */
  enabledMechanisms: string[];
  /** PlainLoginModule's user_<name>="<password>" entries of this listener's plain jaas config. */
  plainUsers: ReadonlyMap<string, string>;
  /** connections.max.reauth.ms (0 = no session lifetime). */
  maxReauthMs: number;
  /** sasl.server.max.receive.size: the largest frame accepted before authentication completes. */
  maxReceiveSize: number;
  // oauth: the OAuthBearerLoginModule options of this listener's OAUTHBEARER JAAS config (the unsecured validator's).
  oauthBearerOptions?: ReadonlyMap<string, string>;
}

export interface ListenerSecurity {
  listenerName: string;
  protocol: SecurityProtocol;
  tls?: ServerTlsSettings;
  sasl?: ServerSaslSettings;
}

/** The broker's own client side of the inter-broker listener (Kafka's client ChannelBuilder with the broker's config). */
export interface ClientSecurity {
  protocol: SecurityProtocol;
  /** ca, and the broker's own key/cert when the listener asks for client certificates. */
  tls?: { context: SecureContextOptions; verifyHostname: boolean };
  /**
   * tokenAuth (dtoken): SCRAM with a delegation token (ScramLoginModule's tokenauth="true": username = token id, password = HMAC).
   * loginOptions (oauth): the mechanism's JAAS login module options (OAUTHBEARER builds its unsecured token from them).
   */
  sasl?: { mechanism: string; username: string; password: string; tokenAuth?: boolean; loginOptions?: ReadonlyMap<string, string> };
}

export function usesTls(p: SecurityProtocol): boolean {
  return p === 'SSL' || p === 'SASL_SSL';
}

export function usesSasl(p: SecurityProtocol): boolean {
  return p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
}
