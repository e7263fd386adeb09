/** Issue 14: controller-failover passes on its own private cluster; /controller and /controller_epoch as zkCli shows them. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';
import { zkGets } from './support/lessonOutput';

describe('integration: lesson controller-failover', function () {
  this.timeout(120_000);

  it('--check kills then stops the controller: /controller moves and /controller_epoch rises each time', async () => {
    const run = await expectLessonPasses('controller-failover', 110_000);
    const controllers = zkGets(run, /^\/controller$/).map((l) => (JSON.parse(l) as { brokerid: number }).brokerid);
    const epochs = zkGets(run, /^\/controller_epoch$/).map(Number);
    expect(controllers.length).to.equal(4);
    expect(epochs.length).to.equal(4);
    // at first, after the SIGKILL, after the killed broker returned (unchanged), after the SIGTERM
    expect(controllers[1]).to.not.equal(controllers[0]);
    expect(epochs[1]).to.be.greaterThan(epochs[0]);
    expect(controllers[2]).to.equal(controllers[1]);
    expect(epochs[2]).to.equal(epochs[1]);
    expect(controllers[3]).to.not.equal(controllers[2]);
    expect(epochs[3]).to.be.greaterThan(epochs[2]);
  });
});
