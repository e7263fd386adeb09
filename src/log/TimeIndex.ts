/**
 * `.timeindex` (Kafka's `TimeIndex`): 8-byte timestamp + 4-byte offset relative to the segment's base offset.
 * An entry is added only when the segment's max timestamp grows, so timestamps and offsets both increase.
 * The offset of an entry is the last offset of the batch holding that max timestamp ("shallow" offset).
 * One slot is kept free (isFull at maxEntries - 1) so the final entry written on roll/close always fits.
 */
import * as fs from 'fs';
import { AbstractIndex } from './OffsetIndex';
import { readInt64, writeInt64 } from '../protocol/records/RecordBatch';

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

const TIME_ENTRY_SIZE = 12;
/** RecordBatch.NO_TIMESTAMP */
export const NO_TIMESTAMP = -1;

export class TimeIndex extends AbstractIndex {
  private _lastEntry: TimestampOffset;
  private readonly scratch = Buffer.alloc(TIME_ENTRY_SIZE);

  constructor(file: string, baseOffset: number, maxIndexSize: number) {
    super(file, baseOffset, maxIndexSize, TIME_ENTRY_SIZE);
    this._lastEntry = this.readLastEntryFromFile();
  }

  private readLastEntryFromFile(): TimestampOffset {
    if (this._entries === 0) return { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    const b = Buffer.alloc(TIME_ENTRY_SIZE);
    fs.readSync(this.fd, b, 0, TIME_ENTRY_SIZE, (this._entries - 1) * TIME_ENTRY_SIZE);
    return { timestamp: readInt64(b, 0), offset: this.baseOffset + b.readInt32BE(8) };
  }

  protected override onTruncated(): void {
    this._lastEntry = this._entries === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(this._entries - 1);
  }

  override isFull(): boolean {
    return this.entries >= this.maxEntries - 1;
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset) when empty. */
  get lastEntry(): TimestampOffset {
    return this._lastEntry;
  }

  entry(slot: number): TimestampOffset {
    const buf = this.buffer();
    const p = slot * TIME_ENTRY_SIZE;
    return { timestamp: readInt64(buf, p), offset: this.baseOffset + buf.readInt32BE(p + 8) };
  }

  /**
   * Appends (timestamp, offset) if timestamp is larger than the last entry's (Kafka's maybeAppend).
   * `skipFullCheck` is for the final entry written when the segment becomes inactive.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull()) {
      throw new Error(`Attempt to append to a full time index (size = ${this.entries}) ${this.file}`);
    }
    if (this.entries !== 0 && offset < this._lastEntry.offset) {
      throw new Error(
        `Attempt to append an offset (${offset}) to slot ${this.entries} no larger than the last offset appended (${this._lastEntry.offset}) to ${this.file}.`,
      );
    }
    if (this.entries !== 0 && timestamp < this._lastEntry.timestamp) {
      throw new Error(
        `Attempt to append a timestamp (${timestamp}) to slot ${this.entries} no larger than the last timestamp appended (${this._lastEntry.timestamp}) to ${this.file}.`,
      );
    }
    if (timestamp > this._lastEntry.timestamp) {
      if (this.entries >= this.maxEntries) return; // no room at all (only possible with skipFullCheck)
      writeInt64(this.scratch, 0, timestamp);
      this.scratch.writeInt32BE(offset - this.baseOffset, 8);
      this.writeEntry(this.scratch);
      this._lastEntry = { timestamp, offset };
    }
  }

  /** Entry with the largest timestamp <= target, or (NO_TIMESTAMP, baseOffset). */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.lowerBoundSlot(targetTimestamp, (b, s) => readInt64(b, s * TIME_ENTRY_SIZE));
    return slot < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(slot);
  }

  /** Removes entries whose offset >= `offset`. */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset;
    const slot = this.lowerBoundSlot(rel, (b, s) => b.readInt32BE(s * TIME_ENTRY_SIZE + 8));
    const keep = slot < 0 ? 0 : this.buffer().readInt32BE(slot * TIME_ENTRY_SIZE + 8) === rel ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  /** Kafka's TimeIndex.sanityCheck. */
  sanityCheck(): void {
    const last = this._lastEntry;
    if (this.entries !== 0 && last.offset < this.baseOffset) {
      throw new Error(
        `Corrupt time index found, time index file (${this.file}) has non-zero size but the last offset is ${last.offset} which is less than the first offset ${this.baseOffset}`,
      );
    }
    if (this.length % TIME_ENTRY_SIZE !== 0) {
      throw new Error(`Time index file ${this.file} is corrupt, found ${this.length} bytes which is not a multiple of ${TIME_ENTRY_SIZE}.`);
    }
    if (this.entries !== 0) {
      const first = Buffer.alloc(8);
      fs.readSync(this.fd, first, 0, 8, 0);
      if (last.timestamp < readInt64(first, 0)) {
        throw new Error(
          `Corrupt time index found, time index file (${this.file}) has non-zero size but the last timestamp is ${last.timestamp} which is less than the first timestamp`,
        );
      }
    }
  }
}
