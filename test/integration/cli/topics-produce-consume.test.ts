import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { runTool, startTool } from './cliSupport';

describe('CLI: kafka-topics, console producer/consumer, kafka-consumer-groups (live cluster)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let bs: string;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    bs = cluster.bootstrap.join(',');
  });
  after(async () => {
    await cluster?.stop();
  });

  it("kafka-topics --create / --list / --describe with Kafka's layout", async () => {
    const c = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'cli-t1', '--partitions', '3', '--replication-factor', '2']);
    expect(c.code).to.equal(0);
    expect(c.stdout).to.equal('Created topic cli-t1.\n');
    const again = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'cli-t1', '--partitions', '3', '--replication-factor', '2']);
    expect(again.code).to.equal(1);
    expect(again.stdout).to.equal("Error while executing topic command : Topic 'cli-t1' already exists.\n");
    const quiet = await runTool('kafka-topics', [
      '--bootstrap-server',
      bs,
      '--create',
      '--if-not-exists',
      '--topic',
      'cli-t1',
      '--partitions',
      '3',
      '--replication-factor',
      '2',
    ]);
    expect(quiet).to.include({ code: 0, stdout: '' });
    const list = await runTool('kafka-topics', ['--bootstrap-server', bs, '--list']);
    expect(list.code).to.equal(0);
    expect(list.stdout.split('\n')).to.include('cli-t1');
    const d = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'cli-t1']);
    expect(d.code).to.equal(0);
    const lines = d.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^Topic: cli-t1\t(TopicId: \S+\t)?PartitionCount: 3\tReplicationFactor: 2\tConfigs: /);
    expect(lines).to.have.length(4);
    for (let p = 0; p < 3; p++)
      expect(lines[p + 1]).to.match(new RegExp(`^\\tTopic: cli-t1\\tPartition: ${p}\\tLeader: \\d\\tReplicas: \\d,\\d\\tIsr: \\d,\\d$`));
  });

  it('kafka-topics: --alter --partitions, the legacy --zookeeper mode, --delete, and user errors', async () => {
    expect((await runTool('kafka-topics', ['--bootstrap-server', bs, '--alter', '--topic', 'cli-t1', '--partitions', '4'])).code).to.equal(0);
    const zkd = await runTool('kafka-topics', ['--zookeeper', cluster.connectString, '--describe', '--topic', 'cli-t1']);
    expect(zkd.code).to.equal(0);
    expect(zkd.stdout).to.match(/^Topic: cli-t1\tTopicId: \S+\tPartitionCount: 4\tReplicationFactor: 2\tConfigs: \n/);
    const zc = await runTool('kafka-topics', [
      '--zookeeper',
      cluster.connectString,
      '--create',
      '--topic',
      'cli-zk',
      '--partitions',
      '2',
      '--replication-factor',
      '3',
      '--config',
      'retention.ms=60000',
    ]);
    expect(zc).to.include({ code: 0, stdout: 'Created topic cli-zk.\n' });
    const zd = await runTool('kafka-topics', ['--zookeeper', cluster.connectString, '--describe', '--topic', 'cli-zk']);
    expect(zd.stdout).to.match(/Configs: retention.ms=60000\n/);
    const za = await runTool('kafka-topics', ['--zookeeper', cluster.connectString, '--alter', '--topic', 'cli-zk', '--partitions', '3']);
    expect(za.stdout).to.contain('Adding partitions succeeded!');
    const zdel = await runTool('kafka-topics', ['--zookeeper', cluster.connectString, '--delete', '--topic', 'cli-zk']);
    expect(zdel.stdout).to.equal('Topic cli-zk is marked for deletion.\nNote: This will have no impact if delete.topic.enable is not set to true.\n');
    const missing = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'no-such-topic']);
    expect(missing).to.include({ code: 1, stdout: "Error while executing topic command : Topic 'no-such-topic' does not exist as expected\n" });
    const noAction = await runTool('kafka-topics', ['--bootstrap-server', bs]);
    expect(noAction.code).to.equal(1);
    expect(noAction.stderr).to.equal('Command must include exactly one action: --list, --describe, --create, --alter or --delete\n');
    const badFlag = await runTool('kafka-topics', ['--bootstrap-server', bs, '--lisst']);
    expect(badFlag.code).to.not.equal(0);
    expect(badFlag.stderr).to.match(/unknown option '--lisst'/);
    expect(badFlag.stderr).to.not.match(/\n\s+at /);
    // An unreachable cluster is reported after default.api.timeout.ms (from --command-config, as with Kafka).
    const quick = path.join(cluster.root, 'quick-admin.properties');
    fs.writeFileSync(quick, 'default.api.timeout.ms=1000\n');
    const down = await runTool('kafka-topics', ['--bootstrap-server', '127.0.0.1:1', '--list', '--command-config', quick]);
    expect(down.code).to.equal(1);
    expect(down.stdout.trim().split('\n')).to.have.length(1);
    const help = await runTool('kafka-topics', ['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('--bootstrap-server');
  });

  it('produces keyed lines and consumes them with print.key/partition/offset, then describes the group lag', async () => {
    await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'cli-pc', '--partitions', '1', '--replication-factor', '3']);
    const p = await runTool(
      'kafka-console-producer',
      ['--bootstrap-server', bs, '--topic', 'cli-pc', '--property', 'parse.key=true', '--property', 'key.separator=:'],
      { input: 'k1:v1\nk2:v2\nk3:v3\nk4:v4\n' },
    );
    expect(p).to.include({ code: 0, stdout: '', stderr: '' });
    const c = await runTool('kafka-console-consumer', [
      '--bootstrap-server',
      bs,
      '--topic',
      'cli-pc',
      '--from-beginning',
      '--group',
      'cli-g',
      '--max-messages',
      '3',
      '--property',
      'print.key=true',
      '--property',
      'print.offset=true',
      '--property',
      'print.partition=true',
    ]);
    expect(c.code).to.equal(0);
    expect(c.stdout).to.equal('Partition:0\tOffset:0\tk1\tv1\nPartition:0\tOffset:1\tk2\tv2\nPartition:0\tOffset:2\tk3\tv3\n');
    expect(c.stderr).to.equal('Processed a total of 3 messages\n');
    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cli-g']);
    expect(d.code).to.equal(0);
    expect(d.stderr).to.equal("\nConsumer group 'cli-g' has no active members.\n");
    const lines = d.stdout.split('\n');
    expect(lines[0]).to.equal('');
    expect(lines[1].split(/\s+/)).to.deep.equal(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    expect(lines[2].split(/\s+/)).to.deep.equal(['cli-g', 'cli-pc', '0', '3', '4', '1', '-', '-', '-']);
    const bad = await runTool('kafka-console-producer', ['--bootstrap-server', bs, '--topic', 'cli-pc', '--property', 'parse.key=true'], { input: 'nokey\n' });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.equal("No key separator found on line number 1: 'nokey'\n");
  });

  it('console consumer: --partition/--offset, --timeout-ms, headers', async () => {
    const c = await runTool('kafka-console-consumer', [
      '--bootstrap-server',
      bs,
      '--topic',
      'cli-pc',
      '--partition',
      '0',
      '--offset',
      '2',
      '--timeout-ms',
      '2500',
      '--property',
      'print.headers=true',
    ]);
    expect(c.code).to.equal(0);
    expect(c.stdout).to.equal('NO_HEADERS\tv3\nNO_HEADERS\tv4\n');
    expect(c.stderr).to.match(
      /ERROR Error processing message, terminating consumer process: {2}\(kafka\.tools\.ConsoleConsumer\$\)\norg\.apache\.kafka\.common\.errors\.TimeoutException\nProcessed a total of 2 messages\n$/,
    );
    const both = await runTool('kafka-console-consumer', ['--bootstrap-server', bs, '--topic', 'cli-pc', '--group', 'x', '--partition', '0']);
    expect(both).to.include({ code: 1, stderr: 'Options group and partition cannot be specified together.\n' });
  });

  it('kafka-consumer-groups: members/state of an active group, reset refused while active, reset/delete when empty', async () => {
    const consumer = startTool('kafka-console-consumer', ['--bootstrap-server', bs, '--topic', 'cli-pc', '--group', 'cli-g']);
    const members = await waitFor(
      'the console consumer to own cli-pc(0) in group cli-g',
      async () => {
        const out = (await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cli-g', '--members', '--verbose'])).stdout;
        return out.includes('cli-pc(0)') ? out : null;
      },
      30000,
      250,
    );
    expect(members.split('\n')[1].split(/\s+/)).to.deep.equal(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT']);
    expect(members.split('\n')[2]).to.match(/^cli-g\s+console-consumer-\S+ \/127\.0\.0\.1\s+console-consumer\s+1\s+cli-pc\(0\)$/);
    const st = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cli-g', '--state']);
    expect(st.stdout.split('\n')[2].split(/\s+/)).to.include.members(['cli-g', 'Stable', '1']);
    const refused = await runTool('kafka-consumer-groups', [
      '--bootstrap-server',
      bs,
      '--reset-offsets',
      '--group',
      'cli-g',
      '--topic',
      'cli-pc',
      '--to-earliest',
      '--execute',
    ]);
    expect(refused.stdout).to.contain("Error: Assignments can only be reset if the group 'cli-g' is inactive, but the current state is Stable.");
    const r = await consumer.stop();
    expect(r.stdout).to.equal('v4\n');
    const dry = await runTool('kafka-consumer-groups', [
      '--bootstrap-server',
      bs,
      '--reset-offsets',
      '--group',
      'cli-g',
      '--topic',
      'cli-pc',
      '--shift-by',
      '-2',
      '--dry-run',
    ]);
    expect(
      dry.stdout
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/)),
    ).to.deep.equal([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ['cli-g', 'cli-pc', '0', '2'], ['']]);
    const exec = await runTool('kafka-consumer-groups', [
      '--bootstrap-server',
      bs,
      '--reset-offsets',
      '--group',
      'cli-g',
      '--topic',
      'cli-pc',
      '--to-earliest',
      '--execute',
    ]);
    expect(exec.code).to.equal(0);
    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cli-g']);
    expect(d.stdout.split('\n')[2].split(/\s+/).slice(0, 6)).to.deep.equal(['cli-g', 'cli-pc', '0', '0', '4', '4']);
    const list = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--list']);
    expect(list.stdout.split('\n')).to.include('cli-g');
    const del = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--delete', '--group', 'cli-g']);
    expect(del).to.include({ code: 0, stdout: "Deletion of requested consumer groups ('cli-g') was successful.\n" });
    const gone = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cli-g']);
    expect(gone.code).to.equal(1);
    expect(gone.stdout).to.equal("\nError: Consumer group 'cli-g' does not exist.\n");
  });

  it('kafka-console-producer --compression-codec sends every codec; consumers read it back', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `cli-codec-${codec}`;
      expect(
        (await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'])).code,
      ).to.equal(0);
      const lines = Array.from({ length: 20 }, (_, i) => `${codec}-${i}-${'x'.repeat(50)}`);
      const p = await runTool('kafka-console-producer', ['--bootstrap-server', bs, '--topic', topic, '--compression-codec', codec], {
        input: lines.join('\n') + '\n',
      });
      expect(p.code, p.stderr).to.equal(0);
      const c = await runTool('kafka-console-consumer', [
        '--bootstrap-server',
        bs,
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        '20',
        '--timeout-ms',
        '20000',
      ]);
      expect(c.code, c.stderr).to.equal(0);
      expect(c.stdout.trim().split('\n')).to.deep.equal(lines);
      // The batch on disk carries the codec the tool chose (stored as produced).
      const leader = (await cluster.metadata(undefined, [topic])).topics[0].partitions[0].leaderId;
      const dir = path.join(cluster.broker(leader).dataDir, `${topic}-0`);
      const dump = await runTool('kafka-dump-log', ['--files', path.join(dir, '00000000000000000000.log')]);
      expect(dump.stdout).to.contain(`compresscodec: ${codec}`);
    }
  });
});
