/**
 * A quorum of KafkaRaftClients in one process on a simulated clock and network (after Kafka's
 * RaftEventSimulationTest): messages are delayed, dropped, or cut by partitions, deterministically from a seed.
 * Every message goes through the real codecs at the version the client speaks, so what the simulation proves is
 * also true of the bytes. Nodes can be killed (they stop; their log and quorum-state survive, as flushed data on
 * disk would) and restarted.
 */
import { ApiCodec } from '../../../src/protocol/apis/types';
import { FetchApi } from '../../../src/protocol/apis/01-fetch';
import { VoteApi } from '../../../src/protocol/apis/52-vote';
import { BeginQuorumEpochApi } from '../../../src/protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochApi } from '../../../src/protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumApi } from '../../../src/protocol/apis/55-describe-quorum';
import { FetchSnapshotApi } from '../../../src/protocol/apis/59-fetch-snapshot';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';
import { KafkaRaftClient, LeaderAndEpoch, RaftListener } from '../../../src/raft/KafkaRaftClient';
import { MemoryLog } from '../../../src/raft/MemoryLog';
import { Completion, NetworkChannel, RAFT_API_VERSIONS, RaftApiKeyValue, RaftOutboundRequest } from '../../../src/raft/NetworkChannel';
import { Batch } from '../../../src/raft/RaftBatches';
import { SnapshotContents } from '../../../src/raft/Snapshots';
import { RaftConfig } from '../../../src/raft/RaftConfig';
import { MemoryStateStore, QuorumStateStore } from '../../../src/raft/QuorumStateStore';
import { ReplicatedLog } from '../../../src/raft/ReplicatedLog';
import { readBatchInfo } from '../../../src/protocol/records/RecordBatch';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { SeededRandom, Time } from '../../../src/raft/Time';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CODECS: Record<number, ApiCodec<any, any>> = {
  1: FetchApi,
  52: VoteApi,
  53: BeginQuorumEpochApi,
  54: EndQuorumEpochApi,
  55: DescribeQuorumApi,
  59: FetchSnapshotApi,
};

function wire(apiKey: RaftApiKeyValue, data: object, isRequest: boolean): object {
  const codec = CODECS[apiKey];
  const v = RAFT_API_VERSIONS[apiKey];
  const w = new Writer(256);
  if (isRequest) codec.encodeRequest(w, v, data);
  else codec.encodeResponse(w, v, data);
  const r = new Reader(w.toBuffer());
  const out = (isRequest ? codec.decodeRequest(r, v) : codec.decodeResponse(r, v)) as object;
  if (r.remaining() !== 0) throw new Error(`${r.remaining()} bytes left decoding api ${apiKey}`);
  return out;
}

export class MockTime implements Time {
  constructor(public now = 1_000_000) {}
  milliseconds(): number {
    return this.now;
  }
}

/** A listener that records every committed batch and leader change. */
export class RecordingListener implements RaftListener<string> {
  readonly batches: Batch<string>[] = [];
  readonly leaderChanges: LeaderAndEpoch[] = [];
  handleCommit(batch: Batch<string>): void {
    const last = this.batches[this.batches.length - 1];
    const expected = last ? last.lastOffset + 1 : this.snapshotEnd;
    if (batch.baseOffset !== expected) throw new Error(`listener got batch at ${batch.baseOffset}, expected ${expected}`);
    this.batches.push(batch);
  }
  /** The state as of a snapshot: its records, as if committed one batch each, then the log from its end offset. */
  handleLoadSnapshot(snapshot: SnapshotContents<string>): void {
    this.snapshotsLoaded.push(snapshot.snapshotId);
    this.batches.length = 0;
    this.fromSnapshot = snapshot.batches.flatMap((b) => b.records);
    this.snapshotEnd = snapshot.snapshotId.offset;
  }
  readonly snapshotsLoaded: Array<{ offset: number; epoch: number }> = [];
  private fromSnapshot: string[] = [];
  private snapshotEnd = 0;
  handleLeaderChange(leader: LeaderAndEpoch): void {
    this.leaderChanges.push(leader);
  }
  records(): string[] {
    return [...this.fromSnapshot, ...this.batches.flatMap((b) => b.records)];
  }
}

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  epoch: number;
  bytes: Buffer;
}

/** Every batch of a log (MemoryLog lists them; others are read back from offset 0). */
export function batchesOf(log: ReplicatedLog): ReadonlyArray<StoredBatch> {
  if (log instanceof MemoryLog) return log.batchList();
  const all = log.read(log.startOffset());
  const out: StoredBatch[] = [];
  for (let pos = 0; pos < all.length;) {
    const info = readBatchInfo(all, pos);
    out.push({ baseOffset: info.baseOffset, lastOffset: info.lastOffset, epoch: info.partitionLeaderEpoch, bytes: all.subarray(pos, pos + info.size) });
    pos += info.size;
  }
  return out;
}

/** Where a node keeps its log and quorum-state: in memory by default, or reopened from disk at each start. */
export interface NodeStorage {
  openLog(id: number): ReplicatedLog;
  openStore(id: number): QuorumStateStore;
}

export class SimNode {
  client!: KafkaRaftClient<string>;
  listener!: RecordingListener;
  alive = false;
  nextPollAt = Infinity;
  incarnation = 0;
  log: ReplicatedLog = new MemoryLog();
  store: QuorumStateStore = new MemoryStateStore();

  constructor(
    readonly id: number,
    readonly isVoter: boolean,
  ) {}
}

interface Event {
  at: number;
  seq: number;
  run: () => void;
}

export interface SimOptions {
  voters: number[];
  observers?: number[];
  seed: number;
  /** One-way message delay range (ms). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Probability that a message is lost. */
  dropRate?: number;
  config?: Partial<RaftConfig>;
  /** Default: in memory, kept across kill/start. */
  storage?: NodeStorage;
}

export class RaftSimulation {
  readonly time = new MockTime();
  readonly random: SeededRandom;
  readonly nodes = new Map<number, SimNode>();
  readonly voters: number[];
  private readonly events: Event[] = [];
  private seq = 0;
  private readonly blocked = new Set<string>();
  dropRate: number;
  minDelayMs: number;
  maxDelayMs: number;
  readonly config: Partial<RaftConfig>;
  private readonly storage: NodeStorage | undefined;
  /** Invariant bookkeeping: the leader seen for each epoch, and each offset's committed batch. */
  readonly leaderByEpoch = new Map<number, number>();
  readonly committed = new Map<number, string>();
  private readonly lastHw = new Map<string, number>();
  messagesSent = 0;

  constructor(opts: SimOptions) {
    this.random = new SeededRandom(opts.seed);
    this.voters = opts.voters;
    this.dropRate = opts.dropRate ?? 0;
    this.minDelayMs = opts.minDelayMs ?? 1;
    this.maxDelayMs = opts.maxDelayMs ?? 5;
    this.config = opts.config ?? {};
    this.storage = opts.storage;
    for (const id of opts.voters) this.nodes.set(id, new SimNode(id, true));
    for (const id of opts.observers ?? []) this.nodes.set(id, new SimNode(id, false));
  }

  node(id: number): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  startAll(): void {
    for (const id of this.nodes.keys()) this.start(id);
  }

  start(id: number): void {
    const n = this.node(id);
    if (n.alive) throw new Error(`node ${id} is already running`);
    const channel: NetworkChannel = { newCorrelationId: () => this.seq++, send: (req) => this.send(id, req) };
    n.incarnation++;
    if (this.storage) {
      if (n.incarnation > 1) n.log.close();
      n.log = this.storage.openLog(id);
      n.store = this.storage.openStore(id);
    }
    n.client = new KafkaRaftClient<string>({
      nodeId: id,
      voters: this.voters,
      clusterId: 'sim-cluster-id-000000',
      log: n.log,
      store: n.store,
      channel,
      serde: StringSerde,
      time: this.time,
      random: new SeededRandom(this.random.nextInt(2 ** 31) + 1),
      config: this.config,
    });
    n.client.initialize();
    n.listener = new RecordingListener();
    n.client.register(n.listener);
    n.alive = true;
    this.poll(n);
  }

  /** A crash: the node stops at once; what it wrote stays (its log and quorum-state). */
  kill(id: number): void {
    const n = this.node(id);
    n.alive = false;
    n.nextPollAt = Infinity;
  }

  /** A node whose disk was lost: an empty log and no quorum-state at its next start (in-memory storage only). */
  wipe(id: number): void {
    const n = this.node(id);
    if (n.alive) throw new Error(`stop node ${id} before wiping it`);
    n.log = new MemoryLog();
    n.store = new MemoryStateStore();
  }

  /** Cuts (or heals) the link between a and b, both ways. */
  partition(a: number[], b: number[]): void {
    for (const x of a) for (const y of b) this.blocked.add(`${x}-${y}`).add(`${y}-${x}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  private canReach(from: number, to: number): boolean {
    return !this.blocked.has(`${from}-${to}`) && this.random.next() >= this.dropRate;
  }

  private delay(): number {
    return this.minDelayMs + this.random.nextInt(this.maxDelayMs - this.minDelayMs + 1);
  }

  private schedule(at: number, run: () => void): void {
    const e = { at, seq: this.seq++, run };
    // Binary insertion: events stay sorted by (at, seq).
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.events[mid];
      if (m.at < at || (m.at === at && m.seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.events.splice(lo, 0, e);
  }

  private send(from: number, req: RaftOutboundRequest): void {
    this.messagesSent++;
    const fromIncarnation = this.node(from).incarnation;
    // The channel fails a request not answered within controller.quorum.request.timeout.ms, as Kafka's
    // InterBrokerSendThread does (the client relies on it to wake up).
    this.schedule(this.time.now + (this.config.requestTimeoutMs ?? 2000), () => {
      const sender = this.node(from);
      if (req.completion.isDone || !sender.alive || sender.incarnation !== fromIncarnation) return;
      req.completion.fail(new Error(`request ${req.correlationId} to ${req.destinationId} timed out`));
      this.poll(sender);
    });
    if (!this.canReach(from, req.destinationId)) return; // lost: the request times out
    const requestData = wire(req.apiKey, req.data, true);
    this.schedule(this.time.now + this.delay(), () => {
      const target = this.nodes.get(req.destinationId);
      if (!target || !target.alive) return;
      const completion = new Completion<object>();
      completion.onComplete((res) => {
        if (!res) return;
        if (!this.canReach(req.destinationId, from)) return;
        const responseData = wire(req.apiKey, res, false);
        this.schedule(this.time.now + this.delay(), () => {
          const sender = this.node(from);
          if (!sender.alive || sender.incarnation !== fromIncarnation) return;
          req.completion.complete(responseData);
          this.poll(sender);
        });
      });
      target.client.handle({ sourceId: from, apiKey: req.apiKey, data: requestData, completion });
      this.poll(target);
    });
  }

  private poll(n: SimNode): void {
    if (!n.alive) return;
    const timeout = n.client.poll();
    n.nextPollAt = this.time.now + timeout;
    this.checkInvariants(n);
  }

  /** Runs events and polls in time order until `until` returns true or `maxMs` of simulated time passed. */
  runUntil(until: () => boolean, maxMs: number): boolean {
    const deadline = this.time.now + maxMs;
    let spins = 0;
    while (!until()) {
      let next: SimNode | undefined;
      for (const n of this.nodes.values()) if (n.alive && (!next || n.nextPollAt < next.nextPollAt)) next = n;
      const eventAt = this.events.length > 0 ? this.events[0].at : Infinity;
      const pollAt = next ? next.nextPollAt : Infinity;
      const at = Math.min(eventAt, pollAt);
      if (at > deadline) {
        this.time.now = deadline;
        return until();
      }
      if (at > this.time.now) {
        this.time.now = at;
        spins = 0;
      } else if (++spins > 100_000) {
        const states = this.aliveNodes().map((n) => `${n.id}:${n.client.quorum.current.name}@${n.client.quorum.epoch}`);
        throw new Error(`simulation spins at ${this.time.now} without progress (${states.join(' ')})`);
      }
      if (eventAt <= pollAt) this.events.shift()!.run();
      else this.poll(next!);
    }
    return true;
  }

  run(ms: number): void {
    this.runUntil(() => false, ms);
  }

  // ------------------------------------------------------------------ observations

  aliveNodes(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.alive);
  }

  leaders(): SimNode[] {
    return this.aliveNodes().filter((n) => n.client.quorum.isLeader());
  }

  /** The one alive leader of the highest epoch every alive voter agrees on, if any. */
  stableLeader(nodes = this.aliveNodes()): number | undefined {
    const leaders = nodes.filter((n) => n.client.quorum.isLeader());
    if (leaders.length !== 1) return undefined;
    const l = leaders[0];
    const epoch = l.client.quorum.epoch;
    for (const n of nodes) if (n.client.quorum.epoch !== epoch || n.client.quorum.leaderId() !== l.id) return undefined;
    return l.id;
  }

  /** Appends through the current leader; undefined when there is none. */
  append(records: string[]): number | undefined {
    const l = this.leaders()[0];
    if (!l) return undefined;
    const offset = l.client.scheduleAppend(l.client.quorum.epoch, records);
    this.poll(l);
    return offset;
  }

  /**
   * Kafka's RaftEventSimulationTest invariants, checked after every poll: one leader per epoch; each node's high
   * watermark never moves back within an incarnation; every node's log below its high watermark agrees with what
   * any node ever saw committed at those offsets.
   */
  checkInvariants(n: SimNode): void {
    const q = n.client.quorum;
    if (q.isLeader()) {
      const seen = this.leaderByEpoch.get(q.epoch);
      if (seen !== undefined && seen !== n.id) throw new Error(`two leaders in epoch ${q.epoch}: ${seen} and ${n.id}`);
      this.leaderByEpoch.set(q.epoch, n.id);
    }
    const hw = n.client.highWatermark();
    if (hw === undefined) return;
    const key = `${n.id}/${n.incarnation}`;
    const last = this.lastHw.get(key) ?? 0;
    if (hw < last) throw new Error(`node ${n.id}: high watermark went back from ${last} to ${hw}`);
    this.lastHw.set(key, hw);
    for (const b of batchesOf(n.log)) {
      if (b.lastOffset >= hw) break;
      const id = `${b.epoch}:${b.bytes.toString('hex')}`;
      const prev = this.committed.get(b.baseOffset);
      if (prev === undefined) this.committed.set(b.baseOffset, id);
      else if (prev !== id) throw new Error(`node ${n.id}: committed batch at offset ${b.baseOffset} differs from one committed before`);
    }
  }
}
