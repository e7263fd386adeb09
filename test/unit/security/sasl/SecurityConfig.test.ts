import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { interBrokerClientSecurity, listenerSecurity } from '../../../../src/server/config/KafkaConfigSecurity';
import { jaasFileFromKafkaOpts, parseJaasConfigValue, parseJaasFile, plainUsers } from '../../../../src/security/sasl/JaasConfig';

const base = { 'zookeeper.connect': 'localhost:2181', 'log.dirs': '/tmp/x', 'broker.id': '1' };
const PLAIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";';

function config(props: Record<string, string>): KafkaConfig {
  return new KafkaConfig({ ...base, ...props });
}

describe('JAAS configuration (sasl.jaas.config values and JAAS files)', () => {
  it('parses a PlainLoginModule entry with users and the broker credentials', () => {
    const entries = parseJaasConfigValue(PLAIN_JAAS);
    expect(entries[0].loginModule).to.equal('org.apache.kafka.common.security.plain.PlainLoginModule');
    expect(entries[0].controlFlag).to.equal('required');
    expect([...plainUsers(entries)]).to.deep.equal([
      ['admin', 'admin-secret'],
      ['alice', 'alice-secret'],
    ]);
  });

  it('parses KafkaServer sections of a JAAS file, comments and listener-prefixed sections included', () => {
    const sections = parseJaasFile(
      `// brokers\nKafkaServer {\n  ${PLAIN_JAAS}\n};\nsasl_ssl.KafkaServer { org.apache.kafka.common.security.scram.ScramLoginModule required; };\n`,
    );
    expect([...sections.keys()]).to.deep.equal(['KafkaServer', 'sasl_ssl.KafkaServer']);
    expect(sections.get('sasl_ssl.KafkaServer')![0].options.size).to.equal(0);
  });

  it('refuses a malformed value', () => {
    expect(() => parseJaasConfigValue('org.Foo required username')).to.throw("Value not specified for key 'username' in JAAS config");
    expect(() => parseJaasConfigValue('org.Foo;')).to.throw('Login module control flag not specified in JAAS config');
    expect(() => parseJaasConfigValue('org.Foo always;')).to.throw("Invalid control flag 'always' in JAAS config");
  });

  it('finds -Djava.security.auth.login.config in KAFKA_OPTS', () => {
    expect(jaasFileFromKafkaOpts('-Xmx1G -Djava.security.auth.login.config=/etc/kafka/jaas.conf -Dx=y')).to.equal('/etc/kafka/jaas.conf');
    expect(jaasFileFromKafkaOpts(undefined)).to.equal(null);
  });
});

describe('KafkaConfig listener security', () => {
  it('defaults as Kafka 3.7', () => {
    const c = config({});
    expect(c.getString('ssl.keystore.type')).to.equal('JKS');
    expect(c.getString('ssl.client.auth')).to.equal('none');
    expect(c.getList('sasl.enabled.mechanisms')).to.deep.equal(['GSSAPI']);
    expect(c.getList('ssl.enabled.protocols')).to.deep.equal(['TLSv1.2', 'TLSv1.3']);
    expect(c.getString('ssl.endpoint.identification.algorithm')).to.equal('https');
    expect(c.getString('ssl.principal.mapping.rules')).to.equal('DEFAULT');
  });

  it('refuses GSSAPI (the default) on a SASL listener, saying what to set', () => {
    expect(() => config({ listeners: 'SASL_PLAINTEXT://:9092', 'security.inter.broker.protocol': 'SASL_PLAINTEXT' })).to.throw(
      /GSSAPI \(Kerberos\) is not supported by this broker: listener SASL_PLAINTEXT \(SASL_PLAINTEXT\) needs sasl.enabled.mechanisms set to one or more of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/,
    );
    const c = config({ listeners: 'PLAINTEXT://:9092,SASL_PLAINTEXT://:9093', 'sasl.enabled.mechanisms': 'GSSAPI,PLAIN' });
    expect(c.securityWarnings).to.deep.equal([
      'SASL mechanism GSSAPI in sasl.enabled.mechanisms is not supported by this broker and is disabled on listener SASL_PLAINTEXT',
    ]);
  });

  it("requires the inter-broker mechanism among the inter-broker listener's (Kafka's message)", () => {
    expect(() =>
      config({ listeners: 'SASL_PLAINTEXT://:9092', 'security.inter.broker.protocol': 'SASL_PLAINTEXT', 'sasl.enabled.mechanisms': 'PLAIN' }),
    ).to.throw('sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms when SASL is used for inter-broker communication');
    expect(() => config({ listeners: 'SSL://:9092', 'inter.broker.listener.name': 'SSL', 'security.inter.broker.protocol': 'SSL' })).to.throw(
      'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.',
    );
  });

  it('checks ssl.client.auth and the principal mapping rules, listener overrides included', () => {
    expect(() => config({ 'ssl.client.auth': 'maybe' })).to.throw('String must be one of: required, requested, none');
    expect(() =>
      config({ listeners: 'SSL://:9093', 'security.inter.broker.protocol': 'SSL', 'listener.name.ssl.ssl.principal.mapping.rules': 'RULE:^CN=(.*?)/$1/X' }),
    ).to.throw('unmatched substring: `X`');
  });

  it('reads listener-prefixed SASL settings and JAAS configs; refuses a SASL listener without JAAS, and JKS key stores', () => {
    const c = config({
      listeners: 'PLAINTEXT://:9092,INTERNAL://:9093',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT',
      'inter.broker.listener.name': 'INTERNAL',
      'listener.name.internal.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.internal.plain.sasl.jaas.config': PLAIN_JAAS,
      'listener.name.internal.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    });
    const sec = listenerSecurity(c, 'INTERNAL', 'SASL_PLAINTEXT', {});
    expect(sec.sasl!.enabledMechanisms).to.deep.equal(['PLAIN', 'SCRAM-SHA-512']);
    expect(sec.sasl!.plainUsers.get('alice')).to.equal('alice-secret');
    expect([sec.sasl!.maxReauthMs, sec.sasl!.maxReceiveSize]).to.deep.equal([0, 524288]);
    const reauth = config({
      listeners: 'PLAINTEXT://:9092,SASL_PLAINTEXT://:9093',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
      'listener.name.sasl_plaintext.connections.max.reauth.ms': '60000',
    });
    expect(listenerSecurity(reauth, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {}).sasl!.maxReauthMs).to.equal(60000);
    expect(interBrokerClientSecurity(c, {})).to.deep.equal({
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'PLAIN', username: 'admin', password: 'admin-secret' },
    });
    const noJaas = config({
      listeners: 'SASL_PLAINTEXT://:9093',
      'security.inter.broker.protocol': 'SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    });
    expect(() => listenerSecurity(noJaas, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {})).to.throw(
      "Could not find a 'KafkaServer' or 'sasl_plaintext.KafkaServer' entry in the JAAS configuration. System property 'java.security.auth.login.config' is not set",
    );
    const jks = config({
      listeners: 'SSL://:9093',
      'security.inter.broker.protocol': 'SSL',
      'ssl.keystore.location': '/tmp/none.jks',
      'ssl.keystore.password': 'x',
    });
    expect(() => listenerSecurity(jks, 'SSL', 'SSL', {})).to.throw(
      /ssl.keystore.type=JKS is not supported: JKS is a Java-only keystore format. Use PKCS12 or PEM/,
    );
  });

  it('falls back to the JAAS file of KAFKA_OPTS, the listener section before KafkaServer', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-jaas-'));
    const file = path.join(dir, 'jaas.conf');
    fs.writeFileSync(
      file,
      `KafkaServer { ${PLAIN_JAAS} };\nsasl_plaintext.KafkaServer { org.apache.kafka.common.security.plain.PlainLoginModule required user_bob="b"; };\n`,
    );
    const c = config({ listeners: 'PLAINTEXT://:9092,SASL_PLAINTEXT://:9093', 'sasl.enabled.mechanisms': 'PLAIN' });
    const sec = listenerSecurity(c, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', { KAFKA_OPTS: `-Djava.security.auth.login.config=${file}` });
    expect([...sec.sasl!.plainUsers.keys()]).to.deep.equal(['bob']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
