import { expect } from 'chai';
import { KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { interBrokerClientSecurity, listenerSecurity } from '../../../../src/server/config/KafkaConfigSecurity';

const base = { 'zookeeper.connect': 'localhost:2181', 'log.dirs': '/tmp/x', 'broker.id': '1' };
const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

function config(props: Record<string, string>): KafkaConfig {
  return new KafkaConfig({
    ...base,
    listeners: 'SASL_PLAINTEXT://:9093',
    'security.inter.broker.protocol': 'SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'OAUTHBEARER',
    'sasl.mechanism.inter.broker.protocol': 'OAUTHBEARER',
    ...props,
  });
}

describe('KafkaConfig: OAUTHBEARER listeners (listener.name.<l>.oauthbearer.sasl.jaas.config)', () => {
  it("gives the listener the module's options (the validator's) and the broker's client its login options", () => {
    const c = config({
      'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="admin" unsecuredValidatorRequiredScope="kafka";`,
    });
    const sec = listenerSecurity(c, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {});
    expect(sec.sasl!.enabledMechanisms).to.deep.equal(['OAUTHBEARER']);
    expect(sec.sasl!.oauthBearerOptions!.get('unsecuredValidatorRequiredScope')).to.equal('kafka');
    const client = interBrokerClientSecurity(c, {});
    expect(client.sasl!.mechanism).to.equal('OAUTHBEARER');
    expect(client.sasl!.loginOptions!.get('unsecuredLoginStringClaim_sub')).to.equal('admin');
  });

  it("stops the broker where Kafka's login fails: no principal claim, a reserved claim, two login modules", () => {
    const jaas = (options: string) => ({ 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required ${options};` });
    expect(() => listenerSecurity(config(jaas('unsecuredLoginStringClaim_name="x"')), 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {})).to.throw(
      'OAUTHBEARER login failed on listener SASL_PLAINTEXT: No principal name in JWT claim: sub',
    );
    expect(() =>
      listenerSecurity(config(jaas('unsecuredLoginStringClaim_sub="a" unsecuredLoginNumberClaim_exp="1"')), 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {}),
    ).to.throw("Cannot explicitly set the 'exp' claim");
    const two = config({ 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required; ${MODULE} required;` });
    expect(() => listenerSecurity(two, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {})).to.throw(
      'Must supply exactly 1 non-null JAAS mechanism configuration (size was 2)',
    );
  });

  it('a module without options validates tokens but cannot log the broker in for inter-broker connections', () => {
    const c = config({ 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required;` });
    expect(listenerSecurity(c, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {}).sasl!.oauthBearerOptions!.size).to.equal(0);
    expect(() => interBrokerClientSecurity(c, {})).to.throw(/needs unsecuredLoginStringClaim_sub/);
  });

  it('refuses the secured (JWKS) callback handlers rather than accept unsigned tokens in their place', () => {
    const jaas = { 'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="admin";` };
    const secured = config({
      ...jaas,
      'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    });
    expect(() => listenerSecurity(secured, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {})).to.throw(
      /org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler is not supported by this broker/,
    );
    const unsecured = config({
      ...jaas,
      'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class':
        'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler',
    });
    expect(listenerSecurity(unsecured, 'SASL_PLAINTEXT', 'SASL_PLAINTEXT', {}).sasl!.enabledMechanisms).to.deep.equal(['OAUTHBEARER']);
  });

  it("ignores an unprefixed sasl.jaas.config with Kafka's warning (brokers read the listener- and mechanism-prefixed key)", () => {
    const c = config({
      'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="admin";`,
      'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="broker";`,
      listeners: 'SASL_PLAINTEXT://:9093,OTHER://:9094',
      'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,OTHER:SASL_PLAINTEXT',
    });
    expect(c.securityWarnings).to.deep.equal(['Server config sasl.jaas.config should be prefixed with SASL mechanism name, ignoring config']);
    expect(() => listenerSecurity(c, 'OTHER', 'SASL_PLAINTEXT', {})).to.throw(/Could not find a 'KafkaServer' or 'other.KafkaServer' entry/);
  });
});
