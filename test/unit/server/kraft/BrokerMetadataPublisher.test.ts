/**
 * The KRaft broker's metadata path: committed metadata batches replayed by BrokerMetadataListener and published by
 * BrokerMetadataPublisher reach the metadata cache (unfenced brokers only, partitions, topic ids), the replica
 * manager (leader/follower transitions, in-place ISR updates, replicas stopped and deleted), topic configs and the
 * finalized features, as Kafka 3.7's BrokerMetadataPublisher applies a delta.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogManager } from '../../../../src/log/LogManager';
import type { ApiMessageAndVersion } from '../../../../src/metadata/MetadataRecordSerde';
import { MetadataRecordTypeId as T } from '../../../../src/metadata/records/MetadataRecordType';
import type { Batch } from '../../../../src/raft/RaftBatches';
import { TopicConfigRepository, logConfigWithOverrides } from '../../../../src/server/config/DynamicConfigManager';
import { KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { MetadataCache } from '../../../../src/server/MetadataCache';
import { BrokerMetadataListener } from '../../../../src/server/metadata/BrokerMetadataListener';
import { BrokerMetadataPublisher } from '../../../../src/server/metadata/BrokerMetadataPublisher';
import { ReplicaManager } from '../../../../src/server/ReplicaManager';
import { getLogger } from '../../../../src/common/logger';

const ORDERS = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const EVENTS = Buffer.from('fedcba9876543210fedcba9876543210', 'hex');
const rec = (type: number, version: number, data: Record<string, unknown>): ApiMessageAndVersion => ({ type, version, data });

function broker(id: number, epoch: number): ApiMessageAndVersion {
  return rec(T.REGISTER_BROKER, 3, {
    brokerId: id,
    isMigratingZkBroker: false,
    incarnationId: Buffer.alloc(16, id),
    brokerEpoch: epoch,
    endPoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + id, securityProtocol: 0 }],
    features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
    rack: null,
    fenced: true,
    inControlledShutdown: false,
    logDirs: [],
  });
}

function partition(topicId: Buffer, partitionId: number, replicas: number[], leader: number): ApiMessageAndVersion {
  return rec(T.PARTITION, 1, {
    partitionId,
    topicId,
    replicas,
    isr: replicas,
    removingReplicas: [],
    addingReplicas: [],
    leader,
    leaderEpoch: 0,
    partitionEpoch: 0,
    directories: replicas.map(() => Buffer.alloc(16)),
  });
}

describe('KRaft broker metadata publishing (BrokerMetadataListener + BrokerMetadataPublisher)', () => {
  let dir: string;
  let rm: ReplicaManager;
  let logManager: LogManager;
  let cache: MetadataCache;
  let topicConfigs: TopicConfigRepository;
  let listener: BrokerMetadataListener;
  let publisher: BrokerMetadataPublisher;
  let offset = 0;
  /** The Raft client's high watermark as the listener sees it; by default everything committed so far. */
  let highWatermark: () => number | undefined = () => offset;
  const pending: Array<() => void> = [];
  /** Commits one batch and runs the (deferred) publish, as the event loop would at the end of the turn. */
  const commit = (...records: ApiMessageAndVersion[]) => {
    const batch: Batch<ApiMessageAndVersion> = {
      baseOffset: offset,
      lastOffset: offset + Math.max(records.length, 1) - 1,
      epoch: 1,
      appendTimestamp: Date.now(),
      sizeInBytes: 100,
      isControl: false,
      records,
    };
    offset = batch.lastOffset + 1;
    listener.handleCommit(batch);
  };
  const flush = () => {
    while (pending.length > 0) pending.shift()!();
  };

  beforeEach(() => {
    offset = 0;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kraft-publisher-'));
    const config = KafkaConfig.fromProps({
      'process.roles': 'broker',
      'node.id': '1',
      'controller.quorum.voters': '3001@127.0.0.1:19091',
      'controller.listener.names': 'CONTROLLER',
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': dir,
    });
    cache = new MetadataCache(1);
    logManager = new LogManager([dir], logConfigWithOverrides(config.logConfig(), {}));
    logManager.loadLogs();
    topicConfigs = new TopicConfigRepository(
      config.logConfig(),
      async () => ({}),
      (t) => logManager.allLogs().filter((l) => l.topic === t),
      1,
    );
    rm = new ReplicaManager({
      config,
      logManager,
      metadataCache: cache,
      brokerEpoch: () => 5,
      logConfigFor: (t) => topicConfigs.logConfigFor(t),
      kraft: { controllerNode: () => undefined, brokerEpochOf: (id) => cache.aliveBrokerEpoch(id) },
    });
    publisher = new BrokerMetadataPublisher({
      brokerId: 1,
      interBrokerListenerName: 'PLAINTEXT',
      metadataCache: cache,
      replicaManager: rm,
      logManager,
      topicConfigs,
      metadataLeaderId: () => 3001,
      log: getLogger('test.BrokerMetadataPublisher'),
    });
    highWatermark = () => offset;
    listener = new BrokerMetadataListener(
      (img, ch) => publisher.publish(img, ch),
      getLogger('test.BrokerMetadataListener'),
      () => highWatermark(),
      (fn) => pending.push(fn),
    );
  });

  afterEach(async () => {
    await rm.shutdown(); // its last high watermark checkpoint is written before the dir goes
    logManager.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes once per turn of the event loop, and the heartbeat offset is the published one', async () => {
    commit(rec(T.FEATURE_LEVEL, 0, { name: 'metadata.version', featureLevel: 19 }));
    commit(broker(1, 1), broker(2, 2));
    expect(listener.highestMetadataOffset()).to.equal(-1);
    expect(pending).to.have.length(1);
    const published = listener.awaitPublished(2);
    flush();
    await published;
    expect(listener.highestMetadataOffset()).to.equal(2);
    expect(publisher.finalizedFeatures().features.get('metadata.version')).to.equal(19);
    expect(publisher.finalizedFeatures().epoch).to.equal(2);
  });

  it('publishes nothing until it has replayed up to the high watermark (MetadataLoader catching up), then every commit', () => {
    const published: number[] = [];
    listener = new BrokerMetadataListener(
      (img) => void published.push(img.offset),
      getLogger('test.BrokerMetadataListener'),
      () => highWatermark(),
      (fn) => pending.push(fn),
    );
    highWatermark = () => undefined;
    commit(broker(1, 1));
    flush();
    highWatermark = () => 3;
    commit(broker(2, 2));
    flush();
    expect(published).to.deep.equal([]);
    expect(listener.highestMetadataOffset()).to.equal(-1);
    commit(broker(3, 3));
    flush();
    expect(published).to.deep.equal([2]);
    // Once caught up, a commit is published even while the high watermark has moved further.
    highWatermark = () => 100;
    commit(rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 1 }));
    flush();
    expect(published).to.deep.equal([2, 3]);
  });

  it('caches only unfenced brokers with their endpoints and epochs; partitions and topic ids; a random alive broker as controller id', () => {
    commit(broker(1, 11), broker(2, 12), broker(3, 13), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }), rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    commit(rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }), partition(ORDERS, 0, [2, 3], 2));
    flush();
    expect(cache.aliveBrokerIds().sort()).to.deep.equal([1, 2]);
    expect(cache.endpointFor(2, 'PLAINTEXT')).to.deep.include({ host: '127.0.0.1', port: 9093 });
    expect(cache.aliveBrokerEpoch(2)).to.equal(12);
    const st = cache.partitionState('orders', 0)!;
    expect([st.leader, st.leaderEpoch, st.isr, st.replicas, st.offlineReplicas]).to.deep.equal([2, 0, [2, 3], [2, 3], [3]]);
    expect(cache.topicId('orders')!.equals(ORDERS)).to.equal(true);
    expect(cache.topicName(ORDERS)).to.equal('orders');
    for (let i = 0; i < 20; i++) expect([1, 2]).to.include(cache.controllerId);
    // Not a replica here: the replica manager hosts nothing.
    expect(rm.allPartitions()).to.have.length(0);
  });

  it('becomes leader and follower for its replicas, with the topic configs applied to the new logs', () => {
    commit(broker(1, 11), broker(2, 12), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }), rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    commit(
      rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }),
      rec(T.CONFIG, 0, { resourceType: 2, resourceName: 'orders', name: 'segment.bytes', value: '123456' }),
      partition(ORDERS, 0, [1, 2], 1),
      partition(ORDERS, 1, [2, 1], 2),
    );
    flush();
    const p0 = rm.getPartition('orders', 0)!;
    const p1 = rm.getPartition('orders', 1)!;
    expect(p0.isLeader()).to.equal(true);
    expect(p1.isLeader()).to.equal(false);
    expect(p1.leaderReplicaId).to.equal(2);
    expect(p0.topicId!.equals(ORDERS)).to.equal(true);
    expect(topicConfigs.get('orders', 'segment.bytes')).to.equal('123456');
    expect(logManager.getLog('orders', 0)!.config.segmentBytes).to.equal(123456);

    // An ISR shrink without a leader change: the leader's state is updated in place (same leader epoch).
    commit(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: ORDERS, isr: [1], leader: -2 }));
    flush();
    expect([p0.isr, p0.leaderEpoch, p0.partitionEpoch]).to.deep.equal([[1], 0, 1]);
    expect(rm.getPartition('orders', 0)).to.equal(p0);

    // Leadership moves to this broker: a new leader epoch, the follower becomes leader.
    commit(rec(T.PARTITION_CHANGE, 1, { partitionId: 1, topicId: ORDERS, leader: 1, isr: [1] }));
    flush();
    expect(p1.isLeader()).to.equal(true);
    expect(p1.leaderEpoch).to.equal(1);

    // A config change reaches the live log.
    commit(rec(T.CONFIG, 0, { resourceType: 2, resourceName: 'orders', name: 'segment.bytes', value: '99999' }));
    flush();
    expect(logManager.getLog('orders', 0)!.config.segmentBytes).to.equal(99999);
  });

  it('stops and deletes the replicas of a deleted topic and of a replica moved off this broker', () => {
    commit(broker(1, 11), broker(2, 12), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }), rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    commit(rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }), partition(ORDERS, 0, [1, 2], 1));
    commit(rec(T.TOPIC, 0, { name: 'events', topicId: EVENTS }), partition(EVENTS, 0, [1], 1), partition(EVENTS, 1, [1, 2], 2));
    flush();
    expect(
      rm
        .allPartitions()
        .map((p) => p.key)
        .sort(),
    ).to.deep.equal(['events-0', 'events-1', 'orders-0']);

    commit(rec(T.REMOVE_TOPIC, 0, { topicId: ORDERS }));
    commit(rec(T.PARTITION_CHANGE, 1, { partitionId: 1, topicId: EVENTS, replicas: [2], isr: [2], leader: -2 }));
    flush();
    expect(rm.allPartitions().map((p) => p.key)).to.deep.equal(['events-0']);
    expect(logManager.getLog('orders', 0)).to.equal(undefined);
    expect(logManager.getLog('events', 1)).to.equal(undefined);
    expect(cache.contains('orders')).to.equal(false);
    expect(cache.topicName(ORDERS)).to.equal(undefined);
  });

  it('on the first publish, deletes logs the image does not place on this broker (stray replicas)', () => {
    logManager.getOrCreateLog('gone', 0, logManager.defaultConfig);
    logManager.getOrCreateLog('orders', 3, logManager.defaultConfig);
    commit(broker(1, 11), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }));
    commit(rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }), partition(ORDERS, 0, [1], 1), partition(ORDERS, 3, [2], 2));
    flush();
    expect(logManager.getLog('gone', 0)).to.equal(undefined);
    expect(logManager.getLog('orders', 3)).to.equal(undefined);
    expect(logManager.getLog('orders', 0)).to.not.equal(undefined);
  });

  it('a loaded snapshot replaces the image: topics it lacks are deleted, the rest published in full', () => {
    commit(broker(1, 11), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }));
    commit(rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }), partition(ORDERS, 0, [1], 1));
    flush();
    expect(rm.getPartition('orders', 0)).to.not.equal(undefined);
    listener.handleLoadSnapshot({
      snapshotId: { offset: 100, epoch: 3 },
      lastContainedLogTimestamp: 0,
      batches: [
        {
          baseOffset: 0,
          lastOffset: 3,
          epoch: 3,
          appendTimestamp: 0,
          sizeInBytes: 0,
          isControl: false,
          records: [
            broker(1, 11),
            rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }),
            rec(T.TOPIC, 0, { name: 'events', topicId: EVENTS }),
            partition(EVENTS, 0, [1], 1),
          ],
        },
      ],
    });
    flush();
    expect(listener.highestMetadataOffset()).to.equal(99);
    expect(rm.getPartition('orders', 0)).to.equal(undefined);
    expect(rm.getPartition('events', 0)!.isLeader()).to.equal(true);
    expect(cache.allTopics()).to.deep.equal(['events']);
  });

  it('a delta touching one partition republishes only that partition: the cache and the replica manager leave the others alone', () => {
    commit(broker(1, 11), broker(2, 12), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }), rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    commit(
      rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }),
      partition(ORDERS, 0, [1, 2], 1),
      partition(ORDERS, 1, [1, 2], 1),
      partition(ORDERS, 2, [2, 1], 2),
    );
    flush();
    const before1 = cache.partitionState('orders', 1);
    const applied: string[] = [];
    const original = rm.applyDelta.bind(rm);
    rm.applyDelta = (leaderId, changed, removed, ep) => {
      applied.push(...changed.map((c) => `${c.topic}-${c.partition}`), ...removed.map((r) => `-${r.topic}-${r.partition}`));
      original(leaderId, changed, removed, ep);
    };
    commit(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: ORDERS, isr: [1], leader: -2 }));
    flush();
    expect(applied).to.deep.equal(['orders-0']);
    expect(cache.partitionState('orders', 0)!.isr).to.deep.equal([1]);
    expect(cache.partitionState('orders', 1)).to.equal(before1);
    expect(rm.getPartition('orders', 0)!.isr).to.deep.equal([1]);
    expect([...cache.partitions('orders')!.keys()].sort()).to.deep.equal([0, 1, 2]);

    // A topic deleted and another created in one delta: the cache drops the one and gains the other.
    applied.length = 0;
    commit(rec(T.REMOVE_TOPIC, 0, { topicId: ORDERS }), rec(T.TOPIC, 0, { name: 'events', topicId: EVENTS }), partition(EVENTS, 0, [1], 1));
    flush();
    expect(cache.allTopics()).to.deep.equal(['events']);
    expect(cache.topicName(ORDERS)).to.equal(undefined);
    expect(cache.topicId('events')!.equals(EVENTS)).to.equal(true);
    expect(applied.sort()).to.deep.equal(['-orders-0', '-orders-1', '-orders-2', 'events-0']);
  });

  it('a broker fenced: every partition it holds shows it offline (the whole cache is rebuilt on a broker change)', () => {
    commit(broker(1, 11), broker(2, 12), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }), rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    commit(rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }), partition(ORDERS, 0, [1, 2], 1), partition(ORDERS, 1, [2, 1], 2));
    flush();
    expect(cache.partitionState('orders', 1)!.offlineReplicas).to.deep.equal([]);
    commit(rec(T.FENCE_BROKER, 0, { id: 2, epoch: 12 }));
    flush();
    expect(cache.aliveBrokerIds()).to.deep.equal([1]);
    expect(cache.partitionState('orders', 0)!.offlineReplicas).to.deep.equal([2]);
    expect(cache.partitionState('orders', 1)!.offlineReplicas).to.deep.equal([2]);
  });

  it('many replica transitions are applied in slices with the event loop free between them; the next publish waits its turn', async () => {
    const turns: Array<() => void> = [];
    publisher = new BrokerMetadataPublisher({
      brokerId: 1,
      interBrokerListenerName: 'PLAINTEXT',
      metadataCache: cache,
      replicaManager: rm,
      logManager,
      topicConfigs,
      metadataLeaderId: () => 3001,
      log: getLogger('test.BrokerMetadataPublisher'),
      partitionsPerSlice: 2,
      maxSliceMs: 0,
      yieldToEventLoop: () => new Promise<void>((resolve) => turns.push(resolve)),
    });
    commit(broker(1, 11), broker(2, 12), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }), rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    flush();
    const published = listener.highestMetadataOffset();
    const records = [rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS })];
    for (let i = 0; i < 5; i++) records.push(partition(ORDERS, i, [1, 2], i % 2 === 0 ? 1 : 2));
    commit(...records);
    const createdAt = offset - 1;
    flush();
    // The cache shows the whole topic at once; the replicas come a slice (2 partitions) per turn.
    expect([...cache.partitions('orders')!.keys()]).to.have.length(5);
    expect(rm.allPartitions()).to.have.length(2);
    // Leaders first (applyLocalLeadersDelta before applyLocalFollowersDelta): partitions 0 and 2 lead here.
    expect(
      rm
        .allPartitions()
        .map((p) => [p.key, p.isLeader()])
        .sort(),
    ).to.deep.equal([
      ['orders-0', true],
      ['orders-2', true],
    ]);
    expect(listener.highestMetadataOffset()).to.equal(published);
    // A commit while the publish is in flight is published after it, not in the middle.
    commit(rec(T.PARTITION_CHANGE, 1, { partitionId: 4, topicId: ORDERS, isr: [1], leader: -2 }));
    flush();
    expect(cache.partitionState('orders', 4)!.isr).to.deep.equal([1, 2]);
    const done = listener.awaitPublished(offset - 1);
    let slices = 0;
    const deadline = Date.now() + 5000;
    while (listener.highestMetadataOffset() < offset - 1) {
      if (Date.now() > deadline) throw new Error(`not published after 5 s (${rm.allPartitions().length} replicas)`);
      if (turns.length > 0) {
        slices++;
        turns.shift()!();
      }
      await new Promise((r) => setImmediate(r));
      flush();
      if (listener.highestMetadataOffset() < createdAt) expect(rm.allPartitions().length).to.be.lessThan(5);
    }
    await done;
    expect(slices).to.equal(2);
    expect(rm.allPartitions()).to.have.length(5);
    expect(rm.getPartition('orders', 4)!.isr).to.deep.equal([1]);
    expect(cache.partitionState('orders', 4)!.isr).to.deep.equal([1]);
  });

  it('a broker shutting down while replicas are applied in slices creates no more of them', async () => {
    const turns: Array<() => void> = [];
    publisher = new BrokerMetadataPublisher({
      brokerId: 1,
      interBrokerListenerName: 'PLAINTEXT',
      metadataCache: cache,
      replicaManager: rm,
      logManager,
      topicConfigs,
      metadataLeaderId: () => 3001,
      log: getLogger('test.BrokerMetadataPublisher'),
      partitionsPerSlice: 1,
      maxSliceMs: 0,
      yieldToEventLoop: () => new Promise<void>((resolve) => turns.push(resolve)),
    });
    commit(broker(1, 11), rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }));
    commit(rec(T.TOPIC, 0, { name: 'orders', topicId: ORDERS }), partition(ORDERS, 0, [1], 1), partition(ORDERS, 1, [1], 1), partition(ORDERS, 2, [1], 1));
    flush();
    expect(rm.allPartitions()).to.have.length(1);
    listener.close();
    void rm.shutdown();
    const deadline = Date.now() + 5000;
    while (turns.length > 0) {
      if (Date.now() > deadline) throw new Error('the slices never ended');
      turns.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(rm.allPartitions()).to.have.length(1);
    expect(logManager.getLog('orders', 1)).to.equal(undefined);
    expect(logManager.getLog('orders', 2)).to.equal(undefined);
  });
});
