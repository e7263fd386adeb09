/**
 * org.apache.kafka.common.security.auth.KafkaPrincipal: who a connection authenticated as. PLAINTEXT connections and
 * SSL ones without a client certificate are `User:ANONYMOUS`; SASL gives `User:<authorization id>`; a client
 * certificate gives `User:<DN mapped by ssl.principal.mapping.rules>` (DefaultKafkaPrincipalBuilder).
 */
export interface KafkaPrincipal {
  type: string;
  name: string;
  /** dtoken: set on a connection authenticated with a delegation token (KafkaPrincipal.tokenAuthenticated); not part of equality. */
  tokenAuthenticated?: boolean;
}

export const USER_TYPE = 'User';
export const ANONYMOUS: KafkaPrincipal = Object.freeze({ type: USER_TYPE, name: 'ANONYMOUS' });

export function userPrincipal(name: string): KafkaPrincipal {
  return { type: USER_TYPE, name };
}

/** KafkaPrincipal.toString: `User:alice`. */
export function principalToString(p: KafkaPrincipal): string {
  return `${p.type}:${p.name}`;
}
