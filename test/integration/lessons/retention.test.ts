import { expect } from 'chai';
import * as fs from 'fs';
import { checkLesson, outputOf, removeTmp } from './support/checkLesson';

describe('lesson retention', function () {
  this.timeout(120_000);

  it('--check passes: retention.ms and retention.bytes delete the oldest segments and move the log start offset', async () => {
    const run = await checkLesson('retention', 110_000);
    try {
      expect(run.lines[run.lines.length - 1], run.output).to.equal('lesson retention: passed');
      expect(run.code, run.output).to.equal(0);
      // As a learner reads it with kafka-get-offsets: the start moved, the end did not.
      const earliest = Number(/:0:(\d+)$/.exec(outputOf(run, /--topic retention-time-demo --time earliest/)[0])![1]);
      const latest = Number(/:0:(\d+)$/.exec(outputOf(run, /--topic retention-time-demo --time latest/)[0])![1]);
      expect(earliest).to.be.greaterThan(0).and.at.most(20);
      expect(latest).to.equal(40);
      const bytesStart = Number(/:0:(\d+)$/.exec(outputOf(run, /--topic retention-bytes-demo --time earliest/)[0])![1]);
      expect(bytesStart).to.be.greaterThan(0);
      expect(fs.readdirSync(run.tmpDir)).to.deep.equal([]);
    } finally {
      removeTmp(run);
    }
  });
});
