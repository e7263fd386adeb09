/**
 * Kafka's DefaultSslEngineFactory, for Node's `tls`: turns the ssl.* settings of a listener (or of the broker's own
 * client) into SecureContextOptions. PKCS12 keystores go to `pfx`, PEM ones (a file, or ssl.keystore.key +
 * ssl.keystore.certificate.chain inline) to key/cert; truststores become `ca`. JKS is a Java-only format: refused
 * with a message that says how to convert it. A PKCS12 truststore (certificates without a key, which Node's pfx
 * cannot load) is read through the `openssl pkcs12` command.
 */
import { execFileSync } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as tls from 'tls';
import type { SecureContextOptions, SecureVersion } from 'tls';
import { rfc2253FromNodeSubject } from './DistinguishedName';

export interface SslSettings {
  keystoreType: string;
  keystoreLocation: string | null;
  keystorePassword: string | null;
  keyPassword: string | null;
  keystoreKey: string | null;
  keystoreCertificateChain: string | null;
  truststoreType: string;
  truststoreLocation: string | null;
  truststorePassword: string | null;
  truststoreCertificates: string | null;
  enabledProtocols: string[];
}

/** Thrown for unusable SSL settings; `config` names the key at fault. */
export class SslConfigError extends Error {
  constructor(
    message: string,
    readonly config: string,
  ) {
    super(message);
    this.name = 'SslConfigError';
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;

function jksRefused(key: string): SslConfigError {
  return new SslConfigError(
    `${key}=JKS is not supported: JKS is a Java-only keystore format. Use PKCS12 or PEM ` +
      `(convert with: keytool -importkeystore -srckeystore <file>.jks -destkeystore <file>.p12 -deststoretype PKCS12)`,
    key,
  );
}

function readFile(path: string, key: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new SslConfigError(`Failed to load SSL keystore ${path} of type from ${key}: ${(e as Error).message}`, key);
  }
}

function pemCertificates(text: string, key: string): string[] {
  const certs = text.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new SslConfigError(`No certificate entries found in ${key}`, key);
  return certs;
}

/** The key material (server identity, or a client certificate), or nothing when no keystore is configured. */
function keystoreOptions(s: SslSettings): SecureContextOptions {
  const type = s.keystoreType.toUpperCase();
  if (s.keystoreKey !== null || s.keystoreCertificateChain !== null) {
    // DefaultSslEngineFactory: inline PEM requires both, and ssl.keystore.type=PEM.
    if (type !== 'PEM')
      throw new SslConfigError(`Invalid ssl.keystore.type ${s.keystoreType}: ssl.keystore.key is only supported with PEM`, 'ssl.keystore.type');
    if (s.keystoreKey === null || s.keystoreCertificateChain === null) {
      throw new SslConfigError('Both ssl.keystore.key and ssl.keystore.certificate.chain must be specified for PEM key stores', 'ssl.keystore.key');
    }
    if (s.keystoreLocation !== null) throw new SslConfigError('Both PEM config and key store location cannot be specified', 'ssl.keystore.location');
    return {
      key: [{ pem: s.keystoreKey, passphrase: s.keyPassword ?? undefined }],
      cert: pemCertificates(s.keystoreCertificateChain, 'ssl.keystore.certificate.chain').join('\n'),
    };
  }
  if (s.keystoreLocation === null) return {};
  if (type === 'JKS') throw jksRefused('ssl.keystore.type');
  const data = readFile(s.keystoreLocation, 'ssl.keystore.location');
  if (type === 'PKCS12') {
    // PKCS12 with a distinct key password is not a thing Node can open: one passphrase for the whole store.
    return { pfx: [{ buf: data, passphrase: s.keystorePassword ?? undefined }] };
  }
  if (type === 'PEM') {
    if (s.keystorePassword !== null)
      throw new SslConfigError('SSL key store password cannot be specified with PEM format, only key password may be specified', 'ssl.keystore.password');
    const text = data.toString('utf8');
    const key = PEM_KEY.exec(text);
    if (!key) throw new SslConfigError(`No private key found in ${s.keystoreLocation} (ssl.keystore.location)`, 'ssl.keystore.location');
    return { key: [{ pem: key[0], passphrase: s.keyPassword ?? undefined }], cert: pemCertificates(text, 'ssl.keystore.location').join('\n') };
  }
  throw new SslConfigError(`Unsupported ssl.keystore.type ${s.keystoreType}: use PKCS12 or PEM`, 'ssl.keystore.type');
}

/** The trusted certificates, or nothing (then Node's default CAs, as Java's default trust store). */
function truststoreOptions(s: SslSettings): SecureContextOptions {
  const type = s.truststoreType.toUpperCase();
  if (s.truststoreCertificates !== null) {
    if (type !== 'PEM')
      throw new SslConfigError(
        `Invalid ssl.truststore.type ${s.truststoreType}: ssl.truststore.certificates is only supported with PEM`,
        'ssl.truststore.type',
      );
    return { ca: pemCertificates(s.truststoreCertificates, 'ssl.truststore.certificates') };
  }
  if (s.truststoreLocation === null) return {};
  if (type === 'JKS') throw jksRefused('ssl.truststore.type');
  if (type === 'PEM') return { ca: pemCertificates(readFile(s.truststoreLocation, 'ssl.truststore.location').toString('utf8'), 'ssl.truststore.location') };
  if (type === 'PKCS12') {
    readFile(s.truststoreLocation, 'ssl.truststore.location');
    let text: string;
    try {
      text = execFileSync('openssl', ['pkcs12', '-in', s.truststoreLocation, '-nokeys', '-passin', 'env:KAFKA_TS_TRUSTSTORE_PASSWORD'], {
        env: { ...process.env, KAFKA_TS_TRUSTSTORE_PASSWORD: s.truststorePassword ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString('utf8');
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString('utf8').trim() ?? (e as Error).message;
      throw new SslConfigError(`Failed to load SSL truststore ${s.truststoreLocation} of type PKCS12: ${stderr}`, 'ssl.truststore.location');
    }
    return { ca: pemCertificates(text, 'ssl.truststore.location') };
  }
  throw new SslConfigError(`Unsupported ssl.truststore.type ${s.truststoreType}: use PKCS12 or PEM`, 'ssl.truststore.type');
}

/** ssl.enabled.protocols -> Node's version range (Node enables a contiguous range; TLSv1.2,TLSv1.3 is the default). */
function protocolRange(protocols: string[]): { minVersion?: SecureVersion; maxVersion?: SecureVersion } {
  const order: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const known = protocols.map((p) => order.indexOf(p as SecureVersion)).filter((i) => i >= 0);
  if (known.length === 0)
    throw new SslConfigError(`None of the ssl.enabled.protocols [${protocols.join(', ')}] is supported (use TLSv1.2 and/or TLSv1.3)`, 'ssl.enabled.protocols');
  return { minVersion: order[Math.min(...known)], maxVersion: order[Math.max(...known)] };
}

export function secureContextOptions(s: SslSettings): SecureContextOptions {
  return { ...keystoreOptions(s), ...truststoreOptions(s), ...protocolRange(s.enabledProtocols) };
}

export function hasKeystore(s: SslSettings): boolean {
  return s.keystoreLocation !== null || s.keystoreKey !== null;
}

/** The server certificate a context presents (its leaf), or null when it has none. */
function leafCertificate(context: tls.SecureContext): X509Certificate | null {
  const der = (context.context as { getCertificate?: () => Buffer | null }).getCertificate?.();
  return der ? new X509Certificate(der) : null;
}

function subjectAltNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * SslFactory.validateReconfiguration for a listener whose keystore/truststore configs changed: the new stores must
 * load (a wrong password or a missing file is refused, and the old context stays), a keystore can be neither added nor
 * removed, and unless ssl.allow.dn.changes / ssl.allow.san.changes the new certificate keeps the subject DN and at least
 * the SubjectAltNames of the old one (CertificateEntries.ensureCompatible), so clients that verify the broker keep
 * trusting it. Returns the new context; the message of a refusal is Kafka's.
 */
export function validateSslReconfiguration(
  oldOptions: SecureContextOptions,
  newSettings: () => SecureContextOptions,
  allowDnChanges: boolean,
  allowSanChanges: boolean,
): tls.SecureContext {
  try {
    const oldContext = tls.createSecureContext(oldOptions);
    const newContext = tls.createSecureContext(newSettings());
    const oldCert = leafCertificate(oldContext);
    const newCert = leafCertificate(newContext);
    if (!oldCert && newCert) throw new Error('Cannot add SSL keystore to an existing listener for which no keystore was configured.');
    if (oldCert && !newCert) throw new Error('Cannot remove the SSL keystore from an existing listener for which a keystore was configured.');
    if (oldCert && newCert) {
      const oldDn = rfc2253FromNodeSubject(oldCert.subject);
      const newDn = rfc2253FromNodeSubject(newCert.subject);
      if (!allowDnChanges && oldDn.toLowerCase() !== newDn.toLowerCase()) {
        throw new Error(`Keystore DistinguishedName does not match:  existing={DN=${oldDn}}, new={DN=${newDn}}`);
      }
      const oldSans = subjectAltNames(oldCert);
      const newSans = subjectAltNames(newCert);
      if (!allowSanChanges && !oldSans.every((s) => newSans.includes(s))) {
        throw new Error(`Keystore SubjectAltNames do not match:  existing={SAN=[${oldSans.join(', ')}]}, new={SAN=[${newSans.join(', ')}]}`);
      }
    }
    return newContext;
  } catch (e) {
    throw new SslConfigError(`Validation of dynamic config update of SSLFactory failed: ${(e as Error).message}`, 'ssl.keystore.location');
  }
}
