/**
 * `npm start -- --secure`: the local cluster with Kafka's four listener kinds on every broker (issue 16):
 *   PLAINTEXT       port P (as without --secure: the observatory, the lessons and inter-broker traffic use it)
 *   SSL             P+200  TLS; a client certificate is requested, CN=<name> maps to User:<name>
 *   SASL_SSL        P+300  TLS + SASL PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512 / OAUTHBEARER (unsecured JWS)
 *   SASL_PLAINTEXT  P+400  SASL without TLS
 * (9092-9094 -> SSL 9292-9294, SASL_SSL 9392-9394, SASL_PLAINTEXT 9492-9494.) The ACL authorizer is on with
 * super.users=User:admin;User:ANONYMOUS: PLAINTEXT (and SSL without a client certificate) connections are
 * User:ANONYMOUS, and Kafka has the inter-broker principal be a super user, so the brokers, the observatory and the
 * lessons keep working unchanged; `alice` is an ordinary user with no ACLs, to try ACLs with.
 *
 * Certificates are made once with openssl into data/secure/ (a CA, the brokers' certificate for 127.0.0.1/localhost,
 * client certificates for admin and alice; PKCS12 key/trust stores and PEM copies). SCRAM credentials are written to
 * /config/users/<user> with `kafka-configs --zookeeper` once ZooKeeper is up, before the brokers start, and PLAIN users
 * are in the SASL listeners' JAAS config, as Kafka's docs set up a cluster.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { BrokerSpec, ClusterLayout } from './ClusterLayout';
import { freePort } from './ClusterLayout';

export interface SecurePorts {
  ssl: number;
  saslSsl: number;
  saslPlaintext: number;
}

/** Users of the secure cluster (local development only: the passwords are printed and stored in data/secure). */
export const SECURE_USERS = [
  { name: 'admin', password: 'admin-secret', superUser: true },
  { name: 'alice', password: 'alice-secret', superUser: false },
] as const;
const ADMIN = SECURE_USERS[0];
/** Password of every PKCS12 store in data/secure. */
export const STORE_PASSWORD = 'kafka-ts-secret';
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** The fixed offsets of `npm start -- --secure` (see the header). */
export function localSecurePorts(b: BrokerSpec): SecurePorts {
  return { ssl: b.port + 200, saslSsl: b.port + 300, saslPlaintext: b.port + 400 };
}

/** Free ports for a temporary layout (tests), none equal to another or to a broker's PLAINTEXT port. */
export async function freeSecurePorts(layout: ClusterLayout): Promise<Map<number, SecurePorts>> {
  const used = new Set(layout.brokers.map((b) => b.port));
  const take = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  const out = new Map<number, SecurePorts>();
  for (const b of layout.brokers) out.set(b.id, { ssl: await take(), saslSsl: await take(), saslPlaintext: await take() });
  return out;
}

/** Where data/secure's files are. */
export class SecureFiles {
  constructor(readonly dir: string) {}
  get caPem(): string {
    return path.join(this.dir, 'ca.pem');
  }
  get truststoreP12(): string {
    return path.join(this.dir, 'truststore.p12');
  }
  get brokerKeystore(): string {
    return path.join(this.dir, 'broker.p12');
  }
  clientKey(user: string): string {
    return path.join(this.dir, `${user}.key`);
  }
  clientCert(user: string): string {
    return path.join(this.dir, `${user}.pem`);
  }
  clientKeystore(user: string): string {
    return path.join(this.dir, `${user}.p12`);
  }
  properties(kind: 'ssl' | 'sasl-ssl' | 'sasl-plaintext', user: string = ADMIN.name): string {
    return path.join(this.dir, `${user}-${kind}.properties`);
  }
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString('utf8').trim();
    throw new Error(`openssl ${args[0]} failed${stderr ? `: ${stderr}` : `: ${(e as Error).message}`} (is openssl installed?)`);
  }
}

/**
 * The CA, the broker certificate (SAN 127.0.0.1 and localhost, so ssl.endpoint.identification.algorithm=https passes)
 * and one client certificate per user, each as PEM key + certificate and a PKCS12 store. Made once: existing files
 * are kept (--fresh wipes data/ and so makes new ones). Written to a temporary folder first, so an interrupted run
 * never leaves half a set.
 */
export function ensureCertificates(files: SecureFiles): boolean {
  const done = path.join(files.dir, '.complete');
  if (fs.existsSync(done)) return false;
  const tmp = `${files.dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=kafka-zk-ts local CA'],
      tmp,
    );
    openssl(['pkcs12', '-export', '-nokeys', '-in', 'ca.pem', '-out', 'truststore.p12', '-passout', `pass:${STORE_PASSWORD}`], tmp);
    let serial = 1;
    const identity = (name: string, subject: string, ext: string): void => {
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], tmp);
      fs.writeFileSync(path.join(tmp, `${name}.ext`), ext);
      const sign = ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++)];
      openssl([...sign, '-out', `${name}.pem`, '-days', '825', '-extfile', `${name}.ext`], tmp);
      openssl(
        ['pkcs12', '-export', '-in', `${name}.pem`, '-inkey', `${name}.key`, '-out', `${name}.p12`, '-passout', `pass:${STORE_PASSWORD}`, '-name', name],
        tmp,
      );
      fs.rmSync(path.join(tmp, `${name}.csr`));
      fs.rmSync(path.join(tmp, `${name}.ext`));
    };
    identity('broker', '/O=kafka-zk-ts/OU=brokers/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
    // openssl -subj lists RDNs most general first, so that the RFC 2253 name Kafka maps (X500Principal.getName) reads
    // CN=<user>,OU=clients,O=kafka-zk-ts.
    for (const u of SECURE_USERS) identity(u.name, `/O=kafka-zk-ts/OU=clients/CN=${u.name}`, 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
    fs.writeFileSync(path.join(tmp, '.complete'), new Date().toISOString() + '\n');
    fs.rmSync(files.dir, { recursive: true, force: true });
    fs.renameSync(tmp, files.dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

const jaasString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The broker properties that turn a PLAINTEXT broker into the secure one (passed as --override, after the file's). */
export function secureBrokerOverrides(b: BrokerSpec, ports: SecurePorts, files: SecureFiles): string[] {
  const listeners = [
    `PLAINTEXT://${b.host}:${b.port}`,
    `SSL://${b.host}:${ports.ssl}`,
    `SASL_SSL://${b.host}:${ports.saslSsl}`,
    `SASL_PLAINTEXT://${b.host}:${ports.saslPlaintext}`,
  ].join(',');
  const plainUsers = SECURE_USERS.map((u) => `user_${u.name}=${jaasString(u.password)}`).join(' ');
  const out = [
    `listeners=${listeners}`,
    `advertised.listeners=${listeners}`,
    // Brokers talk PLAINTEXT among themselves (User:ANONYMOUS, a super user), as before --secure.
    'inter.broker.listener.name=PLAINTEXT',
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${files.brokerKeystore}`,
    `ssl.keystore.password=${STORE_PASSWORD}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${files.caPem}`,
    // SSL listener: a client certificate is asked for, not required; CN=admin is User:admin (else the full DN).
    'listener.name.ssl.ssl.client.auth=requested',
    'ssl.principal.mapping.rules=RULE:^CN=([^,]+),OU=clients,.*$/$1/,DEFAULT',
    `sasl.enabled.mechanisms=${SASL_MECHANISMS.join(',')}`,
    'authorizer.class.name=kafka.security.authorizer.AclAuthorizer',
    `super.users=${SECURE_USERS.filter((u) => u.superUser)
      .map((u) => `User:${u.name}`)
      .concat('User:ANONYMOUS')
      .join(';')}`,
  ];
  for (const l of ['sasl_ssl', 'sasl_plaintext']) {
    out.push(`listener.name.${l}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`);
    for (const m of ['scram-sha-256', 'scram-sha-512'])
      out.push(`listener.name.${l}.${m}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`);
    // Kafka's default OAUTHBEARER: unsecured JWS tokens (alg none), the principal is the token's sub claim.
    out.push(`listener.name.${l}.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;`);
  }
  return out;
}

/** The layout with every broker's secure overrides (a broker's own listeners overrides, if any, are replaced). */
export function secureLayout(layout: ClusterLayout, ports: ReadonlyMap<number, SecurePorts>, files: SecureFiles): ClusterLayout {
  return {
    ...layout,
    brokers: layout.brokers.map((b) => {
      const p = ports.get(b.id);
      if (!p) throw new Error(`no secure ports for broker ${b.id}`);
      const kept = b.overrides.filter((o) => !/^(advertised\.)?listeners=/.test(o));
      return { ...b, overrides: [...kept, ...secureBrokerOverrides(b, p, files)], extraPorts: [p.ssl, p.saslSsl, p.saslPlaintext] };
    }),
  };
}

/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 credentials of every user in /config/users, written as
 * `bin/kafka-configs --zookeeper Z --alter --add-config 'SCRAM-SHA-256=[password=..],SCRAM-SHA-512=[password=..]'
 * --entity-type users --entity-name U` writes them (Kafka's documented way to bootstrap SCRAM before the brokers start).
 */
export async function createScramUsers(rootDir: string, zookeeperConnect: string): Promise<void> {
  const tool = path.join(rootDir, 'bin', 'kafka-configs');
  await Promise.all(
    SECURE_USERS.map(
      (u) =>
        new Promise<void>((resolve, reject) => {
          const args = [
            tool,
            '--zookeeper',
            zookeeperConnect,
            '--alter',
            '--add-config',
            `SCRAM-SHA-256=[password=${u.password}],SCRAM-SHA-512=[password=${u.password}]`,
            '--entity-type',
            'users',
            '--entity-name',
            u.name,
          ];
          const child = spawn(process.execPath, args, { cwd: rootDir, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
          child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
          child.once('error', reject);
          child.once('exit', (code) => {
            if (code === 0) resolve();
            else reject(new Error(`kafka-configs could not write the SCRAM credentials of ${u.name} (exit ${code}): ${out.trim()}`));
          });
        }),
    ),
  );
}

const props = (entries: Array<[string, string]>): string => entries.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
const scramJaas = (user: string, password: string) =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasString(user)} password=${jaasString(password)};`;

/**
 * Client property files for the tools' --command-config / --producer.config / --consumer.config:
 * <user>-ssl (client certificate in a PKCS12 keystore, PKCS12 truststore), <user>-sasl-ssl (SCRAM-SHA-512, PEM
 * truststore), <user>-sasl-plaintext (SCRAM-SHA-256), for admin and alice.
 */
export function writeClientProperties(files: SecureFiles): void {
  for (const u of SECURE_USERS) {
    fs.writeFileSync(
      files.properties('ssl', u.name),
      props([
        ['security.protocol', 'SSL'],
        ['ssl.truststore.type', 'PKCS12'],
        ['ssl.truststore.location', files.truststoreP12],
        ['ssl.truststore.password', STORE_PASSWORD],
        ['ssl.keystore.type', 'PKCS12'],
        ['ssl.keystore.location', files.clientKeystore(u.name)],
        ['ssl.keystore.password', STORE_PASSWORD],
      ]),
    );
    fs.writeFileSync(
      files.properties('sasl-ssl', u.name),
      props([
        ['security.protocol', 'SASL_SSL'],
        ['ssl.truststore.type', 'PEM'],
        ['ssl.truststore.location', files.caPem],
        ['sasl.mechanism', 'SCRAM-SHA-512'],
        ['sasl.jaas.config', scramJaas(u.name, u.password)],
      ]),
    );
    fs.writeFileSync(
      files.properties('sasl-plaintext', u.name),
      props([
        ['security.protocol', 'SASL_PLAINTEXT'],
        ['sasl.mechanism', 'SCRAM-SHA-256'],
        ['sasl.jaas.config', scramJaas(u.name, u.password)],
      ]),
    );
  }
}

/** What `npm start -- --secure` prints after the cluster banner: ports, users, and ready-to-paste client settings. */
export function describeSecure(layout: ClusterLayout, ports: ReadonlyMap<number, SecurePorts>, files: SecureFiles): string {
  const rel = (p: string): string => {
    const r = path.relative(process.cwd(), p);
    return r.startsWith('..') ? p : r;
  };
  const list = (pick: (p: SecurePorts) => number) => layout.brokers.map((b) => `${b.host}:${pick(ports.get(b.id)!)}`).join(',');
  const ssl = list((p) => p.ssl);
  const saslSsl = list((p) => p.saslSsl);
  const saslPlain = list((p) => p.saslPlaintext);
  const first = (s: string) => s.split(',')[0];
  const a = ADMIN;
  if (layout.brokers.length === 0) return 'Security (--secure): no brokers (--brokers 0), so no secure listeners.';
  return [
    'Security (--secure): every broker also listens on',
    `  SSL            : ${ssl}  (client certificate requested: CN=<user> is User:<user>)`,
    `  SASL_SSL       : ${saslSsl}  (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)`,
    `  SASL_PLAINTEXT : ${saslPlain}  (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)`,
    `  ACLs on (AclAuthorizer), super.users=User:${a.name};User:ANONYMOUS: PLAINTEXT ${layout.brokers.map((b) => b.port).join('/')} and SSL without a`,
    '  client certificate are User:ANONYMOUS, a super user, so inter-broker traffic, the observatory and the lessons work as before.',
    `  Users: ${SECURE_USERS.map((u) => `${u.name}/${u.password}${u.superUser ? ' (super user)' : ' (no ACLs: denied until granted)'}`).join(', ')}`,
    `  Certificates and client settings: ${rel(files.dir)}/ (CA ${rel(files.caPem)}; stores' password ${STORE_PASSWORD}); denied requests: ${rel(layout.logDir)}/broker-N/kafka-authorizer.log`,
    '',
    'Client settings (admin):',
    `  kcat -b ${first(ssl)} -X security.protocol=SSL -X ssl.ca.location=${rel(files.caPem)} -X ssl.certificate.location=${rel(files.clientCert(a.name))} -X ssl.key.location=${rel(files.clientKey(a.name))} -L`,
    `  kcat -b ${first(saslSsl)} -X security.protocol=SASL_SSL -X ssl.ca.location=${rel(files.caPem)} -X sasl.mechanisms=SCRAM-SHA-512 -X sasl.username=${a.name} -X sasl.password=${a.password} -L`,
    `  kcat -b ${first(saslPlain)} -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=PLAIN -X sasl.username=${a.name} -X sasl.password=${a.password} -L`,
    `  kcat -b ${first(saslPlain)} -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=OAUTHBEARER -X enable.sasl.oauthbearer.unsecure.jwt=true -X sasl.oauthbearer.config=principal=${a.name} -L`,
    `  bin/kafka-console-producer --bootstrap-server ${first(ssl)} --topic t --producer.config ${rel(files.properties('ssl'))}`,
    `  bin/kafka-console-consumer --bootstrap-server ${first(saslSsl)} --topic t --from-beginning --consumer.config ${rel(files.properties('sasl-ssl'))}`,
    `  bin/kafka-topics --bootstrap-server ${first(saslPlain)} --command-config ${rel(files.properties('sasl-plaintext'))} --list`,
    `  kafkajs: new Kafka({ brokers: ['${first(saslSsl)}'], ssl: { ca: [fs.readFileSync('${rel(files.caPem)}', 'utf8')] }, sasl: { mechanism: 'scram-sha-512', username: '${a.name}', password: '${a.password}' } })`,
    `  kafkajs: new Kafka({ brokers: ['${first(ssl)}'], ssl: { ca: [fs.readFileSync('${rel(files.caPem)}', 'utf8')], cert: fs.readFileSync('${rel(files.clientCert(a.name))}', 'utf8'), key: fs.readFileSync('${rel(files.clientKey(a.name))}', 'utf8') } })`,
    `  kafkajs: new Kafka({ brokers: ['${first(saslPlain)}'], sasl: { mechanism: 'plain', username: '${a.name}', password: '${a.password}' } })`,
    `  (alice: the same with alice/alice-secret, or ${rel(files.properties('sasl-ssl', 'alice'))}; grant with bin/kafka-acls --bootstrap-server ${first(saslSsl)} --command-config ${rel(files.properties('sasl-ssl'))} --add --allow-principal User:alice --operation All --topic t)`,
  ].join('\n');
}

/** Certificates, SCRAM users and client property files: run once ZooKeeper is up, before the brokers start. */
export async function prepareSecureCluster(layout: ClusterLayout, files: SecureFiles, zookeeperConnect: string, log: (line: string) => void): Promise<void> {
  if (ensureCertificates(files)) log(`Created the CA and certificates in ${files.dir}`);
  writeClientProperties(files);
  await createScramUsers(layout.rootDir, zookeeperConnect);
  log(`SCRAM credentials of ${SECURE_USERS.map((u) => u.name).join(', ')} written to /config/users`);
}
