/**
 * Kafka's delayed operations and purgatory (kafka.server.DelayedOperation): an operation that waits
 * for a condition (enough fetchable bytes, leaders elected) or a timeout, woken by the events that
 * may satisfy it rather than by polling timers.
 */
export abstract class DelayedOperation {
  private completed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly delayMs: number) {}

  get isCompleted(): boolean {
    return this.completed;
  }

  /** Checks the condition; calls forceComplete() and returns true when satisfied. */
  abstract tryComplete(): boolean;
  /** Produces the result; called exactly once, on completion or expiry. */
  protected abstract onComplete(): void;

  startTimer(onExpire: () => void): void {
    this.timer = setTimeout(
      () => {
        if (this.forceComplete()) onExpire();
      },
      Math.max(0, this.delayMs),
    );
  }

  forceComplete(): boolean {
    if (this.completed) return false;
    this.completed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onComplete();
    return true;
  }
}

export class DelayedOperationPurgatory<T extends DelayedOperation> {
  private watchers = new Map<string, Set<T>>();
  private keysOf = new WeakMap<T, string[]>();

  constructor(readonly name: string) {}

  /**
   * Tries the operation once; if not complete, watches it under each key until a checkAndComplete on
   * one of them satisfies it or its timer expires.
   */
  tryCompleteElseWatch(op: T, keys: string[]): boolean {
    if (op.tryComplete()) return true;
    for (const k of keys) {
      let set = this.watchers.get(k);
      if (!set) {
        set = new Set();
        this.watchers.set(k, set);
      }
      set.add(op);
    }
    this.keysOf.set(op, keys);
    op.startTimer(() => this.unwatch(op, keys));
    return false;
  }

  /** Called when something that may satisfy watchers of `key` happened (HW moved, metadata changed). */
  checkAndComplete(key: string): number {
    const set = this.watchers.get(key);
    if (!set) return 0;
    let n = 0;
    // Iterating the live set (no copy per append): entries deleted meanwhile are skipped, as Set iteration allows.
    for (const op of set) {
      if (op.isCompleted) {
        set.delete(op);
      } else if (op.tryComplete()) {
        this.unwatch(op, this.keysOf.get(op) ?? [key]);
        n++;
      }
    }
    if (set.size === 0 && this.watchers.get(key) === set) this.watchers.delete(key);
    return n;
  }

  private unwatch(op: T, keys: string[]): void {
    for (const k of keys) {
      const set = this.watchers.get(k);
      if (!set) continue;
      set.delete(op);
      if (set.size === 0) this.watchers.delete(k);
    }
  }

  /** Completes everything now (shutdown). */
  shutdown(): void {
    for (const set of this.watchers.values()) for (const op of set) op.forceComplete();
    this.watchers.clear();
  }

  get watched(): number {
    let n = 0;
    for (const s of this.watchers.values()) n += s.size;
    return n;
  }
}
