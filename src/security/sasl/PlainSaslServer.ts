/**
 * org.apache.kafka.common.security.plain.internals.PlainSaslServer (RFC 4616): one client message
 * `[authzid] NUL authcid NUL passwd`, checked against the listener's PlainLoginModule `user_<name>` entries
 * (PlainServerCallbackHandler), with Kafka 3.7's messages.
 */
import { timingSafeEqual } from 'crypto';
import { SaslAuthenticationException, SaslServer } from './SaslServer';

export class PlainSaslServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private complete = false;
  private authzId = '';

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluateResponse(token: Buffer): Buffer {
    if (this.complete) throw new SaslAuthenticationException('PLAIN authentication already complete');
    const tokens = token.toString('utf8').split('\u0000');
    if (tokens.length !== 3) throw new SaslAuthenticationException(`Invalid SASL/PLAIN response: expected 3 tokens, got ${tokens.length}`);
    const [authorizationIdFromClient, username, password] = tokens;
    if (username.length === 0) throw new SaslAuthenticationException('Authentication failed: username not specified');
    if (password.length === 0) throw new SaslAuthenticationException('Authentication failed: password not specified');
    if (!this.authenticate(username, password)) throw new SaslAuthenticationException('Authentication failed: Invalid username or password');
    if (authorizationIdFromClient.length > 0 && authorizationIdFromClient !== username) {
      throw new SaslAuthenticationException('Authentication failed: Client requested an authorization id that is different from username');
    }
    this.authzId = username;
    this.complete = true;
    return Buffer.alloc(0);
  }

  /** PlainServerCallbackHandler.authenticate: constant-time compare of the configured password. */
  private authenticate(username: string, password: string): boolean {
    const expected = this.users.get(username);
    if (expected === undefined) return false;
    const a = Buffer.from(expected, 'utf8');
    const b = Buffer.from(password, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  isComplete(): boolean {
    return this.complete;
  }

  authorizationId(): string {
    if (!this.complete) throw new Error('Authentication exchange has not completed');
    return this.authzId;
  }
}
