/**
 * The client side of PLAIN, SCRAM and OAUTHBEARER (Kafka's PlainSaslClient-equivalent, ScramSaslClient and
 * OAuthBearerSaslClient), for the broker's own
 * connections to a SASL inter-broker listener: `initialResponse()`, then `evaluateChallenge` for each server token
 * until `isComplete()`. SCRAM checks the server's signature, so a broker never talks to an impostor.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';
import { formatClientInitialResponse } from './OAuthBearerClientInitialResponse';
import { OAUTHBEARER_MECHANISM } from './OAuthBearerSaslServer';
import { unsecuredLoginToken } from './OAuthBearerUnsecuredLogin';
import { isScramMechanism, SCRAM_MECHANISMS, ScramMechanismName } from './ScramSaslServer';

export interface SaslClient {
  readonly mechanism: string;
  initialResponse(): Buffer;
  /** The next token to send, or null when the exchange is complete. */
  evaluateChallenge(challenge: Buffer): Buffer | null;
  isComplete(): boolean;
}

export class PlainSaslClient implements SaslClient {
  readonly mechanism = 'PLAIN';
  private complete = false;

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  initialResponse(): Buffer {
    return Buffer.from(`\u0000${this.username}\u0000${this.password}`, 'utf8');
  }

  evaluateChallenge(): Buffer | null {
    this.complete = true;
    return null;
  }

  isComplete(): boolean {
    return this.complete;
  }
}

/** ScramFormatter.saslName: `=` -> `=3D`, `,` -> `=2C`. */
export function scramSaslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

export class ScramSaslClient implements SaslClient {
  private state: 'SEND_CLIENT_FIRST' | 'RECEIVE_SERVER_FIRST' | 'RECEIVE_SERVER_FINAL' | 'COMPLETE' = 'SEND_CLIENT_FIRST';
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | null = null;

  constructor(
    readonly mechanism: ScramMechanismName,
    private readonly username: string,
    private readonly password: string,
    private readonly nonce: string = randomBytes(18).toString('base64').replace(/[+/=]/g, 'x'),
    // dtoken: ScramLoginModule's tokenauth="true" sends the extension tokenauth=true in the client-first message.
    private readonly tokenAuth = false,
  ) {}

  initialResponse(): Buffer {
    this.clientFirstBare = `n=${scramSaslName(this.username)},r=${this.nonce}${this.tokenAuth ? ',tokenauth=true' : ''}`;
    this.state = 'RECEIVE_SERVER_FIRST';
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  evaluateChallenge(challenge: Buffer): Buffer | null {
    const text = challenge.toString('utf8');
    if (this.state === 'RECEIVE_SERVER_FIRST') {
      const m = /^(?:m=[^,]+,)?r=([^,]+),s=([A-Za-z0-9+/=]+),i=([0-9]+)/.exec(text);
      if (!m) throw new Error(`Invalid SCRAM server first message format: ${text}`);
      const [, serverNonce, salt, iterationsText] = m;
      if (!serverNonce.startsWith(this.nonce)) throw new Error('Invalid server nonce: does not start with client nonce');
      const iterations = Number(iterationsText);
      const hash = SCRAM_MECHANISMS[this.mechanism].hash;
      const saltedPassword = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, hash === 'sha256' ? 32 : 64, hash);
      const clientKey = createHmac(hash, saltedPassword).update('Client Key').digest();
      const storedKey = createHash(hash).update(clientKey).digest();
      const withoutProof = `c=biws,r=${serverNonce}`;
      const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
      const clientSignature = createHmac(hash, storedKey).update(authMessage).digest();
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
      const serverKey = createHmac(hash, saltedPassword).update('Server Key').digest();
      this.expectedServerSignature = createHmac(hash, serverKey).update(authMessage).digest();
      this.state = 'RECEIVE_SERVER_FINAL';
      return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
    }
    if (this.state === 'RECEIVE_SERVER_FINAL') {
      const m = /^(?:e=([^,]+)|v=([A-Za-z0-9+/=]+))/.exec(text);
      if (!m) throw new Error(`Invalid SCRAM server final message format: ${text}`);
      if (m[1] !== undefined) throw new Error(`Sasl authentication using ${this.mechanism} failed with error: ${m[1]}`);
      if (!Buffer.from(m[2], 'base64').equals(this.expectedServerSignature!)) throw new Error('Invalid server signature in server final message');
      this.state = 'COMPLETE';
      return null;
    }
    throw new Error(`Unexpected challenge in Sasl client state ${this.state}`);
  }

  isComplete(): boolean {
    return this.state === 'COMPLETE';
  }
}

/**
 * OAuthBearerSaslClient with OAuthBearerUnsecuredLoginCallbackHandler: the initial response carries an unsecured
 * JWS built from the login module's options when the connection authenticates; an error challenge (the server's
 * JSON) is answered with \x01, after which the server fails the exchange with that JSON as its message.
 */
export class OAuthBearerSaslClient implements SaslClient {
  readonly mechanism = OAUTHBEARER_MECHANISM;
  private state: 'SEND_CLIENT_FIRST_MESSAGE' | 'RECEIVE_SERVER_FIRST_MESSAGE' | 'RECEIVE_SERVER_MESSAGE_AFTER_FAILURE' | 'COMPLETE' =
    'SEND_CLIENT_FIRST_MESSAGE';

  constructor(
    private readonly loginOptions: ReadonlyMap<string, string>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  initialResponse(): Buffer {
    const login = unsecuredLoginToken(this.loginOptions, this.nowMs());
    if (login === null) throw new Error('No OAUTHBEARER token: the login module has no options to build one from');
    this.state = 'RECEIVE_SERVER_FIRST_MESSAGE';
    return formatClientInitialResponse(login.jws.value, '', login.extensions);
  }

  evaluateChallenge(challenge: Buffer): Buffer | null {
    if (this.state === 'RECEIVE_SERVER_FIRST_MESSAGE') {
      if (challenge.length !== 0) {
        this.state = 'RECEIVE_SERVER_MESSAGE_AFTER_FAILURE';
        return Buffer.from([0x01]);
      }
      this.state = 'COMPLETE';
      return null;
    }
    throw new Error(`Unexpected challenge in Sasl client state ${this.state}`);
  }

  isComplete(): boolean {
    return this.state === 'COMPLETE';
  }
}

/**
 * `tokenAuth`: SCRAM with a delegation token (the `tokenauth=true` extension); `loginOptions`: the mechanism's JAAS
 * login module options (OAUTHBEARER builds its token from them).
 */
export function createSaslClient(
  mechanism: string,
  username: string,
  password: string,
  opts: { tokenAuth?: boolean; loginOptions?: ReadonlyMap<string, string> } = {},
): SaslClient {
  if (mechanism === 'PLAIN') return new PlainSaslClient(username, password);
  if (isScramMechanism(mechanism)) return new ScramSaslClient(mechanism, username, password, undefined, opts.tokenAuth === true);
  if (mechanism === OAUTHBEARER_MECHANISM) return new OAuthBearerSaslClient(opts.loginOptions ?? new Map());
  throw new Error(`SASL mechanism ${mechanism} is not supported by this client`);
}
