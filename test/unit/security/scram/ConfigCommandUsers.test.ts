import { expect } from 'chai';
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
});
