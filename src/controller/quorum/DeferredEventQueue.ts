/**
 * org.apache.kafka.deferred.DeferredEventQueue: the controller's writes waiting for their offset to be committed;
 * completed when the committed offset reaches theirs, failed all at once when the controller renounces or closes.
 */
interface Deferred {
  offset: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class DeferredEventQueue {
  private pending: Deferred[] = [];

  /** A promise completed once the committed offset reaches `offset` (failed by failAll). */
  add(offset: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.pending.push({ offset, resolve, reject }));
  }

  /** completeUpTo: the high watermark advanced to `offset`. */
  completeUpTo(offset: number): void {
    const done = this.pending.filter((d) => d.offset <= offset);
    this.pending = this.pending.filter((d) => d.offset > offset);
    for (const d of done) d.resolve();
  }

  failAll(e: Error): void {
    const all = this.pending;
    this.pending = [];
    for (const d of all) d.reject(e);
  }
}
