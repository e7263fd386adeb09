/**
 * Checkpoint files written off the event loop. Kafka writes its periodic checkpoints (replication-offset-checkpoint
 * every replica.high.watermark.checkpoint.interval.ms, recovery points, log start offsets) from its scheduler
 * thread, never from a request thread; on our single event loop a synchronous fsync would stall every request, so
 * the same steps (CheckpointFile.write: temp file, write, fsync, atomic rename, fsync of the parent directory as
 * Utils.atomicMoveWithFallback does) run in the libuv pool instead.
 */
import * as fs from 'fs';
import * as path from 'path';

/** CheckpointFile.write with fs.promises: a crash leaves either the old or the new file, never a torn one. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  const dir = await fs.promises.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

interface Pending {
  content: string;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

/**
 * One checkpoint file's writer (Kafka guards each CheckpointFile with a lock): never two writes of the file at
 * once; a write requested while one is in flight waits, and only the latest content then waiting is written
 * (checkpoints are snapshots, the newest supersedes the rest).
 */
export class CheckpointFileWriter {
  private inFlight: Promise<void> | null = null;
  private next: Pending | null = null;

  constructor(readonly file: string) {}

  /** Schedules `content`; resolves once it (or content requested after it) is on disk, rejects if that write failed. */
  write(content: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.next) this.next.content = content;
      else this.next = { content, waiters: [] };
      this.next.waiters.push({ resolve, reject });
      if (!this.inFlight) this.startNext();
    });
  }

  /** True while a write is running or waiting. */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Resolves when every write requested so far has finished (successfully or not). */
  async flushed(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private startNext(): void {
    const job = this.next;
    this.next = null;
    if (!job) {
      this.inFlight = null;
      return;
    }
    this.inFlight = writeFileAtomic(this.file, job.content).then(
      () => {
        for (const w of job.waiters) w.resolve();
        this.startNext();
      },
      (e: unknown) => {
        for (const w of job.waiters) w.reject(e);
        this.startNext();
      },
    );
  }
}
