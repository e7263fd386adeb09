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
import { DescribeClusterApi, DescribeLogDirsApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';

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
      brokerOverrides: { 1: { 'broker.rack': 'r1', 'log.dirs': `${dirA},${dirB}`, 'log.segment.delete.delay.ms': '500' } },
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
});
