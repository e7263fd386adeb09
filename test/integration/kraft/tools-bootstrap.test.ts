/**
 * Issue 13: every --bootstrap-server tool works in KRaft mode. One real KRaft cluster (3 controllers, 3 brokers as
 * bin/kafka-server-start processes, no ZooKeeper); each tool runs against the brokers in sequence and the test
 * asserts the output the ZooKeeper-mode tests (test/integration/cli/*) assert, as a Kafka 3.7 KRaft cluster answers.
 * Dynamic broker configs, reassignment, leader election and kafka-cluster unregister are in tools-bootstrap-admin.test.ts.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

describe('KRaft: --bootstrap-server tools (topics, configs, console, groups, offsets, log dirs, perf, verifiable)', function () {
  this.timeout(240_000);
  let cluster: KRaftTestCluster;
  let bs: string;
  let tmp: string;

  before(async () => {
    cluster = await KRaftTestCluster.start({ controllers: 3, brokers: 3 });
    bs = cluster.bootstrap();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-kraft-tools-'));
  });
  after(async () => {
    if (cluster) await cluster.shutdown();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('kafka-topics --create/--list/--describe/--alter/--delete', async () => {
    const c = await runTool('kafka-topics', [
      '--bootstrap-server',
      bs,
      '--create',
      '--topic',
      'kt',
      '--partitions',
      '3',
      '--replication-factor',
      '3',
      '--config',
      'retention.ms=1000000',
    ]);
    expect(c).to.include({ code: 0, stdout: 'Created topic kt.\n' });
    const m = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'adm', '--replica-assignment', '1:2,2:3']);
    expect(m).to.include({ code: 0, stdout: 'Created topic adm.\n' });
    const dup = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'kt', '--partitions', '1']);
    expect(dup.code).to.equal(1);
    expect(dup.stdout + dup.stderr).to.contain("Topic 'kt' already exists.");

    const l = await runTool('kafka-topics', ['--bootstrap-server', bs, '--list']);
    expect(l).to.include({ code: 0, stdout: 'adm\nkt\n' });

    const d = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'kt']);
    expect(d.code).to.equal(0);
    const lines = d.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^Topic: kt\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: retention.ms=1000000$/);
    expect(lines).to.have.length(4);
    for (const [i, line] of lines.slice(1).entries()) {
      const f = /^\tTopic: kt\tPartition: (\d)\tLeader: (\d)\tReplicas: (\d,\d,\d)\tIsr: (\d,\d,\d)$/.exec(line);
      expect(f, line).to.not.equal(null);
      expect(Number(f![1])).to.equal(i);
      // A new partition's leader is its first replica, all replicas in sync.
      expect(f![2]).to.equal(f![3].split(',')[0]);
      expect(f![3].split(',').sort()).to.deep.equal(['1', '2', '3']);
    }

    const a = await runTool('kafka-topics', ['--bootstrap-server', bs, '--alter', '--topic', 'kt', '--partitions', '4']);
    expect(a).to.include({ code: 0, stdout: '' });
    const after = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'kt']);
    expect(after.stdout.split('\n')[0]).to.contain('\tPartitionCount: 4\t');
    const shrink = await runTool('kafka-topics', ['--bootstrap-server', bs, '--alter', '--topic', 'kt', '--partitions', '2']);
    expect(shrink.code).to.equal(1);
    // The controller's message (ReplicationControlManager.createPartitions), which the admin client passes on.
    expect(shrink.stdout + shrink.stderr).to.equal(
      'Error while executing topic command : The topic kt currently has 4 partition(s); 2 would not be an increase.\n',
    );

    const del = await runTool('kafka-topics', ['--bootstrap-server', bs, '--delete', '--topic', 'kt']);
    expect(del).to.include({ code: 0, stdout: '' });
    await waitFor(
      'kt to leave the topic list',
      async () => (await runTool('kafka-topics', ['--bootstrap-server', bs, '--list'])).stdout === 'adm\n',
      30_000,
      250,
    );
    const gone = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'kt']);
    expect(gone.code).to.equal(1);
    expect(gone.stdout + gone.stderr).to.contain("Topic 'kt' does not exist as expected");
  });

  it('console producer and consumer, kafka-get-offsets, kafka-consumer-groups --list/--describe/--reset-offsets/--delete', async () => {
    const p = await runTool('kafka-console-producer', ['--bootstrap-server', bs, '--topic', 'adm'], { input: 'a\nb\nc\nd\ne\n' });
    expect(p).to.include({ code: 0, stdout: '', stderr: '' });
    const cp = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'one', '--partitions', '1', '--replication-factor', '3']);
    expect(cp.code).to.equal(0);
    const p1 = await runTool(
      'kafka-console-producer',
      ['--bootstrap-server', bs, '--topic', 'one', '--property', 'parse.key=true', '--property', 'key.separator=:'],
      {
        input: 'k1:v1\nk2:v2\nk3:v3\nk4:v4\n',
      },
    );
    expect(p1).to.include({ code: 0, stderr: '' });
    const c = await runTool('kafka-console-consumer', [
      '--bootstrap-server',
      bs,
      '--topic',
      'one',
      '--from-beginning',
      '--group',
      'kg',
      '--max-messages',
      '3',
      '--property',
      'print.key=true',
      '--property',
      'print.offset=true',
    ]);
    expect(c.code).to.equal(0);
    expect(c.stdout).to.equal('Offset:0\tk1\tv1\nOffset:1\tk2\tv2\nOffset:2\tk3\tv3\n');
    expect(c.stderr).to.equal('Processed a total of 3 messages\n');

    const latest = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'adm']);
    expect(latest.code).to.equal(0);
    const ol = latest.stdout.trim().split('\n');
    expect(ol.map((l) => l.split(':').slice(0, 2).join(':'))).to.deep.equal(['adm:0', 'adm:1']);
    expect(ol.map((l) => Number(l.split(':')[2])).reduce((x, y) => x + y)).to.equal(5);
    const earliest = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic-partitions', 'one:0', '--time', 'earliest']);
    expect(earliest.stdout).to.equal('one:0:0\n');
    const none = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'nothing-here']);
    expect(none).to.include({ code: 1, stderr: 'Error occurred: Could not match any topic-partitions with the specified filters\n' });

    const list = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--list']);
    expect(list).to.include({ code: 0, stdout: 'kg\n' });
    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'kg']);
    expect(d.code).to.equal(0);
    expect(d.stderr).to.equal("\nConsumer group 'kg' has no active members.\n");
    const dl = d.stdout.split('\n');
    expect(dl[1].split(/\s+/)).to.deep.equal(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    expect(dl[2].split(/\s+/)).to.deep.equal(['kg', 'one', '0', '3', '4', '1', '-', '-', '-']);

    const reset = await runTool('kafka-consumer-groups', [
      '--bootstrap-server',
      bs,
      '--group',
      'kg',
      '--reset-offsets',
      '--to-earliest',
      '--topic',
      'one',
      '--execute',
    ]);
    expect(reset.code).to.equal(0);
    const rl = reset.stdout.split('\n');
    expect(rl[1].split(/\s+/).filter(Boolean)).to.deep.equal(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']);
    expect(rl[2].split(/\s+/).filter(Boolean)).to.deep.equal(['kg', 'one', '0', '0']);
    const again = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'kg']);
    expect(again.stdout.split('\n')[2].split(/\s+/)).to.deep.equal(['kg', 'one', '0', '0', '4', '4', '-', '-', '-']);

    const del = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--delete', '--group', 'kg']);
    expect(del).to.include({ code: 0, stdout: "Deletion of requested consumer groups ('kg') was successful.\n" });
    expect((await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--list'])).stdout).to.equal('');
  });

  it('kafka-configs --describe/--alter --add-config/--delete-config of a topic, --describe --all of a broker', async () => {
    const a = await runTool('kafka-configs', [
      '--bootstrap-server',
      bs,
      '--entity-type',
      'topics',
      '--entity-name',
      'adm',
      '--alter',
      '--add-config',
      'retention.ms=86400000,cleanup.policy=[compact,delete]',
    ]);
    expect(a).to.include({ code: 0, stdout: 'Completed updating config for topic adm.\n' });
    // The brokers apply the controller's ConfigRecords from the metadata log: wait until the one asked has them.
    const d = await waitFor(
      'the topic config change to reach the brokers',
      async () => {
        const r = await runTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', 'adm', '--describe']);
        return r.stdout.includes('retention.ms=86400000') ? r : null;
      },
      30_000,
      250,
    );
    expect(d.stdout).to.equal(
      'Dynamic configs for topic adm are:\n' +
        '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
        '  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}\n',
    );
    const bad = await runTool('kafka-configs', [
      '--bootstrap-server',
      bs,
      '--entity-type',
      'topics',
      '--entity-name',
      'adm',
      '--alter',
      '--delete-config',
      'nope',
    ]);
    expect(bad).to.include({ code: 1, stderr: 'Invalid config(s): nope\n' });
    const del = await runTool('kafka-configs', [
      '--bootstrap-server',
      bs,
      '--entity-type',
      'topics',
      '--entity-name',
      'adm',
      '--alter',
      '--delete-config',
      'retention.ms',
    ]);
    expect(del).to.include({ code: 0, stdout: 'Completed updating config for topic adm.\n' });
    await waitFor(
      'retention.ms to be removed on the brokers',
      async () => {
        const r = await runTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', 'adm', '--describe']);
        return !r.stdout.includes('retention.ms') && r.stdout.includes('cleanup.policy=compact,delete');
      },
      30_000,
      250,
    );
    const td = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'adm']);
    expect(td.stdout.split('\n')[0]).to.match(/\tConfigs: cleanup.policy=compact,delete$/);

    const all = await runTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-name', '2', '--describe', '--all']);
    expect(all.code, all.stderr).to.equal(0);
    const al = all.stdout.split('\n');
    expect(al[0]).to.equal('All configs for broker 2 are:');
    expect(al).to.include('  node.id=2 sensitive=false synonyms={STATIC_BROKER_CONFIG:node.id=2, DEFAULT_CONFIG:node.id=-1}');
    expect(al).to.include('  process.roles=broker sensitive=false synonyms={STATIC_BROKER_CONFIG:process.roles=broker, DEFAULT_CONFIG:process.roles=}');
    const missing = await runTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', 'nope', '--describe']);
    expect(missing.code).to.equal(1);
    expect(missing.stdout + missing.stderr).to.contain("Topic 'nope' does not exist as expected");
  });

  it('kafka-log-dirs --describe and kafka-delete-records', async () => {
    const r = await runTool('kafka-log-dirs', ['--bootstrap-server', bs, '--describe', '--topic-list', 'adm']);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['Querying brokers for log directories information', 'Received log directory information from brokers 1,2,3']);
    const json = JSON.parse(lines[2]) as {
      version: number;
      brokers: { broker: number; logDirs: { logDir: string; error: null; partitions: { partition: string }[] }[] }[];
    };
    expect(json.version).to.equal(1);
    const placement = json.brokers.map((b) => [b.broker, b.logDirs[0].logDir, b.logDirs[0].partitions.map((p) => p.partition).sort()]);
    expect(placement).to.deep.equal([
      [1, cluster.dataDir(1), ['adm-0']],
      [2, cluster.dataDir(2), ['adm-0', 'adm-1']],
      [3, cluster.dataDir(3), ['adm-1']],
    ]);

    const offsets = path.join(tmp, 'offsets.json');
    fs.writeFileSync(offsets, '{"partitions":[{"topic":"one","partition":0,"offset":2}],"version":1}');
    const dr = await runTool('kafka-delete-records', ['--bootstrap-server', bs, '--offset-json-file', offsets]);
    expect(dr.code, dr.stderr).to.equal(0);
    expect(dr.stdout).to.equal('Executing records delete operation\nRecords delete operation completed:\npartition: one-0\tlow_watermark: 2\n');
    const earliest = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'one', '--time', 'earliest']);
    expect(earliest.stdout).to.equal('one:0:2\n');
  });

  it('kafka-broker-api-versions lists the three brokers; kafka-cluster cluster-id prints the id the storage was formatted with', async () => {
    const r = await runTool('kafka-broker-api-versions', ['--bootstrap-server', bs]);
    expect(r.code).to.equal(0);
    const heads = r.stdout.split('\n').filter((l) => l.includes(' -> ('));
    expect(heads.map((h) => /\(id: (\d) rack: null\) -> \($/.exec(h)?.[1]).sort()).to.deep.equal(['1', '2', '3']);
    expect(r.stdout).to.match(/\n\tProduce\(0\): \d+ to \d+ \[usable: \d+\],\n/);
    expect(r.stdout).to.match(/\n\tApiVersions\(18\): 0 to 3 \[usable: 3\],\n/);
    // A KRaft broker does not serve the ZooKeeper controller's inter-broker APIs (ApiKeys.zkBroker only).
    expect(r.stdout).to.match(/\n\tLeaderAndIsr\(4\): UNSUPPORTED,\n/);

    const id = await runTool('kafka-cluster', ['cluster-id', '--bootstrap-server', bs]);
    expect(id).to.include({ code: 0, stdout: `Cluster ID: ${cluster.clusterId}\n` });
  });

  it("perf tests print Kafka's summaries; verifiable producer/consumer print Kafka's JSON events", async () => {
    const p = await runTool('kafka-producer-perf-test', [
      '--topic',
      'perf',
      '--num-records',
      '2000',
      '--record-size',
      '100',
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bs}`,
      'acks=1',
    ]);
    expect(p.code).to.equal(0);
    expect(p.stdout.trim().split('\n').pop()).to.match(
      /^2000 records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/,
    );
    const c = await runTool('kafka-consumer-perf-test', ['--bootstrap-server', bs, '--topic', 'perf', '--messages', '2000', '--timeout', '10000']);
    expect(c.code).to.equal(0);
    const cl = c.stdout.trim().split('\n');
    expect(cl[0]).to.equal(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    expect(cl[1].split(', ')[4]).to.equal('2000');
    expect(cl[1].split(', ')[2]).to.equal('0.1907');

    const vp = await runTool('kafka-verifiable-producer', ['--bootstrap-server', bs, '--topic', 'vt', '--max-messages', '5', '--value-prefix', 'x']);
    expect(vp.code).to.equal(0);
    const pe = vp.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(pe.map((e) => e.name)).to.deep.equal(['startup_complete', ...Array(5).fill('producer_send_success'), 'shutdown_complete', 'tool_data']);
    expect(
      pe
        .slice(1, 6)
        .map((e) => e.value)
        .sort(),
    ).to.deep.equal(['x.0', 'x.1', 'x.2', 'x.3', 'x.4']);
    expect(new Set(pe.slice(1, 6).map((e) => e.offset)).size).to.equal(5);
    expect(pe[7]).to.include({ sent: 5, acked: 5, target_throughput: -1 });

    const vc = await runTool('kafka-verifiable-consumer', ['--bootstrap-server', bs, '--topic', 'vt', '--group-id', 'vg', '--max-messages', '5']);
    expect(vc.code).to.equal(0);
    const ce = vc.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; count?: number; success?: boolean });
    expect(ce[0].name).to.equal('startup_complete');
    expect(ce[1]).to.deep.include({ name: 'partitions_assigned', partitions: [{ topic: 'vt', partition: 0 }] });
    expect(ce.filter((e) => e.name === 'records_consumed').reduce((n, e) => n + (e.count ?? 0), 0)).to.equal(5);
    expect(ce.filter((e) => e.name === 'offsets_committed').every((e) => e.success === true)).to.equal(true);
    expect(ce[ce.length - 1].name).to.equal('shutdown_complete');
  });
});
