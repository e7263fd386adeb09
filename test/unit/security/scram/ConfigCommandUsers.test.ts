import { expect } from 'chai';
import { clientSecurityFromProps } from '../../../../src/cli/AdminClientSecurity';
import { parseConfigsToBeAdded, parseScramCredentialConfig } from '../../../../src/cli/ConfigCommandUsers';

describe('ConfigCommandUsers: kafka-configs argument parsing for SCRAM credentials (ConfigCommand)', () => {
  it('parseConfigsToBeAdded splits on commas and "=" outside brackets and drops the brackets', () => {
    expect(parseConfigsToBeAdded('SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=a=b,c]')).to.deep.equal(
      new Map([
        ['SCRAM-SHA-256', 'iterations=8192,password=alice-secret'],
        ['SCRAM-SHA-512', 'password=a=b,c'],
      ]),
    );
    expect(parseConfigsToBeAdded('cleanup.policy=[compact,delete], retention.ms = 10,')).to.deep.equal(
      new Map([
        ['cleanup.policy', 'compact,delete'],
        ['retention.ms', '10'],
      ]),
    );
    for (const bad of ['SCRAM-SHA-256=password=x', 'novalue', '', 'a=1,,b=2']) {
      expect(() => parseConfigsToBeAdded(bad), bad).to.throw(
        'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".',
      );
    }
  });

  it('parseScramCredentialConfig: [iterations=N,]password=P, 4096 by default, the minimum enforced with the path’s wording', () => {
    expect(parseScramCredentialConfig('SCRAM-SHA-256', 'password=alice-secret', true)).to.deep.equal({ iterations: 4096, password: 'alice-secret' });
    expect(parseScramCredentialConfig('SCRAM-SHA-512', 'iterations=8192,password=p,w=x', true)).to.deep.equal({ iterations: 8192, password: 'p,w=x' });
    expect(parseScramCredentialConfig('SCRAM-SHA-512', 'iterations=-1,password=p', false)).to.deep.equal({ iterations: 4096, password: 'p' });
    expect(() => parseScramCredentialConfig('SCRAM-SHA-512', 'iterations=-1,password=p', true)).to.throw(
      'Invalid credential property SCRAM_SHA_512=iterations=-1,password=p',
    );
    expect(() => parseScramCredentialConfig('SCRAM-SHA-256', 'iterations=4095,password=p', true)).to.throw(
      'Iterations 4095 is less than the minimum 4096 required for SCRAM_SHA_256',
    );
    expect(() => parseScramCredentialConfig('SCRAM-SHA-256', 'iterations=4095,password=p', false)).to.throw(
      'Iterations 4095 is less than the minimum 4096 required for SCRAM-SHA-256',
    );
    expect(() => parseScramCredentialConfig('SCRAM-SHA-256', 'iterations=,password=p', true)).to.throw('For input string: ""');
    expect(() => parseScramCredentialConfig('SCRAM-SHA-256', 'iterations=99999999999,password=p', true)).to.throw('For input string: "99999999999"');
    expect(() => parseScramCredentialConfig('SCRAM-SHA-256', 'secret', false)).to.throw('Invalid credential property SCRAM-SHA-256=secret');
  });

  it('clientSecurityFromProps: --command-config security.protocol, sasl.mechanism and sasl.jaas.config as Kafka clients read them', () => {
    expect(clientSecurityFromProps(new Map())).to.deep.equal({ protocol: 'PLAINTEXT' });
    const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-secret";';
    expect(
      clientSecurityFromProps(
        new Map([
          ['security.protocol', 'SASL_PLAINTEXT'],
          ['sasl.mechanism', 'SCRAM-SHA-256'],
          ['sasl.jaas.config', jaas],
        ]),
      ),
    ).to.deep.equal({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'admin', password: 'admin-secret' } });
    expect(() => clientSecurityFromProps(new Map([['security.protocol', 'TLS']]))).to.throw(
      'Invalid value TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    );
    expect(() => clientSecurityFromProps(new Map([['security.protocol', 'SASL_PLAINTEXT']]))).to.throw('SASL mechanism GSSAPI is not supported');
    expect(() =>
      clientSecurityFromProps(
        new Map([
          ['security.protocol', 'SASL_PLAINTEXT'],
          ['sasl.mechanism', 'PLAIN'],
        ]),
      ),
    ).to.throw("Could not find a 'KafkaClient' entry in the JAAS configuration");
  });
});
