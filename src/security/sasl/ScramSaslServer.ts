/**
 * org.apache.kafka.common.security.scram.internals.ScramSaslServer (RFC 5802, SHA-256 per RFC 7677, SHA-512): the
 * client-first message `n,[a=authzid],n=<saslname>,r=<nonce>[,ext]`, the server-first `r=<nonce+server nonce>,
 * s=<salt>,i=<iterations>`, the client-final `c=<binding>,r=<nonce>[,ext],p=<proof>` checked against the stored key
 * of the user's credential, and the server-final `v=<server signature>`. Message grammar, checks and messages are
 * Kafka 3.7's (ScramMessages' regexes); e.g. like Kafka it does not compare the channel binding, and the
 * client-final's extensions are left out of the AuthMessage, which is what librdkafka's client-final needs.
 * dtoken: with the client-first extension `tokenauth=true` the name is a delegation token id, checked against the
 * token's credentials, and the connection authenticates as the token's owner, marked token-authenticated.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { ScramCredentialLike, ScramCredentialSource } from '../auth/ListenerSecurity';
import { SaslAuthenticationException, SaslException, SaslServer } from './SaslServer';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** ScramMechanism: hash, and the minimum iterations (4096) Kafka accepts from a stored credential. */
export const SCRAM_MECHANISMS: Record<ScramMechanismName, { hash: 'sha256' | 'sha512'; minIterations: number }> = {
  'SCRAM-SHA-256': { hash: 'sha256', minIterations: 4096 },
  'SCRAM-SHA-512': { hash: 'sha512', minIterations: 4096 },
};

export function isScramMechanism(m: string): m is ScramMechanismName {
  return m === 'SCRAM-SHA-256' || m === 'SCRAM-SHA-512';
}

// ScramMessages.AbstractScramMessage's patterns ([\x01-\x7F&&[^,]] and friends written out for JavaScript).
const ALPHA = '[A-Za-z]+';
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+';
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const BASE64_CHAR = '[a-zA-Z0-9/+]';
const BASE64 = `(?:${BASE64_CHAR}{4})*(?:${BASE64_CHAR}{3}=|${BASE64_CHAR}{2}==)?`;
const RESERVED = `(m=${VALUE},)?`;
const EXTENSIONS = `(,${ALPHA}=${VALUE})*`;
const CLIENT_FIRST = new RegExp(`^n,(a=(?<authzid>${SASLNAME}))?,${RESERVED}n=(?<saslname>${SASLNAME}),r=(?<nonce>${PRINTABLE})(?<extensions>${EXTENSIONS})$`);
const CLIENT_FINAL = new RegExp(`^c=(?<channel>${BASE64}),r=(?<nonce>${PRINTABLE})${EXTENSIONS},p=(?<proof>${BASE64})$`);

/** ScramLoginModule.TOKEN_AUTH_CONFIG: the SCRAM extension that marks a delegation-token authentication. */
export const TOKEN_AUTH_CONFIG = 'tokenauth';

/** ScramExtensions: the client-first message's `,key=value` extensions (the grammar already checked). */
function parseExtensions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const kv of text.split(',')) {
    const i = kv.indexOf('=');
    if (i > 0) out.set(kv.substring(0, i), kv.substring(i + 1));
  }
  return out;
}

/** ScramFormatter.username: `=2C` -> `,`, `=3D` -> `=`; any other `=` is an invalid name. */
export function scramUsername(saslName: string): string {
  const username = saslName.replace(/=2C/g, ',');
  if (username.replace(/=3D/g, '').includes('=')) throw new Error(`Invalid username: ${saslName}`);
  return username.replace(/=3D/g, '=');
}

/** ScramFormatter.secureRandomString: a 130-bit random number in base 36. */
function secureRandomString(): string {
  return BigInt(`0x${randomBytes(17).toString('hex')}`)
    .toString(36)
    .substring(0, 26);
}

export class ScramSaslServer implements SaslServer {
  private state: 'RECEIVE_CLIENT_FIRST_MESSAGE' | 'RECEIVE_CLIENT_FINAL_MESSAGE' | 'COMPLETE' | 'FAILED' = 'RECEIVE_CLIENT_FIRST_MESSAGE';
  private username = '';
  private credential: ScramCredentialLike | null = null;
  private clientFirstBare = '';
  private serverFirst = '';
  /** dtoken: the client authenticated with a delegation token (the `tokenauth=true` extension). */
  tokenAuthenticated = false;
  /** dtoken: that token's expiry (Kafka's CREDENTIAL_LIFETIME_MS negotiated property), null without a token. */
  tokenExpiryTimestamp: number | null = null;

  /** SaslServer.credentialExpirationMs: a delegation token's expiry bounds the session (KIP-368); user credentials do not expire. */
  credentialExpirationMs(): number | null {
    return this.tokenExpiryTimestamp;
  }

  constructor(
    readonly mechanism: ScramMechanismName,
    private readonly credentials: ScramCredentialSource,
    /** Tests pin the server nonce. */
    private readonly serverNonce: () => string = secureRandomString,
  ) {}

  evaluateResponse(token: Buffer): Buffer {
    try {
      switch (this.state) {
        case 'RECEIVE_CLIENT_FIRST_MESSAGE':
          return this.clientFirst(token.toString('utf8'));
        case 'RECEIVE_CLIENT_FINAL_MESSAGE':
          return this.clientFinal(token.toString('utf8'));
        default:
          throw new SaslAuthenticationException(`Unexpected challenge in Sasl server state ${this.state}`);
      }
    } catch (e) {
      this.credential = null;
      this.state = 'FAILED';
      throw e;
    }
  }

  private clientFirst(message: string): Buffer {
    const m = CLIENT_FIRST.exec(message);
    if (!m) throw new SaslException(`Invalid SCRAM client first message format: ${message}`);
    const g = m.groups!;
    let username: string;
    try {
      username = scramUsername(g.saslname);
    } catch (e) {
      throw new SaslException('Authentication failed: Credentials could not be obtained');
    }
    // ScramExtensions.tokenAuthenticated (Boolean.parseBoolean of `tokenauth`): the name is a delegation token id, the
    // password its HMAC, and the connection authenticates as the token's owner (KIP-48).
    const extensions = parseExtensions(g.extensions);
    let credential: ScramCredentialLike | undefined;
    let authorizationId = username;
    if (extensions.get(TOKEN_AUTH_CONFIG)?.toLowerCase() === 'true') {
      const token = this.credentials.tokenCredential?.(this.mechanism, username);
      if (!token) throw new SaslException(`Token Authentication failed: Invalid tokenId : ${username}`);
      credential = token.credential;
      authorizationId = token.owner;
      this.tokenAuthenticated = true;
      this.tokenExpiryTimestamp = token.expiryTimestamp;
    } else {
      credential = this.credentials.scramCredential(this.mechanism, username);
    }
    if (!credential) throw new SaslException('Authentication failed: Invalid user credentials');
    const authzid = g.authzid ?? '';
    if (authzid !== '' && authzid !== username) {
      throw new SaslAuthenticationException('Authentication failed: Client requested an authorization id that is different from username');
    }
    const min = SCRAM_MECHANISMS[this.mechanism].minIterations;
    if (credential.iterations < min) throw new SaslException(`Iterations ${credential.iterations} is less than the minimum ${min} for ${this.mechanism}`);
    this.username = authorizationId;
    this.credential = credential;
    // ClientFirstMessage.clientFirstMessageBare: n=<saslname>,r=<nonce>[,<extensions>] (the reserved m= dropped).
    const ext = g.extensions.startsWith(',') ? g.extensions : '';
    this.clientFirstBare = `n=${g.saslname},r=${g.nonce}${ext}`;
    this.serverFirst = `r=${g.nonce}${this.serverNonce()},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = 'RECEIVE_CLIENT_FINAL_MESSAGE';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private clientFinal(message: string): Buffer {
    const m = CLIENT_FINAL.exec(message);
    if (!m) throw new SaslException(`Invalid SCRAM client final message format: ${message}`);
    const g = m.groups!;
    const hash = SCRAM_MECHANISMS[this.mechanism].hash;
    const cred = this.credential!;
    // ClientFinalMessage.clientFinalMessageWithoutProof: c=<binding>,r=<nonce> (extensions not included).
    const withoutProof = `c=${Buffer.from(g.channel, 'base64').toString('base64')},r=${g.nonce}`;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = createHmac(hash, cred.storedKey).update(authMessage, 'utf8').digest();
    const proof = Buffer.from(g.proof, 'base64');
    if (proof.length !== clientSignature.length) throw new SaslException('Invalid client credentials');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    const computedStoredKey = createHash(hash).update(clientKey).digest();
    if (computedStoredKey.length !== cred.storedKey.length || !timingSafeEqual(computedStoredKey, cred.storedKey)) {
      throw new SaslException('Invalid client credentials');
    }
    const serverSignature = createHmac(hash, cred.serverKey).update(authMessage, 'utf8').digest();
    this.credential = null;
    this.state = 'COMPLETE';
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }

  isComplete(): boolean {
    return this.state === 'COMPLETE';
  }

  authorizationId(): string {
    if (!this.isComplete()) throw new Error('Authentication exchange has not completed');
    return this.username;
  }
}
