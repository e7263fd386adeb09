/**
 * The metadata log on disk (Kafka's KafkaMetadataLog over UnifiedLog): `<metadata.log.dir>/__cluster_metadata-0/`
 * holding the project's segmented Log (`<20-digit base offset>.log|.index|.timeindex`, leader-epoch-checkpoint),
 * `partition.metadata` with the fixed topic id, and `quorum-state` beside them (FileBasedStateStore, written by the
 * Raft client). Kafka's settings for it: no time or size retention (Raft needs the whole log until a snapshot
 * covers it), batches up to 8 MiB, segments of metadata.log.segment.bytes (1 GiB) and metadata.log.segment.ms
 * (7 days). Snapshots are `<offset>-<epoch>.checkpoint` files beside the segments (./Snapshots.ts); partial
 * ones (`.checkpoint.part`) left by a crash are deleted at open, as KafkaMetadataLog.recoverSnapshots does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Uuid } from '../common/Uuid';
import { Log } from '../log/Log';
import { defaultLogConfig, LogConfig } from '../log/LogConfig';
import { OffsetAndEpoch } from './OffsetAndEpoch';
import { listSnapshots, parseSnapshotFileName, snapshotFileName, writeSnapshotFile } from './Snapshots';
import { QUORUM_STATE_FILE } from './QuorumStateStore';
import { MAX_BATCH_SIZE_BYTES, MAX_FETCH_SIZE_BYTES } from './RaftConfig';
import { LogAppendResult, METADATA_PARTITION, METADATA_TOPIC, ReplicatedLog } from './ReplicatedLog';

export interface MetadataLogOptions {
  /** metadata.log.segment.bytes (default 1 GiB). */
  segmentBytes?: number;
  /** metadata.log.segment.ms (default 7 days). */
  segmentMs?: number;
  time?: () => number;
}

/** `<metadata.log.dir>/__cluster_metadata-0`. */
export function metadataPartitionDir(metadataLogDir: string): string {
  return path.join(metadataLogDir, `${METADATA_TOPIC}-${METADATA_PARTITION}`);
}

export function quorumStatePath(metadataLogDir: string): string {
  return path.join(metadataPartitionDir(metadataLogDir), QUORUM_STATE_FILE);
}

export class MetadataLog implements ReplicatedLog {
  private hw = 0;
  private snapshots: OffsetAndEpoch[];

  private constructor(
    readonly log: Log,
    readonly dir: string,
  ) {
    for (const name of fs.readdirSync(dir)) {
      const p = parseSnapshotFileName(name);
      if (p && (p.partial || p.deleted)) fs.rmSync(path.join(dir, name), { force: true });
    }
    this.snapshots = listSnapshots(dir);
  }

  static open(metadataLogDir: string, opts: MetadataLogOptions = {}): MetadataLog {
    const dir = metadataPartitionDir(metadataLogDir);
    const config: LogConfig = {
      ...defaultLogConfig(),
      segmentBytes: opts.segmentBytes ?? 1024 * 1024 * 1024,
      segmentMs: opts.segmentMs ?? 7 * 24 * 60 * 60 * 1000,
      maxMessageBytes: MAX_BATCH_SIZE_BYTES,
      deletePolicy: false,
    };
    const log = Log.open(dir, METADATA_TOPIC, METADATA_PARTITION, config, { time: opts.time });
    // UnifiedLog keeps the topic id in partition.metadata (PartitionMetadata.encode: no trailing newline).
    const meta = path.join(dir, 'partition.metadata');
    if (!fs.existsSync(meta)) fs.writeFileSync(meta, `version: 0\ntopic_id: ${Uuid.METADATA_TOPIC_ID.toString()}`);
    return new MetadataLog(log, dir);
  }

  appendAsLeader(records: Buffer, epoch: number): LogAppendResult {
    if (records.length === 0) throw new Error('Attempt to append an empty record set');
    // Kafka appends with AppendOrigin.RAFT_LEADER: no client-only checks (control batches are the leader's own).
    const info = this.log.appendAsLeader(records, epoch, 'coordinator');
    return { firstOffset: info.firstOffset, lastOffset: info.lastOffset };
  }

  appendAsFollower(records: Buffer): LogAppendResult {
    if (records.length === 0) throw new Error('Attempt to append an empty record set');
    const info = this.log.appendAsFollower(records);
    return { firstOffset: info.firstOffset, lastOffset: info.lastOffset };
  }

  read(startOffset: number, maxOffsetExclusive = Infinity): Buffer {
    const limit = Math.min(maxOffsetExclusive, this.log.logEndOffset);
    const info = this.log.read(startOffset, MAX_FETCH_SIZE_BYTES, limit, true);
    return info.records.length === 1 ? info.records[0] : Buffer.concat(info.records);
  }

  endOffset(): number {
    return this.log.logEndOffset;
  }

  startOffset(): number {
    return this.log.logStartOffset;
  }

  /** The last batch's epoch; with an empty log, the snapshot's (KafkaMetadataLog.lastFetchedEpoch); else 0. */
  lastFetchedEpoch(): number {
    const e = this.log.leaderEpochCache.latestEpoch;
    if (e >= 0) return e;
    return this.latestSnapshotId()?.epoch ?? 0;
  }

  /** KafkaMetadataLog.endOffsetForEpoch: an epoch older than the log start answers the oldest snapshot. */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    const r = this.log.leaderEpochCache.endOffsetFor(epoch, this.log.logEndOffset);
    if (r.epoch < 0) return { offset: this.endOffset(), epoch: this.lastFetchedEpoch() };
    const earliest = this.earliestSnapshotId();
    if (earliest && r.endOffset === earliest.offset && r.epoch === epoch) return earliest;
    return { offset: r.endOffset, epoch: r.epoch };
  }

  initializeLeaderEpoch(epoch: number): void {
    // UnifiedLog.maybeAssignEpochStartOffset(epoch, logEndOffset).
    if (epoch > this.log.leaderEpochCache.latestEpoch) this.log.leaderEpochCache.assign(epoch, this.log.logEndOffset);
  }

  truncateTo(offset: number): void {
    if (offset < this.hw) throw new Error(`Attempt to truncate to offset ${offset}, which is below the current high watermark ${this.hw}`);
    this.log.truncateTo(offset);
  }

  updateHighWatermark(offset: number): void {
    this.hw = Math.min(offset, this.log.logEndOffset);
  }

  highWatermark(): number {
    return this.hw;
  }

  flush(): void {
    this.log.flush();
  }

  earliestSnapshotId(): OffsetAndEpoch | undefined {
    return this.snapshots[0];
  }

  latestSnapshotId(): OffsetAndEpoch | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  readSnapshot(id: OffsetAndEpoch): Buffer | undefined {
    if (!this.snapshots.some((s) => s.offset === id.offset && s.epoch === id.epoch)) return undefined;
    return fs.readFileSync(path.join(this.dir, snapshotFileName(id)));
  }

  storeSnapshot(id: OffsetAndEpoch, bytes: Buffer): void {
    writeSnapshotFile(this.dir, id, bytes);
    this.snapshots = listSnapshots(this.dir);
  }

  truncateToLatestSnapshot(): boolean {
    const id = this.latestSnapshotId();
    const latestEpoch = Math.max(0, this.log.leaderEpochCache.latestEpoch);
    if (!id || !(id.epoch > latestEpoch || (id.epoch === latestEpoch && id.offset > this.endOffset()))) return false;
    this.log.truncateFullyAndStartAt(id.offset);
    this.hw = id.offset;
    // Snapshots older than the new log start are forgotten (KafkaMetadataLog.forgetSnapshotsBefore, then deleted).
    for (const old of this.snapshots.slice(0, -1)) fs.rmSync(path.join(this.dir, snapshotFileName(old)), { force: true });
    this.snapshots = [id];
    return true;
  }

  deleteBeforeSnapshot(id: OffsetAndEpoch): boolean {
    if (!this.readSnapshot(id) || id.offset > this.hw) return false;
    if (!this.log.maybeIncrementLogStartOffset(id.offset, 'snapshot generated')) return false;
    // Snapshots before the new log start are forgotten and deleted: the earliest snapshot is the one at the log start.
    for (const old of this.snapshots.filter((s) => s.offset < id.offset)) fs.rmSync(path.join(this.dir, snapshotFileName(old)), { force: true });
    this.snapshots = this.snapshots.filter((s) => s.offset >= id.offset);
    return true;
  }

  close(): void {
    this.log.close();
  }
}
