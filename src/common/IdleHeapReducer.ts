/**
 * A periodic garbage collection while the broker is idle: the counterpart of the JVM's G1PeriodicGCInterval with
 * G1PeriodicGCSystemLoadThreshold (JEP 346, "promptly return unused committed memory"), which Kafka's JVM would
 * need for the same reason.
 *
 * Why: an idle broker with many partitions still allocates (each replica fetcher's fetch every
 * replica.fetch.wait.max.ms walks every partition of its session, on both ends): about 3 MB/s per broker with 1,000
 * partitions. Part of it survives two scavenges and is promoted, and the old generation fills with garbage that V8
 * collects only once it reaches its next limit. V8's own memory reducer would collect it, but it starts only when
 * the allocation rate is below about 1 MB/s, which those fetches keep above. So every interval, if the event loop
 * was nearly idle over the whole interval and the heap grew by more than a threshold since our last collection, one
 * full collection runs (V8 then returns the freed pages to the OS). The pause (tens of ms for a few tens of MB of
 * live heap) happens only on an idle event loop; a busy broker is left to V8's own heuristics.
 */
import { performance, EventLoopUtilization } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';

export interface IdleHeapReducerOptions {
  /** How often to look (ms); the event loop must have been idle over the whole interval. */
  intervalMs: number;
  /** Idle means an event loop utilization below this over the interval (a broker under load is near 1). */
  maxUtilization: number;
  /** Collect only if the used heap grew by at least this many bytes since the last collection we ran. */
  minGrowthBytes: number;
}

/**
 * 5%: measured under contention (2 cores, other clusters running), an idle broker with 1,000 partitions uses its
 * event loop 3.5-5.8% of the time, the followers of a 1,000 records/s acks=all run (aims row 7) 15-19% (the leader
 * 80%+). A full collection pauses the loop for 10-40 ms, which row 7's p99.9 (20 ms) cannot absorb: such brokers
 * must stay above the threshold.
 */
export const DEFAULT_IDLE_HEAP_REDUCER: IdleHeapReducerOptions = { intervalMs: 10_000, maxUtilization: 0.05, minGrowthBytes: 8 << 20 };

type GcFunction = () => void;

let gcFunction: GcFunction | null | undefined;

/** V8's gc() (the --expose-gc extension) without exposing it globally: only a fresh context gets it. */
function getGc(): GcFunction | null {
  if (gcFunction === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const f: unknown = vm.runInNewContext('gc');
      gcFunction = typeof f === 'function' ? (f as GcFunction) : null;
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}

/** The decision, separated for tests: whether to collect now. */
export function shouldCollect(utilization: number, usedHeap: number, usedAfterLastGc: number, opts: IdleHeapReducerOptions): boolean {
  return utilization < opts.maxUtilization && usedHeap - usedAfterLastGc >= opts.minGrowthBytes;
}

/** The event loop utilization since the previous call (the first call measures from process start). */
function eluSampler(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return u;
  };
}

export class IdleHeapReducer {
  private timer: NodeJS.Timeout | null = null;
  private usedAfterLastGc = v8.getHeapStatistics().used_heap_size;
  /** Collections run (for tests and logs). */
  collections = 0;

  constructor(
    private readonly opts: IdleHeapReducerOptions = DEFAULT_IDLE_HEAP_REDUCER,
    private readonly gc: GcFunction | null = getGc(),
    /** The event loop utilization since the previous call. */
    private readonly utilization: () => number = eluSampler(),
  ) {}

  start(): this {
    if (this.gc === null || this.timer !== null || this.opts.intervalMs <= 0) return this;
    this.utilization(); // the first interval starts now
    this.timer = setInterval(() => this.check(), this.opts.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Whether the periodic check is scheduled. */
  get running(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look: collects if the last interval was idle and the heap grew enough. Returns whether it collected. */
  check(): boolean {
    const utilization = this.utilization();
    const used = v8.getHeapStatistics().used_heap_size;
    // V8's own collections may have shrunk the heap meanwhile: growth counts from the lowest point seen.
    if (used < this.usedAfterLastGc) this.usedAfterLastGc = used;
    if (this.gc === null || !shouldCollect(utilization, used, this.usedAfterLastGc, this.opts)) return false;
    this.gc();
    this.collections++;
    this.usedAfterLastGc = v8.getHeapStatistics().used_heap_size;
    // The collection itself must not count as activity in the next interval.
    this.utilization();
    return true;
  }
}

/**
 * The broker process's reducer, started by the server's main. KAFKA_IDLE_GC_INTERVAL_MS sets the interval (0 turns
 * it off), as a JVM option would be set through KAFKA_JVM_PERFORMANCE_OPTS.
 */
export function startIdleHeapReducer(env: NodeJS.ProcessEnv = process.env): IdleHeapReducer {
  const raw = env.KAFKA_IDLE_GC_INTERVAL_MS;
  const interval = raw !== undefined && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : DEFAULT_IDLE_HEAP_REDUCER.intervalMs;
  return new IdleHeapReducer({ ...DEFAULT_IDLE_HEAP_REDUCER, intervalMs: interval }).start();
}
