/**
 * Kafka's LogLoader: opens a partition folder's segments, removes leftovers (`.deleted`, `.cleaned`, orphaned
 * indexes), finishes an interrupted cleaner swap, rebuilds missing or broken indexes, recovers unflushed
 * segments from the recovery point after an unclean shutdown, and loads the leader epoch cache cut to what
 * recovery kept.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Logger } from '../common/logger';
import { KafkaError } from '../protocol/errors';
import { scanBatchHeaders } from './BatchHeaderScanner';
import { completeSwapFiles } from './CleanerSwap';
import { LeaderEpochFileCache } from './LeaderEpochFileCache';
import { LogDirFailureChannel } from './LogDirFailureChannel';
import { LogConfig } from './LogConfig';
import { INDEX_FILE_SUFFIX, LogSegment, TIME_INDEX_FILE_SUFFIX, filenamePrefixFromOffset } from './LogSegment';
import { ProducerStateManager } from './ProducerStateManager';

const SEGMENT_FILE = /^(\d{20})\.log$/;
const INDEX_FILE = /^(\d{20})\.(index|timeindex|txnindex)$/;

export interface LogOpenOptions {
  /** Injectable clock (ms). */
  time?: () => number;
  /** The log dir had `.kafka_cleanshutdown`: trust every segment and index (after a sanity check). */
  hadCleanShutdown?: boolean;
  /** Recover segments from the one holding this offset (Kafka's recovery point); default: the last segment. */
  recoveryPoint?: number;
  /** Checkpointed log start offset, if any. */
  logStartOffset?: number;
  /** Where I/O errors take the log dir offline (LogManager shares one); default: one for this log alone. */
  failureChannel?: LogDirFailureChannel;
}

interface LoadedLog {
  segments: LogSegment[];
  nextOffset: number;
  logStartOffset: number;
  leaderEpochCache: LeaderEpochFileCache;
  /** Built on first use from the newest usable snapshot and the log after it, then kept up to date by appends. */
  producerStateManager: ProducerStateManager;
}

export function loadLog(dir: string, config: LogConfig, time: () => number, opts: LogOpenOptions, logger: Logger, tp: string): LoadedLog {
  const segments: LogSegment[] = [];
  completeSwapFiles(dir); // a cleaner swap cut short by a crash (LogLoader's .swap handling)
  const files = fs.readdirSync(dir);
  const bases: number[] = [];
  for (const f of files) {
    if (f.endsWith('.deleted') || f.endsWith('.cleaned')) {
      fs.rmSync(path.join(dir, f), { force: true });
      continue;
    }
    const m = SEGMENT_FILE.exec(f);
    if (m) bases.push(Number(m[1]));
  }
  const known = new Set(bases);
  for (const f of files) {
    const m = INDEX_FILE.exec(f);
    if (m && !known.has(Number(m[1]))) {
      logger.warn(`Found an orphaned index file ${path.join(dir, f)}, with no corresponding log file.`);
      fs.rmSync(path.join(dir, f), { force: true });
    }
  }
  bases.sort((a, b) => a - b);

  const recovered = new Set<LogSegment>();
  for (const base of bases) {
    const prefix = path.join(dir, filenamePrefixFromOffset(base));
    const indexesExist = fs.existsSync(prefix + INDEX_FILE_SUFFIX) && fs.existsSync(prefix + TIME_INDEX_FILE_SUFFIX);
    const seg = LogSegment.open(dir, base, config, time, true);
    if (!indexesExist) {
      logger.error(`Could not find offset index file corresponding to log file ${seg.logFile}, recovering segment and rebuilding index files...`);
      seg.recover();
      recovered.add(seg);
    } else {
      try {
        seg.sanityCheck();
      } catch (e) {
        logger.warn(
          `Found a corrupted index file corresponding to log file ${seg.logFile} due to ${(e as Error).message}, recovering segment and rebuilding index files...`,
        );
        seg.recover();
        recovered.add(seg);
      }
    }
    segments.push(seg);
  }

  if (!opts.hadCleanShutdown && segments.length > 0) recoverUnflushed(segments, opts.recoveryPoint, recovered, logger, tp);

  if (segments.length === 0) {
    segments.push(LogSegment.open(dir, opts.logStartOffset ?? 0, config, time, false));
  }
  const active = segments[segments.length - 1];
  active.resizeIndexes(config.maxIndexSize);
  let nextOffset: number;
  try {
    nextOffset = active.readNextOffset();
  } catch (e) {
    if (!(e instanceof KafkaError)) throw e;
    // A torn tail despite a clean-shutdown marker: recover the active segment after all.
    logger.warn(`Active segment ${active.logFile} is not consistent (${e.message}); recovering it.`);
    active.recover();
    active.resizeIndexes(config.maxIndexSize);
    nextOffset = active.readNextOffset();
  }
  const first = segments[0].baseOffset;
  let logStartOffset = opts.logStartOffset !== undefined ? Math.max(opts.logStartOffset, first) : first;
  if (logStartOffset > nextOffset) logStartOffset = nextOffset;
  const leaderEpochCache = loadLeaderEpochCache(dir, segments, nextOffset, logStartOffset, logger);
  const producerStateManager = new ProducerStateManager(tp, dir);
  producerStateManager.removeStraySnapshots(segments.map((s) => s.baseOffset));
  // Recovered segments get their txn index back from the producer state rebuild, so it must start at or before the
  // first of them; after an unclean shutdown a snapshot above the recovery point may describe a lost tail.
  const firstRecovered = segments.find((s) => recovered.has(s) || s.txnIndexNeedsRebuild);
  let snapshotLimit = opts.hadCleanShutdown ? Number.MAX_SAFE_INTEGER : (opts.recoveryPoint ?? Number.MAX_SAFE_INTEGER);
  if (firstRecovered) snapshotLimit = Math.min(snapshotLimit, firstRecovered.baseOffset);
  producerStateManager.limitFirstSnapshot(snapshotLimit);
  return { segments, nextOffset, logStartOffset, leaderEpochCache, producerStateManager };
}

/**
 * LogLoader: the checkpoint, cut to what recovery kept. Entries are written before their batches, so after
 * a crash the file never lacks an epoch the log holds; a log without the file has its epochs rebuilt.
 */
function loadLeaderEpochCache(dir: string, segments: LogSegment[], nextOffset: number, logStartOffset: number, logger: Logger): LeaderEpochFileCache {
  const cache = LeaderEpochFileCache.load(dir, logger);
  cache.truncateFromEnd(nextOffset);
  cache.truncateFromStart(logStartOffset);
  if (cache.isEmpty && nextOffset > logStartOffset) {
    let changed = false;
    for (const seg of segments) {
      scanBatchHeaders(seg.logFile, seg.size, (b) => {
        if (b.lastOffset >= logStartOffset && cache.assignNoFlush(b.partitionLeaderEpoch, Math.max(b.baseOffset, logStartOffset))) changed = true;
      });
    }
    if (changed) cache.flush();
  }
  return cache;
}

/** Kafka's LogLoader.recoverLog: scan segments from the recovery point; a truncation drops all later ones. */
function recoverUnflushed(segments: LogSegment[], recoveryPoint: number | undefined, alreadyRecovered: Set<LogSegment>, logger: Logger, tp: string): void {
  const point = recoveryPoint ?? segments[segments.length - 1].baseOffset;
  let i = Math.max(0, floorSegmentIndex(segments, point));
  for (; i < segments.length; i++) {
    const seg = segments[i];
    logger.info(`Recovering unflushed segment ${seg.baseOffset}. ${i + 1}/${segments.length} recovered for ${tp}.`);
    const truncated = alreadyRecovered.has(seg) ? 0 : seg.recover();
    if (truncated > 0) {
      logger.warn(`Truncated ${truncated} invalid bytes at the end of segment ${seg.logFile} during recovery.`);
      for (const dropped of segments.splice(i + 1)) {
        logger.warn(`Deleting segment ${dropped.baseOffset} after a truncation in an earlier segment.`);
        dropped.deleteIfExists();
      }
      break;
    }
  }
}

/** Index of the segment with the largest baseOffset <= offset, or -1. */
export function floorSegmentIndex(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      ans = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return ans;
}
