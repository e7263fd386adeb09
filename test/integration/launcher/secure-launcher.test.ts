/**
 * `npm start -- --secure` end to end on a temporary layout (secureEntry.ts: the launcher's own secureCluster and
 * runLauncher on free ports, 2 brokers): the printed kcat settings work on each listener, the printed kafkajs snippet
 * produces, the admin user may do anything and alice (no ACLs) is refused with the denial in kafka-authorizer.log,
 * an unknown user cannot authenticate, and SIGTERM stops everything with exit code 0. Also `--secure --kraft`'s refusal.
 */
import { expect } from 'chai';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kafkajs from 'kafkajs';
import { findRepoRoot } from '../../../src/launcher/ClusterLayout';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const root = findRepoRoot(__dirname);
const entryJs = path.join(root, 'dist', 'test', 'integration', 'launcher', 'secureEntry.js');
const mainJs = path.join(root, 'dist', 'src', 'launcher', 'main.js');

interface Launched {
  bootstrap: string;
  zookeeper: string;
  dataDir: string;
  logDir: string;
}

describe('launcher: npm start -- --secure', function () {
  this.timeout(150_000);
  let tmpRoot: string;
  let child: ChildProcess | null = null;
  let output = '';
  let info: Launched;
  let exitCode: Promise<number | null>;

  /** The printed line that starts with `prefix` (e.g. "kcat -b" + the SSL port), as argv words. */
  const printed = (pattern: RegExp): string[] => {
    const line = output.split('\n').find((l) => pattern.test(l));
    expect(line, `no printed line matching ${pattern} in:\n${output}`).to.be.a('string');
    return line!.trim().split(/\s+/);
  };
  const portsOf = (kind: string): string[] => {
    const m = new RegExp(`^  ${kind}\\s+: (\\S+)`, 'm').exec(output);
    expect(m, `${kind} ports in the printout`).to.not.equal(null);
    return m![1].split(',');
  };

  before(async () => {
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-launcher-'));
    child = spawn(process.execPath, [entryJs, tmpRoot, '2'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    exitCode = new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // Ready once the last printed line is out; a launcher that exits first fails the test with its output.
    await Promise.race([
      waitFor('the launcher to print the client settings', async () => /Press Ctrl-C to stop/.test(output), 120_000),
      exitCode.then((code) => {
        throw new Error(`launcher exited ${code}:\n${output}`);
      }),
    ]);
    expect(output).to.contain('Client settings (admin):');
    info = JSON.parse(/^LAUNCHER (.*)$/m.exec(output)![1]) as Launched;
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exitCode;
    }
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  });

  it('prints the listeners, users and settings, and writes the client property files', () => {
    expect(output).to.contain('super.users=User:admin;User:ANONYMOUS');
    // The security block comes before the closing line.
    expect(output.indexOf('Client settings (admin):')).to.be.lessThan(output.indexOf('Press Ctrl-C to stop'));
    expect(output).to.contain('User:ANONYMOUS, a super user, so inter-broker traffic, the observatory and the lessons work as before');
    for (const kind of ['SSL', 'SASL_SSL', 'SASL_PLAINTEXT']) expect(portsOf(kind)).to.have.length(2);
    const dir = path.join(info.dataDir, 'secure');
    for (const f of ['admin-ssl.properties', 'admin-sasl-ssl.properties', 'admin-sasl-plaintext.properties', 'ca.pem', 'truststore.p12', 'broker.p12']) {
      expect(fs.existsSync(path.join(dir, f)), f).to.equal(true);
    }
  });

  it('the printed kcat settings work on SSL, SASL_SSL and SASL_PLAINTEXT: admin produces and reads back', async () => {
    const kinds = ['SSL', 'SASL_SSL', 'SASL_PLAINTEXT'];
    for (const [i, kind] of kinds.entries()) {
      const bs = portsOf(kind)[0];
      const argv = printed(new RegExp(`^  kcat -b ${bs.replace(/\./g, '\\.')} `)).slice(1);
      expect(argv[argv.length - 1]).to.equal('-L');
      const meta = await kcat([...argv, '-m', '10'], { timeoutMs: 20000 });
      expect(meta.code, meta.stderr).to.equal(0);
      // Metadata answers with the endpoints of the listener the client came in on: both brokers' ports of this kind.
      for (const p of portsOf(kind)) expect(meta.stdout).to.contain(`at ${p}`);
      const p = await kcat([...argv.slice(0, -1), '-P', '-t', 'secure-kcat'], { input: `via-${i}\n`, timeoutMs: 20000 });
      expect(p.code, p.stderr).to.equal(0);
    }
    // OAUTHBEARER with an unsecured JWS whose sub is admin (librdkafka's unsecured JWT builder).
    const oauth = printed(/^ {2}kcat -b \S+ -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=OAUTHBEARER /).slice(1);
    const o = await kcat([...oauth, '-m', '10'], { timeoutMs: 20000 });
    expect(o.code, o.stderr).to.equal(0);
    const c = await kcat(
      [...printed(/^ {2}kcat -b \S+ -X security.protocol=SASL_SSL /).slice(1, -1), '-C', '-t', 'secure-kcat', '-o', 'beginning', '-e', '-q'],
      {
        timeoutMs: 20000,
      },
    );
    expect(
      c.stdout
        .split('\n')
        .filter((l) => l)
        .sort(),
    ).to.deep.equal(['via-0', 'via-1', 'via-2']);
  });

  it('the printed kafkajs snippet (SASL_SSL, SCRAM-SHA-512) and the printed console-consumer command work', async () => {
    const line = output.split('\n').find((l) => l.includes("kafkajs: new Kafka({ brokers: ['") && l.includes("mechanism: 'scram-sha-512'"))!;
    const expr = line.trim().substring('kafkajs: '.length);
    // The printout is meant to be pasted into a script with `Kafka` and `fs` in scope.
    const make = new Function('Kafka', 'fs', `return ${expr.replace('new Kafka({', 'new Kafka({ logLevel: 0,')};`) as (
      k: typeof kafkajs.Kafka,
      f: typeof fs,
    ) => kafkajs.Kafka;
    const producer = make(kafkajs.Kafka, fs).producer();
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'from-kafkajs' }] });
    await producer.disconnect();
    const argv = printed(/^ {2}bin\/kafka-console-consumer /);
    const r = await runTool('kafka-console-consumer', [...argv.slice(1), '--max-messages', '1'], { timeoutMs: 40000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('from-kafkajs');
  });

  it('alice (no ACLs) is refused and kafka-authorizer.log records it; an unknown user cannot authenticate', async () => {
    const saslSsl = printed(/^ {2}kcat -b \S+ -X security.protocol=SASL_SSL /).slice(1, -1);
    const asAlice = saslSsl.map((a) =>
      a.replace('sasl.username=admin', 'sasl.username=alice').replace('sasl.password=admin-secret', 'sasl.password=alice-secret'),
    );
    const denied = await kcat([...asAlice, '-P', '-t', 'secure-kcat'], { input: 'no\n', timeoutMs: 20000 });
    expect(denied.code).to.not.equal(0);
    expect(denied.stderr).to.contain('Topic authorization failed');
    const logs = [1, 2].map((id) => path.join(info.logDir, `broker-${id}`, 'kafka-authorizer.log'));
    const read = (): string => logs.map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '')).join('');
    await waitFor('the denial in kafka-authorizer.log', async () => read().includes('Principal = User:alice is Denied Operation = '), 10000);
    expect(read()).to.match(
      /INFO Principal = User:alice is Denied Operation = \w+ from host = 127\.0\.0\.1 on resource = Topic:LITERAL:secure-kcat for request = \w+ with resourceRefCount = \d+ \(kafka\.authorizer\.logger\)/,
    );
    expect(read()).not.to.contain('User:admin is Denied');
    // Over SSL, alice's client certificate (CN=alice,OU=clients,...) maps to User:alice (ssl.principal.mapping.rules).
    const sslArgs = printed(/^ {2}kcat -b \S+ -X security.protocol=SSL /)
      .slice(1, -1)
      .map((a) => a.replace(/admin\.(pem|key)$/, 'alice.$1'));
    const sslDenied = await kcat([...sslArgs, '-P', '-t', 'secure-ssl'], { input: 'no\n', timeoutMs: 20000 });
    expect(sslDenied.stderr).to.contain('Topic authorization failed');
    await waitFor(
      'the SSL denial in kafka-authorizer.log',
      async () => /User:alice is Denied Operation = \w+ from host = 127\.0\.0\.1 on resource = Topic:LITERAL:secure-ssl/.test(read()),
      10000,
    );
    const mallory = saslSsl.map((a) => a.replace('sasl.username=admin', 'sasl.username=mallory'));
    const unknown = await kcat([...mallory, '-L', '-m', '5'], { timeoutMs: 20000 });
    expect(unknown.code).to.not.equal(0);
    expect(unknown.stderr).to.match(/Authentication failed|SASL authentication error/);
  });

  it('stops cleanly on SIGTERM (exit code 0)', async () => {
    child!.kill('SIGTERM');
    expect(await exitCode).to.equal(0);
    expect(output).to.contain('Cluster stopped.');
  });

  it('`--secure --kraft` is refused with a clear message; --help documents --secure', () => {
    const r = spawnSync(process.execPath, [mainJs, '--secure', '--kraft'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('--secure is not available with --kraft yet');
    const help = spawnSync(process.execPath, [mainJs, '--help'], { encoding: 'utf8' }).stdout;
    expect(help).to.contain('--secure');
    expect(help.replace(/\s+/g, ' ')).to.contain('9292-9294, 9392-9394, 9492-9494');
  });
});
