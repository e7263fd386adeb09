import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tls from 'tls';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ApiVersionsApi } from '../../../src/protocol/apis';
import { EncryptingPasswordEncoder } from '../../../src/server/config/PasswordEncoder';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor } from '../../helpers/ports';
import { createTestPki, TestPki } from '../../helpers/tls';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const BROKER_SUBJECT = '/CN=localhost/OU=brokers/O=kafka-zk-ts';

/**
 * A listener keystore swapped live (Kafka's DynamicBrokerConfig + SslFactory.reconfigure): kafka-configs sets
 * listener.name.ssl.ssl.keystore.location/password for one broker; the password is stored encrypted with
 * password.encoder.secret; new TLS connections get the new certificate, open ones keep theirs; a keystore that does not
 * load or changes the subject is refused and the old one stays.
 */
describe('integration: dynamic SSL keystore of a listener (kafka-configs, PasswordEncoder, SslFactory)', function () {
  this.timeout(120000);
  let pki: TestPki;
  let cluster: TestCluster;
  let zk: ZkReader;
  let sslPort: number;
  let serial = 100;

  /** A PKCS12 keystore for `subject` (with the broker's SANs), signed by the test CA; returns its path and serial. */
  const keystore = (name: string, subject: string, password: string): { p12: string; serial: string } => {
    const s = serial++;
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: pki.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    fs.writeFileSync(path.join(pki.dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    run([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(s),
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]);
    run(['pkcs12', '-export', '-in', `${name}.pem`, '-inkey', `${name}.key`, '-out', `${name}.p12`, '-passout', `pass:${password}`, '-name', name]);
    return { p12: path.join(pki.dir, `${name}.p12`), serial: s.toString(16).toUpperCase().padStart(2, '0') };
  };

  /** The serial number of the certificate a new TLS connection to the SSL listener is given. */
  const servedSerial = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const sock = tls.connect({ host: '127.0.0.1', port: sslPort, ca: fs.readFileSync(pki.caPem), servername: 'localhost' }, () => {
        const s = sock.getPeerCertificate().serialNumber;
        sock.end();
        resolve(s);
      });
      sock.once('error', reject);
    });

  const configs = (...args: string[]) =>
    runTool('kafka-configs', ['--bootstrap-server', `127.0.0.1:${cluster.broker(1).port}`, '--entity-type', 'brokers', '--entity-name', '1', ...args]);

  before(async () => {
    pki = createTestPki();
    sslPort = await freePort();
    cluster = await TestCluster.start({
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SSL://127.0.0.1:${sslPort}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL',
        'listener.name.ssl.ssl.keystore.type': 'PKCS12',
        'listener.name.ssl.ssl.keystore.location': pki.broker.p12,
        'listener.name.ssl.ssl.keystore.password': pki.password,
        'password.encoder.secret': 'dyn-encoder-secret',
      },
    });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
    pki?.cleanup();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('new connections get the new certificate, open ones stay; the password is stored encrypted and described as sensitive', async () => {
    const next = keystore('broker-next', BROKER_SUBJECT, 'next-pass');
    const firstSerial = await servedSerial();
    expect(firstSerial).to.not.equal(next.serial);
    // An open connection from before the swap.
    const open = new NetworkClient('127.0.0.1', sslPort, 'it-open', 10000, 10000, {
      protocol: 'SSL',
      tls: { context: { ca: fs.readFileSync(pki.caPem) }, verifyHostname: false },
    });
    try {
      expect((await open.send(ApiVersionsApi, 3, { clientSoftwareName: 'it', clientSoftwareVersion: '1' })).errorCode).to.equal(0);

      const r = await configs(
        '--alter',
        '--add-config',
        `listener.name.ssl.ssl.keystore.location=${next.p12},listener.name.ssl.ssl.keystore.password=next-pass`,
      );
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.equal('Completed updating config for broker 1.\n');
      await waitFor('the new certificate is served', async () => (await servedSerial()) === next.serial, 20000);

      expect(open.isConnected).to.equal(true);
      expect((await open.send(ApiVersionsApi, 3, { clientSoftwareName: 'it', clientSoftwareVersion: '1' })).errorCode).to.equal(0);
    } finally {
      open.close();
    }
    // openssl s_client, as an operator would check it.
    const shown = execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${sslPort}`, '-CAfile', pki.caPem], {
      input: '',
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(shown)![0];
    expect(execFileSync('openssl', ['x509', '-noout', '-serial', '-subject'], { input: pem }).toString()).to.match(
      new RegExp(`serial=0*${next.serial}\\nsubject=CN ?= ?localhost, OU ?= ?brokers, O ?= ?kafka-zk-ts`),
    );

    const stored = (JSON.parse((await zk.get('/config/brokers/1')).data!) as { version: number; config: Record<string, string> }).config;
    expect(stored['listener.name.ssl.ssl.keystore.location']).to.equal(next.p12);
    const enc = stored['listener.name.ssl.ssl.keystore.password'];
    expect(enc).to.match(
      /^encryptedPassword:[^,]+,keyLength:128,cipherAlgorithm:AES\/CBC\/PKCS5Padding,initializationVector:[^,]+,keyFactoryAlgorithm:PBKDF2WithHmacSHA512,passwordLength:9,salt:[^,]+,iterations:4096$/,
    );
    expect(new EncryptingPasswordEncoder('dyn-encoder-secret', null, 'AES/CBC/PKCS5Padding', 128, 4096).decode(enc)).to.equal('next-pass');

    const d = await configs('--describe');
    expect(d.stdout).to.equal(
      'Dynamic configs for broker 1 are:\n' +
        `  listener.name.ssl.ssl.keystore.location=${next.p12} sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:listener.name.ssl.ssl.keystore.location=${next.p12}, STATIC_BROKER_CONFIG:listener.name.ssl.ssl.keystore.location=${pki.broker.p12}}\n` +
        '  listener.name.ssl.ssl.keystore.password=null sensitive=true synonyms={DYNAMIC_BROKER_CONFIG:listener.name.ssl.ssl.keystore.password=null, STATIC_BROKER_CONFIG:listener.name.ssl.ssl.keystore.password=null}\n',
    );
  });

  it("refuses a keystore that does not load or changes the subject, with Kafka's error; the current certificate stays", async () => {
    const current = await servedSerial();
    const other = keystore('broker-other', '/CN=someone-else/O=elsewhere', 'other-pass');
    const again = keystore('broker-again', BROKER_SUBJECT, 'again-pass');
    for (const add of [
      `listener.name.ssl.ssl.keystore.location=${again.p12},listener.name.ssl.ssl.keystore.password=wrong-pass`,
      `listener.name.ssl.ssl.keystore.location=${other.p12},listener.name.ssl.ssl.keystore.password=other-pass`,
      `listener.name.ssl.ssl.keystore.location=${path.join(pki.dir, 'missing.p12')},listener.name.ssl.ssl.keystore.password=x`,
    ]) {
      const r = await configs('--alter', '--add-config', add);
      expect(r.code).to.not.equal(0);
      expect(r.stdout + r.stderr).to.contain("Invalid config value for resource ConfigResource(type=BROKER, name='1'): Invalid dynamic configuration");
    }
    expect(cluster.broker(1).output.some((l) => l.includes('Keystore DistinguishedName does not match'))).to.equal(true);
    expect(await servedSerial()).to.equal(current);
  });

  it('an AlterConfigs that keeps the keystore path re-reads the file: a keystore renewed in place is picked up', async () => {
    const current = await servedSerial();
    const stored = (JSON.parse((await zk.get('/config/brokers/1')).data!) as { config: Record<string, string> }).config;
    const location = stored['listener.name.ssl.ssl.keystore.location'];
    // The renewed certificate, written over the same file with the same password.
    const renewed = keystore('broker-renewed', BROKER_SUBJECT, 'next-pass');
    fs.copyFileSync(renewed.p12, location);
    expect(await servedSerial()).to.equal(current);
    const r = await configs('--alter', '--add-config', `listener.name.ssl.ssl.keystore.location=${location},listener.name.ssl.ssl.keystore.password=next-pass`);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await servedSerial()).to.equal(renewed.serial);
  });

  it('a restarted broker serves the dynamic keystore, its password decoded with password.encoder.secret', async () => {
    const current = await servedSerial();
    await cluster.stopBroker(1);
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1]);
    expect(await servedSerial()).to.equal(current);
  });
});
