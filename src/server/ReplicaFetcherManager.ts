import { getLogger, Logger } from '../common/logger';
import { NetworkClient } from '../network/NetworkClient';
import { FetchApi, ListOffsetsApi } from '../protocol/apis';
import { FetchResponse, recordsBuffer } from '../protocol/apis/01-fetch';
import { newFrameBufferPool } from '../common/BufferPool';
import { FetchSessionHandler, SessionPartition } from './FetchSessionHandler';
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
  /** Sent in ReplicaState (Fetch v15+, KIP-903). */
  brokerEpoch: () => number;
}

/**
 * The fetchers' response frames (up to replica.fetch.response.max.bytes each) are assembled in recycled buffers: the
 * records are appended before the next fetch is sent and nothing keeps them, so a frame is reused as soon as its
 * response was processed (the receive side of Kafka's NetworkReceive into a reused ByteBuffer).
 */
const fetchResponsePool = newFrameBufferPool();

export interface LeaderEndpoint {
  brokerId: number;
  host: string;
  port: number;
}

/** Callback into the replica manager after a follower appended (`appendedBytes`, for ReplicationBytesInPerSec) or its high watermark moved. */
type OnFollowerProgress = (p: Partition, appendedBytes: number) => void;

/** MetadataVersion.fetchRequestVersion for IBP 3.7: topic ids (v13), ReplicaState (v15). */
const FOLLOWER_FETCH_VERSION = 16;
/** RemoteLeaderEndPoint.buildFetch falls back to v12 (topic names) when a partition has no topic id. */
const FOLLOWER_FETCH_VERSION_WITHOUT_TOPIC_IDS = 12;
const ZERO_UUID = Buffer.alloc(16);

/**
 * One fetcher per source broker (kafka.server.ReplicaFetcherThread): long-polls the leader with Fetch
 * (replica_id = this broker, in an incremental fetch session), appends the batches as they are (offsets and leader epochs kept), and takes
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
  /** The incremental fetch session with the leader (one per fetcher thread in Kafka). */
  private readonly session = { handler: new FetchSessionHandler(), usesTopicIds: false };
  /** The partitions as an array, kept until one is added or removed (an idle fetcher rebuilds nothing per fetch). */
  private partitionList: Partition[] | null = null;
  /** The last fetch position sent per partition: reused while unchanged, so the session handler sees the same object. */
  private readonly lastWanted = new Map<string, SessionPartition>();

  constructor(
    readonly leader: LeaderEndpoint,
    private readonly cfg: FetcherConfig,
    private readonly onProgress: OnFollowerProgress,
    private readonly log: Logger,
  ) {
    this.client = new NetworkClient(leader.host, leader.port, `broker-${cfg.brokerId}-fetcher-0`, cfg.replicaSocketTimeoutMs + cfg.replicaFetchWaitMaxMs);
    this.client.useReceivePool(fetchResponsePool);
    this.truncation = new EpochTruncation(cfg.brokerId, leader.brokerId, this.client, log);
  }

  add(p: Partition): void {
    this.partitions.set(p.key, p);
    this.partitionList = null;
    this.delayedUntil.delete(p.key);
    // AbstractFetcherThread.addPartitions: with truncation on fetch (Fetch v12+), a replica with leader epochs
    // starts fetching at once and the leader's DivergingEpoch tells it where to cut; one without epochs first
    // truncates to its high watermark.
    if (p.log.latestEpoch < 0) this.truncation.add(p);
    if (!this.running) void this.run();
  }

  remove(key: string): void {
    this.partitions.delete(key);
    this.partitionList = null;
    this.lastWanted.delete(key);
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
      // Back-offs that ended are dropped, so that a fetcher with none reuses its partition list as is.
      for (const [key, until] of this.delayedUntil) if (until <= now) this.delayedUntil.delete(key);
      const all = (this.partitionList ??= [...this.partitions.values()]);
      const ready = this.delayedUntil.size === 0 ? all : all.filter((p) => !this.delayedUntil.has(p.key));
      if (ready.length === 0) {
        await sleep(Math.min(this.cfg.replicaFetchBackoffMs, 200));
        continue;
      }
      try {
        const toTruncate = ready.filter((p) => this.truncation.has(p.key));
        if (toTruncate.length > 0) {
          for (const p of await this.truncation.truncate(toTruncate)) this.delayedUntil.set(p.key, Date.now() + this.cfg.replicaFetchBackoffMs);
        }
        const toFetch =
          toTruncate.length === 0 && this.delayedUntil.size === 0
            ? ready
            : ready.filter((p) => !this.truncation.has(p.key) && (this.delayedUntil.get(p.key) ?? 0) <= Date.now());
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

  /**
   * One Fetch to the leader through the fetch session (FetchSessionHandler): a full request first, then
   * incremental ones naming only the partitions whose fetch position changed. Each partition sends its last
   * fetched epoch; a DivergingEpoch answer truncates it (truncation on fetch, Kafka 2.7+).
   */
  private async fetchOnce(parts: Partition[]): Promise<void> {
    // RemoteLeaderEndPoint.buildFetch: topic ids need every partition to have one, else version 12.
    const useTopicIds = parts.every((p) => p.topicId !== null && p.topicId !== undefined && !p.topicId.equals(ZERO_UUID));
    const version = useTopicIds ? FOLLOWER_FETCH_VERSION : FOLLOWER_FETCH_VERSION_WITHOUT_TOPIC_IDS;
    const wanted: SessionPartition[] = parts.map((p) => this.wantedOf(p, useTopicIds));
    if (this.session.usesTopicIds !== useTopicIds) {
      // Kafka's leader refuses to switch topic ids within a session (FETCH_SESSION_TOPIC_ID_ERROR): start a new one.
      this.session.handler.handleError();
      this.session.usesTopicIds = useTopicIds;
    }
    const built = this.session.handler.build(wanted);
    const group = <T>(list: SessionPartition[], f: (p: SessionPartition) => T) => {
      const byTopic = new Map<string, { topic: string; topicId: Buffer; items: T[] }>();
      for (const p of list) {
        let e = byTopic.get(p.topic);
        if (!e) byTopic.set(p.topic, (e = { topic: version >= 13 ? '' : p.topic, topicId: p.topicId, items: [] }));
        e.items.push(f(p));
      }
      return [...byTopic.values()];
    };
    let res;
    let frame: Buffer;
    try {
      ({ response: res, frame } = await this.client.sendWithFrame(FetchApi, version, {
        clusterId: null,
        replicaId: this.cfg.brokerId,
        replicaState: { replicaId: this.cfg.brokerId, replicaEpoch: this.cfg.brokerEpoch() },
        maxWaitMs: this.cfg.replicaFetchWaitMaxMs,
        minBytes: this.cfg.replicaFetchMinBytes,
        maxBytes: this.cfg.replicaFetchResponseMaxBytes,
        isolationLevel: 0,
        sessionId: built.sessionId,
        sessionEpoch: built.sessionEpoch,
        topics: group(built.toSend, ({ partition, data }) => ({
          partition,
          currentLeaderEpoch: data.currentLeaderEpoch,
          fetchOffset: data.fetchOffset,
          lastFetchedEpoch: data.lastFetchedEpoch,
          logStartOffset: data.logStartOffset,
          partitionMaxBytes: data.maxBytes,
        })).map((t) => ({ topic: t.topic, topicId: t.topicId, partitions: t.items })),
        forgottenTopicsData: group(built.toForget, (p) => p.partition).map((t) => ({ topic: t.topic, topicId: t.topicId, partitions: t.items })),
        rackId: '',
      }));
    } catch (e) {
      this.session.handler.handleError();
      throw e;
    }
    try {
      await this.processResponse(parts, res, useTopicIds);
    } finally {
      // Every partition's records were appended (synchronously, nothing keeps them): the frame may be reused.
      this.client.releaseFrame(frame);
    }
  }

  /**
   * What this partition asks for in the next fetch (RemoteLeaderEndPoint.buildFetch's PartitionData): the object
   * sent last time when nothing changed (never mutated: the session handler compares a new one with it).
   */
  private wantedOf(p: Partition, useTopicIds: boolean): SessionPartition {
    const topicId = useTopicIds ? p.topicId! : ZERO_UUID;
    const lastFetchedEpoch = p.log.latestEpoch >= 0 ? p.log.latestEpoch : -1;
    const last = this.lastWanted.get(p.key);
    if (
      last !== undefined &&
      last.topicId === topicId &&
      last.data.fetchOffset === p.logEndOffset &&
      last.data.logStartOffset === p.logStartOffset &&
      last.data.maxBytes === this.cfg.replicaFetchMaxBytes &&
      last.data.currentLeaderEpoch === p.leaderEpoch &&
      last.data.lastFetchedEpoch === lastFetchedEpoch
    ) {
      return last;
    }
    const w: SessionPartition = {
      key: p.key,
      topic: p.topic,
      topicId,
      partition: p.partition,
      data: {
        fetchOffset: p.logEndOffset,
        logStartOffset: p.logStartOffset,
        maxBytes: this.cfg.replicaFetchMaxBytes,
        currentLeaderEpoch: p.leaderEpoch,
        lastFetchedEpoch,
      },
    };
    this.lastWanted.set(p.key, w);
    return w;
  }

  /** ReplicaFetcherThread.processPartitionData for each partition of one response, in order. */
  private async processResponse(parts: Partition[], res: FetchResponse, useTopicIds: boolean): Promise<void> {
    if (!this.session.handler.handleResponse(res.errorCode, res.sessionId)) {
      this.log.info(`Node ${this.leader.brokerId} was unable to process the fetch request: ${errorName(res.errorCode)}`);
      return;
    }
    // Built only when the response names a partition: an idle leader's incremental answer names none.
    let byId: Map<string, Partition> | null = null;
    for (const t of res.responses) {
      for (const d of t.partitions) {
        if (useTopicIds && byId === null) byId = new Map(parts.map((p) => [`${p.topicId!.toString('hex')}-${p.partition}`, p]));
        const p = useTopicIds ? byId!.get(`${t.topicId!.toString('hex')}-${d.partitionIndex}`) : this.partitions.get(`${t.topic}-${d.partitionIndex}`);
        if (!p || this.partitions.get(p.key) !== p || this.truncation.has(p.key)) continue; // removed or re-added (must truncate first) while in flight
        if (d.errorCode === ErrorCode.NONE) {
          if (d.divergingEpoch && d.divergingEpoch.epoch >= 0) {
            this.truncation.onDivergingEpoch(p, d.divergingEpoch.epoch, d.divergingEpoch.endOffset);
            continue;
          }
          const records = recordsBuffer(d.records);
          if (records.length > 0) {
            // The log updates its producer state too, so a new leader still recognises retried batches.
            p.log.appendAsFollower(records);
          }
          p.updateFollowerHighWatermark(d.highWatermark);
          // A follower follows the leader's log start offset (retention, DeleteRecords): ReplicaFetcherThread.processPartitionData.
          if (d.logStartOffset > p.logStartOffset) p.log.maybeIncrementLogStartOffset(d.logStartOffset, 'leader log start offset update');
          this.onProgress(p, records.length);
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
