import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import {
  ScramCredentialCache,
  authMessage,
  clientProof,
  clientSignature,
  credentialFromPassword,
  credentialFromString,
  credentialToString,
  saltedPassword,
  saslName,
  scramMechanismFromType,
  secureRandomString,
  serverKey,
  serverSignature,
  storedKeyFromProof,
  usernameFromSaslName,
} from '../../../../src/security/scram/ScramCredential';

/** Hi() written out as RFC 5802 defines it, to check the PBKDF2 shortcut against. */
function naiveHi(alg: string, password: string, salt: Buffer, iterations: number): Buffer {
  let u = createHmac(alg, password)
    .update(Buffer.concat([salt, Buffer.from([0, 0, 0, 1])]))
    .digest();
  const result = Buffer.from(u);
  for (let i = 2; i <= iterations; i++) {
    u = createHmac(alg, password).update(u).digest();
    for (let j = 0; j < result.length; j++) result[j] ^= u[j];
  }
  return result;
}

describe('ScramCredential (ScramFormatter, ScramCredentialUtils, CredentialCache)', () => {
  it('RFC 7677 SCRAM-SHA-256 example: client proof and server signature (Kafka ScramFormatterTest.rfc7677Example)', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const c1Bare = 'n=user,r=rOprNGfwEbeRWgbNEkqO';
    const s1 = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    const c2WithoutProof = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const auth = authMessage(c1Bare, s1, c2WithoutProof);
    const salted = saltedPassword('SCRAM-SHA-256', 'pencil', salt, 4096);
    expect(clientProof('SCRAM-SHA-256', salted, auth).toString('base64')).to.equal('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(serverSignature('SCRAM-SHA-256', serverKey('SCRAM-SHA-256', salted), auth).toString('base64')).to.equal(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );

    // The server side: the stored credential (no password) verifies the proof.
    const cred = credentialFromPassword('SCRAM-SHA-256', 'pencil', 4096, salt);
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const sig = clientSignature('SCRAM-SHA-256', cred.storedKey, auth);
    expect(storedKeyFromProof('SCRAM-SHA-256', sig, proof).equals(cred.storedKey)).to.equal(true);
    expect(serverSignature('SCRAM-SHA-256', cred.serverKey, auth).toString('base64')).to.equal('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    const wrong = Buffer.from(proof);
    wrong[0] ^= 1;
    expect(storedKeyFromProof('SCRAM-SHA-256', sig, wrong).equals(cred.storedKey)).to.equal(false);
  });

  it('SCRAM-SHA-512 Hi() is PBKDF2-HMAC-SHA512 (known vector) and matches RFC 5802 iterated HMAC', () => {
    expect(saltedPassword('SCRAM-SHA-512', 'password', Buffer.from('salt'), 1).toString('hex')).to.equal(
      '867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce',
    );
    const salt = Buffer.from('some salt bytes');
    expect(saltedPassword('SCRAM-SHA-512', 'alice-secret', salt, 4096).equals(naiveHi('sha512', 'alice-secret', salt, 4096))).to.equal(true);
    expect(saltedPassword('SCRAM-SHA-256', 'alice-secret', salt, 4097).equals(naiveHi('sha256', 'alice-secret', salt, 4097))).to.equal(true);
    const cred = credentialFromPassword('SCRAM-SHA-512', 'alice-secret', 4096);
    expect(cred.storedKey.length).to.equal(64);
    expect(cred.serverKey.length).to.equal(64);
    expect(cred.salt.length).to.be.at.least(32);
    // Two credentials for the same password differ by their random salt.
    expect(credentialFromPassword('SCRAM-SHA-512', 'alice-secret', 4096).salt.equals(cred.salt)).to.equal(false);
  });

  it('credentialToString / credentialFromString use ScramCredentialUtils form and reject anything else', () => {
    const cred = credentialFromPassword('SCRAM-SHA-256', 'pencil', 8192, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    const s = credentialToString(cred);
    expect(s).to.match(/^salt=W22ZaJ0SNY7soEsUEjb6gQ==,stored_key=[A-Za-z0-9+/=]{44},server_key=[A-Za-z0-9+/=]{44},iterations=8192$/);
    expect(credentialFromString(s)).to.deep.equal(cred);
    for (const bad of [
      '',
      'salt=AA==',
      `${s},extra=1`,
      s.replace('iterations=8192', 'iterations=x'),
      s.replace('salt=', 'sal='),
      s.replace('salt=W22', 'salt=!!2'),
      '=a,b=c,d=e,f=g',
    ]) {
      expect(() => credentialFromString(bad), bad).to.throw(/^Credentials not valid: /);
    }
  });

  it('saslName / username escape "=" and "," (ScramFormatterTest.saslName)', () => {
    for (const u of ['user1', '123', '1,2', 'user=A', 'user==B', 'user,1', 'user 1', ',', '=', ',=', '==']) {
      const n = saslName(u);
      expect(n.indexOf(',')).to.equal(-1);
      expect(n.replace(/=2C/g, '').replace(/=3D/g, '').indexOf('=')).to.equal(-1);
      expect(usernameFromSaslName(n)).to.equal(u);
    }
    expect(() => usernameFromSaslName('a=b')).to.throw('Invalid username: a=b');
  });

  it('mechanism wire types and nonces', () => {
    expect(scramMechanismFromType(1)).to.equal('SCRAM-SHA-256');
    expect(scramMechanismFromType(2)).to.equal('SCRAM-SHA-512');
    expect(scramMechanismFromType(0)).to.equal(undefined);
    const n = secureRandomString();
    expect(n).to.match(/^[0-9a-z]{1,26}$/);
    expect(secureRandomString()).to.not.equal(n);
  });

  it('ScramCredentialCache holds one credential per mechanism and user; updateCredentials replaces a user', () => {
    const cache = new ScramCredentialCache();
    const c256 = credentialFromPassword('SCRAM-SHA-256', 'p', 4096);
    const c512 = credentialFromPassword('SCRAM-SHA-512', 'p', 4096);
    cache.update('SCRAM-SHA-256', 'alice', c256);
    expect(cache.scramCredential('SCRAM-SHA-256', 'alice')).to.equal(c256);
    expect(cache.scramCredential('SCRAM-SHA-512', 'alice')).to.equal(undefined);
    cache.updateCredentials('alice', { 'SCRAM-SHA-512': credentialToString(c512), consumer_byte_rate: '1024' });
    expect(cache.scramCredential('SCRAM-SHA-256', 'alice')).to.equal(undefined);
    expect(cache.scramCredential('SCRAM-SHA-512', 'alice')).to.deep.equal(c512);
    expect(cache.usernames('SCRAM-SHA-512')).to.deep.equal(['alice']);
    cache.update('SCRAM-SHA-512', 'alice', null);
    expect(cache.scramCredential('SCRAM-SHA-512', 'alice')).to.equal(undefined);
    cache.updateCredentials('bob', { 'SCRAM-SHA-256': 'garbage' });
    expect(cache.scramCredential('SCRAM-SHA-256', 'bob')).to.equal(undefined);
  });
});
