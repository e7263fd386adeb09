/** Issue 14: segments passes on its own private cluster; ls and kafka-dump-log show segments named by base offset. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';
import { outputOf } from './support/lessonOutput';

describe('integration: lesson segments', function () {
  this.timeout(90_000);

  it('--check: the partition folder shows segments named by base offset, kafka-dump-log their batches', async () => {
    const run = await expectLessonPasses('segments', 80_000);
    // The second `ls -l` of the partition folder (after producing) lists several segments, each with its indexes.
    const listings = run.lines.map((l, i) => (/^(\$ )?ls -l .*segments-demo-\w+-0$/.test(l) ? i : -1)).filter((i) => i >= 0);
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
      expect(dump.slice(i).find((l) => l.startsWith('baseOffset: '))).to.match(new RegExp(`^baseOffset: ${Number(base)} `));
    }
    expect(outputOf(run, /kafka-get-offsets/)[0]).to.match(/^segments-demo-\w+:0:60$/);
  });
});
