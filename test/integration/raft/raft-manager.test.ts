/**
 * KafkaRaftManager: three controllers' Raft clients over real sockets (each behind a SocketServer on its CONTROLLER
 * listener) and a broker following as an observer, built from real KRaft configurations. They elect a leader,
 * commit metadata records into `<metadata.log.dir>/__cluster_metadata-0/` (with `quorum-state` beside it), the
 * observer reads them, and a restarted controller finds its log and epoch where it left them.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MetadataImage } from '../../../src/metadata/image/MetadataImage';
import { ApiMessageAndVersion } from '../../../src/metadata/MetadataRecordSerde';
import { MetadataRecordTypeId } from '../../../src/metadata/records/MetadataRecordType';
import { RequestContext } from '../../../src/network/RequestContext';
import { RequestHandler, SocketServer } from '../../../src/network/SocketServer';
import { Reader } from '../../../src/protocol/Reader';
import { Batch } from '../../../src/raft/RaftBatches';
import { LeaderAndEpoch, RaftListener } from '../../../src/raft/RaftClient';
import { SnapshotContents } from '../../../src/raft/Snapshots';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';
import { KafkaRaftManager } from '../../../src/server/KafkaRaftManager';
import { freePort, waitFor } from '../../helpers/ports';

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

class RaftOnlyHandler implements RequestHandler {
  constructor(private readonly m: KafkaRaftManager) {}
  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    return this.m.raftApiIsFlexible(apiKey, apiVersion);
  }
  handle(ctx: RequestContext, body: Reader): Promise<Buffer[]> {
    return this.m.handleRaftRequest(ctx, body);
  }
}

interface Node {
  manager: KafkaRaftManager;
  listener: ImageListener;
  server: SocketServer | null;
}

describe('integration: KafkaRaftManager over sockets (3 controllers, 1 observing broker)', function () {
  this.timeout(90_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-manager-'));
  const nodes = new Map<number, Node>();
  let voters = '';
  const ports = new Map<number, number>();

  function config(id: number): KafkaConfig {
    const controller = id >= 3000;
    return KafkaConfig.fromProps({
      'process.roles': controller ? 'controller' : 'broker',
      'node.id': String(id),
      'controller.quorum.voters': voters,
      'controller.listener.names': 'CONTROLLER',
      listeners: controller ? `CONTROLLER://127.0.0.1:${ports.get(id)}` : 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': path.join(root, `node-${id}`),
      'controller.quorum.election.timeout.ms': '300',
      'controller.quorum.election.backoff.max.ms': '300',
    });
  }

  async function start(id: number): Promise<Node> {
    const manager = new KafkaRaftManager({ config: config(id), clusterId: 'raft-manager-test-0' });
    const listener = new ImageListener();
    manager.register(listener);
    let server: SocketServer | null = null;
    if (id >= 3000) {
      server = new SocketServer(id, 100 * 1024 * 1024, 0, new RaftOnlyHandler(manager));
      await server.startup([{ listenerName: 'CONTROLLER', host: '127.0.0.1', port: ports.get(id)! }]);
    }
    manager.startup();
    const n = { manager, listener, server };
    nodes.set(id, n);
    return n;
  }

  async function stop(id: number): Promise<void> {
    const n = nodes.get(id)!;
    await n.server?.shutdown();
    await n.manager.shutdown();
    nodes.delete(id);
  }

  after(async () => {
    for (const id of [...nodes.keys()]) await stop(id);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('elects a leader, commits records that the voters and the observer replay, and keeps them across a restart', async () => {
    for (const id of [3001, 3002, 3003]) ports.set(id, await freePort());
    voters = [...ports.entries()].map(([id, p]) => `${id}@127.0.0.1:${p}`).join(',');
    for (const id of [3001, 3002, 3003, 1]) await start(id);

    const leader = await waitFor(
      'a leader known to every node',
      async () => {
        const ls = [...nodes.values()].map((n) => n.manager.leaderAndEpoch());
        const id = ls[0].leaderId;
        return id !== undefined && ls.every((l) => l.leaderId === id && l.epoch === ls[0].epoch) ? { id, epoch: ls[0].epoch } : false;
      },
      30_000,
      50,
    );
    expect([3001, 3002, 3003]).to.include(leader.id);
    expect(nodes.get(1)!.manager.isVoter).to.equal(false);

    const record: ApiMessageAndVersion = { type: MetadataRecordTypeId.FEATURE_LEVEL, version: 0, data: { name: 'metadata.version', featureLevel: 19 } };
    nodes.get(leader.id)!.manager.client.scheduleAtomicAppend(leader.epoch, undefined, [record]);
    await waitFor('every node to replay the record', async () => [...nodes.values()].every((n) => n.listener.image.metadataVersion() === 19), 30_000, 50);

    const dir = path.join(root, 'node-3001', '__cluster_metadata-0');
    expect(fs.existsSync(path.join(dir, 'quorum-state'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, '00000000000000000000.log'))).to.equal(true);
    expect(fs.existsSync(path.join(root, 'node-1', '__cluster_metadata-0', '00000000000000000000.log'))).to.equal(true);

    // A follower restarted from its files replays the committed record again, in an epoch at least as high.
    const follower = [3001, 3002, 3003].find((id) => id !== leader.id)!;
    await stop(follower);
    const again = await start(follower);
    await waitFor('the restarted follower to replay the log', async () => again.listener.image.metadataVersion() === 19, 30_000, 50);
    expect(again.manager.leaderAndEpoch().epoch).to.be.at.least(leader.epoch);
  });
});
