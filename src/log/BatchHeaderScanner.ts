/**
 * Walks the batch headers of a segment file without reading the record bodies: what start-up needs to
 * rebuild the leader-epoch cache and the producer state (Kafka's LogLoader replays batches for both).
 * Reads in chunks through its own read-only fd; stops quietly at a torn tail. A caller that needs a batch's
 * bytes (a transaction marker's record) asks for them with `readBatch`.
 */
import * as fs from 'fs';
import { BatchInfo, HEADER_SIZE, batchSizeAt, readBatchInfo } from '../protocol/records/RecordBatch';

const CHUNK = 256 * 1024;

/** Calls fn for each complete batch header in `file` within the first `size` bytes. */
export function scanBatchHeaders(file: string, size: number, fn: (b: BatchInfo, readBatch: () => Buffer) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let bufStart = 0;
    let bufLen = 0;
    let pos = 0;
    while (pos + HEADER_SIZE <= size) {
      if (pos < bufStart || pos + HEADER_SIZE > bufStart + bufLen) {
        if (buf.length < CHUNK) buf = Buffer.allocUnsafe(CHUNK);
        bufStart = pos;
        bufLen = fs.readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
        if (bufLen < HEADER_SIZE) return;
      }
      const rel = pos - bufStart;
      const batchSize = batchSizeAt(buf, rel);
      if (batchSize < HEADER_SIZE || pos + batchSize > size) return;
      const at = pos;
      const info = readBatchInfo(buf, rel);
      fn(info, () => {
        const out = Buffer.allocUnsafe(batchSize);
        fs.readSync(fd, out, 0, batchSize, at);
        return out;
      });
      pos += batchSize;
    }
  } finally {
    fs.closeSync(fd);
  }
}
