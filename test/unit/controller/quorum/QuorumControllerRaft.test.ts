/**
 * The quorum controller on the real KafkaRaftClient (a lone voter on a MemoryLog, a mock clock): activation after
 * the client's own leader change, writes at the offsets the client gives them, answers after the high watermark
 * passes them, a snapshot the client accepts, and a restart that loads it.
 */
import { expect } from 'chai';
import { QuorumController } from '../../../../src/controller/quorum/QuorumController';
import { bootstrapRecords } from '../../../../src/metadata/bootstrap/BootstrapDirectory';
import { ApiMessageAndVersion, METADATA_RECORD_SERDE } from '../../../../src/metadata/MetadataRecordSerde';
import { LATEST_PRODUCTION } from '../../../../src/metadata/MetadataVersion';
import { KafkaRaftClient } from '../../../../src/raft/KafkaRaftClient';
import { MemoryLog } from '../../../../src/raft/MemoryLog';
import { MemoryStateStore } from '../../../../src/raft/QuorumStateStore';
import { SeededRandom } from '../../../../src/raft/Time';
import { captureLogger, CLUSTER_ID, createTopicRequest, heartbeat, registration, seededRandom } from './ControllerTestEnv';
import { FakeTime, settle } from './FakeControllerRaft';

class Node {
  readonly client: KafkaRaftClient<ApiMessageAndVersion>;
  readonly controller: QuorumController;
  readonly logs: string[] = [];

  constructor(
    readonly time: FakeTime,
    readonly log: MemoryLog,
    readonly store: MemoryStateStore,
    snapshotMaxNewRecordBytes = 20 * 1024 * 1024,
  ) {
    this.client = new KafkaRaftClient<ApiMessageAndVersion>({
      nodeId: 3001,
      voters: [3001],
      clusterId: CLUSTER_ID,
      log,
      store,
      channel: {
        newCorrelationId: () => 0,
        send: () => {
          throw new Error('a lone voter sends nothing');
        },
      },
      serde: METADATA_RECORD_SERDE,
      time,
      random: new SeededRandom(7),
    });
    this.controller = new QuorumController({
      nodeId: 3001,
      clusterId: CLUSTER_ID,
      raft: this.client,
      brokerSessionTimeoutMs: 9000,
      defaultNumPartitions: 1,
      defaultReplicationFactor: 1,
      metadataMaxIdleIntervalMs: 500,
      snapshotMaxNewRecordBytes,
      bootstrapRecords: bootstrapRecords(LATEST_PRODUCTION),
      logger: captureLogger(this.logs),
      stateChangeLogger: captureLogger(this.logs),
      time,
      scheduler: time,
      random: seededRandom(),
    });
    this.controller.start();
    this.client.initialize();
  }

  /** Polls the client and the controller until `done` or 200 rounds of 5 ms. */
  async run<T>(p: Promise<T>): Promise<T> {
    let result: { v: T } | undefined;
    let error: unknown;
    p.then(
      (v) => (result = { v }),
      (e) => (error = e ?? new Error('rejected')),
    );
    for (let i = 0; i < 200 && !result && !error; i++) {
      this.client.poll();
      await settle();
      await this.time.advance(5);
    }
    if (error) throw error;
    if (!result) throw new Error('timed out');
    return result.v;
  }

  async until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !cond(); i++) {
      this.client.poll();
      await settle();
      await this.time.advance(5);
    }
    if (!cond()) throw new Error('condition not met');
  }
}

describe('QuorumController on the real KafkaRaftClient', () => {
  it('becomes active, registers a broker at its record offset, creates a topic, and answers once committed', async () => {
    const time = new FakeTime();
    const node = new Node(time, new MemoryLog(), new MemoryStateStore());
    await node.until(() => node.controller.isActive() && node.controller.image().metadataVersion() === LATEST_PRODUCTION.featureLevel);
    expect(node.logs.some((l) => /^INFO Becoming the active controller at epoch 1, next write offset 1\.$/.test(l))).to.equal(true);
    const reg = await node.run(node.controller.registerBroker(registration(1)));
    expect(reg.errorCode).to.equal(0);
    expect(node.controller.image().brokers.get(1)!.epoch).to.equal(reg.brokerEpoch);
    expect(node.client.highWatermark()!).to.be.greaterThan(reg.brokerEpoch);
    const hb = await node.run(node.controller.processBrokerHeartbeat(heartbeat(1, reg.brokerEpoch)));
    expect(hb.isFenced).to.equal(false);
    const t = await node.run(node.controller.createTopics(createTopicRequest('orders', 3, 1), 7));
    expect(t.topics[0].errorCode).to.equal(0);
    expect(node.controller.image().topicsByName.get('orders')!.partitions.size).to.equal(3);
  });

  it('snapshots through the client and a restarted controller loads the snapshot and the log after it', async () => {
    const time = new FakeTime();
    const log = new MemoryLog();
    const store = new MemoryStateStore();
    const first = new Node(time, log, store, 400);
    await first.until(() => first.controller.isActive());
    const reg = await first.run(first.controller.registerBroker(registration(1)));
    await first.run(first.controller.processBrokerHeartbeat(heartbeat(1, reg.brokerEpoch)));
    for (const name of ['a', 'b', 'c']) await first.run(first.controller.createTopics(createTopicRequest(name, 2, 1), 7));
    expect(log.latestSnapshotId()).to.not.equal(undefined);
    const topics = [...first.controller.image().topicsByName.keys()].sort();
    const offset = first.controller.image().offset;
    await first.controller.close();

    const second = new Node(time, log, store, 400);
    await second.until(() => second.controller.isActive() && second.controller.image().offset >= offset);
    expect(second.logs.some((l) => l.startsWith('INFO Starting to replay snapshot'))).to.equal(true);
    expect([...second.controller.image().topicsByName.keys()].sort()).to.deep.equal(topics);
    expect(second.controller.image().brokers.get(1)!.epoch).to.equal(reg.brokerEpoch);
    // The metadata.version is not written again into a log that has it.
    expect(second.logs.some((l) => l.includes('The metadata log appears to be empty'))).to.equal(false);
  });
});
