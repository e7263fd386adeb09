/** Issue 14: the session-timeout lesson passes: a SIGKILLed kcat is evicted after session.timeout.ms, not before. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson session-timeout', function () {
  this.timeout(60_000);

  it('--check passes and the eviction came after the session timeout', async () => {
    const run = await expectLessonPasses('session-timeout');
    const m = /doomed was evicted ([\d.]+) s after the kill \(session\.timeout\.ms=(\d+), heartbeats every (\d+) ms\)/.exec(run.output);
    expect(m, 'the eviction time').to.not.equal(null);
    expect(Number(m![1]) * 1000).to.be.at.least(Number(m![2]) - Number(m![3]) - 250);
    expect(run.lines.some((l) => l.startsWith('$ kcat ') && l.endsWith('&'))).to.equal(true);
  });
});
