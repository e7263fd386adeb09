/**
 * Kafka's TransactionIndex and AbortedTxn: the `<base>.txnindex` file of a segment lists the aborted transactions
 * whose ABORT marker lies in that segment, in marker order, each with the last stable offset after it completed.
 * read_committed fetches answer the aborted transactions overlapping what they read (collectAbortedTxns), so the
 * consumer can drop their records. Entries are 34 bytes: int16 version 0, int64 producerId, int64 firstOffset,
 * int64 lastOffset, int64 lastStableOffset. The file is created with its first entry, as Kafka opens it lazily.
 */
import * as fs from 'fs';
import { readInt64, writeInt64 } from '../protocol/records/RecordBatch';

export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
/** AbortedTxn.TOTAL_SIZE. */
const ENTRY_SIZE = 34;
/** AbortedTxn.CURRENT_VERSION. */
const VERSION = 0;

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

function encode(t: AbortedTxn): Buffer {
  const b = Buffer.alloc(ENTRY_SIZE);
  b.writeInt16BE(VERSION, 0);
  writeInt64(b, 2, t.producerId);
  writeInt64(b, 10, t.firstOffset);
  writeInt64(b, 18, t.lastOffset);
  writeInt64(b, 26, t.lastStableOffset);
  return b;
}

/** Decodes a whole index file's bytes; a torn last entry is left out, an unknown version throws (Kafka's iterator). */
function decodeAll(buf: Buffer, file: string): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let pos = 0; pos + ENTRY_SIZE <= buf.length; pos += ENTRY_SIZE) {
    const version = buf.readInt16BE(pos);
    if (version !== VERSION) throw new Error(`Unexpected aborted transaction version ${version} in transaction index ${file}, current version is ${VERSION}`);
    out.push({
      producerId: readInt64(buf, pos + 2),
      firstOffset: readInt64(buf, pos + 10),
      lastOffset: readInt64(buf, pos + 18),
      lastStableOffset: readInt64(buf, pos + 26),
    });
  }
  return out;
}

/** The entries of a `.txnindex` file (kafka-dump-log, the cleaner); an absent file has none. */
export function readTransactionIndex(file: string): AbortedTxn[] {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return decodeAll(buf, file);
}

/** TxnIndexSearchResult: complete once an entry's LSO reaches the upper bound (no later segment can matter). */
export interface TxnIndexSearchResult {
  abortedTransactions: AbortedTxn[];
  isComplete: boolean;
}

export class TransactionIndex {
  /** Loaded on first use; appends keep it in step with the file. */
  private entries: AbortedTxn[] | null = null;
  private fd: number | null = null;

  constructor(
    readonly startOffset: number,
    private file: string,
  ) {}

  get path(): string {
    return this.file;
  }

  private all(): AbortedTxn[] {
    if (this.entries === null) this.entries = readTransactionIndex(this.file);
    return this.entries;
  }

  /** TransactionIndex.append: last offsets must increase; the file is created on the first entry. */
  append(t: AbortedTxn): void {
    const entries = this.all();
    const last = entries[entries.length - 1];
    if (last && last.lastOffset >= t.lastOffset) {
      throw new Error(
        `The last offset of appended transactions must increase sequentially, but ${t.lastOffset} is not greater than current last offset ${last.lastOffset} of index ${this.file}`,
      );
    }
    if (this.fd === null) this.fd = fs.openSync(this.file, 'a');
    fs.writeSync(this.fd, encode(t));
    entries.push(t);
  }

  /** TransactionIndex.collectAbortedTxns. */
  collectAbortedTxns(fetchOffset: number, upperBoundOffset: number): TxnIndexSearchResult {
    const abortedTransactions: AbortedTxn[] = [];
    for (const t of this.all()) {
      if (t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset) abortedTransactions.push(t);
      if (t.lastStableOffset >= upperBoundOffset) return { abortedTransactions, isComplete: true };
    }
    return { abortedTransactions, isComplete: false };
  }

  /** Every entry (the cleaner, tests). */
  allAbortedTxns(): AbortedTxn[] {
    return this.all().slice();
  }

  /** TransactionIndex.truncateTo: drops the entries from the first whose last offset is >= offset. */
  truncateTo(offset: number): void {
    const entries = this.all();
    const keep = entries.findIndex((t) => t.lastOffset >= offset);
    if (keep < 0) return;
    entries.length = keep;
    this.closeFd();
    if (fs.existsSync(this.file)) fs.truncateSync(this.file, keep * ENTRY_SIZE);
  }

  /** TransactionIndex.reset: empty (recovery rebuilds it). */
  reset(): void {
    this.closeFd();
    this.entries = [];
    if (fs.existsSync(this.file)) fs.truncateSync(this.file, 0);
  }

  flush(): void {
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  private closeFd(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  close(): void {
    this.closeFd();
  }

  /** Renames the file (retention's `.deleted`); ENOENT (never created) is fine. */
  renameTo(file: string): void {
    this.closeFd();
    try {
      fs.renameSync(this.file, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.file = file;
  }

  deleteIfExists(): void {
    this.closeFd();
    fs.rmSync(this.file, { force: true });
    this.entries = [];
  }
}
