import { Log } from '../log/Log';
import { LogConfig } from '../log/LogConfig';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../log/LeaderEpochFileCache';
import type { AppendInfo, AppendOrigin } from '../log/LogAppendInfo';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { convertLegacyToV2, firstMagic, MAGIC_V0, MAGIC_V1 } from '../protocol/records/LegacyRecords';
import { convertProducedBatch } from '../protocol/records/compressionConvert';
import { countBatches } from '../protocol/records/RecordBatch';
import type { LeaderAndIsrPartitionState } from '../protocol/apis/04-leader-and-isr';

/** outOfSyncReplicas' answer when none: shared, never written to. */
const NO_REPLICAS: number[] = Object.freeze([]) as unknown as number[];

export function tpKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** What the leader knows of one follower (kafka.cluster.Replica). */
interface FollowerState {
  logEndOffset: number;
  lastCaughtUpTimeMs: number;
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
}

/** An ISR change the leader asked the controller for (AlterPartition), not yet answered. */
interface PendingIsrChange {
  newIsr: number[];
  leaderEpoch: number;
  partitionEpoch: number;
}

/** Kafka's AlterPartitionListener: the ReplicaManager meters IsrExpandsPerSec, IsrShrinksPerSec and FailedIsrUpdatesPerSec. */
export interface AlterPartitionListener {
  markIsrExpand(): void;
  markIsrShrink(): void;
  markFailed(): void;
}

/**
 * One partition hosted by this broker (kafka.cluster.Partition): its local log, the leader, ISR and
 * epochs the controller assigned, and, when leader, every follower's fetch position. The high watermark
 * is the smallest log end offset over the ISR and only moves forward; ISR changes are proposed to the
 * controller (AlterPartition, Kafka 3.x) and applied when it answers.
 */
export class Partition {
  leaderReplicaId = -1;
  leaderEpoch = -1;
  partitionEpoch = -1;
  controllerEpoch = -1;
  isr: number[] = [];
  replicas: number[] = [];
  topicId: Buffer | null = null;
  private hw = 0;
  private readonly followers = new Map<number, FollowerState>();
  pendingIsrChange: PendingIsrChange | null = null;
  private cachedKey: string | undefined = undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly localBrokerId: number,
    private currentLog: Log,
    initialHighWatermark = 0,
    private readonly alterPartitionListener: AlterPartitionListener | null = null,
  ) {
    this.setHw(Math.min(initialHighWatermark, currentLog.logEndOffset));
  }

  /** The local log; a replacement (AlterReplicaLogDirs) takes over the high watermark. */
  get log(): Log {
    return this.currentLog;
  }
  set log(l: Log) {
    this.currentLog = l;
    l.updateHighWatermark(this.hw);
  }

  /** Every high watermark change reaches the log, which derives the last stable offset from it. */
  private setHw(hw: number): void {
    this.hw = hw;
    this.currentLog.updateHighWatermark(hw);
  }

  /** UnifiedLog.lastStableOffset: below the high watermark while a transaction is open or its marker unreplicated. */
  get lastStableOffset(): number {
    return this.currentLog.lastStableOffset;
  }

  /** "topic-partition": built once (the fetch paths look it up for every partition of every fetch). */
  get key(): string {
    return (this.cachedKey ??= tpKey(this.topic, this.partition));
  }

  isLeader(): boolean {
    return this.leaderReplicaId === this.localBrokerId;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  /**
   * The topic's typed effective config, as Kafka's Partition reads it from its log (leaderLog.config): the
   * config manager replaces it on every replica when /config/topics/<t> changes; the produce path reads it per batch.
   */
  get config(): LogConfig {
    return this.log.config;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /**
   * Partition.appendRecordsToLeader: acks=all refuses before appending when the ISR is smaller than the topic's
   * min.insync.replicas (NOT_ENOUGH_REPLICAS); LogValidator's conversions (a topic compression.type other than
   * producer recompresses, a compacted topic refuses keyless records); then the log appends with our leader
   * epoch, checking idempotent producers and stamping LogAppendTime. Errors are thrown as KafkaErrors.
   */
  appendRecordsToLeader(records: Buffer, requiredAcks: number, brokerMinInSyncReplicas: number, origin: AppendOrigin = 'client'): AppendInfo {
    const config = this.config;
    const minIsr = config.minInSyncReplicas ?? brokerMinInSyncReplicas;
    if (requiredAcks === -1 && this.isr.length < minIsr) {
      throw new KafkaError(
        ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR Set(${this.isr.join(', ')}) is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.key}`,
      );
    }
    // Message format v0/v1 (Produce v0-2) becomes one v2 batch first: the log holds v2 only (LogValidator, IBP 3.0+).
    const v2 =
      firstMagic(records) === MAGIC_V0 || firstMagic(records) === MAGIC_V1
        ? convertLegacyToV2(records, {
            maxMessageSize: config.maxMessageBytes,
            timestampType: config.timestampType ?? 'CreateTime',
            compacted: config.compact ?? false,
            topicPartition: this.key,
          })
        : records;
    // LogValidator.getFirstBatchAndMaybeValidateNoMoreBatches: a v2 append is one batch (Produce v3+ checks it
    // earlier; this catches v2 batches sent with Produce v0-2).
    if (v2 === records && countBatches(records) > 1) throw new KafkaError(ErrorCode.INVALID_RECORD, 'Compressed outer record has more than one batch');
    const batch = convertProducedBatch(v2, { targetCodec: config.targetCodec ?? null, compacted: config.compact ?? false, topicPartition: this.key });
    return this.log.appendAsLeader(batch, this.leaderEpoch, origin);
  }

  /** ISR used for the high watermark and acks=all: while an expansion is pending, the larger set (Kafka's maximalIsr). */
  get maximalIsr(): number[] {
    return this.pendingIsrChange && this.pendingIsrChange.newIsr.length > this.isr.length ? this.pendingIsrChange.newIsr : this.isr;
  }

  /** Adopts the controller's view (makeLeader / makeFollower). */
  applyLeaderState(st: LeaderAndIsrPartitionState, now: number): void {
    const wasLeader = this.isLeader();
    this.controllerEpoch = st.controllerEpoch;
    this.leaderReplicaId = st.leader;
    this.leaderEpoch = st.leaderEpoch;
    this.partitionEpoch = st.partitionEpoch;
    this.isr = st.isr.slice();
    this.replicas = st.replicas.slice();
    this.pendingIsrChange = null;
    if (this.isLeader()) {
      // A new leader knows nothing of its followers yet: they count as caught up at election time when in the ISR.
      if (!wasLeader) this.followers.clear();
      for (const r of this.replicas) {
        if (r === this.localBrokerId || this.followers.has(r)) continue;
        this.followers.set(r, {
          logEndOffset: -1,
          lastCaughtUpTimeMs: this.isr.includes(r) ? now : 0,
          lastFetchLeaderLogEndOffset: -1,
          lastFetchTimeMs: 0,
        });
      }
      for (const r of [...this.followers.keys()]) if (!this.replicas.includes(r)) this.followers.delete(r);
    } else {
      this.followers.clear();
    }
  }

  /**
   * The controller accepted our AlterPartition: new ISR and partition epoch, same leader epoch. As Kafka's
   * Partition.handleAlterPartitionUpdate, the accepted change is metered as the expansion or shrink it proposed.
   */
  applyIsrChange(isr: number[], partitionEpoch: number): void {
    const proposed = this.pendingIsrChange?.newIsr ?? isr;
    if (proposed.length > this.isr.length) this.alterPartitionListener?.markIsrExpand();
    else if (proposed.length < this.isr.length) this.alterPartitionListener?.markIsrShrink();
    this.isr = isr.slice();
    this.partitionEpoch = partitionEpoch;
    this.pendingIsrChange = null;
  }

  /** Partition.handleAlterPartitionError: the controller refused our AlterPartition; a later check proposes again. */
  alterPartitionFailed(): void {
    this.pendingIsrChange = null;
    this.alterPartitionListener?.markFailed();
  }

  /** Follower side: HW = min(leader's HW, own LEO). */
  updateFollowerHighWatermark(leaderHw: number): boolean {
    const hw = Math.min(leaderHw, this.log.logEndOffset);
    if (hw === this.hw) return false;
    this.setHw(hw);
    return true;
  }

  /** Truncation on becoming follower may drop below the HW (divergent tail). */
  onTruncated(): void {
    if (this.hw > this.log.logEndOffset) this.setHw(this.log.logEndOffset);
  }

  /**
   * A follower fetched from `fetchOffset` (its log end offset). Kafka's Replica.updateFetchState: it is
   * caught up at this time if it reached our LEO, or at its previous fetch time if it reached the LEO we had
   * then.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number, now: number): void {
    const f = this.followers.get(replicaId);
    if (!f) return;
    const leo = this.log.logEndOffset;
    if (fetchOffset >= leo) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, now);
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    f.logEndOffset = fetchOffset;
    f.lastFetchLeaderLogEndOffset = leo;
    f.lastFetchTimeMs = now;
  }

  /** Leader: HW = min LEO over the (maximal) ISR; returns true when it moved forward. */
  maybeIncrementLeaderHW(): boolean {
    if (!this.isLeader()) return false;
    let newHw = this.log.logEndOffset;
    for (const r of this.maximalIsr) {
      if (r === this.localBrokerId) continue;
      const f = this.followers.get(r);
      newHw = Math.min(newHw, f ? Math.max(f.logEndOffset, 0) : 0);
    }
    if (newHw > this.hw) {
      this.setHw(newHw);
      return true;
    }
    return false;
  }

  /**
   * Partition.maybeExpandIsr for the follower that just fetched: outside the ISR, it has reached the high
   * watermark. Only a fetching replica qualifies, so a dead follower's stale position never counts.
   */
  shouldAddToIsr(replicaId: number): boolean {
    if (!this.isLeader() || this.pendingIsrChange || this.isr.includes(replicaId)) return false;
    const f = this.followers.get(replicaId);
    return !!f && f.logEndOffset >= 0 && f.logEndOffset >= this.hw;
  }

  /** ISR followers not caught up for longer than replica.lag.time.max.ms (Partition.getOutOfSyncReplicas). */
  outOfSyncReplicas(now: number, lagTimeMaxMs: number): number[] {
    if (!this.isLeader() || this.pendingIsrChange) return NO_REPLICAS;
    // Checked for every led partition every replica.lag.time.max.ms / 2: no array unless one is out of sync.
    let out: number[] | null = null;
    for (const r of this.isr) {
      if (r === this.localBrokerId) continue;
      const f = this.followers.get(r);
      if (!f || now - f.lastCaughtUpTimeMs > lagTimeMaxMs) (out ??= []).push(r);
    }
    return out ?? NO_REPLICAS;
  }
}

/** FetchRequest.DEBUGGING_CONSUMER_ID: may ask any replica, not only the leader. */
const DEBUGGING_CONSUMER_ID = -2;

interface EpochEndOffsetResult {
  errorCode: number;
  leaderEpoch: number;
  endOffset: number;
}

/**
 * Partition.lastOffsetForLeaderEpoch: fence on current_leader_epoch (older -> FENCED_LEADER_EPOCH, newer ->
 * UNKNOWN_LEADER_EPOCH), only the leader answers followers and consumers, then the epoch cache's answer.
 * `p` is undefined when this broker hosts no replica (NOT_LEADER_OR_FOLLOWER if the cluster knows the partition).
 */
export function lastOffsetForLeaderEpoch(
  p: Partition | undefined,
  knownInCluster: boolean,
  currentLeaderEpoch: number,
  leaderEpoch: number,
  replicaId: number,
): EpochEndOffsetResult {
  const fail = (errorCode: number): EpochEndOffsetResult => ({ errorCode, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET });
  if (!p) return fail(knownInCluster ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (currentLeaderEpoch >= 0) {
    if (currentLeaderEpoch < p.leaderEpoch) return fail(ErrorCode.FENCED_LEADER_EPOCH);
    if (currentLeaderEpoch > p.leaderEpoch) return fail(ErrorCode.UNKNOWN_LEADER_EPOCH);
  }
  if (replicaId !== DEBUGGING_CONSUMER_ID && !p.isLeader()) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const r = p.log.leaderEpochCache.endOffsetFor(leaderEpoch, p.log.logEndOffset);
  return { errorCode: ErrorCode.NONE, leaderEpoch: r.epoch, endOffset: r.endOffset };
}
