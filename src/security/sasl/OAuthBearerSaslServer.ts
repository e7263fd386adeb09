/**
 * org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerSaslServer with Kafka's default validator
 * (OAuthBearerUnsecuredValidatorCallbackHandler). One client message carries the token; a valid token completes
 * the exchange with an empty challenge. An invalid one is answered with Kafka's JSON error challenge
 * (`{"status":"invalid_token"}`), not an error: the client must then send a single \x01, and only that fails the
 * authentication (SaslAuthenticationException with the JSON as its message), as RFC 7628 section 3.2.2 asks.
 * The authorization id, if given, must be the token's principal. The default validator accepts every SASL
 * extension (it marks each one valid), so extensions never fail here. The token's `exp` bounds the session
 * (SaslInternalConfigs.CREDENTIAL_LIFETIME_MS, used for KIP-368 re-authentication).
 */
import { parseClientInitialResponse } from './OAuthBearerClientInitialResponse';
import { OAuthBearerUnsecuredJws } from './OAuthBearerUnsecuredJws';
import { OAuthBearerUnsecuredValidator } from './OAuthBearerValidation';
import { SaslAuthenticationException, SaslServer } from './SaslServer';

export const OAUTHBEARER_MECHANISM = 'OAUTHBEARER';
export const OAUTHBEARER_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

/** OAuthBearerSaslServer.jsonErrorResponse. */
export function jsonErrorResponse(errorStatus: string, errorScope: string | null, errorOpenIDConfiguration: string | null): string {
  let json = `{"status":"${errorStatus}"`;
  if (errorScope !== null) json = `${json}, "scope":"${errorScope}"`;
  if (errorOpenIDConfiguration !== null) json = `${json}, "openid-configuration":"${errorOpenIDConfiguration}"`;
  return `${json}}`;
}

export class OAuthBearerSaslServer implements SaslServer {
  readonly mechanism = OAUTHBEARER_MECHANISM;
  private complete = false;
  private token: OAuthBearerUnsecuredJws | null = null;
  private errorMessage: string | null = null;
  /** The extensions the validator accepted (OAuthBearerSaslServer's negotiated properties). */
  extensions = new Map<string, string>();

  constructor(private readonly validator: OAuthBearerUnsecuredValidator) {}

  evaluateResponse(response: Buffer): Buffer {
    if (response.length === 1 && response[0] === 0x01 && this.errorMessage !== null) {
      throw new SaslAuthenticationException(this.errorMessage);
    }
    this.errorMessage = null;
    const r = parseClientInitialResponse(response);
    const outcome = this.validator.validate(r.tokenValue);
    if (outcome.token === null) {
      this.errorMessage = jsonErrorResponse(outcome.errorStatus, outcome.errorScope, outcome.errorOpenIdConfiguration);
      return Buffer.from(this.errorMessage, 'utf8');
    }
    const token = outcome.token;
    if (r.authorizationId !== '' && r.authorizationId !== token.principalName) {
      throw new SaslAuthenticationException(
        `Authentication failed: Client requested an authorization id (${r.authorizationId}) that is different from the token's principal name (${token.principalName})`,
      );
    }
    this.extensions = new Map(r.extensions);
    this.token = token;
    this.complete = true;
    return Buffer.alloc(0);
  }

  isComplete(): boolean {
    return this.complete;
  }

  authorizationId(): string {
    if (!this.complete) throw new Error('Authentication exchange has not completed');
    return this.token!.principalName;
  }

  /** getNegotiatedProperty(CREDENTIAL_LIFETIME_MS): when the token expires (ms since the epoch). */
  credentialExpirationMs(): number | null {
    if (!this.complete) throw new Error('Authentication exchange has not completed');
    return this.token!.lifetimeMs;
  }

  /** getNegotiatedProperty("OAUTHBEARER.token"). */
  negotiatedToken(): OAuthBearerUnsecuredJws | null {
    return this.token;
  }
}
