import { getLogger, Logger } from '../common/logger';
import { NetworkClient } from '../network/NetworkClient';
import { FetchApi, ListOffsetsApi } from '../protocol/apis';
import { EpochTruncation } from './EpochTruncation';
import { ErrorCode, errorName } from '../protocol/errors';
import { Partition } from '../cluster/Partition';

interface FetcherConfig {
  brokerId: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchMinBytes: number;
  replicaFetchMaxBytes: number;
  replicaFetchResponseMaxBytes: number;
  replicaFetchBackoffMs: number;
  replicaSocketTimeoutMs: number;
}

export interface LeaderEndpoint {
  brokerId: number;
  host: string;
  port: number;
}

/** Callback into the replica manager after a follower appended or its high watermark moved. */
type OnFollowerProgress = (p: Partition) => void;

/** Fetch version a 3.x follower would use with topic names (v13+ switches to topic ids). */
const FOLLOWER_FETCH_VERSION = 11;

/**
 * One fetcher per source broker (kafka.server.ReplicaFetcherThread): long-polls the leader with Fetch
 * (replica_id = this broker), appends the batches as they are (offsets and leader epochs kept), and takes
 * the high watermark from the leader. Errors back a partition off for replica.fetch.backoff.ms.
 */
class ReplicaFetcher {
  readonly partitions = new Map<string, Partition>();
  private readonly delayedUntil = new Map<string, number>();
  /** Partitions that must truncate by leader epoch before fetching (a new leader or leader epoch). */
  private readonly truncation: EpochTruncation;
  private readonly client: NetworkClient;
  private stopped = false;
  private running = false;

  constructor(
    readonly leader: LeaderEndpoint,
    private readonly cfg: FetcherConfig,
    private readonly onProgress: OnFollowerProgress,
    private readonly log: Logger,
  ) {
    this.client = new NetworkClient(leader.host, leader.port, `broker-${cfg.brokerId}-fetcher-0`, cfg.replicaSocketTimeoutMs + cfg.replicaFetchWaitMaxMs);
    this.truncation = new EpochTruncation(cfg.brokerId, leader.brokerId, this.client, log);
  }

  add(p: Partition): void {
    this.partitions.set(p.key, p);
    this.delayedUntil.delete(p.key);
    this.truncation.add(p);
    if (!this.running) void this.run();
  }

  remove(key: string): void {
    this.partitions.delete(key);
    this.truncation.remove(key);
  }

  stop(): void {
    this.stopped = true;
    this.client.close();
  }

  private async run(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.partitions.size > 0) {
      const now = Date.now();
      const ready = [...this.partitions.values()].filter((p) => (this.delayedUntil.get(p.key) ?? 0) <= now);
      if (ready.length === 0) {
        await sleep(Math.min(this.cfg.replicaFetchBackoffMs, 200));
        continue;
      }
      try {
        const toTruncate = ready.filter((p) => this.truncation.has(p.key));
        if (toTruncate.length > 0) {
          for (const p of await this.truncation.truncate(toTruncate)) this.delayedUntil.set(p.key, Date.now() + this.cfg.replicaFetchBackoffMs);
        }
        const toFetch = ready.filter((p) => !this.truncation.has(p.key) && (this.delayedUntil.get(p.key) ?? 0) <= Date.now());
        if (toFetch.length > 0) await this.fetchOnce(toFetch);
        else if (toTruncate.length === 0) await sleep(Math.min(this.cfg.replicaFetchBackoffMs, 200));
      } catch (e) {
        if (this.stopped) break;
        this.log.warn(`Error in response for fetch request to broker ${this.leader.brokerId}: ${(e as Error).message}`);
        for (const p of ready) this.delayedUntil.set(p.key, Date.now() + this.cfg.replicaFetchBackoffMs);
      }
    }
    this.running = false;
  }

  private async fetchOnce(parts: Partition[]): Promise<void> {
    const byTopic = new Map<string, Partition[]>();
    for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    const res = await this.client.send(FetchApi, FOLLOWER_FETCH_VERSION, {
      replicaId: this.cfg.brokerId,
      maxWaitMs: this.cfg.replicaFetchWaitMaxMs,
      minBytes: this.cfg.replicaFetchMinBytes,
      maxBytes: this.cfg.replicaFetchResponseMaxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, ps]) => ({
        topic,
        partitions: ps.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.leaderEpoch,
          fetchOffset: p.logEndOffset,
          logStartOffset: p.logStartOffset,
          partitionMaxBytes: this.cfg.replicaFetchMaxBytes,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    });
    for (const t of res.responses) {
      for (const d of t.partitions) {
        const p = this.partitions.get(`${t.topic}-${d.partitionIndex}`);
        if (!p || this.truncation.has(p.key)) continue; // removed or re-added (must truncate first) while in flight
        if (d.errorCode === ErrorCode.NONE) {
          const records = recordsBuffer(d.records);
          if (records && records.length > 0) {
            // The log updates its producer state too, so a new leader still recognises retried batches.
            p.log.appendAsFollower(records);
          }
          p.updateFollowerHighWatermark(d.highWatermark);
          // A follower follows the leader's log start offset (retention, DeleteRecords): ReplicaFetcherThread.processPartitionData.
          if (d.logStartOffset > p.logStartOffset) p.log.maybeIncrementLogStartOffset(d.logStartOffset, 'leader log start offset update');
          this.onProgress(p);
        } else if (d.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.handleOutOfRange(p);
        } else {
          this.log.info(`Partition ${p.key} has an error in the fetch response from leader ${this.leader.brokerId}: ${errorName(d.errorCode)}; backing off`);
          this.delayedUntil.set(p.key, Date.now() + this.cfg.replicaFetchBackoffMs);
        }
      }
    }
  }

  /** Kafka's handleOutOfRangeError: behind the leader's log start -> start over there; ahead of its end -> truncate. */
  private async handleOutOfRange(p: Partition): Promise<void> {
    const offsetsAt = async (timestamp: number): Promise<number> => {
      const r = await this.client.send(ListOffsetsApi, 1, {
        replicaId: this.cfg.brokerId,
        isolationLevel: 0,
        topics: [{ name: p.topic, partitions: [{ partitionIndex: p.partition, timestamp, maxNumOffsets: 1 }] }],
      });
      return r.topics[0].partitions[0].offset;
    };
    const leaderEnd = await offsetsAt(-1);
    const leaderStart = await offsetsAt(-2);
    if (p.logEndOffset > leaderEnd && leaderEnd >= 0) {
      this.log.warn(`Truncating ${p.key} to the leader's end offset ${leaderEnd} (local end ${p.logEndOffset})`);
      p.log.truncateTo(leaderEnd);
    } else if (p.logEndOffset < leaderStart) {
      this.log.warn(`Resetting ${p.key} to the leader's start offset ${leaderStart} (local end ${p.logEndOffset})`);
      p.log.truncateFullyAndStartAt(leaderStart);
    }
    p.onTruncated();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** kafka.server.ReplicaFetcherManager: which fetcher follows which partition. */
export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  private readonly log: Logger;

  constructor(
    private readonly cfg: FetcherConfig,
    private readonly onProgress: OnFollowerProgress,
  ) {
    this.log = getLogger('kafka.server.ReplicaFetcherManager', `[ReplicaFetcherManager on broker ${cfg.brokerId}] `);
  }

  addFetcherForPartition(p: Partition, leader: LeaderEndpoint): void {
    this.removeFetcherForPartition(p.key);
    const id = `${leader.brokerId}@${leader.host}:${leader.port}`;
    let f = this.fetchers.get(id);
    if (!f) {
      const log = getLogger('kafka.server.ReplicaFetcherThread', `[ReplicaFetcher replicaId=${this.cfg.brokerId}, leaderId=${leader.brokerId}, fetcherId=0] `);
      f = new ReplicaFetcher(leader, this.cfg, this.onProgress, log);
      this.fetchers.set(id, f);
    }
    f.add(p);
    this.log.info(`Added fetcher to broker ${leader.brokerId} for partition ${p.key} with offset ${p.logEndOffset}`);
  }

  removeFetcherForPartition(key: string): void {
    for (const [id, f] of this.fetchers) {
      f.remove(key);
      if (f.partitions.size === 0) {
        f.stop();
        this.fetchers.delete(id);
      }
    }
  }

  shutdown(): void {
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
  }
}

/** A fetched partition's record bytes as one buffer, null when empty. */
function recordsBuffer(r: Buffer | Buffer[] | null): Buffer | null {
  const b = r === null ? null : Array.isArray(r) ? Buffer.concat(r) : r;
  return b && b.length > 0 ? b : null;
}
