/** Issue 14: sync-vs-async passes on its own private cluster and prints both times and the ratio. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson sync-vs-async', function () {
  this.timeout(120_000);

  it('--check: 10,000 pipelined sends are at least 10x faster than 10,000 sends waiting for each acknowledgement', async () => {
    const run = await expectLessonPasses('sync-vs-async', 110_000);
    const seconds = (label: string): number => Number(new RegExp(`^${label}\\s*: ([\\d.]+) s$`, 'm').exec(run.output)?.[1]);
    const sync = seconds('one by one');
    const pipelined = seconds('pipelined');
    const ratio = Number(/^ratio\s*: ([\d.]+)x/m.exec(run.output)?.[1]);
    expect(sync).to.be.greaterThan(0);
    expect(pipelined).to.be.greaterThan(0);
    expect(ratio).to.be.at.least(10);
    // The printed ratio is the printed times' ratio (up to their rounding).
    expect(Math.abs(ratio - sync / pipelined) / ratio).to.be.lessThan(0.25);
    expect(run.output).to.match(/^sync-vs-async-\w+:0:22001$/m);
  });
});
