/**
 * Issue 13's user story for the KRaft broker: a KRaft cluster (3 dedicated controllers + 3 brokers, no ZooKeeper)
 * serves unmodified clients. kcat (librdkafka) and kafkajs produce and consume, a consumer group commits offsets,
 * kafka-topics --bootstrap-server creates, describes and deletes topics (forwarded by the brokers to the active
 * controller), and the brokers advertise what a 3.7 KRaft broker advertises.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ApiVersionsApi, MetadataApi } from '../../../src/protocol/apis';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

describe('integration: KRaft cluster (3 controllers + 3 brokers) with real clients', function () {
  this.timeout(180000);
  let cluster: KRaftTestCluster;
  let kafka: Kafka;
  let bootstrap: string;

  before(async () => {
    cluster = await KRaftTestCluster.start({ controllers: 3, brokers: 3 });
    bootstrap = cluster.bootstrap();
    kafka = new Kafka({ clientId: 'it-kraft', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  });

  after(async () => {
    await cluster?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs(60));
  });

  const brokerClient = (id: number) => new NetworkClient('127.0.0.1', cluster.node(id).brokerPort, 'it-kraft', 10000);

  /** Waits until every broker knows the topic with `partitions` partitions, each with a leader and a full ISR. */
  async function waitForTopic(topic: string, partitions: number): Promise<void> {
    for (const id of [1, 2, 3]) {
      await waitFor(`broker ${id} to know ${topic} with leaders`, async () => {
        const c = brokerClient(id);
        try {
          const md = await c.send(MetadataApi, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
          const t = md.topics[0];
          return t.errorCode === 0 && t.partitions.length === partitions && t.partitions.every((p) => p.leaderId > 0 && p.isrNodes.length === 3);
        } finally {
          c.close();
        }
      });
    }
  }

  it('kcat -L lists the 3 brokers; the controller id clients see is one of them (KRaftMetadataCache)', async () => {
    const res = await kcat(['-b', bootstrap.split(',')[0], '-L', '-J']);
    expect(res.code, res.stderr).to.equal(0);
    const md = JSON.parse(res.stdout) as { controllerid: number; brokers: Array<{ id: number; name: string }> };
    expect(md.brokers.map((b) => b.id).sort()).to.deep.equal([1, 2, 3]);
    for (const b of md.brokers) expect(b.name).to.equal(`127.0.0.1:${cluster.node(b.id).brokerPort}`);
    expect([1, 2, 3]).to.include(md.controllerid);
  });

  it('ApiVersions: no ZooKeeper-controller or controller-only APIs, DescribeQuorum forwarded, metadata.version finalized', async () => {
    const c = brokerClient(1);
    try {
      const res = await c.send(ApiVersionsApi, 3, { clientSoftwareName: 'it', clientSoftwareVersion: '1.0' });
      const keys = res.apiKeys.map((k) => k.apiKey);
      // LeaderAndIsr, StopReplica, UpdateMetadata, ControlledShutdown, AlterPartition, Envelope, AllocateProducerIds.
      for (const k of [4, 5, 6, 7, 56, 58, 67]) expect(keys, `api ${k}`).to.not.include(k);
      for (const k of [0, 1, 3, 19, 20, 55, 57, 60, 64]) expect(keys, `api ${k}`).to.include(k);
      expect(res.finalizedFeatures).to.deep.include({ name: 'metadata.version', minVersionLevel: 19, maxVersionLevel: 19 });
      expect(res.finalizedFeaturesEpoch).to.be.greaterThan(0);
    } finally {
      c.close();
    }
  });

  it('kafka-topics --bootstrap-server creates, describes and deletes a topic through the active controller', async () => {
    const create = await runTool('kafka-topics', [
      '--bootstrap-server',
      bootstrap,
      '--create',
      '--topic',
      'kr-topics',
      '--partitions',
      '3',
      '--replication-factor',
      '3',
      '--config',
      'retention.ms=123456',
    ]);
    expect(create.code, create.stdout + create.stderr).to.equal(0);
    expect(create.stdout).to.contain('Created topic kr-topics.');
    // Every broker learns the topic from the metadata log, with a leader and a full ISR per partition.
    await waitForTopic('kr-topics', 3);
    const describe = await runTool('kafka-topics', ['--bootstrap-server', bootstrap, '--describe', '--topic', 'kr-topics']);
    expect(describe.code, describe.stderr).to.equal(0);
    const lines = describe.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^Topic: kr-topics\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: retention.ms=123456/);
    expect(lines.slice(1)).to.have.length(3);
    for (const l of lines.slice(1))
      expect(l).to.match(/^\tTopic: kr-topics\tPartition: [0-2]\tLeader: [1-3]\tReplicas: [1-3],[1-3],[1-3]\tIsr: [1-3],[1-3],[1-3]/);

    const dup = await runTool('kafka-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'kr-topics', '--partitions', '1']);
    expect(dup.code).to.equal(1);
    expect(dup.stdout + dup.stderr).to.contain("Topic 'kr-topics' already exists.");

    const del = await runTool('kafka-topics', ['--bootstrap-server', bootstrap, '--delete', '--topic', 'kr-topics']);
    expect(del.code, del.stdout + del.stderr).to.equal(0);
    await waitFor('kr-topics to be gone from every broker', async () => {
      for (const id of [1, 2, 3]) {
        const c = brokerClient(id);
        try {
          const md = await c.send(MetadataApi, 9, { topics: [{ name: 'kr-topics' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
          if (md.topics[0].errorCode !== 3) return false; // UNKNOWN_TOPIC_OR_PARTITION
        } finally {
          c.close();
        }
      }
      return true;
    });
  });

  it('kcat produces and consumes across partitions; kafkajs reads what kcat wrote', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'kr-data', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
    } finally {
      await admin.disconnect();
    }
    // CreateTopics is answered once the controller committed the records; each broker learns them from the log a moment later.
    await waitForTopic('kr-data', 3);
    const input = Array.from({ length: 30 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n';
    const produced = await kcat(['-b', bootstrap, '-P', '-t', 'kr-data', '-K', ':', '-X', 'acks=all'], { input });
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await kcat(['-b', bootstrap, '-C', '-t', 'kr-data', '-e', '-f', '%k=%s\n']);
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n').sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `k${i}=v${i}`).sort());

    const consumer = kafka.consumer({ groupId: 'kr-reader' });
    await consumer.connect();
    const seen: string[] = [];
    try {
      await consumer.subscribe({ topic: 'kr-data', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.key}=${message.value}`) });
      await waitFor('kafkajs to read 30 messages', async () => seen.length >= 30, 60000);
    } finally {
      await consumer.disconnect();
    }
    expect(seen.sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `k${i}=v${i}`).sort());
  });

  it('an idempotent kafkajs producer gets its producer id from the controller; a consumer group commits offsets', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({ topic: 'kr-group', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `g${i}` })) });
    } finally {
      await producer.disconnect();
    }
    const consumer = kafka.consumer({ groupId: 'kr-group-1' });
    await consumer.connect();
    let count = 0;
    try {
      await consumer.subscribe({ topic: 'kr-group', fromBeginning: true });
      await consumer.run({ autoCommit: true, autoCommitThreshold: 1, eachMessage: async () => void count++ });
      await waitFor('the group to consume 10 messages', async () => count >= 10, 60000);
    } finally {
      await consumer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await waitFor('committed offsets', async () => {
        const o = await admin.fetchOffsets({ groupId: 'kr-group-1', topics: ['kr-group'] });
        const total = o[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
        return total === 10 ? o : null;
      });
      expect(offsets[0].partitions.length).to.be.greaterThan(0);
      const groups = await admin.listGroups();
      expect(groups.groups.map((g) => g.groupId)).to.include('kr-group-1');
    } finally {
      await admin.disconnect();
    }
  });
});
