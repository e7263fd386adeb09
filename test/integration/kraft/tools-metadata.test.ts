/**
 * The KRaft tools against a real cluster (3 controllers, 1 broker, as bin/kafka-server-start processes):
 * kafka-metadata-quorum describes the quorum through the broker and straight from the controllers, and follows a
 * controller failover; kafka-metadata-shell reads a controller's __cluster_metadata segment and shows the broker's
 * registration and a topic created with kafka-topics.
 */
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as path from 'path';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function tool(name: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(path.join(ROOT, 'bin', name), args, { timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

/** `describe --status` parsed into its eight fields. */
async function status(args: string[]): Promise<Record<string, string>> {
  const r = await tool('kafka-metadata-quorum', [...args, 'describe', '--status']);
  expect(r.err, r.err).to.equal('');
  expect(r.code).to.equal(0);
  const lines = r.out.trimEnd().split('\n');
  expect(lines.map((l) => l.split(':')[0])).to.deep.equal([
    'ClusterId',
    'LeaderId',
    'LeaderEpoch',
    'HighWatermark',
    'MaxFollowerLag',
    'MaxFollowerLagTimeMs',
    'CurrentVoters',
    'CurrentObservers',
  ]);
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

describe('KRaft tools: kafka-metadata-quorum and kafka-metadata-shell on a real quorum', function () {
  this.timeout(240_000);
  let cluster: KRaftTestCluster;

  before(async () => {
    cluster = await KRaftTestCluster.start({ controllers: 3, brokers: 1 });
  });
  after(async () => {
    if (cluster) await cluster.shutdown();
  });

  it('describe --status through the broker: the cluster id, the active controller, voters [3001,3002,3003], observer [1]', async () => {
    const active = await cluster.activeController();
    const s = await status(['--bootstrap-server', cluster.bootstrap()]);
    expect(s.ClusterId).to.equal(cluster.clusterId);
    expect(Number(s.LeaderId)).to.equal(active.id);
    expect(Number(s.LeaderEpoch)).to.be.at.least(active.epoch);
    expect(Number(s.HighWatermark)).to.be.greaterThan(0);
    expect(s.MaxFollowerLag).to.match(/^\d+$/);
    expect(s.MaxFollowerLagTimeMs).to.match(/^-?\d+$/);
    expect(s.CurrentVoters).to.equal('[3001,3002,3003]');
    expect(s.CurrentObservers).to.equal('[1]');
  });

  it('describe --replication straight from the controllers: the leader first, two followers, the broker as observer', async () => {
    const active = await cluster.activeController();
    const r = await tool('kafka-metadata-quorum', ['--bootstrap-controller', cluster.controllerAddress(3001), 'describe', '--replication']);
    expect(r.err, r.err).to.equal('');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).to.match(/^NodeId\s*\tLogEndOffset\s*\tLag\s*\tLastFetchTimestamp\s*\tLastCaughtUpTimestamp\s*\tStatus\s*\t$/);
    const rows = lines.slice(1).map((l) => l.split('\t').map((c) => c.trim()));
    expect(rows.map((r) => [Number(r[0]), r[5]])).to.deep.equal([
      [active.id, 'Leader'],
      ...[3001, 3002, 3003].filter((id) => id !== active.id).map((id) => [id, 'Follower']),
      [1, 'Observer'],
    ]);
    expect(rows[0][2]).to.equal('0');
    for (const row of rows) expect(row[1]).to.match(/^\d+$/);
  });

  it('after SIGKILL of the active controller, --status names another leader in a higher epoch', async () => {
    const before = await cluster.activeController();
    await cluster.kill(before.id);
    const s = await waitFor(
      'a new quorum leader in kafka-metadata-quorum --status',
      async () => {
        const others = cluster.controllerIds.filter((id) => id !== before.id).map((id) => cluster.controllerAddress(id));
        const cur = await status(['--bootstrap-controller', others.join(',')]);
        return Number(cur.LeaderId) !== before.id && Number(cur.LeaderEpoch) > before.epoch ? cur : false;
      },
      60_000,
      500,
    );
    expect(s.CurrentVoters).to.equal('[3001,3002,3003]');
    await cluster.start(before.id);
  });

  it("kafka-metadata-shell reads a controller's metadata log: the broker registered and unfenced, a topic from kafka-topics", async () => {
    const create = await tool('kafka-topics', [
      '--bootstrap-server',
      cluster.bootstrap(),
      '--create',
      '--topic',
      'shell-topic',
      '--partitions',
      '2',
      '--replication-factor',
      '1',
    ]);
    expect(create.code, create.out + create.err).to.equal(0);
    const segment = path.join(cluster.dataDir(3002), '__cluster_metadata-0', '00000000000000000000.log');
    await waitFor(
      'shell-topic in the metadata log of controller 3002',
      async () => (await tool('kafka-metadata-shell', ['--snapshot', segment, 'ls', '/image/topics/byName'])).out.split('\n').includes('shell-topic'),
      60_000,
      500,
    );
    const broker = await tool('kafka-metadata-shell', ['--snapshot', segment, 'cat', '/image/cluster/brokers/1']);
    expect(broker.out).to.match(
      /^BrokerRegistration\(id=1, epoch=\d+, incarnationId=\S{22}, listeners=\[Endpoint\(listenerName='PLAINTEXT', securityProtocol=PLAINTEXT, host='127.0.0.1', port=\d+\)\]/,
    );
    expect(broker.out).to.contain('fenced=false');
    const part = await tool('kafka-metadata-shell', ['--snapshot', segment, 'cat', '/image/topics/byName/shell-topic/1']);
    expect(part.out).to.match(
      /^PartitionRegistration\(replicas=\[1\], directories=\[\S+\], isr=\[1\], .*leader=1, leaderRecoveryState=RECOVERED, leaderEpoch=0/,
    );
    const features = await tool('kafka-metadata-shell', ['--snapshot', segment, 'cat', '/image/features/metadataVersion']);
    expect(features.out).to.equal('3.7-IV4\n');
    const find = await tool('kafka-metadata-shell', ['--snapshot', segment, 'find', '/image/topics/byName/shell-topic']);
    expect(find.out.trimEnd().split('\n')).to.deep.equal([
      '/image/topics/byName/shell-topic',
      '/image/topics/byName/shell-topic/0',
      '/image/topics/byName/shell-topic/1',
      '/image/topics/byName/shell-topic/id',
      '/image/topics/byName/shell-topic/name',
    ]);
  });
});
