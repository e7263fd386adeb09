/**
 * The clock and timers of the group coordinator, injectable so unit tests can fake time (Kafka's `Time` and
 * the timing wheel behind its purgatories). Every session, rebalance, initial-delay and retention timeout
 * of the coordinator goes through one of these (unit tests use test/unit/coordinator/MockTime.ts).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface CoordinatorTime {
  now(): number;
  schedule(delayMs: number, fn: () => void): TimerHandle;
}

/** Wall clock with Node timers (unref'd: they never keep a broker process alive). */
export const SYSTEM_TIME: CoordinatorTime = {
  now: () => Date.now(),
  schedule(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
