import { expect } from 'chai';
import { PlainSaslServer } from '../../../../src/security/sasl/PlainSaslServer';
import { ScramSaslServer } from '../../../../src/security/sasl/ScramSaslServer';
import { ScramSaslClient } from '../../../../src/security/sasl/SaslClient';
import { SaslAuthenticationException, SaslException } from '../../../../src/security/sasl/SaslServer';
import { credentialFromPassword, ScramCredentialCache } from '../../../../src/security/scram/ScramCredential';

describe('PlainSaslServer', () => {
  const users = new Map([['alice', 'alice-secret']]);
  const token = (s: string) => Buffer.from(s, 'utf8');

  it('authenticates a user of the jaas config', () => {
    const s = new PlainSaslServer(users);
    expect(s.evaluateResponse(token('\u0000alice\u0000alice-secret')).length).to.equal(0);
    expect(s.isComplete()).to.equal(true);
    expect(s.authorizationId()).to.equal('alice');
  });

  it('refuses with Kafka 3.7 messages', () => {
    const cases: [string, string][] = [
      ['\u0000alice\u0000wrong', 'Authentication failed: Invalid username or password'],
      ['\u0000bob\u0000alice-secret', 'Authentication failed: Invalid username or password'],
      ['\u0000\u0000x', 'Authentication failed: username not specified'],
      ['\u0000alice\u0000', 'Authentication failed: password not specified'],
      ['alice', 'Invalid SASL/PLAIN response: expected 3 tokens, got 1'],
      ['bob\u0000alice\u0000alice-secret', 'Authentication failed: Client requested an authorization id that is different from username'],
    ];
    for (const [t, msg] of cases) {
      const s = new PlainSaslServer(users);
      expect(() => s.evaluateResponse(token(t))).to.throw(SaslAuthenticationException, msg);
      expect(s.isComplete()).to.equal(false);
    }
  });
});

describe('ScramSaslServer (RFC 5802 / RFC 7677)', () => {
  // RFC 7677 section 3: user "user", password "pencil".
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const cache = new ScramCredentialCache();
  cache.update('SCRAM-SHA-256', 'user', credentialFromPassword('SCRAM-SHA-256', 'pencil', 4096, salt));

  it('answers the RFC 7677 exchange byte for byte', () => {
    const s = new ScramSaslServer('SCRAM-SHA-256', cache, () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    const first = s.evaluateResponse(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(first.toString()).to.equal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const final = s.evaluateResponse(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
    expect(final.toString()).to.equal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(s.isComplete()).to.equal(true);
    expect(s.authorizationId()).to.equal('user');
  });

  it('refuses a wrong proof and an unknown user as SaslException (the generic credentials message)', () => {
    const s = new ScramSaslServer('SCRAM-SHA-256', cache, () => 'srv');
    s.evaluateResponse(Buffer.from('n,,n=user,r=abc'));
    expect(() => s.evaluateResponse(Buffer.from('c=biws,r=abcsrv,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='))).to.throw(
      SaslException,
      'Invalid client credentials',
    );
    const u = new ScramSaslServer('SCRAM-SHA-256', cache);
    expect(() => u.evaluateResponse(Buffer.from('n,,n=nobody,r=abc'))).to.throw(SaslException, 'Authentication failed: Invalid user credentials');
    const bad = new ScramSaslServer('SCRAM-SHA-256', cache);
    expect(() => bad.evaluateResponse(Buffer.from('y,,n=user,r=abc'))).to.throw(SaslException, 'Invalid SCRAM client first message format');
  });

  it('refuses another authorization id and credentials under the minimum iterations', () => {
    const s = new ScramSaslServer('SCRAM-SHA-256', cache);
    expect(() => s.evaluateResponse(Buffer.from('n,a=admin,n=user,r=abc'))).to.throw(
      SaslAuthenticationException,
      'Authentication failed: Client requested an authorization id that is different from username',
    );
    const low = new ScramCredentialCache();
    low.update('SCRAM-SHA-512', 'u', credentialFromPassword('SCRAM-SHA-512', 'p', 1000));
    expect(() => new ScramSaslServer('SCRAM-SHA-512', low).evaluateResponse(Buffer.from('n,,n=u,r=abc'))).to.throw(
      SaslException,
      'Iterations 1000 is less than the minimum 4096 for SCRAM-SHA-512',
    );
  });

  it('completes with our own client for SCRAM-SHA-512, and a name with = and , in it', () => {
    const c2 = new ScramCredentialCache();
    c2.update('SCRAM-SHA-512', 'a=b,c', credentialFromPassword('SCRAM-SHA-512', 'secret', 4096));
    const server = new ScramSaslServer('SCRAM-SHA-512', c2);
    const client = new ScramSaslClient('SCRAM-SHA-512', 'a=b,c', 'secret');
    const first = server.evaluateResponse(client.initialResponse());
    const final = server.evaluateResponse(client.evaluateChallenge(first)!);
    expect(client.evaluateChallenge(final)).to.equal(null);
    expect(client.isComplete()).to.equal(true);
    expect(server.authorizationId()).to.equal('a=b,c');
  });

  it('accepts a client-final with extensions between nonce and proof, leaving them out of the AuthMessage as Kafka does', () => {
    const server = new ScramSaslServer('SCRAM-SHA-256', cache, () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    server.evaluateResponse(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    const final = server.evaluateResponse(
      Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,x=ext,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='),
    );
    expect(final.toString()).to.equal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });
});
