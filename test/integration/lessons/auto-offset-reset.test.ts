/** Issue 14: the auto-offset-reset lesson passes: earliest reads the old messages, latest only new ones, none errors. */
import { expect } from 'chai';
import { commandsShown, expectLessonPasses } from './lessonRunner';

describe('integration: lesson auto-offset-reset', function () {
  this.timeout(60_000);

  it('--check passes', async () => {
    const run = await expectLessonPasses('auto-offset-reset');
    const cmds = commandsShown(run);
    for (const reset of ['earliest', 'latest']) expect(cmds.some((c) => c.includes(`auto.offset.reset=${reset}`))).to.equal(true);
    expect(cmds.some((c) => c.startsWith('kcat ') && c.includes('auto.offset.reset=error'))).to.equal(true);
    expect(run.output).to.contain('no previously committed offset available');
  });
});
