import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * bin/kafka-storage and bin/kafka-dump-log as an operator runs them on a KRaft node's directories (real processes,
 * real files): format, format again, --ignore-formatted after adding a directory, info, refusals; the bootstrap
 * snapshot kafka-storage writes is what kafka-dump-log decodes; kafka-server-start validates a KRaft config and its
 * storage before writing anything (running a formatted controller: controller-*.test.ts).
 */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const bin = (name: string) => path.join(ROOT, 'bin', name);

function run(tool: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin(tool), ...args], { encoding: 'utf8', timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('integration: bin/kafka-storage and kafka-dump-log on a KRaft node', function () {
  // Each case starts up to ten short node processes one after the other; a busy 2-core machine may be slow.
  this.timeout(180000);
  let tmp: string;
  let controllerProps: string;
  const write = (name: string, lines: string[]) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const controllerLines = () => [
    'process.roles=controller',
    'node.id=3001',
    'controller.quorum.voters=3001@127.0.0.1:19091,3002@127.0.0.1:19092,3003@127.0.0.1:19093',
    'controller.listener.names=CONTROLLER',
    'listeners=CONTROLLER://127.0.0.1:19091',
    `log.dirs=${path.join(tmp, 'c1')}`,
    `metadata.log.dir=${path.join(tmp, 'meta')}`,
  ];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kraft-storage-'));
    controllerProps = write('controller.properties', controllerLines());
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('random-uuid prints a fresh Kafka Uuid (22 base64url characters) each time', () => {
    const a = run('kafka-storage', ['random-uuid']);
    const b = run('kafka-storage', ['random-uuid']);
    expect(a.code).to.equal(0);
    expect(a.stdout).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}\n$/);
    expect(b.stdout).to.not.equal(a.stdout);
  });

  it('format writes meta.properties and bootstrap.checkpoint into every directory; a second format refuses; info reports', () => {
    const clusterId = run('kafka-storage', ['random-uuid']).stdout.trim();
    const c1 = path.join(tmp, 'c1');
    const meta = path.join(tmp, 'meta');
    const f = run('kafka-storage', ['format', '-t', clusterId, '-c', controllerProps]);
    expect(f.code, f.stderr).to.equal(0);
    expect(f.stdout.split('\n')).to.deep.equal([
      `metaPropertiesEnsemble=MetaPropertiesEnsemble(metadataLogDir=Optional.empty, dirs={${c1}: EMPTY, ${meta}: EMPTY})`,
      `Formatting ${c1} with metadata.version 3.7-IV4.`,
      `Formatting ${meta} with metadata.version 3.7-IV4.`,
      '',
    ]);
    const dirIds = new Set<string>();
    for (const d of [c1, meta]) {
      const text = fs.readFileSync(path.join(d, 'meta.properties'), 'utf8');
      const lines = text.split('\n');
      expect(lines[0]).to.equal('#');
      expect(lines.slice(2, 4)).to.deep.equal(['node.id=3001', lines[3]]);
      expect(lines[3]).to.match(/^directory\.id=[A-Za-z0-9_-]{22}$/);
      expect(lines.slice(4)).to.deep.equal(['version=1', `cluster.id=${clusterId}`, '']);
      dirIds.add(lines[3]);
      expect(fs.statSync(path.join(d, 'bootstrap.checkpoint')).size).to.equal(249);
    }
    expect(dirIds.size).to.equal(2);

    const again = run('kafka-storage', ['format', '-t', clusterId, '-c', controllerProps]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal(`Log directory ${c1} is already formatted. Use --ignore-formatted to ignore this directory and format the others.\n`);

    const info = run('kafka-storage', ['info', '-c', controllerProps]);
    expect(info.code).to.equal(0);
    const dirId = fs.readFileSync(path.join(c1, 'meta.properties'), 'utf8').split('\n')[3].split('=')[1];
    expect(info.stdout).to.equal(
      `Found log directories:\n  ${c1}\n  ${meta}\n\nFound metadata: {cluster.id=${clusterId}, directory.id=${dirId}, node.id=3001, version=1}\n\n`,
    );

    const dump = run('kafka-dump-log', ['--cluster-metadata-decoder', '--files', path.join(meta, 'bootstrap.checkpoint')]);
    expect(dump.code).to.equal(0);
    const lines = dump.stdout.trim().split('\n');
    expect(lines[0]).to.equal(`Dumping ${path.join(meta, 'bootstrap.checkpoint')}`);
    expect(lines[1]).to.equal('KRaft bootstrap snapshot');
    expect(lines[3]).to.match(
      /^\| offset: 0 CreateTime: \d+ keySize: 4 valueSize: 11 sequence: -1 headerKeys: \[\] SnapshotHeader \{"version":0,"lastContainedLogTimestamp":0\}$/,
    );
    expect(lines[5]).to.match(
      /^\| offset: 1 CreateTime: \d+ keySize: -1 valueSize: 23 sequence: -1 headerKeys: \[\] payload: \{"type":"FEATURE_LEVEL_RECORD","version":0,"data":\{"name":"metadata.version","featureLevel":19\}\}$/,
    );
    expect(lines[7]).to.match(/SnapshotFooter \{"version":0\}$/);
  });

  it('--ignore-formatted formats only the new directory and keeps the others as they were', () => {
    const clusterId = run('kafka-storage', ['random-uuid']).stdout.trim();
    expect(run('kafka-storage', ['format', '-t', clusterId, '-c', controllerProps]).code).to.equal(0);
    const before = fs.readFileSync(path.join(tmp, 'c1', 'meta.properties'), 'utf8');
    const c2 = path.join(tmp, 'c2');
    const props = write(
      'controller2.properties',
      controllerLines().map((l) => (l.startsWith('log.dirs=') ? `${l},${c2}` : l)),
    );
    const f = run('kafka-storage', ['format', '-t', clusterId, '-c', props, '--ignore-formatted']);
    expect(f.code, f.stderr).to.equal(0);
    expect(f.stdout.split('\n').slice(1)).to.deep.equal([`Formatting ${c2} with metadata.version 3.7-IV4.`, '']);
    expect(fs.readFileSync(path.join(tmp, 'c1', 'meta.properties'), 'utf8')).to.equal(before);
    const all = run('kafka-storage', ['format', '-t', clusterId, '-c', props, '-g']);
    expect(all.stdout.split('\n').slice(1)).to.deep.equal(['All of the log directories are already formatted.', '']);
    // Another cluster's id is refused by the ensemble check, nothing is rewritten.
    const other = run('kafka-storage', ['random-uuid']).stdout.trim();
    const wrong = run('kafka-storage', ['format', '-t', other, '-c', props, '-g']);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.contain(`Invalid cluster.id in: ${path.join(tmp, 'c1', 'meta.properties')}. Expected ${other}, but read ${clusterId}`);
    expect(fs.readFileSync(path.join(tmp, 'c1', 'meta.properties'), 'utf8')).to.equal(before);
  });

  it('refuses bad input with clear messages and writes nothing', () => {
    const bad = run('kafka-storage', ['format', '-t', 'not-a-uuid', '-c', controllerProps]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/^Cluster ID string not-a-uuid does not appear to be a valid UUID: /);
    const zk = write('server.properties', ['broker.id=0', 'zookeeper.connect=localhost:2181', `log.dirs=${path.join(tmp, 'zk')}`]);
    const legacy = run('kafka-storage', ['format', '-t', 'lpUHgL9rSRWODphL1u1jmA', '-c', zk]);
    expect(legacy.stderr).to.equal(
      'The kafka configuration file appears to be for a legacy cluster. Formatting is only supported for clusters in KRaft mode.\n',
    );
    const voters = write(
      'bad.properties',
      controllerLines().map((l) => (l.startsWith('controller.quorum.voters=') ? 'controller.quorum.voters=3001:127.0.0.1:19091' : l)),
    );
    const v = run('kafka-storage', ['format', '-t', 'lpUHgL9rSRWODphL1u1jmA', '-c', voters]);
    expect(v.code).to.equal(1);
    expect(v.stderr).to.contain('Invalid configuration value for controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.');
    const rv = run('kafka-storage', ['format', '-t', 'lpUHgL9rSRWODphL1u1jmA', '-c', controllerProps, '--release-version', '2.8']);
    expect(rv.stderr).to.equal('Must specify a valid KRaft metadata version of at least 3.0.\n');
    const unstable = run('kafka-storage', ['format', '-t', 'lpUHgL9rSRWODphL1u1jmA', '-c', controllerProps, '--release-version', '3.8-IV0']);
    expect(unstable.stderr).to.equal('Metadata version 3.8-IV0 is not ready for production use yet.\n');
    const scram = run('kafka-storage', ['format', '-t', 'lpUHgL9rSRWODphL1u1jmA', '-c', controllerProps, '--add-scram', 'SCRAM-SHA-256=[password=x]']);
    expect(scram.code).to.equal(1);
    expect(scram.stderr).to.equal("You must supply 'name' to add-scram\n");
    const usage = run('kafka-storage', ['format', '-c', controllerProps]);
    expect(usage.stderr.split('\n')[1]).to.equal('kafka-storage: error: argument --cluster-id/-t is required');
    expect(fs.existsSync(path.join(tmp, 'c1'))).to.equal(false);
    expect(fs.existsSync(path.join(tmp, 'meta'))).to.equal(false);

    const info = run('kafka-storage', ['info', '-c', controllerProps]);
    expect(info.code).to.equal(1);
    expect(info.stdout).to.equal(`Found problems:\n  ${path.join(tmp, 'c1')} does not exist\n  ${path.join(tmp, 'meta')} does not exist\n\n`);
  });

  it('kafka-server-start checks a KRaft config and its storage before writing anything', () => {
    const unformatted = run('kafka-server-start', [controllerProps]);
    expect(unformatted.code).to.equal(1);
    expect(unformatted.stderr).to.equal('Exiting Kafka due to fatal exception: No readable meta.properties files found.\n');
    const clusterId = run('kafka-storage', ['random-uuid']).stdout.trim();
    expect(run('kafka-storage', ['format', '-t', clusterId, '-c', controllerProps]).code).to.equal(0);
    const bad = run('kafka-server-start', [controllerProps, '--override', 'node.id=1']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain(
      "ConfigException: If process.roles contains the 'controller' role, the node id 1 must be included in the set of voters controller.quorum.voters=Set(3001, 3002, 3003)",
    );
    const c2 = path.join(tmp, 'c2');
    const more = run('kafka-server-start', [controllerProps, '--override', `log.dirs=${path.join(tmp, 'c1')},${c2}`]);
    expect(more.stderr).to.equal(
      `Exiting Kafka due to fatal exception: No \`meta.properties\` found in ${c2} (have you run \`kafka-storage.sh\` to format the directory?)\n`,
    );
    // Nothing was written by the refused starts.
    expect(fs.existsSync(c2)).to.equal(false);
    expect(fs.readdirSync(path.join(tmp, 'meta')).sort()).to.deep.equal(['bootstrap.checkpoint', 'meta.properties']);
  });
});
