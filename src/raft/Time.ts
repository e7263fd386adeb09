/**
 * The clock and the randomness the Raft client uses, injected so that tests run a whole quorum on a simulated clock
 * with a seeded random source, deterministically (Kafka's Time and the Random given to KafkaRaftClient).
 */
export interface Time {
  milliseconds(): number;
}

export const SYSTEM_TIME: Time = { milliseconds: () => Date.now() };

export interface Random {
  /** An integer in [0, bound). */
  nextInt(bound: number): number;
}

export const SYSTEM_RANDOM: Random = { nextInt: (bound) => Math.floor(Math.random() * bound) };

/** A deterministic random source (xorshift32) for simulations: the same seed gives the same run. */
export class SeededRandom implements Random {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let s = this.s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s >>> 0;
    return this.s / 4294967296;
  }

  nextInt(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}

/** Kafka's Timer: a deadline that can be reset, read against the time it was last updated with. */
export class Timer {
  private current: number;
  private deadline: number;

  constructor(nowMs: number, timeoutMs: number) {
    this.current = nowMs;
    this.deadline = nowMs + timeoutMs;
  }

  update(nowMs: number): void {
    if (nowMs > this.current) this.current = nowMs;
  }

  reset(timeoutMs: number): void {
    this.deadline = this.current + timeoutMs;
  }

  isExpired(): boolean {
    return this.current >= this.deadline;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.current);
  }
}
