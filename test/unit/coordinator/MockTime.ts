import { CoordinatorTime, TimerHandle } from '../../../src/coordinator/group/CoordinatorTime';

/** Kafka's MockTime for the group coordinator's unit tests: timers fire, in deadline order, only inside advance(). */
export class MockTime implements CoordinatorTime {
  private current: number;
  private seq = 0;
  private readonly timers: Array<{ at: number; seq: number; fn: () => void; cancelled: boolean }> = [];

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const t = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }

  /** Moves the clock forward, running every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.cancelled = true;
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i].cancelled) this.timers.splice(i, 1);
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
