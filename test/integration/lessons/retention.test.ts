/** Issue 14: retention passes on its own private cluster; kafka-get-offsets shows the log start offset moving. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';
import { outputOf } from './support/lessonOutput';

function offset(lines: string[]): number {
  const m = /:0:(\d+)$/.exec(lines[0] ?? '');
  expect(m, `no offset in ${lines.join('\n')}`).to.not.equal(null);
  return Number(m![1]);
}

describe('integration: lesson retention', function () {
  this.timeout(90_000);

  it('--check: retention.ms and retention.bytes delete the oldest segments and move the log start offset', async () => {
    const run = await expectLessonPasses('retention', 80_000);
    const earliest = offset(outputOf(run, /--topic retention-time-demo-\w+ --time earliest/));
    const latest = offset(outputOf(run, /--topic retention-time-demo-\w+ --time latest/));
    expect(earliest).to.be.greaterThan(0).and.at.most(20);
    expect(latest).to.equal(40);
    expect(offset(outputOf(run, /--topic retention-bytes-demo-\w+ --time earliest/))).to.be.greaterThan(0);
  });
});
