import { expect } from 'chai';
import { credentialFromPassword, credentialFromSaltedPassword, saltedPassword } from '../../../../src/security/scram/ScramCredential';
import { addScramRecords } from '../../../../src/security/scram/ScramBootstrapRecords';

describe('kafka-storage format --add-scram (StorageTool.getUserScramCredentialRecords)', () => {
  it('builds UserScramCredentialRecords whose keys match the password', () => {
    const salt = Buffer.from('salty-salt-salty');
    const [r1, r2] = addScramRecords(
      ['SCRAM-SHA-256=[name=alice,password=alice-secret]', `SCRAM-SHA-512=[name="bob",password="a=b",salt="${salt.toString('base64')}",iterations=8192]`],
      19,
    );
    expect(r1).to.deep.include({ type: 11, version: 0 });
    expect(r1.data).to.include({ name: 'alice', mechanism: 1, iterations: 4096 });
    const expected = credentialFromPassword('SCRAM-SHA-256', 'alice-secret', 4096, r1.data.salt as Buffer);
    expect((r1.data.storedKey as Buffer).equals(expected.storedKey)).to.equal(true);
    expect((r1.data.serverKey as Buffer).equals(expected.serverKey)).to.equal(true);
    // Quoted values keep their '=' and lose their quotes; iterations count only with a salt.
    expect(r2.data).to.include({ name: 'bob', mechanism: 2, iterations: 8192 });
    const bob = credentialFromSaltedPassword('SCRAM-SHA-512', salt, saltedPassword('SCRAM-SHA-512', 'a=b', salt, 8192), 8192);
    expect((r2.data.storedKey as Buffer).equals(bob.storedKey)).to.equal(true);
    expect(addScramRecords(['SCRAM-SHA-256=[name=c,password=p,iterations=9000]'], 19)[0].data.iterations).to.equal(4096);
  });

  it('refuses what StorageTool refuses, with its messages', () => {
    const fail = (args: string[], level = 19) => {
      try {
        addScramRecords(args, level);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(fail(['SCRAM-SHA-1=[name=a,password=b]'])).to.equal('The add-scram mechanism SCRAM-SHA-1 is not supported.');
    expect(fail(['SCRAM-SHA-256=[password=b]'])).to.equal("You must supply 'name' to add-scram");
    expect(fail(['SCRAM-SHA-256=[name=a]'])).to.equal("You must supply one of 'password' or 'saltedpassword' to add-scram");
    expect(fail(['SCRAM-SHA-256=[name=a,password=b,saltedpassword=c]'])).to.equal("You must only supply one of 'password' or 'saltedpassword' to add-scram");
    expect(fail(['SCRAM-SHA-256=[name=a,saltedpassword=c]'])).to.equal("You must supply 'salt' with 'saltedpassword' to add-scram");
    expect(fail(['SCRAM-SHA-256=[name=a,password=b,salt=c2FsdA==,iterations=100]'])).to.equal("The 'iterations' value must be >= 4096 for add-scram");
    expect(fail(['SCRAM-SHA-256=[name=a,password=b,salt=c2FsdA==,iterations=20000]'])).to.equal("The 'iterations' value must be <= 16384 for add-scram");
    expect(fail(['SCRAM-SHA-256=[name=a,password=b]'], 10)).to.equal('SCRAM is only supported in metadataVersion IBP_3_5_IV2 or later.');
    expect(fail([], 10)).to.equal(null);
  });
});
