/**
 * SCRAM credentials as Kafka keeps them (RFC 5802 / RFC 7677):
 * - ScramMechanism: the two mechanisms Kafka supports, with their hash and iteration bounds
 *   (org.apache.kafka.common.security.scram.internals.ScramMechanism).
 * - ScramFormatter: Hi(), the keys derived from a salted password, and the client/server proofs.
 * - ScramCredentialUtils: the `salt=..,stored_key=..,server_key=..,iterations=..` form stored in /config/users.
 * - CredentialCache: the broker's live view of the credentials, which the SASL/SCRAM server authenticates against.
 * The server never keeps a password: only salt, StoredKey = H(ClientKey) and ServerKey.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

/** The broker's live view of SCRAM credentials (Kafka's CredentialCache), kept in step with /config/users. */
export interface ScramCredentialProvider {
  scramCredential(mechanism: ScramMechanism, username: string): ScramCredential | undefined;
}

interface MechanismInfo {
  /** Wire type in AlterUserScramCredentials / DescribeUserScramCredentials (must not change). */
  type: number;
  /** Node's digest name. */
  hash: 'sha256' | 'sha512';
  /** Bytes in a digest (PBKDF2's dkLen for Hi()). */
  hashLength: number;
  minIterations: number;
  maxIterations: number;
}

const MECHANISMS: Record<ScramMechanism, MechanismInfo> = {
  'SCRAM-SHA-256': { type: 1, hash: 'sha256', hashLength: 32, minIterations: 4096, maxIterations: 16384 },
  'SCRAM-SHA-512': { type: 2, hash: 'sha512', hashLength: 64, minIterations: 4096, maxIterations: 16384 },
};

/** ScramMechanism.mechanismNames(), in Kafka's order. */
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.prototype.hasOwnProperty.call(MECHANISMS, name);
}

export function scramMechanismInfo(mechanism: ScramMechanism): Readonly<MechanismInfo> {
  return MECHANISMS[mechanism];
}

/** ScramMechanism.fromType: the wire type of the admin APIs (1 = SHA-256, 2 = SHA-512), undefined when unknown. */
export function scramMechanismFromType(type: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => MECHANISMS[m].type === type);
}

export function scramMechanismType(mechanism: ScramMechanism): number {
  return MECHANISMS[mechanism].type;
}

// ---- ScramFormatter ----

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(MECHANISMS[mechanism].hash, key).update(data).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(MECHANISMS[mechanism].hash).update(data).digest();
}

export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new Error('Argument arrays must be of the same length');
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC and a one-block output, which is what Node's pbkdf2 computes. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const info = MECHANISMS[mechanism];
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, info.hashLength, info.hash);
}

export function clientKey(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Client Key');
}

export function serverKey(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Server Key');
}

/** AuthMessage = client-first-message-bare + "," + server-first-message + "," + client-final-message-without-proof. */
export function authMessage(clientFirstMessageBare: string, serverFirstMessage: string, clientFinalMessageWithoutProof: string): string {
  return `${clientFirstMessageBare},${serverFirstMessage},${clientFinalMessageWithoutProof}`;
}

/** ClientSignature = HMAC(StoredKey, AuthMessage). */
export function clientSignature(mechanism: ScramMechanism, storedKey: Buffer, authMsg: string): Buffer {
  return hmac(mechanism, storedKey, authMsg);
}

/** ClientProof = ClientKey XOR HMAC(H(ClientKey), AuthMessage): what a client sends. */
export function clientProof(mechanism: ScramMechanism, salted: Buffer, authMsg: string): Buffer {
  const ck = clientKey(mechanism, salted);
  return xor(ck, clientSignature(mechanism, hash(mechanism, ck), authMsg));
}

/** The server's check of a proof: H(ClientSignature XOR ClientProof) must equal the StoredKey. */
export function storedKeyFromProof(mechanism: ScramMechanism, clientSig: Buffer, proof: Buffer): Buffer {
  return hash(mechanism, xor(clientSig, proof));
}

/** ServerSignature = HMAC(ServerKey, AuthMessage): sent in server-final-message as v=. */
export function serverSignature(mechanism: ScramMechanism, srvKey: Buffer, authMsg: string): Buffer {
  return hmac(mechanism, srvKey, authMsg);
}

/** ScramFormatter.saslName: '=' -> '=3D', ',' -> '=2C'. */
export function saslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** ScramFormatter.username: the inverse of saslName; a stray '=' is an invalid name. */
export function usernameFromSaslName(name: string): string {
  const u = name.replace(/=2C/g, ',');
  if (u.replace(/=3D/g, '').includes('=')) throw new Error(`Invalid username: ${name}`);
  return u.replace(/=3D/g, '=');
}

/** Kafka's ScramFormatter.secureRandomString: a 130-bit random number in base 36 (used for nonces). */
export function secureRandomString(): string {
  let n = 0n;
  for (const b of randomBytes(17)) n = (n << 8n) | BigInt(b);
  return (n & ((1n << 130n) - 1n)).toString(36);
}

/** The credential for a password: random 32-byte salt unless one is given (AlterUserScramCredentials sends one). */
export function credentialFromPassword(mechanism: ScramMechanism, password: string, iterations: number, salt?: Buffer): ScramCredential {
  const s = salt ?? randomBytes(32);
  return credentialFromSaltedPassword(mechanism, s, saltedPassword(mechanism, password, s, iterations), iterations);
}

/** ScramFormatter.generateCredential(salt, saltedPassword, iterations): what AlterUserScramCredentials upserts carry. */
export function credentialFromSaltedPassword(mechanism: ScramMechanism, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  return { salt, storedKey: hash(mechanism, clientKey(mechanism, salted)), serverKey: serverKey(mechanism, salted), iterations };
}

// ---- ScramCredentialUtils ----

export function credentialToString(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** ScramCredentialUtils.credentialFromString: exactly the four keys, else "Credentials not valid: <s>". */
export function credentialFromString(s: string): ScramCredential {
  const invalid = (): Error => new Error(`Credentials not valid: ${s}`);
  const props = new Map<string, string>();
  for (const token of s.split(',')) {
    const i = token.indexOf('=');
    if (i <= 0) throw invalid();
    props.set(token.slice(0, i), token.slice(i + 1));
  }
  const keys = ['salt', 'stored_key', 'server_key', 'iterations'];
  if (props.size !== 4 || !keys.every((k) => props.has(k))) throw invalid();
  const b64 = (k: string): Buffer => {
    const v = props.get(k)!;
    if (v.length % 4 !== 0 || !BASE64.test(v)) throw invalid();
    return Buffer.from(v, 'base64');
  };
  const it = props.get('iterations')!;
  if (!/^[+-]?\d+$/.test(it) || !Number.isSafeInteger(Number(it)) || Math.abs(Number(it)) > 0x7fffffff) throw invalid();
  return { salt: b64('salt'), storedKey: b64('stored_key'), serverKey: b64('server_key'), iterations: Number(it) };
}

// ---- CredentialCache ----

/** Kafka's CredentialCache for the SCRAM mechanisms: one map per mechanism, username -> credential. */
export class ScramCredentialCache implements ScramCredentialProvider {
  private readonly caches = new Map<ScramMechanism, Map<string, ScramCredential>>(SCRAM_MECHANISMS.map((m) => [m, new Map()]));

  scramCredential(mechanism: ScramMechanism, username: string): ScramCredential | undefined {
    return this.caches.get(mechanism)?.get(username);
  }

  /** Sets (or with null removes) one user's credential for one mechanism. */
  update(mechanism: ScramMechanism, username: string, cred: ScramCredential | null): void {
    const cache = this.caches.get(mechanism);
    if (!cache) return;
    if (cred) cache.set(username, cred);
    else cache.delete(username);
  }

  /**
   * CredentialProvider.updateCredentials: a user's configs as stored in /config/users/<user> replace what the cache
   * holds for that user; mechanisms missing (or unparsable) in the config are removed.
   */
  updateCredentials(username: string, config: Record<string, string>): void {
    for (const m of SCRAM_MECHANISMS) {
      const s = config[m];
      let cred: ScramCredential | null = null;
      if (s !== undefined) {
        try {
          cred = credentialFromString(s);
        } catch {
          cred = null;
        }
      }
      this.update(m, username, cred);
    }
  }

  /** Users with a credential for the mechanism. */
  usernames(mechanism: ScramMechanism): string[] {
    return [...(this.caches.get(mechanism)?.keys() ?? [])];
  }
}
