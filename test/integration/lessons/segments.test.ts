import { expect } from 'chai';
import * as fs from 'fs';
import { checkLesson, outputOf, removeTmp } from './support/checkLesson';

describe('lesson segments', function () {
  this.timeout(120_000);

  it('--check passes: the partition folder shows segments named by base offset, kafka-dump-log their batches', async () => {
    const run = await checkLesson('segments', 110_000);
    try {
      expect(run.lines[run.lines.length - 1], run.output).to.equal('lesson segments: passed');
      expect(run.code, run.output).to.equal(0);
      // The second `ls -l` of the partition folder (after producing) lists several segments, each with its indexes.
      const listings = run.lines.map((l, i) => (/^(\$ )?ls -l .*segments-demo-0$/.test(l) ? i : -1)).filter((i) => i >= 0);
      expect(listings).to.have.length(2);
      const after = run.lines.slice(listings[1] + 1).filter((l) => /\d{20}\.(log|index|timeindex)$/.test(l));
      const bases = [...new Set(after.map((l) => /(\d{20})\.\w+$/.exec(l)![1]))];
      expect(bases.length).to.be.at.least(3);
      for (const base of bases) for (const ext of ['log', 'index', 'timeindex']) expect(after.some((l) => l.endsWith(`${base}.${ext}`))).to.equal(true);
      // kafka-dump-log: every file starts with the batch whose base offset is in its name.
      const dump = outputOf(run, /kafka-dump-log --files \S+\.log,/);
      for (const base of bases) {
        const i = dump.findIndex((l) => l.startsWith('Dumping ') && l.endsWith(`${base}.log`));
        expect(i, `no dump of ${base}.log`).to.be.at.least(0);
        const firstBatch = dump.slice(i).find((l) => l.startsWith('baseOffset: '));
        expect(firstBatch).to.match(new RegExp(`^baseOffset: ${Number(base)} `));
      }
      expect(outputOf(run, /kafka-get-offsets/)).to.deep.equal(['segments-demo:0:60']);
      expect(fs.readdirSync(run.tmpDir)).to.deep.equal([]);
    } finally {
      removeTmp(run);
    }
  });
});
