/** Issue 14: the manual-commit lesson passes: a restarted consumer re-reads 6..9, another group reads 0..9. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson manual-commit', function () {
  this.timeout(60_000);

  it('--check passes', async () => {
    const run = await expectLessonPasses('manual-commit');
    expect(run.output).to.match(/invoicing-\S+ +invoices-\S+ +0 +6 +10 +4/);
    expect(run.output).to.contain('consumer-1-restarted read: 6:invoice-6 7:invoice-7 8:invoice-8 9:invoice-9');
  });
});
