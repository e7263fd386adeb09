import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ApiVersionsApi, DescribeQuorumApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { freePort, waitFor } from '../../helpers/ports';

/**
 * Dedicated KRaft controllers as real processes (bin/kafka-server-start on directories bin/kafka-storage formatted):
 * three elect a leader and keep quorum-state and the __cluster_metadata-0 segment; SIGKILL of the active controller
 * elects another within seconds at a higher epoch; one voter of three cannot form a quorum (and logs its failed
 * elections), a second one forms it with nothing lost; SIGTERM shuts a controller down cleanly.
 */
describe('integration: KRaft controller quorum (real processes)', function () {
  this.timeout(180000);
  let c: KRaftTestCluster | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && c) console.log(c.dumpLogs(60));
    await c?.shutdown();
    c = undefined;
  });

  const describeQuorumFull = async (cluster: KRaftTestCluster, id: number) => {
    const client = new NetworkClient('127.0.0.1', cluster.node(id).controllerPort, 'kraft-test', 5000);
    try {
      const res = await client.send(DescribeQuorumApi, 1, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
      return res.topics[0].partitions[0];
    } finally {
      client.close();
    }
  };

  it('three controllers elect one leader; each keeps quorum-state and the first segment of __cluster_metadata-0', async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 0 });
    const active = await c.activeController();
    expect(c.controllerIds).to.include(active.id);
    expect(active.epoch).to.be.greaterThan(0);
    // Every voter follows the leader: its log end offset reaches the leader's high watermark.
    const q = await waitFor(
      'every voter to catch up with the leader',
      async () => {
        const p = await describeQuorumFull(c!, active.id);
        return p.errorCode === 0 && p.highWatermark > 0 && p.currentVoters.every((v) => v.logEndOffset >= p.highWatermark) ? p : null;
      },
      30000,
    );
    expect(q.leaderId).to.equal(active.id);
    expect(q.currentVoters.map((v) => v.replicaId).sort()).to.deep.equal([3001, 3002, 3003]);
    for (const id of c.controllerIds) {
      const partitionDir = path.join(c.dataDir(id), '__cluster_metadata-0');
      expect(fs.existsSync(path.join(partitionDir, '00000000000000000000.log')), `${id} segment`).to.equal(true);
      const state = JSON.parse(fs.readFileSync(path.join(partitionDir, 'quorum-state'), 'utf8')) as { leaderId: number; leaderEpoch: number };
      expect(state.leaderEpoch, `${id} quorum-state`).to.equal(active.epoch);
      expect(c.output(id).some((l) => l.includes('Kafka Server started (kafka.server.KafkaRaftServer)'))).to.equal(true);
    }
    // The standbys answer DescribeQuorum with NOT_LEADER_OR_FOLLOWER: only the leader describes the quorum.
    const standby = c.controllerIds.find((id) => id !== active.id)!;
    expect((await c.describeQuorum(standby)).errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // Each controller advertises the Raft APIs and the controller APIs, not the data plane.
    const client = new NetworkClient('127.0.0.1', c.node(standby).controllerPort, 'kraft-test', 5000);
    try {
      const av = await client.send(ApiVersionsApi, 3, { clientSoftwareName: 'kraft-test', clientSoftwareVersion: '1' });
      const keys = av.apiKeys.map((k) => k.apiKey);
      expect(keys).to.include.members([1, 18, 52, 53, 54, 55, 59, 62, 63, 19]);
      expect(keys).to.not.include.members([0, 3]);
    } finally {
      client.close();
    }
  });

  it('SIGKILL of the active controller: another becomes active within a few seconds at a higher epoch; the killed one rejoins', async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 0 });
    const before = await c.activeController();
    const killedAt = Date.now();
    await c.kill(before.id);
    const after = await waitFor(
      'a new active controller',
      async () => {
        const a = await c!.activeController(1000).catch(() => null);
        return a && a.id !== before.id ? a : null;
      },
      20000,
    );
    const failoverMs = Date.now() - killedAt;
    expect(after.epoch).to.be.greaterThan(before.epoch);
    // controller.quorum.fetch.timeout.ms (2 s) to notice, an election timeout (1 s) and backoff to win: a few seconds.
    expect(failoverMs).to.be.lessThan(10000);
    await c.start(before.id);
    await waitFor(
      'the restarted controller to follow the new leader',
      async () => {
        const p = await describeQuorumFull(c!, after.id);
        const v = p.currentVoters.find((x) => x.replicaId === before.id);
        return p.errorCode === 0 && v !== undefined && v.logEndOffset >= p.highWatermark;
      },
      30000,
    );
    const q = await c.describeQuorum(before.id);
    expect(q.errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('one voter of three forms no quorum and logs its failed elections; a second voter forms it with nothing lost', async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 0, noStart: true });
    await c.start(3001);
    await waitFor('the lone voter to time out an election', async () => c!.output(3001).some((l) => l.includes('Election has timed out')), 30000);
    expect((await c.describeQuorum(3001)).errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(c.output(3001).some((l) => l.includes('Completed transition to Leader'))).to.equal(false);
    const lonelyEpoch = (JSON.parse(fs.readFileSync(path.join(c.dataDir(3001), '__cluster_metadata-0', 'quorum-state'), 'utf8')) as { leaderEpoch: number })
      .leaderEpoch;

    await c.start(3002);
    const active = await c.activeController();
    expect([3001, 3002]).to.include(active.id);
    // Epochs never go back: the leader's epoch is at least the one the lone candidate had reached.
    expect(active.epoch).to.be.at.least(lonelyEpoch);
    const q = await waitFor(
      'both voters to hold the committed log',
      async () => {
        const p = await describeQuorumFull(c!, active.id);
        const up = p.currentVoters.filter((v) => v.replicaId !== 3003);
        return p.errorCode === 0 && p.highWatermark > 0 && up.every((v) => v.logEndOffset >= p.highWatermark) ? p : null;
      },
      30000,
    );
    // The third voter joins later and catches up from the log: nothing committed was lost.
    await c.start(3003);
    await waitFor(
      'the third voter to catch up',
      async () => {
        const p = await describeQuorumFull(c!, active.id);
        return p.currentVoters.find((v) => v.replicaId === 3003)!.logEndOffset >= q.highWatermark;
      },
      30000,
    );
  });

  it('SIGTERM stops a controller cleanly (exit 0); a leader hands over leadership as it goes', async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 0 });
    const before = await c.activeController();
    const stoppedAt = Date.now();
    const code = await c.stop(before.id, 'SIGTERM');
    expect(code).to.equal(0);
    expect(c.output(before.id).some((l) => l.includes('Terminating process due to signal SIGTERM'))).to.equal(true);
    const after = await waitFor(
      'a new active controller',
      async () => {
        const a = await c!.activeController(1000).catch(() => null);
        return a && a.id !== before.id ? a : null;
      },
      20000,
    );
    expect(after.epoch).to.be.greaterThan(before.epoch);
    // A resigning leader sends EndQuorumEpoch, so the others need not wait for the fetch timeout.
    expect(Date.now() - stoppedAt).to.be.lessThan(10000);
  });

  it('metrics.prometheus.port: kafka_controller_kafkacontroller_activecontrollercount is 1 on the active controller only', async () => {
    const ports = new Map<number, number>();
    for (const id of [3001, 3002, 3003]) ports.set(id, await freePort());
    c = await KRaftTestCluster.start({
      controllers: 3,
      brokers: 0,
      brokerOverrides: Object.fromEntries(
        [...ports].map(([id, port]) => [id, { 'metrics.prometheus.port': String(port), 'metrics.prometheus.host': '127.0.0.1' }]),
      ),
    });
    const active = await c.activeController();
    const gauge = async (id: number, name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${ports.get(id)}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    await waitFor(
      'ActiveControllerCount 1 on the active controller only',
      async () => {
        const counts = await Promise.all(c!.controllerIds.map((id) => gauge(id, 'kafka_controller_kafkacontroller_activecontrollercount')));
        return counts.every((n, i) => n === (c!.controllerIds[i] === active.id ? 1 : 0));
      },
      20000,
    );
    expect(await gauge(active.id, 'kafka_controller_kafkacontroller_globaltopiccount')).to.equal(0);
    expect(await gauge(active.id, 'kafka_controller_kafkacontroller_lastappliedrecordoffset')).to.be.greaterThan(0);
    // The CONTROLLER listener's request metrics: the followers' Raft fetches reach the leader.
    const text = await (await fetch(`http://127.0.0.1:${ports.get(active.id)}/metrics`)).text();
    expect(text).to.match(/^kafka_network_requestmetrics_requests_total\{request="Fetch",version="\d+"\} [1-9]\d*$/m);
  });

  it('a meta.properties without directory.id gets one at start-up (KafkaRaftServer rewrites it, as Kafka 3.7 does)', async () => {
    const cluster = await KRaftTestCluster.start({ controllers: 1, brokers: 0, noStart: true });
    c = cluster;
    const file = path.join(cluster.dataDir(3001), 'meta.properties');
    const before = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, before.replace(/^directory\.id=.*\n/m, ''));
    await cluster.start(3001);
    await cluster.activeController();
    const after = fs.readFileSync(file, 'utf8');
    expect(after).to.match(/^directory\.id=[A-Za-z0-9_-]{22}$/m);
    expect(after).to.contain(`cluster.id=${cluster.clusterId}`);
    expect(after).to.contain('node.id=3001');
    expect(cluster.output(3001).some((l) => l.includes(`Rewriting ${cluster.dataDir(3001)}/meta.properties`))).to.equal(true);
  });

  it('without bootstrap.checkpoint the controller bootstraps metadata.version from inter.broker.protocol.version', async () => {
    const cluster = await KRaftTestCluster.start({
      controllers: 1,
      brokers: 0,
      noStart: true,
      controllerOverrides: { 'inter.broker.protocol.version': '3.5-IV2' },
    });
    c = cluster;
    fs.rmSync(path.join(cluster.dataDir(3001), 'bootstrap.checkpoint'));
    await cluster.start(3001);
    const active = await cluster.activeController();
    const client = new NetworkClient('127.0.0.1', cluster.node(active.id).controllerPort, 'kraft-test', 5000);
    try {
      const levels = await waitFor('metadata.version to be finalized', async () => {
        const av = await client.send(ApiVersionsApi, 3, { clientSoftwareName: 'kraft-test', clientSoftwareVersion: '1' });
        return av.finalizedFeatures?.find((f) => f.name === 'metadata.version');
      });
      // 3.5-IV2 is metadata.version feature level 11.
      expect(levels).to.deep.equal({ name: 'metadata.version', minVersionLevel: 11, maxVersionLevel: 11 });
    } finally {
      client.close();
    }
    expect(cluster.output(3001).some((l) => l.includes('bootstrapping with metadata.version 3.5-IV2'))).to.equal(true);
  });
});
