/**
 * The KRaft BrokerServer in process, against a one-voter quorum whose CONTROLLER listener is served by a small
 * scripted controller (Raft APIs through KafkaRaftManager; BrokerRegistration, BrokerHeartbeat and CreateTopics
 * answered by appending the records Kafka's controller would write, once committed). It checks the broker side
 * alone: start-up waits for registration, catch-up and unfencing; metadata reaches the broker through the log;
 * forwarded CreateTopics makes it leader; real clients produce and consume; shutdown is a controlled shutdown by
 * heartbeat.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { Kafka, logLevel } from 'kafkajs';
import * as os from 'os';
import * as path from 'path';
import { Uuid } from '../../../src/common/Uuid';
import { MetadataImage } from '../../../src/metadata/image/MetadataImage';
import type { ApiMessageAndVersion } from '../../../src/metadata/MetadataRecordSerde';
import { MetadataRecordTypeId as T } from '../../../src/metadata/records/MetadataRecordType';
import type { RequestContext } from '../../../src/network/RequestContext';
import { RequestHandler, SocketServer } from '../../../src/network/SocketServer';
import { ApiVersionsApi, BrokerHeartbeatApi, BrokerRegistrationApi, CreateTopicsApi, OffsetCommitApi, OffsetFetchApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ApiCodec, encodeResponse, isFlexible } from '../../../src/protocol/apis/types';
import type { Reader } from '../../../src/protocol/Reader';
import type { Batch } from '../../../src/raft/RaftBatches';
import type { LeaderAndEpoch, RaftListener } from '../../../src/raft/RaftClient';
import type { SnapshotContents } from '../../../src/raft/Snapshots';
import { BrokerServer } from '../../../src/server/BrokerServer';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';
import { KafkaRaftManager } from '../../../src/server/KafkaRaftManager';
import { BrokerState } from '../../../src/server/metrics/KafkaMetrics';
import { kcat } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const rec = (type: number, version: number, data: Record<string, unknown>): ApiMessageAndVersion => ({ type, version, data });

/** The controller's committed image. */
class ImageListener implements RaftListener<ApiMessageAndVersion> {
  readonly image = new MetadataImage();
  handleCommit(batch: Batch<ApiMessageAndVersion>): void {
    this.image.replayBatch(batch);
  }
  handleLoadSnapshot(s: SnapshotContents<ApiMessageAndVersion>): void {
    this.image.loadSnapshot(s);
  }
  handleLeaderChange(_l: LeaderAndEpoch): void {}
}

/** Just enough of a quorum controller to drive one broker: records appended, answers sent once committed. */
class ScriptedController implements RequestHandler {
  readonly heartbeats: Array<{ wantFence: boolean; wantShutDown: boolean; currentMetadataOffset: number }> = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly codecs = new Map<number, ApiCodec<any, any>>([BrokerRegistrationApi, BrokerHeartbeatApi, CreateTopicsApi].map((c) => [c.apiKey, c]));

  constructor(
    private readonly raft: KafkaRaftManager,
    private readonly committed: ImageListener,
  ) {}

  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const c = this.codecs.get(apiKey);
    return c ? isFlexible(c, apiVersion) : this.raft.raftApiIsFlexible(apiKey, apiVersion);
  }

  handle(ctx: RequestContext, body: Reader): Promise<Buffer[]> {
    const c = this.codecs.get(ctx.header.apiKey);
    if (!c) return this.raft.handleRaftRequest(ctx, body);
    const v = ctx.header.apiVersion;
    return this.answer(ctx.header.apiKey, c.decodeRequest(body, v)).then((res) => encodeResponse(c, v, res));
  }

  /** Appends in the current epoch and resolves with the last offset once it is committed. */
  async append(records: ApiMessageAndVersion[]): Promise<number> {
    const epoch = this.raft.leaderAndEpoch().epoch;
    const last = this.raft.client.scheduleAtomicAppend(epoch, undefined, records);
    // As the quorum controller does: the driver polls now instead of at its next timed poll (a lone voter has no
    // follower fetches to wake it).
    this.raft.wakeup();
    await waitFor(`offset ${last} to commit`, async () => this.committed.image.offset >= last, 10000, 10);
    return last;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async answer(apiKey: number, req: any): Promise<unknown> {
    const image = this.committed.image;
    if (apiKey === BrokerRegistrationApi.apiKey) {
      // ClusterControlManager.registerBroker: the new broker epoch is the offset of its RegisterBrokerRecord.
      const epoch = this.committed.image.offset + 1;
      await this.append([
        rec(T.REGISTER_BROKER, 3, {
          brokerId: req.brokerId,
          isMigratingZkBroker: false,
          incarnationId: req.incarnationId,
          brokerEpoch: epoch,
          endPoints: req.listeners,
          features: req.features,
          rack: req.rack,
          fenced: true,
          inControlledShutdown: false,
          logDirs: req.logDirs ?? [],
        }),
      ]);
      return { throttleTimeMs: 0, errorCode: 0, brokerEpoch: image.brokers.get(req.brokerId)!.epoch };
    }
    if (apiKey === BrokerHeartbeatApi.apiKey) {
      this.heartbeats.push({ wantFence: req.wantFence, wantShutDown: req.wantShutDown, currentMetadataOffset: req.currentMetadataOffset });
      const b = image.brokers.get(req.brokerId)!;
      const caughtUp = req.currentMetadataOffset >= b.epoch;
      if (b.fenced && caughtUp && !req.wantFence) await this.append([rec(T.UNFENCE_BROKER, 0, { id: b.id, epoch: b.epoch })]);
      return { throttleTimeMs: 0, errorCode: 0, isCaughtUp: caughtUp, isFenced: image.brokers.get(req.brokerId)!.fenced, shouldShutDown: req.wantShutDown };
    }
    // CreateTopics: every partition on broker 1, which leads it.
    const topics = [];
    for (const t of req.topics as Array<{ name: string; numPartitions: number; configs: Array<{ name: string; value: string | null }> }>) {
      const id = Uuid.randomUuid().toBytes();
      const n = t.numPartitions > 0 ? t.numPartitions : 1;
      await this.append([
        rec(T.TOPIC, 0, { name: t.name, topicId: id }),
        ...t.configs.map((c) => rec(T.CONFIG, 0, { resourceType: 2, resourceName: t.name, name: c.name, value: c.value })),
        ...Array.from({ length: n }, (_, p) =>
          rec(T.PARTITION, 1, {
            partitionId: p,
            topicId: id,
            replicas: [1],
            isr: [1],
            removingReplicas: [],
            addingReplicas: [],
            leader: 1,
            leaderEpoch: 0,
            partitionEpoch: 0,
          }),
        ),
      ]);
      topics.push({
        name: t.name,
        topicId: id,
        errorCode: 0,
        errorMessage: null,
        topicConfigErrorCode: 0,
        numPartitions: n,
        replicationFactor: 1,
        configs: [],
      });
    }
    return { throttleTimeMs: 0, topics };
  }
}

describe('integration: KRaft BrokerServer in process against a scripted one-voter controller', function () {
  this.timeout(120000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kraft-broker-server-'));
  let controllerRaft: KafkaRaftManager;
  let controllerServer: SocketServer;
  let controller: ScriptedController;
  let brokerRaft: KafkaRaftManager;
  let broker: BrokerServer;
  let brokerPort: number;

  before(async () => {
    const cport = await freePort();
    brokerPort = await freePort();
    const common = { 'controller.quorum.voters': `3001@127.0.0.1:${cport}`, 'controller.listener.names': 'CONTROLLER' };
    const controllerConfig = KafkaConfig.fromProps({
      ...common,
      'process.roles': 'controller',
      'node.id': '3001',
      listeners: `CONTROLLER://127.0.0.1:${cport}`,
      'log.dirs': path.join(root, 'controller'),
    });
    const brokerProps: Record<string, string> = {
      ...common,
      'process.roles': 'broker',
      'node.id': '1',
      listeners: `PLAINTEXT://127.0.0.1:${brokerPort}`,
      'log.dirs': path.join(root, 'broker'),
      'broker.heartbeat.interval.ms': '200',
      'offsets.topic.replication.factor': '1',
      'group.initial.rebalance.delay.ms': '0',
    };
    const propsFile = path.join(root, 'broker.properties');
    fs.writeFileSync(
      propsFile,
      Object.entries(brokerProps)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const clusterId = Uuid.randomUuid().toString();
    const fmt = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'kafka-storage'), 'format', '-t', clusterId, '-c', propsFile], { encoding: 'utf8' });
    expect(fmt.status, fmt.stdout + fmt.stderr).to.equal(0);

    controllerRaft = new KafkaRaftManager({ config: controllerConfig, clusterId });
    const committed = new ImageListener();
    controllerRaft.register(committed);
    controller = new ScriptedController(controllerRaft, committed);
    controllerServer = new SocketServer(3001, 100 * 1024 * 1024, 0, controller);
    await controllerServer.startup([{ listenerName: 'CONTROLLER', host: '127.0.0.1', port: cport }]);
    controllerRaft.startup();
    await waitFor('the voter to lead', async () => controllerRaft.leaderAndEpoch().leaderId === 3001, 20000, 20);
    await controller.append([rec(T.FEATURE_LEVEL, 0, { name: 'metadata.version', featureLevel: 19 })]);

    const brokerConfig = KafkaConfig.fromProps(brokerProps);
    brokerRaft = new KafkaRaftManager({ config: brokerConfig, clusterId });
    broker = new BrokerServer(brokerConfig, brokerRaft, clusterId);
  });

  after(async () => {
    await broker?.shutdown();
    await brokerRaft?.shutdown();
    await controllerServer?.shutdown();
    await controllerRaft?.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('starts once registered, caught up and unfenced; asked to stay fenced until its metadata was published', async () => {
    await broker.startup();
    // Unfenced by the controller's answer; its own UnfenceBrokerRecord reaches its metadata cache right after.
    await waitFor('the broker to see itself unfenced', async () => broker.metadataCache.aliveBrokerIds().includes(1), 10000, 10);
    expect(broker.metadataCache.aliveBrokerIds()).to.deep.equal([1]);
    expect(broker.metadataCache.endpointFor(1, 'PLAINTEXT')).to.deep.include({ host: '127.0.0.1', port: brokerPort });
    const hb = controller.heartbeats;
    expect(hb[0].wantFence).to.equal(true);
    expect(hb[hb.length - 1].wantFence).to.equal(false);
    expect(hb.every((h) => !h.wantShutDown)).to.equal(true);
    const metrics = await broker.metrics.registry.getSingleMetricAsString('kafka_server_kafkaserver_brokerstate');
    expect(metrics).to.match(new RegExp(`kafka_server_kafkaserver_brokerstate(\\{[^}]*\\})? ${BrokerState.RUNNING}\\b`));
  });

  it('ApiVersions: what a 3.7 KRaft broker serves, with the finalized metadata.version from the log', async () => {
    const c = new NetworkClient('127.0.0.1', brokerPort, 'it-broker-server', 10000);
    try {
      const res = await c.send(ApiVersionsApi, 3, { clientSoftwareName: 'it', clientSoftwareVersion: '1.0' });
      const keys = res.apiKeys.map((k) => k.apiKey);
      // LeaderAndIsr, StopReplica, UpdateMetadata, ControlledShutdown, AlterPartition, Envelope, AllocateProducerIds.
      for (const k of [4, 5, 6, 7, 56, 58, 67]) expect(keys, `api ${k}`).to.not.include(k);
      // Produce, Fetch, Metadata, CreateTopics, DeleteTopics, DescribeQuorum, UpdateFeatures, DescribeCluster, UnregisterBroker.
      for (const k of [0, 1, 3, 19, 20, 55, 57, 60, 64]) expect(keys, `api ${k}`).to.include(k);
      expect(res.finalizedFeatures).to.deep.include({ name: 'metadata.version', minVersionLevel: 19, maxVersionLevel: 19 });
      expect(res.finalizedFeaturesEpoch).to.be.at.least(1);
    } finally {
      c.close();
    }
  });

  it('CreateTopics is forwarded to the controller; the broker leads the new partitions and serves kcat and kafkajs', async () => {
    const kafka = new Kafka({
      clientId: 'it-broker-server',
      brokers: [`127.0.0.1:${brokerPort}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 100 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [{ topic: 'bs-orders', numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '123456' }] }],
          waitForLeaders: false,
        }),
      ).to.equal(true);
      // Answered once the controller committed the records; the broker applies them from the log just after.
      await waitFor('the broker to lead bs-orders', async () => broker.metadataCache.partitionState('bs-orders', 1)?.leader === 1);
      // DescribeConfigs is answered by the broker from its metadata image (the ConfigRecord the controller wrote).
      const described = await admin.describeConfigs({
        resources: [{ type: 2, name: 'bs-orders', configNames: ['retention.ms', 'cleanup.policy'] }],
        includeSynonyms: false,
      });
      const entries = described.resources[0].configEntries;
      expect(entries.find((e) => e.configName === 'retention.ms')).to.deep.include({ configValue: '123456', isDefault: false });
      expect(entries.find((e) => e.configName === 'cleanup.policy')).to.deep.include({ configValue: 'delete', isDefault: true });
    } finally {
      await admin.disconnect();
    }
    await waitFor('the broker to lead bs-orders', async () => broker.metadataCache.partitionState('bs-orders', 1)?.leader === 1);
    const produced = await kcat(['-b', `127.0.0.1:${brokerPort}`, '-P', '-t', 'bs-orders', '-p', '1'], { input: 'a\nb\nc\n' });
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await kcat(['-b', `127.0.0.1:${brokerPort}`, '-C', '-t', 'bs-orders', '-p', '1', '-e', '-f', '%o:%s\n']);
    expect(consumed.stdout).to.equal('0:a\n1:b\n2:c\n');
    // Auto-creation through the controller: kafkajs produces to a topic nobody created.
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'bs-auto', messages: [{ value: 'x' }] });
    } finally {
      await producer.disconnect();
    }
    expect(controller.heartbeats.length).to.be.greaterThan(1);
  });

  it('OffsetCommit and OffsetFetch v0 (ZooKeeper-stored offsets) are UNSUPPORTED_VERSION on a KRaft broker, as in Kafka 3.7', async () => {
    const c = new NetworkClient('127.0.0.1', brokerPort, 'it-broker-server', 10000);
    try {
      const commit = await c.send(OffsetCommitApi, 0, {
        groupId: 'g0',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [
          {
            name: 'bs-orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' },
              { partitionIndex: 9, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' },
            ],
          },
        ],
      });
      expect(commit.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode])).to.deep.equal([
        [0, ErrorCode.UNSUPPORTED_VERSION],
        [9, ErrorCode.UNSUPPORTED_VERSION],
      ]);
      const fetched = await c.send(OffsetFetchApi, 0, {
        groupId: 'g0',
        topics: [{ name: 'bs-orders', partitionIndexes: [0] }],
        groups: [],
        requireStable: false,
      });
      expect(fetched.topics[0].partitions[0]).to.deep.include({ partitionIndex: 0, committedOffset: -1, errorCode: ErrorCode.UNSUPPORTED_VERSION });
    } finally {
      c.close();
    }
  });

  it('shuts down by controlled shutdown: wantShutDown heartbeats until the controller agrees', async () => {
    await broker.shutdown();
    const hb = controller.heartbeats;
    expect(hb[hb.length - 1].wantShutDown).to.equal(true);
  });
});
