/** Issue 14: zk-vs-kraft --check passes on its own private ZooKeeper-mode and KRaft clusters and prints the side-by-side table. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';
import { outputOf } from './support/lessonOutput';

describe('integration: lesson zk-vs-kraft', function () {
  this.timeout(150_000);

  it('--check: a SIGKILLed leader moves to an in-sync replica in both modes; the KRaft controller is not a broker', async () => {
    const run = await expectLessonPasses('zk-vs-kraft', 140_000);
    // The KRaft partition after the failure, as kafka-topics prints it: two in-sync replicas, the dead leader gone.
    const describes = run.lines.filter((l) => /^\tTopic: zk-vs-kraft-\w+\tPartition: 0\t/.test(l));
    expect(describes).to.have.length(6); // each cluster before, after, and after the restart
    const parse = (l: string): { leader: string; isr: string[] } => {
      const m = /Leader: (\S+)\s+Replicas: \S+\s+Isr: (\S+)/.exec(l)!;
      return { leader: m[1], isr: m[2].split(',') };
    };
    const [zkBefore, kraftBefore, zkAfter, kraftAfter, zkAgain, kraftAgain] = describes.map(parse);
    for (const [before, after] of [
      [zkBefore, zkAfter],
      [kraftBefore, kraftAfter],
    ]) {
      expect(before.isr).to.have.length(3);
      expect(after.isr).to.have.length(2);
      expect(after.leader).to.not.equal(before.leader);
      expect(after.isr).to.not.include(before.leader);
    }
    // Both killed brokers were started again and are back in the ISR.
    expect(zkAgain.isr).to.have.length(3).and.to.include(zkBefore.leader);
    expect(kraftAgain.isr).to.have.length(3).and.to.include(kraftBefore.leader);
    const leaderId = Number(/^LeaderId:\s+(\d+)$/m.exec(outputOf(run, /kafka-metadata-quorum .* describe --status/).join('\n'))?.[1]);
    expect(leaderId).to.be.at.least(3000);
    expect(run.output).to.match(/^seen by a client after\s+[\d.]+ s\s+[\d.]+ s$/m);
  });
});
