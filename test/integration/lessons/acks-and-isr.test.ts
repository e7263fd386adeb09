/** Issue 14: acks-and-isr passes on its own private cluster; the refusal is Kafka's NOT_ENOUGH_REPLICAS. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';
import { outputOf } from './support/lessonOutput';

describe('integration: lesson acks-and-isr', function () {
  this.timeout(120_000);

  it('--check: acks=all is refused with NOT_ENOUGH_REPLICAS once two of three brokers are down, acks=1 and 0 are not', async () => {
    const run = await expectLessonPasses('acks-and-isr', 110_000);
    expect(run.output).to.contain('Messages are rejected since there are fewer in-sync replicas than required');
    expect(run.output).to.contain('kafkajs producer.send({ acks: -1 }): NOT_ENOUGH_REPLICAS');
    expect(outputOf(run, /--under-min-isr-partitions/)[0]).to.match(/Partition: 0\s+Leader: \d+\s+Replicas: [\d,]+\s+Isr: \d+$/);
    // The log as a consumer read it after the refusals: the refused acks=all records are not in it.
    const read = run.lines.filter((l) => /^\d+ written/.test(l));
    expect(read.some((l) => l.includes('acks=all and 1 replica'))).to.equal(false);
    expect(read.some((l) => l.includes('acks=1 and 1 replica'))).to.equal(true);
    expect(read.some((l) => l.includes('acks=0 and 1 replica'))).to.equal(true);
  });
});
