/**
 * Timers of the quorum controller (Kafka's deferred events on the controller queue: the session-expiry check and
 * the idle NoOpRecord). Real timers by default; tests drive a fake one from their clock.
 */
export interface ControllerScheduler {
  /** Runs `task` after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, task: () => void): () => void;
}

export const REAL_SCHEDULER: ControllerScheduler = {
  schedule(delayMs, task) {
    const t = setTimeout(task, Math.max(0, delayMs));
    t.unref();
    return () => clearTimeout(t);
  },
};
