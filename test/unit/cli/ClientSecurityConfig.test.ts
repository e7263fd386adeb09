import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ClientSecurityConfigError, clientSecuritySettings } from '../../../src/cli/ClientSecurityConfig';
import { createTestPki, TestPki } from '../../helpers/tls';

const props = (o: Record<string, string>) => new Map(Object.entries(o));
const errorOf = (o: Record<string, string>, role?: 'admin' | 'producer' | 'consumer'): string => {
  try {
    clientSecuritySettings(props(o), role);
  } catch (e) {
    expect(e).to.be.instanceOf(ClientSecurityConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ClientSecurityConfigError');
};
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";';
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret";';

/** Kafka's client security properties -> our NetworkClient's ClientSecurity and kafkajs's ssl/sasl options. */
describe('ClientSecurityConfig (security.protocol, ssl.*, sasl.* of every tool)', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.cleanup());

  it('PLAINTEXT by default: nothing for kafkajs', () => {
    const s = clientSecuritySettings(new Map());
    expect(s.security).to.deep.equal({ protocol: 'PLAINTEXT' });
    expect(s.kafkajs).to.deep.equal({});
    expect(clientSecuritySettings(props({ 'security.protocol': 'plaintext', 'sasl.mechanism': 'PLAIN' })).security).to.deep.equal({ protocol: 'PLAINTEXT' });
  });

  it('SASL_SSL + SCRAM-SHA-512 with a PKCS12 truststore', () => {
    const s = clientSecuritySettings(
      props({
        'security.protocol': 'SASL_SSL',
        'ssl.truststore.location': pki.caP12,
        'ssl.truststore.password': pki.password,
        'ssl.truststore.type': 'PKCS12',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config': SCRAM,
      }),
    );
    expect(s.security.protocol).to.equal('SASL_SSL');
    expect(s.security.sasl).to.deep.equal({ mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' });
    expect(s.security.tls!.verifyHostname).to.equal(true);
    const ca = s.security.tls!.context.ca as string[];
    expect(ca).to.have.length(1);
    expect(ca[0]).to.contain('BEGIN CERTIFICATE');
    expect(s.kafkajs.sasl).to.deep.equal({ mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' });
    expect(s.kafkajs.ssl!.ca).to.deep.equal(ca);
    expect(s.kafkajs.ssl!.rejectUnauthorized).to.equal(true);
    expect(s.kafkajs.ssl!.checkServerIdentity).to.equal(undefined);
  });

  it('SSL with a PEM truststore, a PKCS12 client keystore and no host name check; types read from the files when unset', () => {
    const s = clientSecuritySettings(
      props({
        'security.protocol': 'SSL',
        'ssl.truststore.location': pki.caPem,
        'ssl.keystore.location': pki.broker.p12,
        'ssl.keystore.password': pki.password,
        'ssl.endpoint.identification.algorithm': '',
      }),
    );
    expect(s.security.tls!.verifyHostname).to.equal(false);
    expect(s.security.tls!.context.pfx).to.have.length(1);
    expect(s.kafkajs.ssl!.checkServerIdentity!('127.0.0.1', {} as never)).to.equal(undefined);
    expect(s.security.sasl).to.equal(undefined);
  });

  it('inline PEM trust (ssl.truststore.certificates) and PEM key/certificate chain', () => {
    const s = clientSecuritySettings(
      props({
        'security.protocol': 'SSL',
        'ssl.truststore.certificates': fs.readFileSync(pki.caPem, 'utf8'),
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.key': fs.readFileSync(pki.broker.keyPem, 'utf8'),
        'ssl.keystore.certificate.chain': fs.readFileSync(pki.broker.certPem, 'utf8'),
      }),
    );
    expect((s.security.tls!.context.ca as string[])[0]).to.contain('BEGIN CERTIFICATE');
    expect(s.security.tls!.context.cert).to.contain('BEGIN CERTIFICATE');
  });

  it('SASL_PLAINTEXT + PLAIN', () => {
    const s = clientSecuritySettings(props({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': PLAIN }));
    expect(s.security).to.deep.equal({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'admin', password: 'admin-secret' } });
    expect(s.kafkajs).to.deep.equal({ sasl: { mechanism: 'plain', username: 'admin', password: 'admin-secret' } });
  });

  it('OAUTHBEARER: an unsecured JWS for the principal of unsecuredLoginStringClaim_sub', async () => {
    const s = clientSecuritySettings(
      props({
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'OAUTHBEARER',
        'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="carol";',
      }),
    );
    expect(s.security.sasl!.mechanism).to.equal('OAUTHBEARER');
    expect(s.security.sasl!.username).to.equal('carol');
    expect(s.security.sasl!.loginOptions!.get('unsecuredLoginStringClaim_sub')).to.equal('carol');
    const sasl = s.kafkajs.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).to.equal('oauthbearer');
    const [header, claims, signature] = (await sasl.oauthBearerProvider()).value.split('.');
    expect(Buffer.from(header, 'base64url').toString()).to.equal('{"alg":"none"}');
    expect(signature).to.equal('');
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sub: string; iat: number; exp: number };
    expect(c.sub).to.equal('carol');
    expect(c.exp - c.iat).to.be.closeTo(3600, 0.01);
  });

  it('OAUTHBEARER options Kafka refuses fail the tool at once', () => {
    const oauth = (opts: string) => ({
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ${opts};`,
    });
    expect(errorOf(oauth('unsecuredLoginStringClaim_sub="x" unsecuredLoginNumberClaim_exp="1"'))).to.contain("Cannot explicitly set the 'exp' claim");
    expect(errorOf(oauth('unsecuredLoginStringClaim_user="x"'), 'consumer')).to.match(/^Failed to construct kafka consumer: .*sub.* \(sasl\.jaas\.config\)$/);
  });

  it('bad settings fail with one clear line naming the setting', () => {
    expect(errorOf({ 'security.protocol': 'TLS' })).to.equal(
      'Invalid value TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    );
    expect(errorOf({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'GSSAPI', 'sasl.jaas.config': PLAIN })).to.match(
      /^Failed to create new KafkaAdminClient: SASL mechanism GSSAPI is not supported by this client/,
    );
    expect(errorOf({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'FOO' }, 'producer')).to.match(
      /^Failed to construct kafka producer: SASL mechanism FOO/,
    );
    expect(errorOf({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }, 'consumer')).to.match(
      /^Failed to construct kafka consumer: Could not find a 'KafkaClient' entry in the JAAS configuration/,
    );
    expect(
      errorOf({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'PlainLoginModule required username="a"' }),
    ).to.contain('(sasl.jaas.config)');
    expect(errorOf({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'X required username="a";' })).to.contain(
      'needs username and password options',
    );
    const missing = path.join(pki.dir, 'nope.p12');
    expect(errorOf({ 'security.protocol': 'SSL', 'ssl.truststore.location': missing, 'ssl.truststore.type': 'PKCS12' })).to.match(
      /^Failed to create new KafkaAdminClient: .*nope\.p12.*\(ssl\.truststore\.location\)$/,
    );
    expect(
      errorOf({ 'security.protocol': 'SSL', 'ssl.truststore.location': pki.caP12, 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.password': 'wrong' }),
    ).to.match(/Failed to load SSL truststore .*ca\.p12 of type PKCS12/);
    expect(errorOf({ 'security.protocol': 'SSL', 'ssl.truststore.location': pki.caPem, 'ssl.truststore.type': 'JKS' })).to.contain(
      'JKS is a Java-only keystore format',
    );
    expect(errorOf({ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': 'ldap' })).to.contain('ssl.endpoint.identification.algorithm');
  });
});

describe('ClientSecurityConfig: what other login modules hand to NetworkClient', () => {
  it('OAUTHBEARER keeps the login options (the SASL client builds its token from them); tokenauth SCRAM is NetworkClient-only', () => {
    const jaas = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="carol";';
    const o = clientSecuritySettings(
      new Map([
        ['security.protocol', 'SASL_PLAINTEXT'],
        ['sasl.mechanism', 'OAUTHBEARER'],
        ['sasl.jaas.config', jaas],
      ]),
    );
    expect(o.security.sasl!.loginOptions?.get('unsecuredLoginStringClaim_sub')).to.equal('carol');
    const t = clientSecuritySettings(
      new Map([
        ['security.protocol', 'SASL_PLAINTEXT'],
        ['sasl.mechanism', 'SCRAM-SHA-256'],
        ['sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required username="tok1" password="hmac" tokenauth="true";'],
      ]),
    );
    expect(t.security.sasl).to.deep.equal({ mechanism: 'SCRAM-SHA-256', username: 'tok1', password: 'hmac', tokenAuth: true });
    expect(t.kafkajsUnsupported).to.contain('tokenauth');
  });
});
