/** Issue 14: the partitions-and-consumers lesson passes on its own private cluster and shows the learner's commands. */
import { expect } from 'chai';
import { commandsShown, expectLessonPasses } from './lessonRunner';

describe('integration: lesson partitions-and-consumers', function () {
  this.timeout(60_000);

  it('--check passes: 2/1, then 1/1/1, then one idle member', async () => {
    const run = await expectLessonPasses('partitions-and-consumers');
    const cmds = commandsShown(run);
    expect(cmds.some((c) => /^bin\/kafka-topics --bootstrap-server \S+ --create --topic \S+ --partitions 3/.test(c))).to.equal(true);
    expect(cmds.filter((c) => c.startsWith('bin/kafka-consumer-groups ')).length).to.equal(3);
    expect(run.output).to.match(/consumer-4: \[\]/);
  });
});
