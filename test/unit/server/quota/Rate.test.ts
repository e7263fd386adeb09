import { expect } from 'chai';
import { Rate, recordAndGetThrottleTime, throttleTimeMs } from '../../../../src/server/quota/Rate';

/** Kafka's defaults: quota.window.num=11, quota.window.size.seconds=1. */
const cfg = (bound: number) => ({ samples: 11, timeWindowMs: 1000, bound });

describe('quota Rate (Kafka Rate over a WindowedSum, fake clock)', () => {
  it('spreads what was recorded over at least samples-1 windows (Rate.windowSize)', () => {
    const r = new Rate();
    r.record(cfg(1000), 5000, 0);
    // 5000 bytes at t=0: the window counts as 10 full seconds, so 500 B/s.
    expect(r.windowSize(cfg(1000), 0)).to.equal(10_000);
    expect(r.measure(cfg(1000), 0)).to.equal(500);
    // 4.5 s later: 4 full windows elapsed, 6 more are added (10.5 s); after 10 s it is the real elapsed time.
    expect(r.windowSize(cfg(1000), 4500)).to.equal(10_500);
    r.record(cfg(1000), 0, 10_500);
    expect(r.windowSize(cfg(1000), 10_500)).to.equal(10_500);
  });

  it('forgets samples older than samples x window (purgeObsoleteSamples)', () => {
    const r = new Rate();
    r.record(cfg(1000), 8000, 0);
    expect(r.measure(cfg(1000), 10_999)).to.be.greaterThan(0);
    expect(r.measure(cfg(1000), 11_000)).to.equal(0);
  });

  it('throttle time is (O - T) / T x W (QuotaUtils.throttleTime)', () => {
    expect(throttleTimeMs(1500, 1000, 10_000)).to.equal(5000);
    expect(throttleTimeMs(1000.4, 1000, 1000)).to.equal(0);
    const r = new Rate();
    expect(recordAndGetThrottleTime(r, cfg(1000), 10_000, 0, Infinity)).to.equal(0); // exactly 1000 B/s: acceptable
    // 15000 bytes over the 10 s minimum window = 1500 B/s: 5 s to come back to 1000 B/s.
    expect(recordAndGetThrottleTime(r, cfg(1000), 5000, 0, Infinity)).to.equal(5000);
  });

  it('the throttle time is capped by maxThrottleTimeMs (ClientRequestQuotaManager: one window)', () => {
    const r = new Rate();
    expect(recordAndGetThrottleTime(r, cfg(10), 1000, 0, 1000)).to.equal(1000);
  });

  it('a negative recording takes the value back (unrecordQuotaSensor)', () => {
    const r = new Rate();
    r.record(cfg(1000), 4000, 0);
    r.record(cfg(1000), 6000, 100);
    r.record(cfg(1000), -6000, 100);
    // 4000 bytes over the 10.1 s window.
    expect(r.measure(cfg(1000), 100)).to.be.closeTo(4000 / 10.1, 1e-9);
  });

  it('rolls to a new sample per window and reuses the oldest after `samples` windows', () => {
    const r = new Rate();
    for (let t = 0; t < 30_000; t += 500) r.record(cfg(1000), 500, t);
    // A steady 1000 B/s: the retained window measures close to it.
    const m = r.measure(cfg(1000), 29_999);
    expect(m).to.be.within(900, 1100);
  });

  it('a quota of 0 throttles for the longest int32 time rather than Infinity', () => {
    const r = new Rate();
    expect(recordAndGetThrottleTime(r, cfg(0), 1, 0, Number.MAX_SAFE_INTEGER)).to.equal(2 ** 31 - 1);
    expect(recordAndGetThrottleTime(new Rate(), cfg(1), 1e15, 0, Number.MAX_SAFE_INTEGER)).to.equal(2 ** 31 - 1);
  });
});
