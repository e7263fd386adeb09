import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from './cliSupport';

const TOOLS = [
  'kafka-topics',
  'kafka-console-producer',
  'kafka-console-consumer',
  'kafka-consumer-groups',
  'kafka-get-offsets',
  'kafka-broker-api-versions',
  'kafka-leader-election',
  'kafka-reassign-partitions',
  'kafka-delete-records',
  'kafka-configs',
  'zookeeper-shell',
  'kafka-server-stop',
  'zookeeper-server-stop',
  'kafka-producer-perf-test',
  'kafka-consumer-perf-test',
  'kafka-verifiable-producer',
  'kafka-verifiable-consumer',
];

describe('CLI: admin, perf and verifiable tools (live cluster)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let bs: string;
  let tmp: string;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    bs = cluster.bootstrap.join(',');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-cli-'));
    await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'adm', '--replica-assignment', '1:2,2:3']);
    await runTool('kafka-console-producer', ['--bootstrap-server', bs, '--topic', 'adm'], { input: 'a\nb\nc\nd\ne\n' });
  });
  after(async () => {
    await cluster?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('every tool answers --help with exit code 0', async () => {
    const results = await Promise.all(TOOLS.map((t) => runTool(t, ['--help'])));
    results.forEach((r, i) => {
      expect(r.code, TOOLS[i]).to.equal(0);
      expect(r.stdout.length, TOOLS[i]).to.be.greaterThan(20);
    });
  });

  it('kafka-get-offsets prints topic:partition:offset at latest, earliest and a timestamp', async () => {
    const latest = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'adm']);
    expect(latest.code).to.equal(0);
    const lines = latest.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(':').slice(0, 2).join(':'))).to.deep.equal(['adm:0', 'adm:1']);
    expect(lines.map((l) => Number(l.split(':')[2])).reduce((a, b) => a + b)).to.equal(5);
    const earliest = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic-partitions', 'adm:1', '--time', 'earliest']);
    expect(earliest.stdout).to.equal('adm:1:0\n');
    const ts = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'adm', '--partitions', '0', '--time', '0']);
    expect(ts.stdout).to.equal('adm:0:0\n');
    const none = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'nothing-here']);
    expect(none).to.include({ code: 1, stderr: 'Error occurred: Could not match any topic-partitions with the specified filters\n' });
  });

  it('kafka-broker-api-versions lists each broker with NodeApiVersions lines', async () => {
    const r = await runTool('kafka-broker-api-versions', ['--bootstrap-server', bs]);
    expect(r.code).to.equal(0);
    const heads = r.stdout.split('\n').filter((l) => l.includes(' -> ('));
    expect(heads).to.have.length(3);
    expect(heads[0]).to.match(/^127\.0\.0\.1:\d+ \(id: 1 rack: null\) -> \($/);
    expect(r.stdout).to.match(/\n\tProduce\(0\): \d+ to \d+ \[usable: \d+\],\n/);
    expect(r.stdout).to.match(/\n\tApiVersions\(18\): 0 to 3 \[usable: 3\],\n/);
  });

  it('kafka-reassign-partitions --generate/--execute/--verify, then kafka-leader-election moves the leader back', async () => {
    const move = path.join(tmp, 'move.json');
    fs.writeFileSync(move, '{"topics":[{"topic":"adm"}],"version":1}');
    const g = await runTool('kafka-reassign-partitions', [
      '--bootstrap-server',
      bs,
      '--generate',
      '--topics-to-move-json-file',
      move,
      '--broker-list',
      '1,2,3',
    ]);
    expect(g.code).to.equal(0);
    const gl = g.stdout.split('\n');
    expect(gl[0]).to.equal('Current partition replica assignment');
    expect(gl[1]).to.equal(
      '{"version":1,"partitions":[{"topic":"adm","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},{"topic":"adm","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}',
    );
    expect(gl[3]).to.equal('Proposed partition reassignment configuration');
    expect(JSON.parse(gl[4]).partitions).to.have.length(2);

    const plan = path.join(tmp, 'plan.json');
    fs.writeFileSync(plan, '{"version":1,"partitions":[{"topic":"adm","partition":0,"replicas":[3,1]}]}');
    const ex = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--execute', '--reassignment-json-file', plan]);
    expect(ex.code).to.equal(0);
    expect(ex.stdout).to.equal(
      'Current partition replica assignment\n\n' +
        '{"version":1,"partitions":[{"topic":"adm","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}\n\n' +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Successfully started partition reassignment for adm-0\n',
    );
    const v = await waitFor(
      'kafka-reassign-partitions --verify to report adm-0 completed',
      async () => {
        const out = (await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--verify', '--reassignment-json-file', plan])).stdout;
        return out.includes('is completed') ? out : null;
      },
      30000,
      250,
    );
    // Then the log-dir moves' summary: an empty line when the file names no log dirs, as Kafka prints it.
    expect(v).to.equal('Status of partition reassignment:\nReassignment of partition adm-0 is completed.\n\n');
    // The reassignment keeps leader 1 (still in the new replica set); the preferred leader is now 3.
    // Until broker 3 has caught up and joined the ISR the election answers an error: wait for it to be electable.
    const e = await waitFor(
      'a preferred election of adm-0 to succeed',
      async () => {
        const r = await runTool('kafka-leader-election', ['--bootstrap-server', bs, '--election-type', 'preferred', '--topic', 'adm', '--partition', '0']);
        return r.stdout.includes('Error') ? null : r;
      },
      20000,
      250,
    );
    expect(e.stdout).to.match(
      /^(Successfully completed leader election \(PREFERRED\) for partitions adm-0|Valid replica already elected for partitions adm-0)\n$/,
    );
    const again = await runTool('kafka-leader-election', ['--bootstrap-server', bs, '--election-type', 'preferred', '--topic', 'adm', '--partition', '0']);
    expect(again).to.include({ code: 0, stdout: 'Valid replica already elected for partitions adm-0\n' });
    const d = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'adm']);
    expect(d.stdout).to.contain('\tTopic: adm\tPartition: 0\tLeader: 3\tReplicas: 3,1\tIsr: ');
    const bad = await runTool('kafka-leader-election', ['--bootstrap-server', bs, '--election-type', 'preferred', '--topic', 'nope', '--partition', '0']);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.contain(
      'Error completing leader election (PREFERRED) for partition: nope-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException',
    );
    expect(bad.stderr).to.equal('1 replica(s) could not be elected\n');
  });

  it('kafka-configs through ZooKeeper (topics, users) and through a broker, and kafka-delete-records', async () => {
    const zk = cluster.connectString;
    const a = await runTool('kafka-configs', [
      '--zookeeper',
      zk,
      '--entity-type',
      'topics',
      '--entity-name',
      'adm',
      '--alter',
      '--add-config',
      'retention.ms=86400000,cleanup.policy=[compact,delete]',
    ]);
    expect(a).to.include({ code: 0, stdout: 'Completed updating config for topic adm.\n' });
    const d = await runTool('kafka-configs', ['--zookeeper', zk, '--entity-type', 'topics', '--entity-name', 'adm', '--describe']);
    expect(d.stdout).to.equal("Configs for topic 'adm' are cleanup.policy=compact,delete,retention.ms=86400000\n");
    const del = await runTool('kafka-configs', ['--zookeeper', zk, '--entity-type', 'topics', '--entity-name', 'adm', '--alter', '--delete-config', 'nope']);
    expect(del).to.include({ code: 1, stderr: 'Invalid config(s): nope\n' });
    const u = await runTool('kafka-configs', [
      '--zookeeper',
      zk,
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
      '--alter',
      '--add-config',
      'SCRAM-SHA-256=[password=alice-secret]',
    ]);
    // Kafka 3.7 updates only SCRAM credentials of users through ZooKeeper (test/integration/security/scram-*.test.ts).
    expect(u.stdout).to.equal(
      "Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.\nCompleted updating config for entity: user-principal 'alice'.\n",
    );
    const zd = await runTool('kafka-topics', ['--zookeeper', zk, '--describe', '--topic', 'adm']);
    expect(zd.stdout.split('\n')[0]).to.match(/\tConfigs: cleanup.policy=compact,delete,retention.ms=86400000$/);
    const viaBroker = await runTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', 'adm', '--describe']);
    expect(viaBroker.code, viaBroker.stderr).to.equal(0);
    expect(viaBroker.stdout.split('\n')[0]).to.equal('Dynamic configs for topic adm are:');
    expect(viaBroker.stdout).to.contain('retention.ms=86400000');
    const offsets = path.join(tmp, 'offsets.json');
    fs.writeFileSync(offsets, '{"partitions":[{"topic":"adm","partition":1,"offset":1}],"version":1}');
    const dr = await runTool('kafka-delete-records', ['--bootstrap-server', bs, '--offset-json-file', offsets]);
    expect(dr.code, dr.stderr).to.equal(0);
    expect(dr.stdout).to.equal('Executing records delete operation\nRecords delete operation completed:\npartition: adm-1\tlow_watermark: 1\n');
  });

  it('zookeeper-shell hands over to zkCli.sh', async () => {
    const r = await runTool('zookeeper-shell', [cluster.connectString, 'ls', '/brokers/ids']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('[1, 2, 3]');
    const c = await runTool('zookeeper-shell', [cluster.connectString, 'get', '/controller']);
    expect(c.stdout).to.match(/\{"version":2,"brokerid":[123],"timestamp":"\d+"(,"kraftControllerEpoch":-1)?\}/);
  });

  it('kafka-server-stop finds a broker by command line and --node-id', async () => {
    // A stand-in process whose command line looks like a broker's, with a node id no real test cluster uses.
    const props = path.join(tmp, 'server.properties');
    fs.writeFileSync(props, 'broker.id=917\n');
    const fake = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '/x/bin/kafka-server-start', props], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => fake.once('exit', (_c, s) => resolve(s)));
    try {
      await waitFor(
        'the stand-in broker process to be listed',
        async () => fs.readFileSync(`/proc/${fake.pid}/cmdline`, 'utf8').includes('kafka-server-start'),
        10000,
        20,
      );
      const none = await runTool('kafka-server-stop', ['--node-id', '918']);
      expect(none).to.include({ code: 1, stdout: 'No kafka server to stop\n' });
      const r = await runTool('kafka-server-stop', ['--node-id', '917']);
      expect(r.code).to.equal(0);
      expect(await exited).to.equal('SIGTERM');
    } finally {
      fake.kill('SIGKILL');
    }
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
    expect(Object.keys(pe[1])).to.deep.equal(['timestamp', 'name', 'key', 'value', 'topic', 'partition', 'offset']);
    // acks may arrive out of send order while the auto-created topic gets its leader
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
      .map((l) => JSON.parse(l) as { name: string; count?: number; partitions?: unknown[]; success?: boolean });
    expect(ce[0].name).to.equal('startup_complete');
    expect(ce[1]).to.deep.include({ name: 'partitions_assigned', partitions: [{ topic: 'vt', partition: 0 }] });
    const consumed = ce.filter((e) => e.name === 'records_consumed');
    expect(consumed.reduce((n, e) => n + (e.count ?? 0), 0)).to.equal(5);
    expect(consumed[0].partitions![0]).to.have.keys(['topic', 'partition', 'count', 'minOffset', 'maxOffset']);
    expect(ce.filter((e) => e.name === 'offsets_committed').every((e) => e.success === true)).to.equal(true);
    expect(ce[ce.length - 1].name).to.equal('shutdown_complete');
  });
});
