/**
 * Crash safety of the cleaner's segment swap (Kafka's LogLoader swap-file handling). The cleaner writes
 * `<base>.log.cleaned`, fsyncs it and renames it `<base>.log.swap`; then the replaced segments are deleted and
 * the swap file renamed `<base>.log`. A crash before the `.swap` rename leaves a `.cleaned` file (dropped at
 * load); after it, completeSwapFiles finishes the swap: every old segment whose base offset lies in the swap
 * segment's range goes, the swap file takes its final name and its indexes are rebuilt by the loader.
 */
import * as fs from 'fs';
import * as path from 'path';
import { scanBatchHeaders } from './BatchHeaderScanner';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, filenamePrefixFromOffset } from './LogSegment';

export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';

const SWAP_LOG = /^(\d{20})\.log\.swap$/;
const SEGMENT_LOG = /^(\d{20})\.log$/;

function removeSegmentFiles(dir: string, base: number): void {
  const prefix = path.join(dir, filenamePrefixFromOffset(base));
  for (const s of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX]) fs.rmSync(prefix + s, { force: true });
}

/** Finishes interrupted swaps in a partition folder; returns the base offsets swapped in. Call before loading. */
export function completeSwapFiles(dir: string): number[] {
  const files = fs.readdirSync(dir);
  const done: number[] = [];
  for (const f of files) {
    const m = SWAP_LOG.exec(f);
    if (!m) continue;
    const base = Number(m[1]);
    const swapPath = path.join(dir, f);
    let last = base;
    scanBatchHeaders(swapPath, fs.statSync(swapPath).size, (b) => {
      last = b.lastOffset;
    });
    for (const g of files) {
      const s = SEGMENT_LOG.exec(g);
      if (s && Number(s[1]) >= base && Number(s[1]) <= last) removeSegmentFiles(dir, Number(s[1]));
    }
    removeSegmentFiles(dir, base);
    fs.renameSync(swapPath, path.join(dir, filenamePrefixFromOffset(base) + LOG_FILE_SUFFIX));
    done.push(base);
  }
  // Index swap files are never needed: the loader rebuilds missing indexes.
  for (const f of files) if (f.endsWith(SWAP_FILE_SUFFIX) && !SWAP_LOG.test(f)) fs.rmSync(path.join(dir, f), { force: true });
  return done;
}
