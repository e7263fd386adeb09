import { expect } from 'chai';
import { Registry } from 'prom-client';
import { YammerHistogram, YammerSummary } from '../../../../src/server/metrics/YammerHistogram';

describe("YammerHistogram (Kafka's histograms: Yammer's exponentially decaying reservoir)", () => {
  it("counts, sums and answers Yammer Snapshot's interpolated quantiles while the sample holds every value", () => {
    const h = new YammerHistogram(() => 0);
    for (let v = 1; v <= 100; v++) h.update(v);
    expect(h.count).to.equal(100);
    expect(h.sum).to.equal(5050);
    // Snapshot.getValue: position q * (n + 1) over the sorted values, interpolated.
    const [p50, p75, p99, p999] = h.quantiles([0.5, 0.75, 0.99, 0.999]);
    expect(p50).to.equal(50.5);
    expect(p75).to.equal(75.75);
    expect(p99).to.be.closeTo(99.99, 1e-9);
    expect(p999).to.equal(100);
    expect(h.quantiles([0.001])).to.deep.equal([1]);
  });

  it('answers 0 before any update', () => {
    expect(new YammerHistogram(() => 0).quantiles([0.5, 0.999])).to.deep.equal([0, 0]);
  });

  it('keeps 1028 values and favours recent ones (forward decay, alpha 0.015)', () => {
    let now = 1000;
    const h = new YammerHistogram(() => now);
    for (let i = 0; i < 5000; i++) h.update(1);
    now += 600; // ten minutes later: a new value weighs e^9 times an old one
    for (let i = 0; i < 5000; i++) h.update(100);
    expect(h.count).to.equal(10000);
    expect(h.quantiles([0.5, 0.05])).to.deep.equal([100, 100]);
  });

  it('rescales its priorities after an hour and keeps sampling', () => {
    let now = 0;
    const h = new YammerHistogram(() => now);
    for (let i = 0; i < 2000; i++) h.update(5);
    now += 7200;
    for (let i = 0; i < 2000; i++) h.update(7);
    now += 60;
    for (let i = 0; i < 2000; i++) h.update(7);
    expect(h.quantiles([0.5])).to.deep.equal([7]);
    expect(Number.isFinite(h.sum)).to.equal(true);
  });

  it('prints as a Prometheus summary with quantile labels, _sum and _count', async () => {
    const registry = new Registry();
    const s = new YammerSummary<'request'>({ name: 'x_totaltimems', help: 'h', labelNames: ['request'], percentiles: [0.5, 0.999], registers: [registry] });
    const h = s.histogram({ request: 'Produce' });
    expect(s.histogram({ request: 'Produce' })).to.equal(h);
    h.update(4);
    h.update(6);
    const text = await registry.metrics();
    expect(text).to.include('# TYPE x_totaltimems summary');
    expect(text).to.include('x_totaltimems{quantile="0.5",request="Produce"} 5');
    expect(text).to.include('x_totaltimems{quantile="0.999",request="Produce"} 6');
    expect(text).to.include('x_totaltimems_sum{request="Produce"} 10');
    expect(text).to.include('x_totaltimems_count{request="Produce"} 2');
  });
});
