/**
 * javax.security.sasl.SaslServer, as Kafka's mechanisms implement it: evaluateResponse takes the client's token and
 * returns the server's challenge (empty when there is nothing to send) until isComplete(). Two failure kinds, as in
 * Kafka: SaslAuthenticationException, whose message goes to the client as is, and SaslException, which the
 * authenticator replaces with "Authentication failed during authentication due to invalid credentials with SASL
 * mechanism <m>" (SaslServerAuthenticator.handleSaslToken).
 */
export interface SaslServer {
  readonly mechanism: string;
  evaluateResponse(token: Buffer): Buffer;
  isComplete(): boolean;
  /** The authenticated name (the principal is User:<this>); only once complete. */
  authorizationId(): string;
  /**
   * getNegotiatedProperty(SaslInternalConfigs.CREDENTIAL_LIFETIME_MS): when the credential expires (ms since the
   * epoch), for mechanisms whose credentials expire (OAUTHBEARER tokens); absent or null otherwise.
   */
  credentialExpirationMs?(): number | null;
}

export class SaslAuthenticationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslAuthenticationException';
  }
}

export class SaslException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslException';
  }
}

/** Kafka's IllegalSaslStateException (an AuthenticationException): ILLEGAL_SASL_STATE, connection closed. */
export class IllegalSaslStateException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalSaslStateException';
  }
}

/** Kafka's UnsupportedSaslMechanismException. */
export class UnsupportedSaslMechanismException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSaslMechanismException';
  }
}
