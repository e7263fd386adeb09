import { expect } from 'chai';
import * as fs from 'fs';
import { checkLesson, outputOf, removeTmp } from './support/checkLesson';

describe('lesson acks-and-isr', function () {
  this.timeout(150_000);

  it('--check passes: acks=all is refused with NOT_ENOUGH_REPLICAS once two of three brokers are down, acks=1 and 0 are not', async () => {
    const run = await checkLesson('acks-and-isr', 140_000);
    try {
      expect(run.lines[run.lines.length - 1], run.output).to.equal('lesson acks-and-isr: passed');
      expect(run.code, run.output).to.equal(0);
      expect(run.output).to.contain('Messages are rejected since there are fewer in-sync replicas than required');
      expect(run.output).to.contain('kafkajs producer.send({ acks: -1 }): NOT_ENOUGH_REPLICAS');
      expect(outputOf(run, /--under-min-isr-partitions/).join('\n')).to.match(/Partition: 0\s+Leader: \d+\s+Replicas: [\d,]+\s+Isr: \d+$/);
      // The log as a consumer reads it after the refusals: the refused acks=all records are not in it.
      const lastRead = run.lines.filter((l) => /^\d+ written/.test(l));
      expect(lastRead.some((l) => l.includes('acks=all and 1 replica'))).to.equal(false);
      expect(lastRead.some((l) => l.includes('acks=1 and 1 replica'))).to.equal(true);
      expect(fs.readdirSync(run.tmpDir)).to.deep.equal([]);
    } finally {
      removeTmp(run);
    }
  });
});
