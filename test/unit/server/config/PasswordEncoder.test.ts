import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';
import { ConfigException } from '../../../../src/common/config/ConfigDef';
import { EncryptingPasswordEncoder, parseCsvMap } from '../../../../src/server/config/PasswordEncoder';

const JAVA_SOURCE = path.resolve(__dirname, '../../../../../test/unit/server/config/PasswordEncoderJava.java');
const javaAvailable = spawnSync('java', ['-version']).status === 0;

/** Kafka 3.7's defaults: PBKDF2WithHmacSHA512, AES/CBC/PKCS5Padding, 128-bit key, 4096 iterations. */
const encoder = (secret: string) => new EncryptingPasswordEncoder(secret, null, 'AES/CBC/PKCS5Padding', 128, 4096);

/** Made by PasswordEncoderJava.java (javax.crypto, Kafka's algorithm) with secret 'sécret-ü' for 'ssl-keystore-pw'. */
const JAVA_VECTOR =
  'encryptedPassword:h+HasjZVnG/Qr9MKeYLBbA==,keyLength:128,cipherAlgorithm:AES/CBC/PKCS5Padding,initializationVector:yXAwJIyRxQ6rDH25G6SpwQ==,keyFactoryAlgorithm:PBKDF2WithHmacSHA512,passwordLength:15,salt:0fvlxRZUPiySKHbHIn2YdDJ7WbJzlCRAWhc6GuAIls899ND8i6lUpBhA3UuBAYQNbven1uSTlmij9bhiC15OaxJs7Npk86h/dCgMXFlOT+//El4gMXICcOmt54Aqj9z8yMcxUIH9+OOmvZGuP45MbNLwIDwPmtR0jrEPFZFrVqNM1lJTFErxHUT1u5bB0fJQHI+2obArDGPvJAMWj8l3F8PudLo24OYdz8itEHXGLBVn16ojQyLC2VkRGwK5dhmJwXGdEn2OfbC6Z3bdD785Rc5maU8enm3HDOOZVuESyGGYR/KCqIT+KC0ODqo0cnmiB+kDyh0CDu5WHkgLJYsmFQ==,iterations:4096';

describe('PasswordEncoder (kafka.utils.EncryptingPasswordEncoder)', () => {
  it('round-trips passwords, ASCII or not, with a fresh salt and IV each time', () => {
    const e = encoder('the-secret');
    for (const pw of ['p', 'keystore-password', 'pässwörd-ü€', 'a,b:c=d']) {
      const a = e.encode(pw);
      const b = e.encode(pw);
      expect(a).to.not.equal(b);
      expect(e.decode(a)).to.equal(pw);
      expect(e.decode(b)).to.equal(pw);
    }
  });

  it("stores Kafka's fields in Kafka's order (the Scala 2.13 HashMap iteration order) with Kafka's algorithm names", () => {
    const stored = encoder('s').encode('secret-value');
    const keys = stored.split(',').map((kv) => kv.substring(0, kv.indexOf(':')));
    expect(keys).to.deep.equal([
      'encryptedPassword',
      'keyLength',
      'cipherAlgorithm',
      'initializationVector',
      'keyFactoryAlgorithm',
      'passwordLength',
      'salt',
      'iterations',
    ]);
    const m = parseCsvMap(stored);
    expect(m.get('keyLength')).to.equal('128');
    expect(m.get('cipherAlgorithm')).to.equal('AES/CBC/PKCS5Padding');
    expect(m.get('keyFactoryAlgorithm')).to.equal('PBKDF2WithHmacSHA512');
    expect(m.get('passwordLength')).to.equal('12');
    expect(m.get('iterations')).to.equal('4096');
    expect(Buffer.from(m.get('salt')!, 'base64')).to.have.length(256);
    expect(Buffer.from(m.get('initializationVector')!, 'base64')).to.have.length(16);
    expect(Buffer.from(m.get('encryptedPassword')!, 'base64')).to.have.length(16);
  });

  it('decodes a value encoded by the JVM with Kafka 3.7 algorithm (a non-ASCII secret)', () => {
    expect(encoder('sécret-ü').decode(JAVA_VECTOR)).to.equal('ssl-keystore-pw');
  });

  it('refuses to decode with the wrong secret or a tampered length, with Kafka messages', () => {
    const stored = encoder('right').encode('password-1');
    expect(() => encoder('wrong').decode(stored)).to.throw(ConfigException, /Password could not be decoded/);
    const tampered = stored.replace('passwordLength:10', 'passwordLength:11');
    expect(() => encoder('right').decode(tampered)).to.throw(ConfigException, 'Password could not be decoded, sanity check of length failed');
    expect(() => encoder('right').decode('garbage')).to.throw(ConfigException);
  });

  it('uses the key factory, cipher and iterations stored with the value, not the current settings', () => {
    const old = new EncryptingPasswordEncoder('k', 'PBKDF2WithHmacSHA1', 'AES/CBC/PKCS5Padding', 256, 2048);
    const stored = old.encode('pw-from-an-older-setting');
    expect(stored).to.contain('keyFactoryAlgorithm:PBKDF2WithHmacSHA1').and.contain('keyLength:256').and.contain('iterations:2048');
    expect(encoder('k').decode(stored)).to.equal('pw-from-an-older-setting');
  });

  describe('against javax.crypto (Java 17, compiled at test time)', function () {
    this.timeout(60000);
    before(function () {
      if (!javaAvailable) this.skip();
    });
    const java = (...args: string[]) => execFileSync('java', [JAVA_SOURCE, ...args], { encoding: 'utf8' });

    it('the JVM decodes what this encoder stores', () => {
      const stored = encoder('shared-secret').encode('pässwörd-42');
      expect(java('decode', 'shared-secret', stored)).to.equal('pässwörd-42');
    });

    it('this encoder decodes what the JVM stores', () => {
      const stored = java('encode', 'shared-secret', 'keystore-pw-7');
      expect(encoder('shared-secret').decode(stored)).to.equal('keystore-pw-7');
    });
  });
});
