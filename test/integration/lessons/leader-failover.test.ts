/** Issue 14: leader-failover passes on its own private cluster; the learner sees the state znode change. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';
import { outputOf, zkGets } from './support/lessonOutput';

describe('integration: lesson leader-failover', function () {
  this.timeout(120_000);

  it('--check kills the leader: leader_epoch rises, the ISR shrinks and grows back, no message is lost', async () => {
    const run = await expectLessonPasses('leader-failover', 110_000);
    const states = zkGets(run, /^\/brokers\/topics\/failover-demo-\w+\/partitions\/0\/state$/).map(
      (l) => JSON.parse(l) as { leader: number; leader_epoch: number; isr: number[] },
    );
    expect(states.length).to.be.at.least(4);
    expect(states[0].isr).to.have.length(3);
    expect(states[1].leader).to.not.equal(states[0].leader);
    expect(states[1].leader_epoch).to.be.greaterThan(states[0].leader_epoch);
    expect(states[1].isr).to.have.length(2);
    expect(states[2].isr).to.have.length(3);
    expect(states[states.length - 1].leader).to.equal(states[0].leader);
    expect(outputOf(run, /^\$ kcat .* -C /).filter((l) => l.startsWith('message-'))).to.have.length(20);
  });
});
