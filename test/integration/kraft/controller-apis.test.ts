import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Uuid } from '../../../src/common/Uuid';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ApiVersionsApi, BrokerHeartbeatApi, BrokerRegistrationApi, CreateTopicsApi, DescribeClusterApi } from '../../../src/protocol/apis';
import type { CreateTopicsRequest } from '../../../src/protocol/apis/19-create-topics';
import { ErrorCode } from '../../../src/protocol/errors';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * A client on the CONTROLLER listener of real KRaft controllers: the test plays a broker (BrokerRegistration, then
 * BrokerHeartbeats until unfenced, as BrokerLifecycleManager does), creates topics with CreateTopics and describes
 * the quorum with DescribeCluster (KIP-919). Standbys answer NOT_CONTROLLER; the records are committed to
 * __cluster_metadata (kafka-dump-log decodes them) and survive a failover of the active controller.
 */
describe('integration: controller APIs on the CONTROLLER listener (real processes)', function () {
  this.timeout(180000);
  let c: KRaftTestCluster;
  let heartbeats: NodeJS.Timeout | null = null;
  let active: { id: number; epoch: number };
  let brokerEpoch = -1;
  /** The id the controller gave topic 'orders'. */
  let ordersId = '';
  const clients = new Map<number, NetworkClient>();
  const client = (id: number) => {
    let cl = clients.get(id);
    if (!cl) {
      cl = new NetworkClient('127.0.0.1', c.node(id).controllerPort, 'fake-broker-1', 10000);
      clients.set(id, cl);
    }
    return cl;
  };
  const incarnationId = crypto.randomBytes(16);

  const createTopics = (id: number, topics: Array<{ name: string; numPartitions: number; replicationFactor: number }>) =>
    client(id).send(CreateTopicsApi, 7, {
      topics: topics.map((t) => ({ ...t, assignments: [], configs: [] })),
      timeoutMs: 10000,
      validateOnly: false,
    } satisfies CreateTopicsRequest);

  before(async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 0 });
    active = await c.activeController();
  });

  after(async () => {
    if (heartbeats) clearInterval(heartbeats);
    for (const cl of clients.values()) cl.close();
    await c?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(c.dumpLogs(60));
  });

  it('registers a broker (BrokerRegistration) and unfences it through heartbeats', async () => {
    const logDir = crypto.randomBytes(16);
    const register = () =>
      client(active.id).send(BrokerRegistrationApi, 3, {
        brokerId: 1,
        clusterId: c.clusterId,
        incarnationId,
        listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }],
        features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
        rack: null,
        isMigratingZkBroker: false,
        logDirs: [logDir],
        previousBrokerEpoch: -1,
      });
    // The Raft leader answers NOT_CONTROLLER until its quorum controller has activated; a broker retries, so do we.
    const reg = await waitFor(
      'the active controller to accept the registration',
      async () => {
        const r = await register();
        return r.errorCode === ErrorCode.NOT_CONTROLLER ? null : r;
      },
      20000,
    );
    expect(reg.errorCode).to.equal(ErrorCode.NONE);
    expect(reg.brokerEpoch).to.be.at.least(0);
    brokerEpoch = reg.brokerEpoch;
    // The broker has caught up once its metadata offset reaches its own registration record (the broker epoch).
    const beat = () =>
      client(active.id).send(BrokerHeartbeatApi, 1, { brokerId: 1, brokerEpoch, currentMetadataOffset: brokerEpoch, wantFence: false, wantShutDown: false });
    const unfenced = await waitFor(
      'the broker to be unfenced',
      async () => {
        const hb = await beat();
        expect(hb.errorCode).to.equal(ErrorCode.NONE);
        return hb.isFenced ? null : hb;
      },
      20000,
      200,
    );
    expect(unfenced.isCaughtUp).to.equal(true);
    expect(unfenced.shouldShutDown).to.equal(false);
    // Keep the session alive (broker.session.timeout.ms 9 s) for the tests that follow.
    heartbeats = setInterval(() => void beat().catch(() => undefined), 1000);
  });

  it('a standby controller answers NOT_CONTROLLER to registration, heartbeats and CreateTopics', async () => {
    const standby = c.controllerIds.find((id) => id !== active.id)!;
    const hb = await client(standby).send(BrokerHeartbeatApi, 1, { brokerId: 1, brokerEpoch, currentMetadataOffset: 0, wantFence: false, wantShutDown: false });
    expect(hb.errorCode).to.equal(ErrorCode.NOT_CONTROLLER);
    const ct = await createTopics(standby, [{ name: 'never', numPartitions: 1, replicationFactor: 1 }]);
    expect(ct.topics.map((t) => [t.name, t.errorCode])).to.deep.equal([['never', ErrorCode.NOT_CONTROLLER]]);
  });

  it('CreateTopics on the active controller: created with a topic id once committed; Kafka error codes otherwise', async () => {
    const res = await createTopics(active.id, [
      { name: 'orders', numPartitions: 3, replicationFactor: 1 },
      { name: 'too-replicated', numPartitions: 1, replicationFactor: 2 },
      { name: 'bad/name', numPartitions: 1, replicationFactor: 1 },
    ]);
    const byName = new Map(res.topics.map((t) => [t.name, t]));
    const orders = byName.get('orders')!;
    expect(orders.errorCode, orders.errorMessage ?? '').to.equal(ErrorCode.NONE);
    expect(orders.topicId!.equals(Buffer.alloc(16))).to.equal(false);
    ordersId = Uuid.fromBytes(orders.topicId!).toString();
    expect(orders.numPartitions).to.equal(3);
    expect(orders.replicationFactor).to.equal(1);
    expect(byName.get('too-replicated')).to.include({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage:
        'Unable to replicate the partition 2 time(s): The target replication factor of 2 cannot be reached because only 1 broker(s) are registered.',
    });
    expect(byName.get('bad/name')!.errorCode).to.equal(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const again = await createTopics(active.id, [{ name: 'orders', numPartitions: 1, replicationFactor: 1 }]);
    expect(again.topics[0].errorCode).to.equal(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  it("CreateTopics validates configs with the broker's topic config rules and reports the new topic's effective configs", async () => {
    const res = await client(active.id).send(CreateTopicsApi, 7, {
      topics: [
        { name: 'cfg-ok', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '3600000' }] },
        { name: 'cfg-bad-value', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: 'soon' }] },
        { name: 'cfg-unknown', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such.config', value: '1' }] },
      ],
      timeoutMs: 10000,
      validateOnly: false,
    });
    const byName = new Map(res.topics.map((t) => [t.name, t]));
    const ok = byName.get('cfg-ok')!;
    expect(ok.errorCode, ok.errorMessage ?? '').to.equal(ErrorCode.NONE);
    // DescribeConfigsResponse.ConfigSource: 1 = the topic's own config, 5 = the default.
    expect(ok.configs!.find((e) => e.name === 'retention.ms')).to.include({ value: '3600000', configSource: 1 });
    expect(ok.configs!.find((e) => e.name === 'cleanup.policy')).to.include({ value: 'delete', configSource: 5 });
    expect(byName.get('cfg-bad-value')!.errorCode).to.equal(ErrorCode.INVALID_CONFIG);
    expect(byName.get('cfg-bad-value')!.errorMessage).to.contain('retention.ms');
    expect(byName.get('cfg-unknown')).to.include({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such.config' });
  });

  it('DescribeCluster (KIP-919) lists the controllers and names the active one; ApiVersions shows metadata.version', async () => {
    for (const id of c.controllerIds) {
      const res = await client(id).send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
      expect(res.errorCode).to.equal(ErrorCode.NONE);
      expect(res.clusterId).to.equal(c.clusterId);
      expect(res.endpointType).to.equal(2);
      expect(res.controllerId).to.equal(active.id);
      expect(res.brokers.map((b) => `${b.brokerId}@${b.host}:${b.port}`)).to.deep.equal(c.controllerIds.map((x) => `${x}@${c.controllerAddress(x)}`));
    }
    const av = await client(active.id).send(ApiVersionsApi, 3, { clientSoftwareName: 'kraft-test', clientSoftwareVersion: '1' });
    expect(av.finalizedFeatures).to.deep.include({ name: 'metadata.version', minVersionLevel: 19, maxVersionLevel: 19 });
  });

  it('the records are in __cluster_metadata (kafka-dump-log decodes them) and in the event stream', async () => {
    const segment = path.join(c.dataDir(active.id), '__cluster_metadata-0', '00000000000000000000.log');
    const dump = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'kafka-dump-log'), '--cluster-metadata-decoder', '--files', segment], {
      encoding: 'utf8',
    });
    expect(dump.status, dump.stderr).to.equal(0);
    expect(dump.stdout).to.contain('"type":"FEATURE_LEVEL_RECORD"');
    expect(dump.stdout).to.contain('"type":"REGISTER_BROKER_RECORD"');
    expect(dump.stdout).to.match(/"type":"TOPIC_RECORD","version":0,"data":\{"name":"orders"/);
    const ordersPartitions = dump.stdout.split('\n').filter((l) => l.includes('"type":"PARTITION_RECORD"') && l.includes(`"topicId":"${ordersId}"`));
    expect(ordersPartitions).to.have.length(3);
    const events = fs
      .readFileSync(path.join(c.node(active.id).logDir, 'controller-events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(events.some((e) => e.event === 'election_won')).to.equal(true);
    expect(events.some((e) => e.event === 'topic_created' && e.topic === 'orders')).to.equal(true);
  });

  it('a malformed request or an API the controller does not serve closes that connection only', async () => {
    const port = c.node(active.id).controllerPort;
    /** Sends one raw frame and resolves once the controller closes the connection. */
    const closedAfter = (frame: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port }, () => s.write(frame));
        const timer = setTimeout(() => {
          s.destroy();
          reject(new Error('the connection stayed open'));
        }, 10000);
        s.on('data', () => undefined);
        s.on('error', () => undefined);
        s.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    const frame = (apiKey: number, apiVersion: number, body: Buffer) => {
      const clientId = Buffer.from('bad-client');
      // Request header v1 (non-flexible) or v2 (with an empty tagged-field section): key, version, correlation id, client id.
      const flexible = apiKey === 19 && apiVersion >= 5;
      const header = Buffer.alloc(10);
      header.writeInt16BE(apiKey, 0);
      header.writeInt16BE(apiVersion, 2);
      header.writeInt32BE(1, 4);
      header.writeInt16BE(clientId.length, 8);
      const parts = [header, clientId, ...(flexible ? [Buffer.from([0])] : []), body];
      const size = Buffer.alloc(4);
      size.writeInt32BE(parts.reduce((n, b) => n + b.length, 0));
      return Buffer.concat([size, ...parts]);
    };
    // CreateTopics v7 whose topic array claims 100 entries and stops short.
    await closedAfter(frame(19, 7, Buffer.from([101, 3])));
    // Produce is a broker API: a controller does not serve it.
    await closedAfter(frame(0, 9, Buffer.alloc(8)));
    const av = await client(active.id).send(ApiVersionsApi, 3, { clientSoftwareName: 'kraft-test', clientSoftwareVersion: '1' });
    expect(av.errorCode).to.equal(ErrorCode.NONE);
  });

  it('after SIGKILL of the active controller the new one knows the topic and the broker', async () => {
    await c.kill(active.id);
    const next = await waitFor(
      'a new active controller',
      async () => {
        const a = await c.activeController(1000).catch(() => null);
        return a && a.id !== active.id ? a : null;
      },
      20000,
    );
    active = next;
    // The new Raft leader becomes the active controller once it has replayed the log up to its epoch's start
    // (QuorumController's activation); until then it answers NOT_CONTROLLER, which clients retry.
    const again = await waitFor(
      'the new controller to be active',
      async () => {
        const r = await createTopics(next.id, [{ name: 'orders', numPartitions: 1, replicationFactor: 1 }]);
        return r.topics[0].errorCode === ErrorCode.NOT_CONTROLLER ? null : r;
      },
      20000,
    );
    expect(again.topics[0].errorCode).to.equal(ErrorCode.TOPIC_ALREADY_EXISTS);
    const hb = await client(next.id).send(BrokerHeartbeatApi, 1, {
      brokerId: 1,
      brokerEpoch,
      currentMetadataOffset: brokerEpoch,
      wantFence: false,
      wantShutDown: false,
    });
    expect(hb.errorCode).to.equal(ErrorCode.NONE);
  });
});
