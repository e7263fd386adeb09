/**
 * Transactional offset commits on a real 3-broker ZooKeeper cluster, at the protocol level (KIP-98, KIP-447): a
 * producer id from InitProducerId, TxnOffsetCommit to the group coordinator, then the COMMIT or ABORT marker written
 * by us with WriteTxnMarkers to the leader of the group's __consumer_offsets partition, as the transaction
 * coordinator would. OffsetFetch shows the offsets only after COMMIT (UNSTABLE_OFFSET_COMMIT meanwhile with
 * RequireStable), never after ABORT; kafka-consumer-groups --describe agrees; a new coordinator (the old one killed)
 * loads committed offsets and keeps an open transaction pending until its marker.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { InitProducerIdApi, JoinGroupApi, OffsetFetchApi, SyncGroupApi, TxnOffsetCommitApi, WriteTxnMarkersApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { findCoordinatorRaw } from '../../helpers/rawClient';
import { runTool } from '../cli/cliSupport';

const TOPIC = 'txg-events';
const OFFSETS_PARTITIONS = 5;
const SUBSCRIPTION = Buffer.from([0, 1, 0, 0, 0, 1, 0, TOPIC.length, ...Buffer.from(TOPIC), 0, 0, 0, 0]);

describe('integration: transactional offset commits become visible with the COMMIT marker only', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let bs: string;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS) } });
    bs = cluster.bootstrap.join(',');
    kafka = new Kafka({ clientId: 'it-txgroup', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (const partition of [0, 1])
      await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `v${i}` })) });
    await producer.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const live = () => [...cluster.brokers.values()].find((b) => b.proc)!;

  /** The group's coordinator (the leader of its __consumer_offsets partition), once there is one. */
  async function coordinator(groupId: string, via = live().port): Promise<{ nodeId: number; port: number }> {
    return waitFor(
      `the coordinator of ${groupId}`,
      async () => {
        const res = await findCoordinatorRaw(via, groupId).catch(() => null);
        return res && res.errorCode === ErrorCode.NONE ? { nodeId: res.nodeId, port: res.port } : null;
      },
      30000,
      200,
    );
  }

  async function withClient<T>(port: number, fn: (c: NetworkClient) => Promise<T>): Promise<T> {
    const c = new NetworkClient('127.0.0.1', port, 'it-txgroup', 10000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  async function initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    // COORDINATOR_LOAD_IN_PROGRESS while the broker fetches its first block of producer ids: retried, as clients do.
    const res = await waitFor(
      'a producer id',
      async () => {
        const r = await withClient(live().port, (c) =>
          c.send(InitProducerIdApi, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }),
        );
        if (r.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return r;
        return null;
      },
      30000,
      200,
    );
    expect(res.errorCode).to.equal(ErrorCode.NONE);
    return { producerId: res.producerId, producerEpoch: res.producerEpoch };
  }

  async function txnOffsetCommit(
    port: number,
    groupId: string,
    pid: { producerId: number; producerEpoch: number },
    offsets: Array<[string, number, number]>,
    member: { generationId: number; memberId: string } = { generationId: -1, memberId: '' },
    version = 3,
  ): Promise<number[]> {
    const res = await withClient(port, (c) =>
      c.send(TxnOffsetCommitApi, version, {
        transactionalId: 'txg-producer',
        groupId,
        producerId: pid.producerId,
        producerEpoch: pid.producerEpoch,
        generationId: member.generationId,
        memberId: member.memberId,
        groupInstanceId: null,
        topics: [...new Set(offsets.map(([t]) => t))].map((name) => ({
          name,
          partitions: offsets
            .filter(([t]) => t === name)
            .map(([, partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: 'txn' })),
        })),
      }),
    );
    return res.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
  }

  /** OffsetFetch v7 of the topic's partitions 0 and 1: [offset, error] each. */
  async function fetchOffsets(port: number, groupId: string, requireStable: boolean): Promise<Array<[number, number]>> {
    const res = await withClient(port, (c) =>
      c.send(OffsetFetchApi, 7, { groupId, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }], groups: [], requireStable }),
    );
    expect(res.errorCode).to.equal(ErrorCode.NONE);
    return res.topics[0].partitions.map((p) => [p.committedOffset, p.errorCode]);
  }

  /** WriteTxnMarkers v1 to the leader of __consumer_offsets-<partition>, as the transaction coordinator sends it. */
  async function writeMarker(port: number, pid: { producerId: number; producerEpoch: number }, partition: number, commit: boolean): Promise<number> {
    const res = await withClient(port, (c) =>
      c.send(WriteTxnMarkersApi, 1, {
        markers: [
          {
            producerId: pid.producerId,
            producerEpoch: pid.producerEpoch,
            transactionResult: commit,
            topics: [{ name: '__consumer_offsets', partitionIndexes: [partition] }],
            coordinatorEpoch: 0,
          },
        ],
      }),
    );
    return res.markers[0].topics[0].partitions[0].errorCode;
  }

  /** The high watermark of every __consumer_offsets partition. */
  async function offsetsTopicEnds(): Promise<string> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets('__consumer_offsets');
      return ends
        .sort((a, b) => a.partition - b.partition)
        .map((e) => e.high)
        .join(',');
    } finally {
      await admin.disconnect();
    }
  }

  /** GroupMetadataManager.partitionFor: abs(String.hashCode) % partitions. */
  function partitionFor(groupId: string): number {
    let h = 0;
    for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
    return (h === -2147483648 ? 0 : Math.abs(h)) % OFFSETS_PARTITIONS;
  }

  it('COMMIT: pending offsets are invisible (UNSTABLE_OFFSET_COMMIT with RequireStable), then committed; kafka-consumer-groups agrees', async () => {
    const group = 'txg-commit';
    const coord = await coordinator(group);
    const pid = await initProducerId();
    expect(
      await txnOffsetCommit(coord.port, group, pid, [
        [TOPIC, 0, 4],
        [TOPIC, 1, 7],
      ]),
    ).to.deep.equal([0, 0]);
    expect(await fetchOffsets(coord.port, group, false)).to.deep.equal([
      [-1, 0],
      [-1, 0],
    ]);
    expect(await fetchOffsets(coord.port, group, true)).to.deep.equal([
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
    ]);
    expect(await writeMarker(coord.port, pid, partitionFor(group), true)).to.equal(ErrorCode.NONE);
    expect(await fetchOffsets(coord.port, group, true)).to.deep.equal([
      [4, 0],
      [7, 0],
    ]);
    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', group]);
    expect(d.code, d.stdout + d.stderr).to.equal(0);
    const rows = d.stdout
      .split('\n')
      .filter((l) => l.startsWith(group))
      .map((l) => l.trim().split(/\s+/).slice(1, 6));
    expect(rows).to.deep.equal([
      [TOPIC, '0', '4', '10', '6'],
      [TOPIC, '1', '7', '10', '3'],
    ]);
  });

  it('ABORT: the offsets are dropped and the previously committed ones stay', async () => {
    const group = 'txg-abort';
    const coord = await coordinator(group);
    const pid = await initProducerId();
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 0, 2]])).to.deep.equal([0]);
    expect(await writeMarker(coord.port, pid, partitionFor(group), true)).to.equal(ErrorCode.NONE);
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 0, 9]])).to.deep.equal([0]);
    expect(await writeMarker(coord.port, pid, partitionFor(group), false)).to.equal(ErrorCode.NONE);
    expect(await fetchOffsets(coord.port, group, true)).to.deep.equal([
      [2, 0],
      [-1, 0],
    ]);
  });

  it('bad input: unknown partitions, NOT_COORDINATOR, and a generation that moved on (ILLEGAL_GENERATION, nothing written)', async () => {
    const group = 'txg-member';
    const coord = await coordinator(group);
    const pid = await initProducerId();
    const other = [...cluster.brokers.values()].find((b) => b.proc && b.id !== coord.nodeId)!;
    expect(await txnOffsetCommit(other.port, group, pid, [[TOPIC, 0, 1]])).to.deep.equal([ErrorCode.NOT_COORDINATOR]);
    expect(
      await txnOffsetCommit(coord.port, group, pid, [
        [TOPIC, 5, 1],
        ['txg-no-such-topic', 0, 1],
      ]),
    ).to.deep.equal([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);

    // A member in generation 1 of the group.
    const member = await withClient(coord.port, async (c) => {
      const join = (memberId: string) =>
        c.send(JoinGroupApi, 5, {
          groupId: group,
          sessionTimeoutMs: 30000,
          rebalanceTimeoutMs: 30000,
          memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: SUBSCRIPTION }],
          reason: null,
        });
      let j = await join('');
      expect(j.errorCode).to.equal(ErrorCode.MEMBER_ID_REQUIRED);
      j = await join(j.memberId);
      expect(j.errorCode).to.equal(ErrorCode.NONE);
      const s = await c.send(SyncGroupApi, 3, {
        groupId: group,
        generationId: j.generationId,
        memberId: j.memberId,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: [{ memberId: j.memberId, assignment: Buffer.alloc(0) }],
      });
      expect(s.errorCode).to.equal(ErrorCode.NONE);
      return { generationId: j.generationId, memberId: j.memberId };
    });
    const before = await offsetsTopicEnds();
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 0, 3]], { generationId: member.generationId + 1, memberId: member.memberId })).to.deep.equal([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 0, 3]], { generationId: member.generationId, memberId: 'not-a-member' })).to.deep.equal([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    expect(await offsetsTopicEnds()).to.equal(before);
    expect(await fetchOffsets(coord.port, group, true)).to.deep.equal([
      [-1, 0],
      [-1, 0],
    ]);
    // The member's own generation is accepted.
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 0, 3]], member)).to.deep.equal([0]);
    expect(await writeMarker(coord.port, pid, partitionFor(group), true)).to.equal(ErrorCode.NONE);
    expect((await fetchOffsets(coord.port, group, true))[0]).to.deep.equal([3, 0]);
  });

  it('a zombie (an older producer epoch than the partition has seen) gets INVALID_PRODUCER_EPOCH and leaves nothing pending', async () => {
    const group = 'txg-zombie';
    const coord = await coordinator(group);
    const { producerId } = await initProducerId();
    // Epoch 1 commits first (as after a fencing InitProducerId), then its epoch-0 zombie tries.
    expect(await txnOffsetCommit(coord.port, group, { producerId, producerEpoch: 1 }, [[TOPIC, 0, 6]])).to.deep.equal([0]);
    expect(await writeMarker(coord.port, { producerId, producerEpoch: 1 }, partitionFor(group), true)).to.equal(ErrorCode.NONE);
    expect(await txnOffsetCommit(coord.port, group, { producerId, producerEpoch: 0 }, [[TOPIC, 0, 1]])).to.deep.equal([ErrorCode.INVALID_PRODUCER_EPOCH]);
    expect(await fetchOffsets(coord.port, group, true)).to.deep.equal([
      [6, 0],
      [-1, 0],
    ]);
  });

  it('a new coordinator loads committed offsets and keeps an open transaction pending until its marker', async () => {
    const group = 'txg-failover';
    const coord = await coordinator(group);
    const pid = await initProducerId();
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 0, 5]])).to.deep.equal([0]);
    expect(await writeMarker(coord.port, pid, partitionFor(group), true)).to.equal(ErrorCode.NONE);
    expect(await txnOffsetCommit(coord.port, group, pid, [[TOPIC, 1, 8]])).to.deep.equal([0]);

    await cluster.stopBroker(coord.nodeId, 'SIGKILL');
    const next = await waitFor(
      `a new coordinator for ${group}`,
      async () => {
        const c = await coordinator(group);
        return c.nodeId !== coord.nodeId ? c : null;
      },
      30000,
      200,
    );
    const loaded = await waitFor(
      `${group} loaded on broker ${next.nodeId}`,
      async () => {
        const r = await fetchOffsets(next.port, group, true).catch(() => null);
        return r && r.every(([, e]) => e !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && e !== ErrorCode.NOT_COORDINATOR) ? r : null;
      },
      30000,
      200,
    );
    expect(loaded).to.deep.equal([
      [5, 0],
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
    ]);
    expect(await writeMarker(next.port, pid, partitionFor(group), true)).to.equal(ErrorCode.NONE);
    expect(await fetchOffsets(next.port, group, true)).to.deep.equal([
      [5, 0],
      [8, 0],
    ]);
    await cluster.startBroker(coord.nodeId);
    await cluster.waitForBrokers([...cluster.brokers.keys()]);

    // Once more on a third leader: the log now holds both transactions and both COMMIT markers.
    await cluster.stopBroker(next.nodeId, 'SIGKILL');
    const third = await waitFor(
      `a third coordinator for ${group}`,
      async () => {
        const c = await coordinator(group);
        return c.nodeId !== next.nodeId ? c : null;
      },
      30000,
      200,
    );
    const reloaded = await waitFor(
      `${group} loaded on broker ${third.nodeId}`,
      async () => {
        const r = await fetchOffsets(third.port, group, true).catch(() => null);
        return r && r.every(([, e]) => e !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && e !== ErrorCode.NOT_COORDINATOR) ? r : null;
      },
      30000,
      200,
    );
    expect(reloaded).to.deep.equal([
      [5, 0],
      [8, 0],
    ]);
    await cluster.startBroker(next.nodeId);
    await cluster.waitForBrokers([...cluster.brokers.keys()]);
  });
});
