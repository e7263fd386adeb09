/**
 * The admin APIs new in issue 12 against a real ZooKeeper and real brokers: DescribeCluster (kafka-cluster),
 * DescribeLogDirs (kafka-log-dirs), AlterReplicaLogDirs (a replica moving between two log.dirs of a broker
 * while it is written to) and DescribeProducers (the idempotent producer kafkajs registered).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterReplicaLogDirsApi, DescribeClusterApi, DescribeLogDirsApi, DescribeProducersApi, FetchApi } from '../../../src/protocol/apis';
import { iterateRecords, readBatchInfo, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { waitFor } from '../../helpers/ports';
import { ErrorCode } from '../../../src/protocol/errors';

type FetchRequestOf = Parameters<typeof FetchApi.encodeRequest>[2];

/**
 * A consumer's Fetch v11 of one partition from `fetchOffset`. Fields of later versions (LastFetchedEpoch, TopicId,
 * ...) are left out: the codec writes what a version has, at its defaults when absent.
 */
function consumerFetch(topic: string, partition: number, fetchOffset: number): FetchRequestOf {
  const req = {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 4 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 4 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
  return req as unknown as FetchRequestOf;
}

/** Every record of a partition as [offset, number before ':' in its value], read with raw Fetch requests. */
async function readWithOffsets(port: number, topic: string, partition: number): Promise<Array<[number, number]>> {
  const c = new NetworkClient('127.0.0.1', port, 'read-offsets', 10000);
  const out: Array<[number, number]> = [];
  try {
    for (let offset = 0; ;) {
      const res = await c.send(FetchApi, 11, consumerFetch(topic, partition, offset));
      const p = res.responses[0].partitions[0];
      expect(p.errorCode).to.equal(ErrorCode.NONE);
      const raw: unknown = p.records;
      const buf = raw === null ? Buffer.alloc(0) : Buffer.isBuffer(raw) ? raw : Buffer.concat(raw as Buffer[]);
      if (buf.length === 0) return out;
      for (const b of validateBatches(buf)) {
        for (const r of iterateRecords(buf.subarray(b.position, b.position + b.size))) {
          const o = b.baseOffset + r.offsetDelta;
          if (o >= offset) out.push([o, Number(r.value!.toString('utf8').split(':')[0])]);
        }
        offset = b.lastOffset + 1;
      }
    }
  } finally {
    c.close();
  }
}

describe('admin: DescribeCluster, DescribeLogDirs, AlterReplicaLogDirs, DescribeProducers (live cluster)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let bs: string;
  let kafka: Kafka;
  let admin: Admin;
  let dirsRoot: string;
  let dirA: string;
  let dirB: string;

  before(async () => {
    // Broker 1 has two log dirs; broker 2 one. A short log.segment.delete.delay.ms lets a replaced replica's
    // `-delete` folder go while the test watches.
    dirsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-logdirs-'));
    dirA = path.join(dirsRoot, 'a');
    dirB = path.join(dirsRoot, 'b');
    cluster = await TestCluster.start({
      brokers: 2,
      overrides: { 'offsets.topic.replication.factor': '1' },
      brokerOverrides: {
        // Small copy rounds (replica.fetch.max.bytes) so that a move interleaves with the producer's appends.
        1: { 'broker.rack': 'r1', 'log.dirs': `${dirA},${dirB}`, 'log.segment.delete.delay.ms': '500', 'replica.fetch.max.bytes': '16384' },
      },
    });
    bs = cluster.bootstrap.join(',');
    kafka = new Kafka({ clientId: 'it-logdirs', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await cluster?.stop();
    fs.rmSync(dirsRoot, { recursive: true, force: true });
  });

  it('kafka-cluster cluster-id prints the id stored in /cluster/id; unregister is KRaft-only', async () => {
    const zk = await ZkReader.connect(cluster.connectString);
    const stored = JSON.parse((await zk.get('/cluster/id')).data!) as { version: string; id: string };
    zk.close();
    const r = await runTool('kafka-cluster', ['cluster-id', '--bootstrap-server', bs]);
    expect(r).to.deep.equal({ code: 0, stdout: `Cluster ID: ${stored.id}\n`, stderr: '' });
    const u = await runTool('kafka-cluster', ['unregister', '--bootstrap-server', bs, '--id', '2']);
    expect(u).to.deep.equal({ code: 0, stdout: 'The target cluster does not support the broker unregistration API.\n', stderr: '' });
    const none = await runTool('kafka-cluster', ['cluster-id']);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain('one of the arguments --bootstrap-server/-b --bootstrap-controller/-C is required');
  });

  it('DescribeCluster v0/v1: brokers with rack, controller, authorized operations, endpoint type checks', async () => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(2).port, 'it', 10000);
    try {
      const v1 = await c.send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 });
      expect(v1.errorCode).to.equal(ErrorCode.NONE);
      expect(v1.endpointType).to.equal(1);
      expect(v1.brokers).to.deep.equal([
        { brokerId: 1, host: '127.0.0.1', port: cluster.broker(1).port, rack: 'r1' },
        { brokerId: 2, host: '127.0.0.1', port: cluster.broker(2).port, rack: null },
      ]);
      expect([1, 2]).to.include(v1.controllerId);
      expect(v1.clusterAuthorizedOperations).to.equal(8096);
      const v0 = await c.send(DescribeClusterApi, 0, { includeClusterAuthorizedOperations: false, endpointType: 1 });
      expect(v0.clusterId).to.equal(v1.clusterId);
      expect(v0.clusterAuthorizedOperations).to.equal(-2147483648);
      const ctl = await c.send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
      expect(ctl.errorCode).to.equal(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
      const bad = await c.send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 7 });
      expect(bad).to.include({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Unsupported endpoint type 7' });
    } finally {
      c.close();
    }
  });

  it('kafka-log-dirs --describe lists both log dirs of a broker with the partitions and their sizes', async () => {
    const assignment = [0, 1, 2, 3].map((partition) => ({ partition, replicas: [1] }));
    await admin.createTopics({ topics: [{ topic: 'ld', replicaAssignment: assignment }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    for (const partition of [0, 1, 2]) {
      await producer.send({ topic: 'ld', messages: Array.from({ length: 10 * (partition + 1) }, (_, i) => ({ partition, value: `v${i}` })) });
    }
    await producer.disconnect();
    const r = await runTool('kafka-log-dirs', ['--describe', '--bootstrap-server', bs, '--broker-list', '1', '--topic-list', 'ld']);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['Querying brokers for log directories information', 'Received log directory information from brokers 1']);
    expect(lines[2]).to.match(/^\{"brokers":\[\{"broker":1,"logDirs":\[\{"partitions":\[/);
    expect(lines[2]).to.match(/"version":1\}$/);
    const json = JSON.parse(lines[2]) as {
      brokers: Array<{
        broker: number;
        logDirs: Array<{ logDir: string; error: string | null; partitions: Array<{ partition: string; size: number; offsetLag: number; isFuture: boolean }> }>;
      }>;
    };
    const dirs = json.brokers[0].logDirs;
    expect(dirs.map((d) => d.logDir).sort()).to.deep.equal([dirA, dirB].sort());
    expect(dirs.every((d) => d.error === null)).to.equal(true);
    // New logs go to the dir with the fewest partitions: two each.
    expect(dirs.map((d) => d.partitions.length)).to.deep.equal([2, 2]);
    const all = dirs.flatMap((d) => d.partitions).sort((a, b) => (a.partition < b.partition ? -1 : 1));
    expect(all.map((p) => p.partition)).to.deep.equal(['ld-0', 'ld-1', 'ld-2', 'ld-3']);
    for (const p of all) {
      expect(p).to.include({ offsetLag: 0, isFuture: false });
      expect(fs.existsSync(path.join(dirs.find((d) => d.partitions.includes(p))!.logDir, p.partition))).to.equal(true);
    }
    expect(all[0].size).to.be.greaterThan(0);
    expect(all[2].size).to.be.greaterThan(all[1].size);
    expect(all[3].size).to.equal(0);
    // Every broker, and a broker that does not exist.
    const both = await runTool('kafka-log-dirs', ['--describe', '--bootstrap-server', bs]);
    expect(both.stdout.split('\n')[1]).to.equal('Received log directory information from brokers 1,2');
    const bad = await runTool('kafka-log-dirs', ['--describe', '--bootstrap-server', bs, '--broker-list', '1,7']);
    expect(bad).to.deep.include({ code: 1, stderr: 'ERROR: The given brokers do not exist from --broker-list: 7. Current existent brokers: 1,2\n' });
  });

  it('DescribeLogDirs v0-v4 on the wire: per-dir results, v4 filesystem sizes, a filter by partition', async () => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it', 10000);
    try {
      for (const v of [0, 1, 2, 3, 4]) {
        const res = await c.send(DescribeLogDirsApi, v, { topics: [{ topic: 'ld', partitions: [1] }] });
        expect(res.errorCode).to.equal(ErrorCode.NONE);
        expect(res.results.map((d) => d.logDir).sort()).to.deep.equal([dirA, dirB].sort());
        const parts = res.results.flatMap((d) => d.topics.flatMap((t) => t.partitions.map((p) => ({ dir: d.logDir, ...p }))));
        expect(parts.map((p) => p.partitionIndex)).to.deep.equal([1]);
        expect(fs.existsSync(path.join(parts[0].dir, 'ld-1'))).to.equal(true);
        for (const d of res.results) {
          if (v >= 4) {
            expect(d.totalBytes).to.be.greaterThan(0);
            expect(d.usableBytes).to.be.within(0, d.totalBytes);
          } else {
            expect([d.totalBytes, d.usableBytes]).to.deep.equal([-1, -1]);
          }
        }
      }
    } finally {
      c.close();
    }
  });

  /** Broker 1's answer to DescribeLogDirs v4: for each log dir, the `topic-partition (future)` entries it holds. */
  async function logDirsOf1(): Promise<Map<string, Array<{ tp: string; isFuture: boolean; lag: number; size: number }>>> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it', 10000);
    try {
      const res = await c.send(DescribeLogDirsApi, 4, { topics: null });
      return new Map(
        res.results.map((d) => [
          d.logDir,
          d.topics.flatMap((t) =>
            t.partitions.map((p) => ({ tp: `${t.name}-${p.partitionIndex}`, isFuture: p.isFutureKey, lag: p.offsetLag, size: p.partitionSize })),
          ),
        ]),
      );
    } finally {
      c.close();
    }
  }

  async function alterLogDirs(dir: string, topic: string, partitions: number[], version = 2): Promise<Array<{ partitionIndex: number; errorCode: number }>> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it', 10000);
    try {
      const res = await c.send(AlterReplicaLogDirsApi, version, { dirs: [{ path: dir, topics: [{ name: topic, partitions }] }] });
      expect(res.results.map((r) => r.topicName)).to.deep.equal([topic]);
      return res.results[0].partitions;
    } finally {
      c.close();
    }
  }

  it('AlterReplicaLogDirs moves a replica to the other log dir while a producer writes; every record is read back at its offset', async () => {
    await admin.createTopics({ topics: [{ topic: 'mv', replicaAssignment: [{ partition: 0, replicas: [1] }] }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let sent = 0;
    const payload = 'x'.repeat(200);
    const sendSome = async (n: number) => {
      const messages = Array.from({ length: n }, (_, i) => ({ partition: 0, value: `${sent + i}:${payload}` }));
      await producer.send({ topic: 'mv', acks: -1, messages });
      sent += n;
    };
    for (let i = 0; i < 40; i++) await sendSome(250); // ~2.3 MB: several copy rounds of replica.fetch.max.bytes
    const before = await logDirsOf1();
    const from = [...before].find(([, tps]) => tps.some((x) => x.tp === 'mv-0'))![0];
    const to = from === dirA ? dirB : dirA;
    let writing = true;
    const writer = (async () => {
      while (writing) await sendSome(50);
    })();
    try {
      expect(await alterLogDirs(to, 'mv', [0])).to.deep.equal([{ partitionIndex: 0, errorCode: ErrorCode.NONE }]);
      // Asking again while it moves (or after) is fine: the same destination.
      expect(await alterLogDirs(to, 'mv', [0], 0)).to.deep.equal([{ partitionIndex: 0, errorCode: ErrorCode.NONE }]);
      await waitFor(
        'mv-0 to be served from its new log dir',
        async () => {
          const now = await logDirsOf1();
          const there = now.get(to)!.find((x) => x.tp === 'mv-0');
          return there && !there.isFuture && !now.get(from)!.some((x) => x.tp === 'mv-0');
        },
        60000,
      );
    } finally {
      writing = false;
      await writer;
    }
    await sendSome(100); // after the swap, too
    await producer.disconnect();
    expect(fs.existsSync(path.join(from, 'mv-0'))).to.equal(false);
    expect(fs.existsSync(path.join(to, 'mv-0'))).to.equal(true);
    expect(fs.readdirSync(to).some((n) => n.endsWith('-future'))).to.equal(false);
    // The replaced replica went as mv-0.<id>-delete, removed after log.segment.delete.delay.ms.
    await waitFor('the old replica folder to be deleted', async () => !fs.readdirSync(from).some((n) => n.startsWith('mv-0')), 20000);

    const seen = await readWithOffsets(cluster.broker(1).port, 'mv', 0);
    expect(seen.length).to.equal(sent);
    // Offsets 0..sent-1 each hold the value written at that position (one idempotent producer, in order).
    seen.forEach(([offset, value], i) => expect([offset, value], `record ${i}`).to.deep.equal([i, i]));
    // The replica in its new dir keeps serving: high watermark and producer state came along.
    const after = (await logDirsOf1()).get(to)!.find((x) => x.tp === 'mv-0')!;
    expect(after).to.include({ isFuture: false, lag: 0 });
    expect(after.size).to.be.greaterThan(2_000_000);
    // The swap happened past the 10000 records written before the move began: appends went on while it copied.
    const movedLine = cluster.broker(1).output.find((l) => l.includes('Partition mv-0 moved from'))!;
    expect(Number(/at end offset (\d+)/.exec(movedLine)![1])).to.be.greaterThan(10000);
    // Leader epochs came along; after a restart the log loads from its new dir, whole.
    expect(fs.readFileSync(path.join(to, 'mv-0', 'leader-epoch-checkpoint'), 'utf8').split('\n')[2]).to.equal('0 0');
    await cluster.stopBroker(1);
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1, 2]);
    const again = await waitFor('mv-0 to be served after the restart', async () => {
      const r = await readWithOffsets(cluster.broker(1).port, 'mv', 0).catch(() => null);
      return r && r.length === sent ? r : null;
    });
    expect(again).to.deep.equal(seen);
    expect(fs.readFileSync(path.join(to, 'replication-offset-checkpoint'), 'utf8')).to.contain(`mv 0 ${sent}`);
  });

  it('AlterReplicaLogDirs errors: unknown dir, unknown partition, no replica here (the wish is kept for a replica created later)', async () => {
    expect(await alterLogDirs('/no/such/dir', 'mv', [0])).to.deep.equal([{ partitionIndex: 0, errorCode: ErrorCode.LOG_DIR_NOT_FOUND }]);
    expect(await alterLogDirs(dirA, 'no-such-topic', [0], 1)).to.deep.equal([{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }]);
    await admin.createTopics({ topics: [{ topic: 'later', replicaAssignment: [{ partition: 0, replicas: [2] }] }], waitForLeaders: true });
    // Broker 1 would put a new log in its emptier dir; ask for the fuller one.
    const counts = await logDirsOf1();
    const fuller = counts.get(dirA)!.length >= counts.get(dirB)!.length ? dirA : dirB;
    expect(await alterLogDirs(fuller, 'later', [0])).to.deep.equal([{ partitionIndex: 0, errorCode: ErrorCode.REPLICA_NOT_AVAILABLE }]);
    await admin.alterPartitionReassignments({ topics: [{ topic: 'later', partitionAssignment: [{ partition: 0, replicas: [2, 1] }] }] });
    await waitFor('broker 1 to create later-0', async () => fs.existsSync(path.join(fuller, 'later-0')), 30000);
  });

  it('DescribeProducers shows the idempotent kafkajs producer of a partition; errors for no replica, unknown and invalid topics', async () => {
    await admin.createTopics({ topics: [{ topic: 'dp', replicaAssignment: [{ partition: 0, replicas: [1] }] }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      await producer.send({ topic: 'dp', acks: -1, messages: Array.from({ length: 5 }, (_, j) => ({ partition: 0, value: `${i * 5 + j}` })) });
    }
    await producer.disconnect();
    // The producer id kafkajs got from InitProducerId, as the batches carry it.
    const fetched = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it', 10000);
    let producerId: number;
    try {
      const res = await fetched.send(FetchApi, 11, consumerFetch('dp', 0, 0));
      const raw: unknown = res.responses[0].partitions[0].records;
      producerId = readBatchInfo(Buffer.isBuffer(raw) ? raw : Buffer.concat(raw as Buffer[]), 0).producerId;
    } finally {
      fetched.close();
    }
    expect(producerId).to.be.at.least(0);

    const describe = async (brokerId: number, topics: Array<{ name: string; partitionIndexes: number[] }>) => {
      const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it', 10000);
      try {
        return (await c.send(DescribeProducersApi, 0, { topics })).topics;
      } finally {
        c.close();
      }
    };
    const [dp] = await describe(1, [{ name: 'dp', partitionIndexes: [0] }]);
    expect(dp.name).to.equal('dp');
    expect(dp.partitions).to.have.length(1);
    const part = dp.partitions[0];
    expect(part).to.include({ partitionIndex: 0, errorCode: ErrorCode.NONE, errorMessage: null });
    expect(part.activeProducers).to.have.length(1);
    const state = part.activeProducers[0];
    expect(state).to.include({ producerId, producerEpoch: 0, lastSequence: 14, coordinatorEpoch: -1, currentTxnStartOffset: -1 });
    expect(state.lastTimestamp).to.be.within(t0 - 1000, Date.now() + 1000);

    // The moved partition kept its producer: one idempotent producer, sequences 0..n-1.
    const [mv] = await describe(1, [{ name: 'mv', partitionIndexes: [0] }]);
    const seen = await readWithOffsets(cluster.broker(1).port, 'mv', 0);
    expect(mv.partitions[0].activeProducers.map((p) => p.lastSequence)).to.deep.equal([seen.length - 1]);

    const errors = await describe(2, [
      { name: 'dp', partitionIndexes: [0, 7] },
      { name: 'nope', partitionIndexes: [0] },
      { name: 'bad name!', partitionIndexes: [1] },
    ]);
    expect(errors[0].partitions.map((p) => [p.partitionIndex, p.errorCode])).to.deep.equal([
      [0, ErrorCode.NOT_LEADER_OR_FOLLOWER],
      [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(errors[1].partitions[0]).to.deep.include({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: 'This server does not host this topic-partition.',
      activeProducers: [],
    });
    expect(errors[2].partitions[0].errorCode).to.equal(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(errors[2].partitions[0].errorMessage).to.match(/^Topic name is invalid/);
  });

  it('kafka-reassign-partitions moves a replica to the log dir its log_dirs names, and --verify follows the move', async () => {
    await admin.createTopics({ topics: [{ topic: 'rd', replicaAssignment: [{ partition: 0, replicas: [1] }] }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'rd', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `${i}:rd` })) });
    await producer.disconnect();
    const from = [...(await logDirsOf1())].find(([, tps]) => tps.some((x) => x.tp === 'rd-0'))![0];
    const to = from === dirA ? dirB : dirA;
    const plan = path.join(dirsRoot, 'rd.json');
    fs.writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: 'rd', partition: 0, replicas: [1], log_dirs: [to] }] }));
    const ex = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--execute', '--reassignment-json-file', plan]);
    expect(ex.code, ex.stderr).to.equal(0);
    expect(ex.stdout).to.contain('Successfully started partition reassignment for rd-0\nSuccessfully started log directory move for: rd-0-1\n');
    const verified = await waitFor(
      'kafka-reassign-partitions --verify to report the replica moved',
      async () => {
        const out = (await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--verify', '--reassignment-json-file', plan])).stdout;
        return out.includes('completed successfully') ? out : null;
      },
      30000,
    );
    expect(verified).to.equal(
      'Status of partition reassignment:\nReassignment of partition rd-0 is completed.\nReassignment of replica rd-0-1 completed successfully.\n',
    );
    const now = await logDirsOf1();
    expect(now.get(to)!.some((x) => x.tp === 'rd-0' && !x.isFuture)).to.equal(true);
    expect(now.get(from)!.some((x) => x.tp === 'rd-0')).to.equal(false);
    expect((await readWithOffsets(cluster.broker(1).port, 'rd', 0)).map(([o, n]) => o - n)).to.deep.equal(Array(10).fill(0));
  });

  it('a future log found at startup resumes its move when the partition comes back (ReplicaManager.maybeAddLogDirFetchers)', async () => {
    const where = await logDirsOf1();
    const from = [...where].find(([, tps]) => tps.some((x) => x.tp === 'ld-0'))![0];
    const to = from === dirA ? dirB : dirA;
    await cluster.stopBroker(1);
    // What a broker stopped in the middle of a move leaves: the future folder in the destination (here a full copy).
    fs.cpSync(path.join(from, 'ld-0'), path.join(to, 'ld-0.00112233445566778899aabbccddeeff-future'), { recursive: true });
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1, 2]);
    await waitFor(
      'ld-0 to finish its move after the restart',
      async () => {
        const now = await logDirsOf1().catch(() => null);
        return now && now.get(to)!.some((x) => x.tp === 'ld-0' && !x.isFuture) && !now.get(from)!.some((x) => x.tp === 'ld-0');
      },
      30000,
    );
    expect(fs.readdirSync(to).filter((n) => n.startsWith('ld-0'))).to.deep.equal(['ld-0']);
    const records = await waitFor('ld-0 readable', async () => readWithOffsets(cluster.broker(1).port, 'ld', 0).catch(() => null));
    expect(records.map(([o]) => o)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i));
  });
});
