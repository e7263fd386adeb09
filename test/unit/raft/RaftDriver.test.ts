/**
 * Three clients on Node's event loop and the real clock, over promise transports that encode and decode every
 * message with the real codecs (as a socket transport would): they elect a leader, commit records, and elect
 * another when the leader stops. Short Raft timeouts keep it quick; every wait has a deadline.
 */
import { expect } from 'chai';
import { ApiCodec } from '../../../src/protocol/apis/types';
import { FetchApi } from '../../../src/protocol/apis/01-fetch';
import { VoteApi } from '../../../src/protocol/apis/52-vote';
import { BeginQuorumEpochApi } from '../../../src/protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochApi } from '../../../src/protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumApi } from '../../../src/protocol/apis/55-describe-quorum';
import { FetchSnapshotApi } from '../../../src/protocol/apis/59-fetch-snapshot';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';
import { KafkaRaftClient } from '../../../src/raft/KafkaRaftClient';
import { MemoryLog } from '../../../src/raft/MemoryLog';
import { promiseChannel, RaftApiKeyValue } from '../../../src/raft/NetworkChannel';
import { MemoryStateStore } from '../../../src/raft/QuorumStateStore';
import { RaftDriver } from '../../../src/raft/RaftDriver';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { waitFor } from '../../helpers/ports';
import { RecordingListener } from './RaftSimulation';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CODECS: Record<number, ApiCodec<any, any>> = {
  1: FetchApi,
  52: VoteApi,
  53: BeginQuorumEpochApi,
  54: EndQuorumEpochApi,
  55: DescribeQuorumApi,
  59: FetchSnapshotApi,
};

function bytes(f: (w: Writer) => void): Buffer {
  const w = new Writer(256);
  f(w);
  return w.toBuffer();
}

describe('RaftDriver: a quorum on the event loop over promise transports', () => {
  const drivers = new Map<number, RaftDriver<string>>();
  const listeners = new Map<number, RecordingListener>();
  const stopped = new Set<number>();
  afterEach(() => {
    for (const d of drivers.values()) d.stop();
    drivers.clear();
  });

  function transport(from: number) {
    return async (to: number, apiKey: RaftApiKeyValue, version: number, data: object): Promise<object> => {
      const codec = CODECS[apiKey];
      const reqBytes = bytes((w) => codec.encodeRequest(w, version, data));
      const target = drivers.get(to);
      if (!target || stopped.has(to) || stopped.has(from)) {
        // A dead peer: the request fails after a while, as a connection attempt would (the simulated transport's
        // latency, not a wait for a condition).
        await new Promise((r) => setTimeout(r, 20));
        throw new Error(`node ${to} is unreachable`);
      }
      const res = await target.handle(from, apiKey, codec.decodeRequest(new Reader(reqBytes), version) as object);
      const resBytes = bytes((w) => codec.encodeResponse(w, version, res));
      return codec.decodeResponse(new Reader(resBytes), version) as object;
    };
  }

  it('elects a leader, commits, and fails over when the leader stops', async () => {
    for (const id of [1, 2, 3]) {
      const client = new KafkaRaftClient<string>({
        nodeId: id,
        voters: [1, 2, 3],
        clusterId: 'driver-test-cluster-0',
        log: new MemoryLog(),
        store: new MemoryStateStore(),
        channel: promiseChannel(transport(id), () => drivers.get(id)?.wakeup()),
        serde: StringSerde,
        // The fetch timeout must exceed the leader's fetch long-poll (500 ms), as Kafka's defaults (2 s) do.
        config: { electionTimeoutMs: 100, electionBackoffMaxMs: 100, fetchTimeoutMs: 1000, requestTimeoutMs: 1000 },
      });
      // A failure is kept in driver.failure, checked at the end.
      const driver = new RaftDriver(client);
      const listener = new RecordingListener();
      client.register(listener);
      drivers.set(id, driver);
      listeners.set(id, listener);
    }
    for (const d of drivers.values()) d.start();
    const leaderOf = (ids: number[]): number | undefined => {
      const leaders = ids.filter((id) => drivers.get(id)!.client.quorum.isLeader());
      if (leaders.length !== 1) return undefined;
      const epoch = drivers.get(leaders[0])!.client.quorum.epoch;
      return ids.every((id) => drivers.get(id)!.client.quorum.epoch === epoch && drivers.get(id)!.client.quorum.leaderId() === leaders[0])
        ? leaders[0]
        : undefined;
    };
    await waitFor(
      'a leader to accept the records',
      async () => {
        const leader = leaderOf([1, 2, 3]);
        if (leader === undefined) return false;
        const c = drivers.get(leader)!.client;
        c.scheduleAppend(c.quorum.epoch, ['hello', 'world']);
        drivers.get(leader)!.wakeup();
        return true;
      },
      10_000,
      10,
    );
    await waitFor('the records committed everywhere', async () => [1, 2, 3].every((id) => listeners.get(id)!.records().length === 2), 10_000, 10);
    for (const id of [1, 2, 3]) expect(listeners.get(id)!.records()).to.deep.equal(['hello', 'world']);
    const current = await waitFor('the current leader', async () => leaderOf([1, 2, 3]), 10_000, 10);
    const firstEpoch = drivers.get(current)!.client.quorum.epoch;
    drivers.get(current)!.stop();
    stopped.add(current);
    const rest = [1, 2, 3].filter((id) => id !== current);
    const second = await waitFor('another leader', async () => leaderOf(rest), 10_000, 10);
    expect(drivers.get(second)!.client.quorum.epoch).to.be.greaterThan(firstEpoch);
    for (const d of drivers.values()) expect(d.failure).to.equal(undefined);
  });
});
