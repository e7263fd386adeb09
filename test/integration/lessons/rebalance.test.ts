/** Issue 14: the rebalance lesson passes: generations 1..4 stored in __consumer_offsets with 1, 2, 3, 2 members. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson rebalance', function () {
  this.timeout(60_000);

  it('--check passes and prints each assignment and the rising generations', async () => {
    const run = await expectLessonPasses('rebalance');
    expect(run.lines.filter((l) => l.startsWith('Assignment: ')).length).to.equal(4);
    const stored = run.lines.find((l) => l.startsWith('Generations stored: '));
    const gens = [...(stored ?? '').matchAll(/(\d+) \((\d+) members?\)/g)].map((m) => Number(m[1]));
    expect(gens.length).to.be.at.least(4);
    for (let i = 1; i < gens.length; i++) expect(gens[i]).to.be.greaterThan(gens[i - 1]);
  });
});
