/**
 * Certificates for the TLS tests, made at test time with openssl in a temporary folder: a CA, a broker certificate
 * for localhost / 127.0.0.1, and client certificates with chosen subjects. Each identity comes as PEM files (key,
 * certificate, and a combined key+certificate file for ssl.keystore.type=PEM) and as a PKCS12 keystore; the CA also
 * as a PKCS12 truststore.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TlsIdentity {
  keyPem: string;
  certPem: string;
  /** key + certificate in one PEM file (ssl.keystore.type=PEM with ssl.keystore.location). */
  combinedPem: string;
  p12: string;
  password: string;
}

export interface TestPki {
  dir: string;
  caPem: string;
  caP12: string;
  password: string;
  broker: TlsIdentity;
  identity(name: string, subject: string): TlsIdentity;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function createTestPki(password = 'test-secret'): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-pki-'));
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=kzk-test-ca/O=kafka-zk-ts'],
    dir,
  );
  openssl(['pkcs12', '-export', '-nokeys', '-in', 'ca.pem', '-out', 'ca.p12', '-passout', `pass:${password}`], dir);
  let serial = 1;
  const identity = (name: string, subject: string, san?: string): TlsIdentity => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    const ext = path.join(dir, `${name}.ext`);
    fs.writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        String(serial++),
        '-out',
        `${name}.pem`,
        '-days',
        '2',
        '-extfile',
        ext,
      ],
      dir,
    );
    openssl(['pkcs12', '-export', '-in', `${name}.pem`, '-inkey', `${name}.key`, '-out', `${name}.p12`, '-passout', `pass:${password}`, '-name', name], dir);
    const combined = path.join(dir, `${name}-combined.pem`);
    fs.writeFileSync(combined, fs.readFileSync(path.join(dir, `${name}.key`), 'utf8') + fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8'));
    return {
      keyPem: path.join(dir, `${name}.key`),
      certPem: path.join(dir, `${name}.pem`),
      combinedPem: combined,
      p12: path.join(dir, `${name}.p12`),
      password,
    };
  };
  const broker = identity('broker', '/CN=localhost/OU=brokers/O=kafka-zk-ts', 'DNS:localhost,IP:127.0.0.1');
  return {
    dir,
    caPem: path.join(dir, 'ca.pem'),
    caP12: path.join(dir, 'ca.p12'),
    password,
    broker,
    identity: (name, subject) => identity(name, subject),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Broker properties for an SSL-capable listener set, PKCS12 keystore and PEM truststore by default. */
export function brokerSslProps(
  pki: TestPki,
  opts: { keystore?: 'PKCS12' | 'PEM'; truststore?: 'PKCS12' | 'PEM'; clientAuth?: string } = {},
): Record<string, string> {
  const ks = opts.keystore ?? 'PKCS12';
  const ts = opts.truststore ?? 'PEM';
  const props: Record<string, string> = {
    'ssl.keystore.type': ks,
    'ssl.keystore.location': ks === 'PKCS12' ? pki.broker.p12 : pki.broker.combinedPem,
    'ssl.truststore.type': ts,
    'ssl.truststore.location': ts === 'PKCS12' ? pki.caP12 : pki.caPem,
    'ssl.client.auth': opts.clientAuth ?? 'none',
  };
  if (ks === 'PKCS12') props['ssl.keystore.password'] = pki.password;
  if (ts === 'PKCS12') props['ssl.truststore.password'] = pki.password;
  return props;
}
