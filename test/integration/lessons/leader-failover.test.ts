import { expect } from 'chai';
import * as fs from 'fs';
import { checkLesson, outputOf, removeTmp } from './support/checkLesson';

describe('lesson leader-failover', function () {
  this.timeout(150_000);

  it('--check kills the leader on a private cluster and passes: leader_epoch rises, the ISR shrinks and grows back', async () => {
    const run = await checkLesson('leader-failover', 140_000);
    try {
      expect(run.lines[run.lines.length - 1], run.output).to.equal('lesson leader-failover: passed');
      expect(run.code, run.output).to.equal(0);
      // The learner sees the state znode before and after, as zkCli prints it.
      const states = run.lines
        .map((l, i) =>
          /(zookeeper-shell|zkCli\.sh) .* get \/brokers\/topics\/failover-demo\/partitions\/0\/state$/.test(l)
            ? run.lines.slice(i + 1).find((x) => x.startsWith('{'))
            : undefined,
        )
        .filter((l): l is string => l !== undefined)
        .map((l) => JSON.parse(l) as { leader: number; leader_epoch: number; isr: number[] });
      expect(states.length).to.be.at.least(3);
      expect(states[0].isr).to.have.length(3);
      expect(states[1].leader).to.not.equal(states[0].leader);
      expect(states[1].leader_epoch).to.be.greaterThan(states[0].leader_epoch);
      expect(states[1].isr).to.have.length(2);
      expect(states[states.length - 1].leader).to.equal(states[0].leader);
      expect(outputOf(run, /kcat .* -C /).filter((l) => l.startsWith('message-'))).to.have.length(20);
      // Nothing of the private cluster is left in TMPDIR.
      expect(fs.readdirSync(run.tmpDir)).to.deep.equal([]);
    } finally {
      removeTmp(run);
    }
  });
});
