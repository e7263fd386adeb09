/**
 * A Raft quorum for quorum-controller unit tests: one shared log, a high watermark the test moves (or that follows
 * every append when autoCommit is on), leader changes the test decides. Each node's ControllerRaft delivers
 * committed batches to its listeners in order, and tells a new leader's listeners of the leadership only once they
 * have read up to the epoch start, as KafkaRaftClient does. Snapshots are kept in memory and can be loaded into a
 * listener that starts late.
 */
import { ControllerRaft } from '../../../../src/controller/quorum/QuorumController';
import { ApiMessageAndVersion, MetadataRecordSerde } from '../../../../src/metadata/MetadataRecordSerde';
import { LeaderAndEpoch, RaftListener } from '../../../../src/raft/RaftClient';
import { Batch } from '../../../../src/raft/RaftBatches';
import { OffsetAndEpoch } from '../../../../src/raft/OffsetAndEpoch';
import { SnapshotContents } from '../../../../src/raft/Snapshots';
import { ControllerScheduler } from '../../../../src/controller/quorum/ControllerScheduler';

const SERDE = new MetadataRecordSerde();

export class FakeQuorum {
  readonly batches: Batch<ApiMessageAndVersion>[] = [];
  highWatermark = 0;
  leader: LeaderAndEpoch = { leaderId: undefined, epoch: 0 };
  autoCommit = true;
  readonly nodes = new Map<number, FakeControllerRaft>();
  readonly snapshots: Array<{ id: OffsetAndEpoch; records: ApiMessageAndVersion[] }> = [];

  constructor(readonly time: FakeTime) {}

  endOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.lastOffset + 1 : 0;
  }

  node(id: number): FakeControllerRaft {
    let n = this.nodes.get(id);
    if (!n) {
      n = new FakeControllerRaft(id, this);
      this.nodes.set(id, n);
    }
    return n;
  }

  append(epoch: number, records: ApiMessageAndVersion[], control: boolean): number {
    const baseOffset = this.endOffset();
    // Round-trip every record through the serde: what the controller writes must be encodable at its version.
    const decoded = records.map((r) => SERDE.read(SERDE.write(r)));
    const sizeInBytes = records.reduce((n, r) => n + SERDE.write(r).length, 61);
    this.batches.push({
      baseOffset,
      lastOffset: baseOffset + Math.max(records.length, 1) - 1,
      epoch,
      appendTimestamp: this.time.milliseconds(),
      sizeInBytes,
      isControl: control,
      records: decoded,
    });
    if (this.autoCommit) queueMicrotask(() => this.commit());
    return baseOffset + records.length - 1;
  }

  /** Moves the high watermark to the log end (or `upTo`) and delivers to every listener. */
  commit(upTo = this.endOffset()): void {
    this.highWatermark = Math.max(this.highWatermark, upTo);
    for (const n of this.nodes.values()) n.deliver();
  }

  /** `id` wins the election of the next epoch: a LeaderChange control batch, committed, then the leader change. */
  elect(id: number | undefined): void {
    this.leader = { leaderId: id, epoch: this.leader.epoch + 1 };
    if (id !== undefined) {
      this.append(this.leader.epoch, [], true);
      this.commit();
    }
    for (const n of this.nodes.values()) n.fireLeaderChange();
  }
}

export class FakeControllerRaft implements ControllerRaft {
  private readonly listeners: Array<{ l: RaftListener<ApiMessageAndVersion>; next: number; fired: LeaderAndEpoch | undefined }> = [];
  readonly resigned: number[] = [];
  wakeups = 0;

  wakeup(): void {
    this.wakeups++;
  }

  constructor(
    readonly nodeId: number,
    private readonly quorum: FakeQuorum,
  ) {}

  register(listener: RaftListener<ApiMessageAndVersion>): void {
    this.listeners.push({ l: listener, next: 0, fired: undefined });
    this.deliver();
    this.fireLeaderChange();
  }

  leaderAndEpoch(): LeaderAndEpoch {
    return this.quorum.leader;
  }

  endOffset(): { offset: number } {
    return { offset: this.quorum.endOffset() };
  }

  scheduleAtomicAppend(epoch: number, requiredBaseOffset: number | undefined, records: ApiMessageAndVersion[]): number {
    const l = this.quorum.leader;
    if (l.leaderId !== this.nodeId || l.epoch !== epoch) throw new Error('Append failed because the replication is not the current leader');
    if (requiredBaseOffset !== undefined && requiredBaseOffset !== this.quorum.endOffset()) {
      throw new Error(`Wanted base offset ${requiredBaseOffset}, but the next offset was ${this.quorum.endOffset()}`);
    }
    return this.quorum.append(epoch, records, false);
  }

  createSnapshot(snapshotId: OffsetAndEpoch, _ts: number, batches: ReadonlyArray<readonly ApiMessageAndVersion[]>): void {
    if (snapshotId.offset > this.quorum.highWatermark) throw new Error('snapshot past the high watermark');
    this.quorum.snapshots.push({ id: snapshotId, records: batches.flat().map((r) => SERDE.read(SERDE.write(r))) });
  }

  resign(epoch: number): void {
    this.resigned.push(epoch);
  }

  /** A listener that registers after the latest snapshot loads it first, then reads the log from its end. */
  deliver(): void {
    for (const ctx of this.listeners) {
      const snap = this.quorum.snapshots[this.quorum.snapshots.length - 1];
      if (ctx.next === 0 && snap && this.startFromSnapshot) {
        const contents: SnapshotContents<ApiMessageAndVersion> = {
          snapshotId: snap.id,
          lastContainedLogTimestamp: 0,
          batches: [
            {
              baseOffset: 0,
              lastOffset: snap.id.offset - 1,
              epoch: snap.id.epoch,
              appendTimestamp: 0,
              sizeInBytes: 0,
              isControl: false,
              records: snap.records,
            },
          ],
        };
        ctx.l.handleLoadSnapshot(contents);
        ctx.next = snap.id.offset;
      }
      for (const b of this.quorum.batches) {
        if (b.baseOffset >= ctx.next && b.lastOffset < this.quorum.highWatermark) {
          ctx.l.handleCommit(b);
          ctx.next = b.lastOffset + 1;
        }
      }
    }
  }

  startFromSnapshot = false;

  fireLeaderChange(): void {
    const l = this.quorum.leader;
    for (const ctx of this.listeners) {
      if (ctx.fired && ctx.fired.epoch === l.epoch && ctx.fired.leaderId === l.leaderId) continue;
      ctx.fired = l;
      ctx.l.handleLeaderChange(l);
    }
  }
}

/** A clock and a scheduler driven by it. */
export class FakeTime implements ControllerScheduler {
  private tasks: Array<{ at: number; seq: number; fn: () => void; cancelled: boolean }> = [];
  private seq = 0;
  constructor(public now = 1_000_000) {}

  milliseconds(): number {
    return this.now;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const t = { at: this.now + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.tasks.push(t);
    return () => {
      t.cancelled = true;
    };
  }

  /** Advances the clock, running the tasks that fall due in time order (settling promises between them). */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => !t.cancelled);
      const due = this.tasks.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.tasks.splice(this.tasks.indexOf(due), 1);
      this.now = Math.max(this.now, due.at);
      due.fn();
      await settle();
    }
    this.now = target;
    await settle();
  }
}

/** Lets every queued promise (the controller's event queue, auto-commits) run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
