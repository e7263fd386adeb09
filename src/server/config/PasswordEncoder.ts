/**
 * kafka.utils.PasswordEncoder (Kafka 3.7): how dynamic password configs (e.g. listener.name.ssl.ssl.keystore.password)
 * are stored in /config/brokers/<id>. EncryptingPasswordEncoder derives an AES key from password.encoder.secret with
 * PBKDF2 (a fresh 256-byte salt per value), encrypts the UTF-8 password and stores a CSV map of everything needed to
 * decode it again: the algorithms, key length, iterations, salt, IV and the password length (a sanity check).
 * The keys come in the iteration order of the Scala 2.13 immutable HashMap Kafka builds them in (its CHAMP trie orders
 * by improved String hash): encryptedPassword, keyLength, cipherAlgorithm, initializationVector, keyFactoryAlgorithm,
 * passwordLength, salt, iterations. Values stored by a real Kafka 3.7 broker decode here and vice versa.
 */
import * as crypto from 'crypto';
import { ConfigException } from '../../common/config/ConfigDef';

export interface PasswordEncoder {
  encode(password: string): string;
  decode(encoded: string): string;
}

/** NoOpPasswordEncoder: KRaft mode stores dynamic passwords as they are (the metadata log is not world-readable). */
export const NOOP_PASSWORD_ENCODER: PasswordEncoder = { encode: (p) => p, decode: (e) => e };

/** Java's SecretKeyFactory names -> Node's pbkdf2 digests. */
const KEY_FACTORY_DIGESTS: Readonly<Record<string, string>> = {
  PBKDF2WithHmacSHA512: 'sha512',
  PBKDF2WithHmacSHA256: 'sha256',
  PBKDF2WithHmacSHA1: 'sha1',
};

/** EncryptingPasswordEncoder.encode's map keys, in Kafka's output order (see the module comment). */
const KEY_ORDER = ['encryptedPassword', 'keyLength', 'cipherAlgorithm', 'initializationVector', 'keyFactoryAlgorithm', 'passwordLength', 'salt', 'iterations'];

/** Java's AES/<mode>/PKCS5Padding with a key of keyLength bits -> Node's cipher name ('aes-128-cbc'). */
function nodeCipher(cipherAlgorithm: string, keyLength: number): string {
  const m = /^AES\/(CBC|CTR|CFB|OFB)\/(PKCS5Padding|NoPadding)$/i.exec(cipherAlgorithm);
  if (!m || ![128, 192, 256].includes(keyLength)) {
    throw new ConfigException(`Unsupported password encoder cipher ${cipherAlgorithm} with key length ${keyLength}`, 'password.encoder.cipher.algorithm');
  }
  return `aes-${keyLength}-${m[1].toLowerCase()}`;
}

function digestOf(keyFactoryAlgorithm: string): string {
  const d = KEY_FACTORY_DIGESTS[keyFactoryAlgorithm];
  if (!d) throw new ConfigException(`Unsupported password encoder key factory ${keyFactoryAlgorithm}`, 'password.encoder.keyfactory.algorithm');
  return d;
}

/** CoreUtils.parseCsvMap: "k1:v1,k2:v2" (a value may itself contain ':'; base64 never contains ','). */
export function parseCsvMap(s: string): Map<string, string> {
  const m = new Map<string, string>();
  if (s.trim() === '') return m;
  for (const part of s.split(',')) {
    const i = part.indexOf(':');
    if (i < 0) throw new ConfigException(`Password could not be decoded: malformed entry '${part}'`);
    m.set(part.substring(0, i).trim(), part.substring(i + 1).trim());
  }
  return m;
}

export class EncryptingPasswordEncoder implements PasswordEncoder {
  private readonly keyFactoryAlgorithm: string;

  constructor(
    private readonly secret: string,
    keyFactoryAlgorithm: string | null,
    private readonly cipherAlgorithm: string,
    private readonly keyLength: number,
    private readonly iterations: number,
  ) {
    // Kafka: PBKDF2WithHmacSHA512 when the JVM has it (every JVM Kafka 3.7 runs on), else PBKDF2WithHmacSHA1.
    this.keyFactoryAlgorithm = keyFactoryAlgorithm ?? 'PBKDF2WithHmacSHA512';
    digestOf(this.keyFactoryAlgorithm);
    nodeCipher(cipherAlgorithm, keyLength);
  }

  encode(password: string): string {
    const salt = crypto.randomBytes(256);
    const iv = crypto.randomBytes(16);
    const key = this.key(this.keyFactoryAlgorithm, this.keyLength, salt, this.iterations);
    const cipher = crypto.createCipheriv(nodeCipher(this.cipherAlgorithm, this.keyLength), key, iv);
    const encrypted = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    const fields: Record<string, string> = {
      encryptedPassword: encrypted.toString('base64'),
      keyLength: String(this.keyLength),
      cipherAlgorithm: this.cipherAlgorithm,
      initializationVector: iv.toString('base64'),
      keyFactoryAlgorithm: this.keyFactoryAlgorithm,
      // Java's String.length: UTF-16 code units, as JavaScript's.
      passwordLength: String(password.length),
      salt: salt.toString('base64'),
      iterations: String(this.iterations),
    };
    return KEY_ORDER.map((k) => `${k}:${fields[k]}`).join(',');
  }

  decode(encoded: string): string {
    const p = parseCsvMap(encoded);
    const get = (k: string): string => {
      const v = p.get(k);
      if (v === undefined) throw new ConfigException(`Password could not be decoded: ${k} missing`);
      return v;
    };
    const keyLength = Number(get('keyLength'));
    const iterations = Number(get('iterations'));
    const passwordLength = Number(get('passwordLength'));
    let password: string;
    try {
      const key = this.key(get('keyFactoryAlgorithm'), keyLength, Buffer.from(get('salt'), 'base64'), iterations);
      const decipher = crypto.createDecipheriv(nodeCipher(get('cipherAlgorithm'), keyLength), key, Buffer.from(get('initializationVector'), 'base64'));
      password = Buffer.concat([decipher.update(Buffer.from(get('encryptedPassword'), 'base64')), decipher.final()]).toString('utf8');
    } catch (e) {
      if (e instanceof ConfigException) throw e;
      throw new ConfigException('Password could not be decoded');
    }
    if (password.length !== passwordLength) throw new ConfigException('Password could not be decoded, sanity check of length failed');
    return password;
  }

  /** PBEKeySpec(secret.toCharArray, salt, iterations, keyLength): Java's PBKDF2 feeds the chars as UTF-8. */
  private key(keyFactoryAlgorithm: string, keyLength: number, salt: Buffer, iterations: number): Buffer {
    if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(keyLength)) throw new ConfigException('Password could not be decoded');
    return crypto.pbkdf2Sync(Buffer.from(this.secret, 'utf8'), salt, iterations, keyLength / 8, digestOf(keyFactoryAlgorithm));
  }
}
