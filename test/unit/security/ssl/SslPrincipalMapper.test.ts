import { expect } from 'chai';
import { NoMatchingRule, SslPrincipalMapper } from '../../../../src/security/ssl/SslPrincipalMapper';
import { rfc2253FromNodeSubject } from '../../../../src/security/ssl/DistinguishedName';

// Cases from Kafka 3.7's SslPrincipalMapperTest.
describe('SslPrincipalMapper (ssl.principal.mapping.rules)', () => {
  it('DEFAULT keeps the distinguished name', () => {
    expect(new SslPrincipalMapper('DEFAULT').getName('CN=client,OU=eng,O=Acme,C=US')).to.equal('CN=client,OU=eng,O=Acme,C=US');
    expect(new SslPrincipalMapper(null).getName('CN=x')).to.equal('CN=x');
  });

  it('applies the first matching rule, with back references and case conversion', () => {
    const rules = 'RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L, RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/U, DEFAULT';
    const m = new SslPrincipalMapper(rules);
    expect(m.getName('CN=Duke,OU=ServiceUsers,O=Org,C=US')).to.equal('duke');
    expect(m.getName('CN=Duke,OU=SME,O=mycp,L=Fulton,ST=MD,C=US')).to.equal('DUKE@SME');
    expect(m.getName('CN=Duke,OU=JavaSoft,O=Sun Microsystems')).to.equal('CN=Duke,OU=JavaSoft,O=Sun Microsystems');
  });

  it('accepts rules with escaped slashes and commas inside patterns', () => {
    const m = new SslPrincipalMapper('RULE:^CN=([^,]*),OU=a\\/b.*$/$1/');
    expect(m.getName('CN=svc,OU=a/b,O=x')).to.equal('svc');
  });

  it('keeps a back reference beyond the group count literal (escapeLiteralBackReferences)', () => {
    expect(new SslPrincipalMapper('RULE:^CN=(.*?),OU=(.*)$/$1@$3/').getName('CN=a,OU=b')).to.equal('a@$3');
  });

  it("refuses an invalid rule with Kafka's message", () => {
    expect(() => new SslPrincipalMapper('RULE:^CN=(.*?)/$1/X')).to.throw('Invalid rule: `RULE:^CN=(.*?)/$1/X`, unmatched substring: `X`');
  });

  it('throws NoMatchingRule when no rule applies', () => {
    const m = new SslPrincipalMapper('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/');
    expect(() => m.getName('CN=a,OU=other')).to.throw(NoMatchingRule, 'No rules apply to CN=a,OU=other');
  });
});

describe('rfc2253FromNodeSubject (X500Principal.getName(RFC2253))', () => {
  it('reverses the RDNs and escapes as Java does', () => {
    expect(rfc2253FromNodeSubject('C=US\nST=CA\nO=Acme\\, Inc\nOU=eng\nCN=client')).to.equal('CN=client,OU=eng,O=Acme\\, Inc,ST=CA,C=US');
  });

  it('prints multi-valued RDNs with + and unknown keywords as OID=#hex', () => {
    expect(rfc2253FromNodeSubject('O=x\nCN=client + UID=u1')).to.equal('CN=client+UID=u1,O=x');
    expect(rfc2253FromNodeSubject('CN=a\nemailAddress=a@b.c')).to.equal('1.2.840.113549.1.9.1=#16056140622e63,CN=a');
  });
});
