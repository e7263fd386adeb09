/** Issue 14: the poll-timeout lesson passes: a consumer stuck past max.poll.interval.ms loses its partitions. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson poll-timeout', function () {
  this.timeout(60_000);

  it('--check passes: fast-worker owns both partitions after about max.poll.interval.ms', async () => {
    const run = await expectLessonPasses('poll-timeout');
    const m = /Assignment: fast-worker: \[0,1\] after ([\d.]+) s/.exec(run.output);
    expect(m, 'the reassignment').to.not.equal(null);
    expect(Number(m![1])).to.be.within(7, 30);
  });
});
