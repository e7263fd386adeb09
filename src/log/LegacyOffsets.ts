/**
 * ListOffsets v0's answer (UnifiedLog.legacyFetchOffsetsBefore, from before record timestamps existed): up to
 * `maxNumOffsets` offsets, in descending order, picked from the segments' base offsets (never below the log start
 * offset) and, when the active segment holds data, the log end offset. Latest starts at the last entry, earliest at
 * the first; a timestamp starts at the last segment whose file was modified at or before it (the log end offset
 * counts as modified now).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Log } from './Log';
import { LOG_FILE_SUFFIX, filenamePrefixFromOffset } from './LogSegment';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
const EARLIEST_LOCAL_TIMESTAMP = -4;

function lastModified(dir: string, baseOffset: number): number {
  try {
    return fs.statSync(path.join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX)).mtimeMs;
  } catch {
    return 0;
  }
}

export function legacyFetchOffsetsBefore(log: Log, timestamp: number, maxNumOffsets: number, now = Date.now()): number[] {
  const segments = log.logSegments;
  const entries: Array<{ offset: number; time: number }> = segments.map((s) => ({
    offset: Math.max(s.baseOffset, log.logStartOffset),
    time: lastModified(s.dir, s.baseOffset),
  }));
  if (segments.length > 0 && segments[segments.length - 1].size > 0) entries.push({ offset: log.logEndOffset, time: now });
  let start: number;
  if (timestamp === LATEST_TIMESTAMP) start = entries.length - 1;
  else if (timestamp === EARLIEST_TIMESTAMP || timestamp === EARLIEST_LOCAL_TIMESTAMP) start = 0;
  else {
    start = entries.length - 1;
    while (start >= 0 && entries[start].time > timestamp) start--;
  }
  const out: number[] = [];
  for (let i = start; i >= 0 && out.length < maxNumOffsets; i--) out.push(entries[i].offset);
  return out.sort((a, b) => b - a);
}
