/**
 * Kafka's histograms and timers (KafkaMetricsGroup.newHistogram, biased = true) are Yammer metrics-core 2.2
 * histograms over an ExponentiallyDecayingReservoir: a 1028-value forward-decaying priority sample (alpha 0.015,
 * which weighs roughly the last 5 minutes), count and sum. The JMX exporter turns their 50th…999thPercentile
 * attributes into `quantile` labels. This is that reservoir, with Yammer's Snapshot quantiles, served through a
 * prom-client Summary (`YammerSummary`) so that the registry prints it with `_sum` and `_count`.
 *
 * It is also what keeps request timing cheap: an update is a Math.exp, a Math.random and at most a sift down a
 * 1028-entry heap, where prom-client's own Summary pushes into a t-digest per age bucket.
 */
import { Registry, Summary } from 'prom-client';

const RESERVOIR_SIZE = 1028;
const ALPHA = 0.015;
/** ExponentiallyDecayingReservoir.RESCALE_THRESHOLD: priorities are rescaled every hour so they stay finite. */
const RESCALE_THRESHOLD_S = 3600;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class YammerHistogram {
  count = 0;
  sum = 0;
  /** A binary min-heap on priority: the sample keeps the RESERVOIR_SIZE highest priorities. */
  private readonly priorities = new Float64Array(RESERVOIR_SIZE);
  private readonly values = new Float64Array(RESERVOIR_SIZE);
  private size = 0;
  private startTime: number;
  private nextScaleTime: number;

  constructor(private readonly clock: () => number = nowSeconds) {
    this.startTime = clock();
    this.nextScaleTime = this.startTime + RESCALE_THRESHOLD_S;
  }

  /** Histogram.update: counts the value and offers it to the sample with priority exp(alpha * age) / random. */
  update(value: number): void {
    this.count++;
    this.sum += value;
    const now = this.clock();
    if (now >= this.nextScaleTime) this.rescale(now);
    const priority = Math.exp(ALPHA * (now - this.startTime)) / Math.random();
    if (this.size < RESERVOIR_SIZE) {
      this.siftUp(this.size++, priority, value);
    } else if (priority > this.priorities[0]) {
      this.siftDown(priority, value);
    }
  }

  /** Snapshot.getValue for each quantile: linear interpolation over the sorted sample at quantile * (n + 1). */
  quantiles(qs: readonly number[]): number[] {
    const sorted = this.values.slice(0, this.size).sort();
    const n = sorted.length;
    return qs.map((q) => {
      if (n === 0) return 0;
      const pos = q * (n + 1);
      if (pos < 1) return sorted[0];
      if (pos >= n) return sorted[n - 1];
      const lower = sorted[Math.floor(pos) - 1];
      const upper = sorted[Math.floor(pos)];
      return lower + (pos - Math.floor(pos)) * (upper - lower);
    });
  }

  /** ExponentiallyDecayingReservoir.rescale: a new landmark; every priority shrinks by the same factor (order kept). */
  private rescale(now: number): void {
    const factor = Math.exp(-ALPHA * (now - this.startTime));
    for (let i = 0; i < this.size; i++) this.priorities[i] *= factor;
    this.startTime = now;
    this.nextScaleTime = now + RESCALE_THRESHOLD_S;
  }

  private siftUp(i: number, priority: number, value: number): void {
    const p = this.priorities;
    const v = this.values;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (p[parent] <= priority) break;
      p[i] = p[parent];
      v[i] = v[parent];
      i = parent;
    }
    p[i] = priority;
    v[i] = value;
  }

  /** Replaces the lowest priority (the root) and restores the heap. */
  private siftDown(priority: number, value: number): void {
    const p = this.priorities;
    const v = this.values;
    const n = this.size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && p[child + 1] < p[child]) child++;
      if (p[child] >= priority) break;
      p[i] = p[child];
      v[i] = v[child];
      i = child;
    }
    p[i] = priority;
    v[i] = value;
  }
}

/** A prom-client Summary whose series are YammerHistograms: `<name>{quantile=…}`, `<name>_sum`, `<name>_count`. */
export class YammerSummary<L extends string> extends Summary<L> {
  private readonly series = new Map<string, { labels: Partial<Record<L, string>>; histogram: YammerHistogram }>();

  constructor(private readonly config: { name: string; help: string; labelNames?: L[]; percentiles: number[]; registers: Registry[] }) {
    super({ name: config.name, help: config.help, labelNames: config.labelNames ?? [], percentiles: config.percentiles, registers: config.registers });
  }

  /** The histogram of one label set, created on first use; callers keep it (no label lookup per update). */
  histogram(labels: Partial<Record<L, string>> = {}): YammerHistogram {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, histogram: new YammerHistogram() };
      this.series.set(key, s);
    }
    return s.histogram;
  }

  override get(): ReturnType<Summary<L>['get']> {
    const { name, help, percentiles } = this.config;
    const values: Array<{ labels: Partial<Record<string, string | number>>; value: number; metricName?: string }> = [];
    for (const { labels, histogram } of this.series.values()) {
      histogram.quantiles(percentiles).forEach((value, i) => values.push({ labels: { quantile: percentiles[i], ...labels }, value }));
      values.push({ metricName: `${name}_sum`, labels, value: histogram.sum });
      values.push({ metricName: `${name}_count`, labels, value: histogram.count });
    }
    return Promise.resolve({ name, help, type: 'summary', aggregator: 'sum', values }) as unknown as ReturnType<Summary<L>['get']>;
  }
}
