/**
 * The client's listeners and how far each has read (Kafka's KafkaRaftClient.ListenerContext): committed batches
 * are handed over in log order up to the high watermark, each once; a listener whose next offset the log no longer
 * holds (or that starts at 0 while a snapshot exists) first loads the latest snapshot; leader changes are told
 * once per new epoch or newly known leader, and a new leader's own listeners hear of it only once they have read
 * up to its epoch start offset.
 */
import { LeaderAndEpoch, RaftListener } from './RaftClient';
import { readBatches } from './RaftBatches';
import { RecordSerde } from './RecordSerde';
import { ReplicatedLog } from './ReplicatedLog';
import { parseSnapshot } from './Snapshots';

export class ListenerContext<T> {
  nextOffset = 0;
  lastFired: LeaderAndEpoch = { leaderId: undefined, epoch: 0 };

  constructor(readonly listener: RaftListener<T>) {}

  /** ListenerContext.shouldFireLeaderChange: a new epoch, or the leader of the current one became known. */
  shouldFire(l: LeaderAndEpoch): boolean {
    if (l.epoch === this.lastFired.epoch && l.leaderId === this.lastFired.leaderId) return false;
    if (l.epoch > this.lastFired.epoch) return true;
    return l.leaderId !== undefined && this.lastFired.leaderId === undefined;
  }

  maybeFire(l: LeaderAndEpoch, epochStartOffset?: number): void {
    // A new leader tells its own listeners only once they have read up to its epoch start (they must not
    // act as leader before seeing everything committed before).
    if (this.shouldFire(l) && (epochStartOffset === undefined || this.nextOffset >= epochStartOffset)) {
      this.lastFired = l;
      this.listener.handleLeaderChange(l);
    }
  }
}

export class RaftListeners<T> {
  private readonly contexts: ListenerContext<T>[] = [];

  constructor(
    private readonly log: ReplicatedLog,
    private readonly serde: RecordSerde<T>,
  ) {}

  add(listener: RaftListener<T>): void {
    this.contexts.push(new ListenerContext(listener));
  }

  /** KafkaRaftClient.updateListenersProgress, then the leader change a leader's listeners may now hear. */
  updateProgress(hw: number, leader: LeaderAndEpoch, epochStartOffset: number | undefined): void {
    for (const ctx of this.contexts) {
      const snapshotId = this.log.latestSnapshotId();
      if (ctx.nextOffset < hw && snapshotId && ((ctx.nextOffset === 0 && snapshotId.offset > 0) || ctx.nextOffset < this.log.startOffset())) {
        const bytes = this.log.readSnapshot(snapshotId);
        if (!bytes) throw new Error(`Snapshot expected since next offset is ${ctx.nextOffset} and log start offset is ${this.log.startOffset()}`);
        ctx.listener.handleLoadSnapshot(parseSnapshot(bytes, snapshotId, this.serde));
        ctx.nextOffset = snapshotId.offset;
      }
      while (ctx.nextOffset < hw) {
        const batches = readBatches(this.log.read(ctx.nextOffset, hw), this.serde);
        if (batches.length === 0) break;
        for (const b of batches) {
          ctx.listener.handleCommit(b);
          ctx.nextOffset = b.lastOffset + 1;
        }
      }
    }
    if (epochStartOffset !== undefined) this.fireLeaderChange(leader, epochStartOffset);
  }

  fireLeaderChange(leader: LeaderAndEpoch, epochStartOffset: number | undefined): void {
    for (const ctx of this.contexts) ctx.maybeFire(leader, epochStartOffset);
  }
}
