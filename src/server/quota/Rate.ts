/**
 * The measuring half of Kafka's client metrics for quotas: org.apache.kafka.common.metrics.stats.Rate over a
 * WindowedSum (SampledStat), with the quota check of Sensor.checkQuotas and the throttle time of QuotaUtils.
 * Every method takes the time explicitly so tests drive it with a fake clock.
 */

/** MetricConfig's quota part: `samples` windows of `timeWindowMs` each, and the upper bound. */
export interface QuotaMetricConfig {
  samples: number;
  timeWindowMs: number;
  /** Quota.upperBound: the measured rate may not exceed it. */
  bound: number;
}

class Sample {
  value = 0;
  eventCount = 0;
  constructor(public lastWindowMs: number) {}

  reset(now: number): void {
    this.value = 0;
    this.eventCount = 0;
    this.lastWindowMs = now;
  }
}

/** Rate(TimeUnit.SECONDS, WindowedSum): the sum of the retained samples divided by the window they span, per second. */
export class Rate {
  private readonly samples: Sample[] = [];
  private current = 0;

  /** SampledStat.record: a new sample when the current one's window is over (eventWindow is unbounded for quotas). */
  record(config: QuotaMetricConfig, value: number, timeMs: number): void {
    let sample = this.currentSample(timeMs);
    if (timeMs - sample.lastWindowMs >= config.timeWindowMs) sample = this.advance(config, timeMs);
    sample.value += value;
    sample.eventCount += 1;
  }

  /** Rate.measure: units per second. */
  measure(config: QuotaMetricConfig, now: number): number {
    this.purgeObsoleteSamples(config, now);
    let total = 0;
    for (const s of this.samples) total += s.value;
    return total / (this.windowSize(config, now) / 1000);
  }

  /**
   * Rate.windowSize: from the oldest retained sample to now, but never less than samples-1 full windows (so a
   * burst right after start-up is spread over the whole quota window), and at least 1 ms.
   */
  windowSize(config: QuotaMetricConfig, now: number): number {
    this.purgeObsoleteSamples(config, now);
    let elapsed = now - this.oldest(now).lastWindowMs;
    const fullWindows = Math.floor(elapsed / config.timeWindowMs);
    const minFullWindows = config.samples - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * config.timeWindowMs;
    return Math.max(elapsed, 1);
  }

  private currentSample(timeMs: number): Sample {
    if (this.samples.length === 0) this.samples.push(new Sample(timeMs));
    return this.samples[this.current];
  }

  private advance(config: QuotaMetricConfig, timeMs: number): Sample {
    this.current = (this.current + 1) % config.samples;
    if (this.current >= this.samples.length) {
      const s = new Sample(timeMs);
      this.samples.push(s);
      return s;
    }
    const s = this.samples[this.current];
    s.reset(timeMs);
    return s;
  }

  private oldest(now: number): Sample {
    if (this.samples.length === 0) this.samples.push(new Sample(now));
    let oldest = this.samples[0];
    for (const s of this.samples) if (s.lastWindowMs < oldest.lastWindowMs) oldest = s;
    return oldest;
  }

  /** SampledStat.purgeObsoleteSamples: samples older than the whole quota window start over. */
  private purgeObsoleteSamples(config: QuotaMetricConfig, now: number): void {
    const expireAge = config.samples * config.timeWindowMs;
    for (const s of this.samples) if (now - s.lastWindowMs >= expireAge) s.reset(now);
  }
}

/**
 * QuotaUtils.throttleTime: with O the observed rate and T the quota over a window W, the delay X that brings
 * O * W / (W + X) down to T is X = (O - T) / T * W, W being the precise window of the rate calculation.
 */
export function throttleTimeMs(value: number, bound: number, windowSizeMs: number): number {
  return Math.round(((value - bound) / bound) * windowSizeMs);
}

/**
 * Sensor.record(value, timeMs, checkQuotas=true) + ClientQuotaManager.throttleTime: records the value and, when the
 * rate is then above the bound, answers the throttle time (capped at maxThrottleTimeMs), else 0.
 */
export function recordAndGetThrottleTime(rate: Rate, config: QuotaMetricConfig, value: number, timeMs: number, maxThrottleTimeMs: number): number {
  rate.record(config, value, timeMs);
  const measured = rate.measure(config, timeMs);
  // Quota.acceptable for an upper bound: value <= bound.
  if (measured <= config.bound) return 0;
  const t = Math.min(throttleTimeMs(measured, config.bound, rate.windowSize(config, timeMs)), maxThrottleTimeMs);
  // throttle_time_ms is an int32 on the wire; a quota of 0 gives an infinite time: the longest one there is.
  return Number.isFinite(t) ? Math.min(t, MAX_THROTTLE_TIME_MS) : MAX_THROTTLE_TIME_MS;
}

/** The largest throttle_time_ms a response can carry (int32). */
export const MAX_THROTTLE_TIME_MS = 2 ** 31 - 1;
