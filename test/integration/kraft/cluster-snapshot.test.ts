/**
 * A restarted KRaft broker catches up from a metadata snapshot: in combined mode (process.roles=broker,controller)
 * every controller writes `<offset>-<epoch>.checkpoint` snapshots of the metadata image into its
 * __cluster_metadata-0 after metadata.log.max.record.bytes.between.snapshots bytes; when such a node restarts, its
 * broker's metadata listener starts from the snapshot (handleLoadSnapshot) and then follows the log, learning what
 * was created while it was down.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import { Kafka, logLevel } from 'kafkajs';
import * as path from 'path';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { CreateTopicsApi, MetadataApi } from '../../../src/protocol/apis';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';

describe('integration: a restarted KRaft broker catches up from a metadata snapshot', function () {
  this.timeout(240000);
  let cluster: KRaftTestCluster;
  let kafka: Kafka;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 3,
      brokers: 3,
      combined: true,
      controllerOverrides: { 'metadata.log.max.record.bytes.between.snapshots': '2000' },
    });
    kafka = new Kafka({
      clientId: 'it-kraft-snapshot',
      brokers: cluster.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100 },
    });
  });

  after(async () => {
    await cluster?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs(80));
  });

  async function topicsOf(id: number): Promise<string[]> {
    const c = new NetworkClient('127.0.0.1', cluster.node(id).brokerPort, 'it-kraft-snapshot', 5000);
    try {
      const md = await c.send(MetadataApi, 1, { topics: null, allowAutoTopicCreation: false });
      return md.topics
        .filter((t) => t.errorCode === 0)
        .map((t) => t.name!)
        .sort();
    } finally {
      c.close();
    }
  }

  const topicsOfCache = new Map<number, string[]>();
  const checkpoints = (id: number) => fs.readdirSync(path.join(cluster.dataDir(id), '__cluster_metadata-0')).filter((f) => f.endsWith('.checkpoint'));

  it('loads the snapshot on restart, then replays what was written after it', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const names = Array.from({ length: 12 }, (_, i) => `snap-${String(i).padStart(2, '0')}`);
    try {
      // CreateTopics is answered once the controller committed the records; each broker learns them from the log a
      // moment later (kafkajs' waitForLeaders would fail on a broker that does not know the topic yet), so wait here.
      await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 2, replicationFactor: 3 })), waitForLeaders: false });
      await waitFor('every node to know the topics', async () => {
        for (const id of [1, 2, 3]) if (!names.every((t) => topicsOfCache.get(id)?.includes(t))) topicsOfCache.set(id, await topicsOf(id));
        return [1, 2, 3].every((id) => names.every((t) => topicsOfCache.get(id)!.includes(t)));
      });
      await waitFor('a snapshot on node 2', async () => checkpoints(2).length > 0, 60000);
      expect(checkpoints(2)[0]).to.match(/^\d{20}-\d{10}\.checkpoint$/);
    } finally {
      await admin.disconnect();
    }
    await cluster.kill(2);
    // Through broker 1 (a client's cached "controller" may be the dead node until it is fenced): forwarded to the controller.
    const c = new NetworkClient('127.0.0.1', cluster.node(1).brokerPort, 'it-kraft-snapshot', 30000);
    try {
      const res = await c.send(CreateTopicsApi, 7, {
        topics: [{ name: 'snap-after', numPartitions: 1, replicationFactor: 2, assignments: [], configs: [] }],
        timeoutMs: 30000,
        validateOnly: false,
      });
      expect(res.topics[0].errorCode).to.equal(0);
    } finally {
      c.close();
    }
    await cluster.start(2);
    await waitFor(
      'node 2 to know every topic',
      async () => {
        const have = await topicsOf(2);
        return [...names, 'snap-after'].every((t) => have.includes(t));
      },
      60000,
    );
    expect(cluster.output(2).join('\n')).to.match(/Loaded metadata snapshot \d+-\d+/);
    await waitFor('node 2 to be unfenced', async () =>
      cluster.output(2).some((l) => l.includes('The broker has been unfenced. Transitioning from RECOVERY to RUNNING.')),
    );
  });
});
