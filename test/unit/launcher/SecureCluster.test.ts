import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { clientSecuritySettings } from '../../../src/cli/ClientSecurityConfig';
import { loadProps } from '../../../src/cli/CommandUtils';
import { localClusterLayout } from '../../../src/launcher/ClusterLayout';
import { ensureCertificates, localSecurePorts, SecureFiles, secureLayout, writeClientProperties } from '../../../src/launcher/SecureCluster';
import { SslPrincipalMapper } from '../../../src/security/ssl/SslPrincipalMapper';

const overridesOf = (o: string[]): Map<string, string> => new Map(o.map((kv) => [kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)]));

describe('launcher --secure (SecureCluster): listeners, broker overrides, certificates, client settings', function () {
  this.timeout(30000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-unit-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('npm start layout: SSL/SASL_SSL/SASL_PLAINTEXT at +200/+300/+400, ACLs with admin and ANONYMOUS super users', () => {
    const layout = localClusterLayout({ brokers: 3 });
    const files = new SecureFiles(path.join(dir, 'secure'));
    const secured = secureLayout(layout, new Map(layout.brokers.map((b) => [b.id, localSecurePorts(b)])), files);
    const b2 = overridesOf(secured.brokers[1].overrides);
    expect(b2.get('listeners')).to.equal('PLAINTEXT://127.0.0.1:9093,SSL://127.0.0.1:9293,SASL_SSL://127.0.0.1:9393,SASL_PLAINTEXT://127.0.0.1:9493');
    expect(b2.get('advertised.listeners')).to.equal(b2.get('listeners'));
    expect(secured.brokers[1].extraPorts).to.deep.equal([9293, 9393, 9493]);
    expect(b2.get('inter.broker.listener.name')).to.equal('PLAINTEXT');
    expect(b2.get('authorizer.class.name')).to.equal('kafka.security.authorizer.AclAuthorizer');
    expect(b2.get('super.users')).to.equal('User:admin;User:ANONYMOUS');
    expect(b2.get('sasl.enabled.mechanisms')).to.equal('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER');
    expect(b2.get('listener.name.sasl_ssl.oauthbearer.sasl.jaas.config')).to.equal(
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    );
    expect(b2.get('listener.name.sasl_ssl.plain.sasl.jaas.config')).to.equal(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret" user_alice="alice-secret";',
    );
    expect(b2.get('listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config')).to.equal('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    // A client certificate's subject maps to its CN; anything else keeps the full name (DEFAULT).
    const mapper = new SslPrincipalMapper(b2.get('ssl.principal.mapping.rules')!);
    expect(mapper.getName('CN=admin,OU=clients,O=kafka-zk-ts')).to.equal('admin');
    expect(mapper.getName('CN=x,OU=other,O=y')).to.equal('CN=x,OU=other,O=y');
  });

  it('a broker past the shipped properties files keeps its other overrides but gets the secure listeners', () => {
    const layout = localClusterLayout({ brokers: 4 });
    const secured = secureLayout(layout, new Map(layout.brokers.map((b) => [b.id, localSecurePorts(b)])), new SecureFiles(dir));
    const o = secured.brokers[3].overrides;
    expect(o.filter((kv) => kv.startsWith('listeners='))).to.deep.equal([
      'listeners=PLAINTEXT://127.0.0.1:9095,SSL://127.0.0.1:9295,SASL_SSL://127.0.0.1:9395,SASL_PLAINTEXT://127.0.0.1:9495',
    ]);
    expect(o).to.include('broker.id=4');
  });

  it('certificates are made once; the client property files load in the tools with the right identities', () => {
    const files = new SecureFiles(path.join(dir, 'secure'));
    expect(ensureCertificates(files)).to.equal(true);
    const ca = fs.readFileSync(files.caPem, 'utf8');
    expect(ensureCertificates(files)).to.equal(false);
    expect(fs.readFileSync(files.caPem, 'utf8')).to.equal(ca);
    writeClientProperties(files);
    const ssl = clientSecuritySettings(loadProps(files.properties('ssl')));
    expect(ssl.security.protocol).to.equal('SSL');
    expect(ssl.security.tls!.context.pfx).to.have.length(1);
    expect(ssl.security.tls!.verifyHostname).to.equal(true);
    const saslSsl = clientSecuritySettings(loadProps(files.properties('sasl-ssl', 'alice')));
    expect(saslSsl.security.sasl).to.deep.equal({ mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' });
    const saslPlain = clientSecuritySettings(loadProps(files.properties('sasl-plaintext')));
    expect(saslPlain.security).to.deep.equal({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'admin', password: 'admin-secret' } });
  });
});
