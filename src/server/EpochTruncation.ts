/**
 * The truncation phase of a follower fetcher (AbstractFetcherThread.truncateToEpochEndOffsets, the
 * OffsetForLeaderEpoch flavour used before Fetch v13): for each partition, ask the leader for the end offset
 * of our latest epoch and cut our log where it diverges, min(answer, own LEO); when the leader answers with
 * an older epoch, cut to where that epoch ends in our log and ask again. A partition without epochs, or a
 * leader answer we cannot use, falls back to truncating to the high watermark.
 */
import { Logger } from '../common/logger';
import { NetworkClient } from '../network/NetworkClient';
import { OffsetForLeaderEpochApi } from '../protocol/apis';
import { ErrorCode, errorName } from '../protocol/errors';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../log/LeaderEpochFileCache';
import { Partition } from '../cluster/Partition';

/** OffsetForLeaderEpoch version with replica_id (protocol.md §3.2). */
const OFFSET_FOR_LEADER_EPOCH_VERSION = 3;

/** Errors after which the follower waits and asks again (the leader has not caught up with the controller yet). */
const RETRIABLE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REQUEST_TIMED_OUT,
]);

export class EpochTruncation {
  private readonly pending = new Set<string>();

  constructor(
    private readonly brokerId: number,
    private readonly leaderId: number,
    private readonly client: NetworkClient,
    private readonly log: Logger,
  ) {}

  add(p: Partition): void {
    this.pending.add(p.key);
  }
  remove(key: string): void {
    this.pending.delete(key);
  }
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** One round for these partitions; returns those to back off (retriable errors). Network errors throw. */
  async truncate(parts: Partition[]): Promise<Partition[]> {
    const asking: Array<{ p: Partition; epoch: number; leaderEpoch: number }> = [];
    for (const p of parts) {
      const epoch = p.log.latestEpoch;
      if (epoch < 0) this.truncateToHighWatermark(p, 'no leader epochs in the local log');
      else asking.push({ p, epoch, leaderEpoch: p.leaderEpoch });
    }
    if (asking.length === 0) return [];
    const byTopic = new Map<string, typeof asking>();
    for (const a of asking) byTopic.set(a.p.topic, [...(byTopic.get(a.p.topic) ?? []), a]);
    const res = await this.client.send(OffsetForLeaderEpochApi, OFFSET_FOR_LEADER_EPOCH_VERSION, {
      replicaId: this.brokerId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((a) => ({ partition: a.p.partition, currentLeaderEpoch: a.leaderEpoch, leaderEpoch: a.epoch })),
      })),
    });
    const backoff: Partition[] = [];
    for (const t of res.topics) {
      for (const d of t.partitions) {
        const a = asking.find((x) => x.p.topic === t.topic && x.p.partition === d.partition);
        // Dropped, or a newer LeaderAndIsr arrived while asking: the answer is stale.
        if (!a || !this.pending.has(a.p.key) || a.p.leaderEpoch !== a.leaderEpoch) continue;
        if (d.errorCode === ErrorCode.NONE) {
          this.applyAnswer(a.p, d.leaderEpoch, d.endOffset);
        } else if (RETRIABLE.has(d.errorCode)) {
          this.log.info(`Retrying leaderEpoch request for partition ${a.p.key} as the leader reported an error: ${errorName(d.errorCode)}`);
          backoff.push(a.p);
        } else {
          this.truncateToHighWatermark(a.p, `the leader answered OffsetForLeaderEpoch with ${errorName(d.errorCode)}`);
        }
      }
    }
    return backoff;
  }

  /**
   * Truncation on fetch (AbstractFetcherThread.truncateOnFetchResponse, Fetch v12+): the leader answered our
   * last fetched epoch with a DivergingEpoch; cut our log as for an OffsetForLeaderEpoch answer. When the leader
   * named an epoch we do not have, the partition stays here and asks OffsetForLeaderEpoch next round.
   */
  onDivergingEpoch(p: Partition, epoch: number, endOffset: number): void {
    this.pending.add(p.key);
    this.applyAnswer(p, epoch, endOffset);
  }

  /** AbstractFetcherThread.getOffsetTruncationState. */
  private applyAnswer(p: Partition, leaderEpoch: number, leaderEndOffset: number): void {
    const replicaEnd = p.logEndOffset;
    if (leaderEndOffset === UNDEFINED_EPOCH_OFFSET) {
      this.truncateToHighWatermark(p, 'the leader does not know our latest epoch');
      return;
    }
    if (leaderEpoch === UNDEFINED_EPOCH) {
      this.truncateTo(p, Math.min(leaderEndOffset, replicaEnd), true);
      return;
    }
    const ours = p.log.leaderEpochCache.endOffsetFor(leaderEpoch, replicaEnd);
    if (ours.endOffset === UNDEFINED_EPOCH_OFFSET) {
      this.truncateTo(p, Math.min(leaderEndOffset, replicaEnd), true);
    } else if (ours.epoch !== leaderEpoch) {
      // We do not have the leader's epoch: cut to where our older epoch ends and ask again.
      this.log.info(
        `Based on replica's leader epoch, leader replied with epoch ${leaderEpoch} unknown to the replica for ${p.key}. Truncating to ${Math.min(ours.endOffset, replicaEnd)} and retrying.`,
      );
      this.truncateTo(p, Math.min(ours.endOffset, replicaEnd), false);
    } else {
      this.truncateTo(p, Math.min(ours.endOffset, leaderEndOffset, replicaEnd), true);
    }
  }

  private truncateTo(p: Partition, offset: number, done: boolean): void {
    if (offset < p.logEndOffset) {
      this.log.info(
        `Truncating partition ${p.key} with TruncationState(offset=${offset}, completed=${done}) due to leader epoch and offset EpochEndOffset from leader ${this.leaderId} (local log end offset ${p.logEndOffset})`,
      );
      p.log.truncateTo(offset);
      p.onTruncated();
    }
    if (done) this.pending.delete(p.key);
  }

  private truncateToHighWatermark(p: Partition, why: string): void {
    if (p.logEndOffset > p.highWatermark) {
      this.log.info(`Truncating partition ${p.key} to its high watermark ${p.highWatermark} (${why})`);
      p.log.truncateTo(p.highWatermark);
      p.onTruncated();
    }
    this.pending.delete(p.key);
  }
}
