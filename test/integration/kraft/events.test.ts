/**
 * Issue 13: the KRaft controller's event stream (controller-events.jsonl in the active controller's LOG_DIR) and its
 * state-change.log, in the ZooKeeper-mode controller's event names and fields (src/controller/ControllerEventLog.ts
 * and its emitters: election_won {controller, epoch}, broker_added {broker_id, broker_epoch}, broker_removed
 * {broker_id}, topic_created {topic, partitions, topic_id}, topic_deleted {topic}, partition_state {topic, partition,
 * state, leader, leader_epoch, isr}), plus KRaft's broker_fenced/broker_unfenced. A real cluster of 3 controllers and
 * 3 brokers: start-up, a topic created, a broker SIGKILLed (fenced after its session timeout, its partitions get new
 * leaders), unregistered (broker_removed), a controller failover and a topic deleted.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const SESSION_TIMEOUT_MS = 3000;

interface ControllerEvent {
  ts: string;
  broker: number;
  event: string;
  [field: string]: unknown;
}

describe('KRaft: controller-events.jsonl and state-change.log in the ZooKeeper-mode shape', function () {
  this.timeout(240_000);
  let cluster: KRaftTestCluster;
  let bs: string;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 3,
      brokers: 3,
      controllerOverrides: { 'broker.session.timeout.ms': String(SESSION_TIMEOUT_MS) },
      overrides: { 'broker.heartbeat.interval.ms': '500' },
    });
    bs = cluster.bootstrap();
  });
  after(async () => {
    if (cluster) await cluster.shutdown();
  });

  const events = (controllerId: number): ControllerEvent[] => {
    const file = path.join(cluster.node(controllerId).logDir, 'controller-events.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ControllerEvent);
  };
  const waitForEvent = (controllerId: number, what: string, match: (e: ControllerEvent) => boolean): Promise<ControllerEvent> =>
    waitFor(`${what} in controller ${controllerId}'s controller-events.jsonl`, async () => events(controllerId).find(match) ?? null, 30_000, 100);

  it('start-up: election_won {controller, epoch}, then broker_added and broker_unfenced for brokers 1, 2 and 3', async () => {
    const active = await cluster.activeController();
    const won = await waitForEvent(active.id, 'election_won', (e) => e.event === 'election_won' && e.epoch === active.epoch);
    expect(won).to.include({ broker: active.id, controller: active.id });
    expect(won.ts).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const id of [1, 2, 3]) {
      const added = await waitForEvent(active.id, `broker_added of ${id}`, (e) => e.event === 'broker_added' && e.broker_id === id);
      expect(added.broker_epoch).to.be.a('number');
      const unfenced = await waitForEvent(active.id, `broker_unfenced of ${id}`, (e) => e.event === 'broker_unfenced' && e.broker_id === id);
      expect(unfenced.broker_epoch).to.equal(added.broker_epoch);
    }
    // Only the active controller writes the stream: another controller wrote only while it led an earlier epoch.
    for (const id of cluster.controllerIds.filter((x) => x !== active.id)) {
      for (const e of events(id).filter((x) => x.event === 'election_won')) expect(e.epoch).to.be.lessThan(active.epoch);
    }
  });

  it('a topic created: topic_created {topic, partitions, topic_id} and partition_state per partition, and state-change.log lines', async () => {
    const active = await cluster.activeController();
    const c = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'ev', '--replica-assignment', '1:2,2:3,3:1']);
    expect(c.code, c.stdout + c.stderr).to.equal(0);
    const d = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'ev']);
    const topicId = /\tTopicId: (\S+)\t/.exec(d.stdout)?.[1];
    const created = await waitForEvent(active.id, 'topic_created of ev', (e) => e.event === 'topic_created' && e.topic === 'ev');
    expect(Object.keys(created)).to.deep.equal(['ts', 'broker', 'event', 'topic', 'partitions', 'topic_id']);
    expect(created).to.include({ partitions: 3, topic_id: topicId });
    const states = events(active.id).filter((e) => e.event === 'partition_state' && e.topic === 'ev');
    expect(states.map((s) => [s.partition, s.state, s.leader, s.leader_epoch, s.isr])).to.deep.equal([
      [0, 'OnlinePartition', 1, 0, [1, 2]],
      [1, 'OnlinePartition', 2, 0, [2, 3]],
      [2, 'OnlinePartition', 3, 0, [3, 1]],
    ]);
    expect(Object.keys(states[0]).slice(0, 9)).to.deep.equal(['ts', 'broker', 'event', 'topic', 'partition', 'state', 'leader', 'leader_epoch', 'isr']);
    const log = fs.readFileSync(path.join(cluster.node(active.id).logDir, 'state-change.log'), 'utf8');
    expect(log).to.match(
      /\] INFO \[Controller id=\d+ epoch=\d+\] Changed partition ev-0 from NewPartition to OnlinePartition with state LeaderAndIsr\(leader=1, leaderEpoch=0, isr=\[1,2\], leaderRecoveryState=RECOVERED, partitionEpoch=0\) \(state\.change\.logger\)\n/,
    );
  });

  it('a broker SIGKILLed: broker_fenced after the session timeout and partition_state with new leaders; unregistered: broker_removed', async () => {
    const active = await cluster.activeController();
    const before = events(active.id).length;
    await cluster.kill(1);
    const fenced = await waitForEvent(active.id, 'broker_fenced of 1', (e) => e.event === 'broker_fenced' && e.broker_id === 1);
    expect(fenced.broker_epoch).to.be.a('number');
    // ev-0 was led by 1 (replicas 1,2): its new leader is 2, the ISR without 1; ev-2 (3,1) keeps leader 3 and drops 1.
    const p0 = await waitForEvent(active.id, 'ev-0 led by 2', (e) => e.event === 'partition_state' && e.topic === 'ev' && e.partition === 0 && e.leader === 2);
    expect(p0).to.deep.include({ state: 'OnlinePartition', leader_epoch: 1, isr: [2] });
    const p2 = await waitForEvent(
      active.id,
      'ev-2 without 1 in its ISR',
      (e) => e.event === 'partition_state' && e.topic === 'ev' && e.partition === 2 && (e.isr as number[]).join() === '3',
    );
    expect(p2).to.include({ state: 'OnlinePartition', leader: 3 });
    // The fencing comes first, then the partitions it moved (one batch of records, as ZK mode's broker_removed).
    const after = events(active.id).slice(before);
    const fencedAt = after.findIndex((e) => e.event === 'broker_fenced' && e.broker_id === 1);
    const movedAt = after.findIndex((e) => e.event === 'partition_state' && e.topic === 'ev' && e.partition === 0 && e.leader === 2);
    expect(fencedAt).to.be.within(0, movedAt - 1);

    const u = await runTool('kafka-cluster', ['unregister', '--bootstrap-server', `127.0.0.1:${cluster.node(2).brokerPort}`, '--id', '1']);
    expect(u).to.include({ code: 0, stdout: 'Broker 1 is no longer registered.\n' });
    const removed = await waitForEvent(active.id, 'broker_removed of 1', (e) => e.event === 'broker_removed' && e.broker_id === 1);
    expect(Object.keys(removed)).to.deep.equal(['ts', 'broker', 'event', 'broker_id']);
  });

  it('a controller failover: election_won on the new active controller with a higher epoch; a topic deleted: topic_deleted', async () => {
    const old = await cluster.activeController();
    await cluster.kill(old.id);
    const next = await waitFor(
      'a new active controller',
      async () => {
        const a = await cluster.activeController();
        return a.id !== old.id ? a : null;
      },
      60_000,
      200,
    );
    expect(next.epoch).to.be.greaterThan(old.epoch);
    const won = await waitForEvent(next.id, 'election_won', (e) => e.event === 'election_won' && e.epoch === next.epoch);
    expect(won).to.include({ broker: next.id, controller: next.id });

    const del = await runTool('kafka-topics', ['--bootstrap-server', `127.0.0.1:${cluster.node(2).brokerPort}`, '--delete', '--topic', 'ev']);
    expect(del.code, del.stdout + del.stderr).to.equal(0);
    const deleted = await waitForEvent(next.id, 'topic_deleted of ev', (e) => e.event === 'topic_deleted' && e.topic === 'ev');
    expect(Object.keys(deleted)).to.deep.equal(['ts', 'broker', 'event', 'topic']);
    // The old controller wrote nothing after it was killed, the new one nothing before it won.
    const wonAt = events(next.id).findIndex((e) => e.event === 'election_won' && e.epoch === next.epoch);
    expect(
      events(next.id)
        .slice(0, wonAt)
        .filter((e) => e.event === 'topic_deleted'),
    ).to.deep.equal([]);
  });
});
