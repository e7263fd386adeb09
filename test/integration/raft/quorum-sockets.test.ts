/**
 * Three Raft clients talking Kafka's wire protocol over real TCP sockets, through the project's SocketServer (the
 * CONTROLLER listener's side) and NetworkClient (the requesting side): they elect a leader, commit records, and
 * elect another in a higher epoch when the leader's process stops. The glue (a RequestHandler that hands Raft
 * requests to a RaftDriver, a transport over NetworkClient) lives in this test: the controller process that will
 * host it is not written yet.
 */
import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { RequestContext } from '../../../src/network/RequestContext';
import { RequestHandler, SocketServer } from '../../../src/network/SocketServer';
import { FetchApi } from '../../../src/protocol/apis/01-fetch';
import { VoteApi } from '../../../src/protocol/apis/52-vote';
import { BeginQuorumEpochApi } from '../../../src/protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochApi } from '../../../src/protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumApi, DescribeQuorumResponse } from '../../../src/protocol/apis/55-describe-quorum';
import { FetchSnapshotApi } from '../../../src/protocol/apis/59-fetch-snapshot';
import { ApiCodec, encodeResponse, isFlexible } from '../../../src/protocol/apis/types';
import { Reader } from '../../../src/protocol/Reader';
import { KafkaRaftClient } from '../../../src/raft/KafkaRaftClient';
import { MemoryLog } from '../../../src/raft/MemoryLog';
import { promiseChannel, RaftApiKeyValue } from '../../../src/raft/NetworkChannel';
import { MemoryStateStore } from '../../../src/raft/QuorumStateStore';
import { RaftDriver } from '../../../src/raft/RaftDriver';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { waitFor } from '../../helpers/ports';
import { RecordingListener } from '../../unit/raft/RaftSimulation';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CODECS: Record<number, ApiCodec<any, any>> = {
  1: FetchApi,
  52: VoteApi,
  53: BeginQuorumEpochApi,
  54: EndQuorumEpochApi,
  55: DescribeQuorumApi,
  59: FetchSnapshotApi,
};

/** The CONTROLLER listener's request handler: every Raft API, answered by the node's RaftDriver. */
class RaftRequestHandler implements RequestHandler {
  constructor(private readonly driver: RaftDriver<string>) {}

  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const c = CODECS[apiKey];
    if (!c || apiVersion < c.minVersion || apiVersion > c.maxVersion) return undefined;
    return isFlexible(c, apiVersion);
  }

  async handle(ctx: RequestContext, body: Reader): Promise<Buffer[]> {
    const c = CODECS[ctx.header.apiKey];
    const v = ctx.header.apiVersion;
    const res = await this.driver.handle(-1, ctx.header.apiKey as RaftApiKeyValue, c.decodeRequest(body, v) as object);
    return encodeResponse(c, v, res);
  }
}

interface Node {
  id: number;
  server: SocketServer;
  driver: RaftDriver<string>;
  listener: RecordingListener;
  peers: Map<number, NetworkClient>;
}

describe('integration: a Raft quorum over TCP (SocketServer + NetworkClient)', () => {
  const nodes = new Map<number, Node>();
  after(async () => {
    for (const n of nodes.values()) {
      n.driver.stop();
      for (const p of n.peers.values()) p.close();
      await n.server.shutdown();
    }
  });

  it('elects a leader, commits records, answers DescribeQuorum, and fails over to a higher epoch', async () => {
    const ids = [3001, 3002, 3003];
    const ports = new Map<number, number>();
    for (const id of ids) {
      const listener = new RecordingListener();
      const peers = new Map<number, NetworkClient>();
      const node = { id, listener, peers } as Partial<Node> as Node;
      const client = new KafkaRaftClient<string>({
        nodeId: id,
        voters: ids,
        clusterId: 'sockets-test-cluster0',
        log: new MemoryLog(),
        store: new MemoryStateStore(),
        channel: promiseChannel(
          (to, apiKey, version, data) => {
            let peer = peers.get(to);
            if (!peer) peers.set(to, (peer = new NetworkClient('127.0.0.1', ports.get(to)!, `raft-client-${id}`, 1000, 1000)));
            return peer.send(CODECS[apiKey], version, data) as Promise<object>;
          },
          () => node.driver.wakeup(),
        ),
        serde: StringSerde,
        // The fetch timeout must exceed the leader's fetch long-poll (500 ms), as Kafka's defaults (2 s) do.
        config: { electionTimeoutMs: 150, electionBackoffMaxMs: 150, fetchTimeoutMs: 1000, requestTimeoutMs: 1000 },
      });
      client.register(listener);
      node.driver = new RaftDriver(client);
      node.server = new SocketServer(id, 100 * 1024 * 1024, 0, new RaftRequestHandler(node.driver));
      await node.server.startup([{ listenerName: 'CONTROLLER', host: '127.0.0.1', port: 0 }]);
      ports.set(id, node.server.boundPorts.get('CONTROLLER')!);
      nodes.set(id, node);
    }
    for (const n of nodes.values()) n.driver.start();

    const leaderOf = (among: number[]): number | undefined => {
      const leaders = among.filter((id) => nodes.get(id)!.driver.client.quorum.isLeader());
      if (leaders.length !== 1) return undefined;
      const epoch = nodes.get(leaders[0])!.driver.client.quorum.epoch;
      return among.every((id) => nodes.get(id)!.driver.client.quorum.epoch === epoch && nodes.get(id)!.driver.client.quorum.leaderId() === leaders[0])
        ? leaders[0]
        : undefined;
    };
    await waitFor(
      'a leader to accept records',
      async () => {
        const l = leaderOf(ids);
        if (l === undefined) return false;
        const c = nodes.get(l)!.driver.client;
        c.scheduleAppend(c.quorum.epoch, ['over', 'tcp']);
        nodes.get(l)!.driver.wakeup();
        return true;
      },
      20_000,
      20,
    );
    await waitFor('the records on every node', async () => ids.every((id) => nodes.get(id)!.listener.records().length === 2), 20_000, 20);
    for (const id of ids) expect(nodes.get(id)!.listener.records()).to.deep.equal(['over', 'tcp']);

    // DescribeQuorum over the wire, as kafka-metadata-quorum asks it (retried if leadership moved meanwhile).
    const { leader, p } = await waitFor(
      'DescribeQuorum from the leader',
      async () => {
        const l = leaderOf(ids);
        if (l === undefined) return false;
        const asker = new NetworkClient('127.0.0.1', ports.get(l)!, 'metadata-quorum', 5000);
        try {
          const res = (await asker.send(DescribeQuorumApi, 1, {
            topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }],
          })) as DescribeQuorumResponse;
          const part = res.topics[0].partitions[0];
          return part.errorCode === 0 ? { leader: l, p: part } : false;
        } finally {
          asker.close();
        }
      },
      20_000,
      20,
    );
    expect(p.leaderId).to.equal(leader);
    expect(p.currentVoters.map((v) => v.replicaId).sort()).to.deep.equal(ids);
    expect(p.highWatermark).to.be.at.least(3);

    const epoch = nodes.get(leader)!.driver.client.quorum.epoch;
    const gone = nodes.get(leader)!;
    gone.driver.stop();
    await gone.server.shutdown();
    const rest = ids.filter((id) => id !== leader);
    const next = await waitFor('a new leader among the others', async () => leaderOf(rest), 20_000, 20);
    expect(nodes.get(next)!.driver.client.quorum.epoch).to.be.greaterThan(epoch);
    for (const n of nodes.values()) expect(n.driver.failure).to.equal(undefined);
  });
});
