/** Issue 14: compaction passes on its own private cluster; what a consumer reads before and after the cleaner. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

interface Rec {
  offset: number;
  key: string;
  value: string;
}

describe('integration: lesson compaction', function () {
  this.timeout(90_000);

  it('--check: one record per key survives at its original offset, the tombstone goes after delete.retention.ms', async () => {
    const run = await expectLessonPasses('compaction', 80_000);
    // Each `kcat -C ... -f '%o %k %s\n'` read: before compaction, after the first clean, after the tombstone went.
    const reads: Rec[][] = [];
    run.lines.forEach((l, i) => {
      if (!/^\$ kcat .* -C .*-f '%o %k %s\\n'$/.test(l)) return;
      const recs: Rec[] = [];
      for (let j = i + 1; j < run.lines.length && /^\d+ \S+ /.test(run.lines[j]); j++) {
        const [offset, key, ...value] = run.lines[j].split(' ');
        recs.push({ offset: Number(offset), key, value: value.join(' ') });
      }
      reads.push(recs);
    });
    expect(reads).to.have.length(3);
    const [before, after, final] = reads;
    const lastOf = (k: string): Rec => before.filter((r) => r.key === k).pop()!;
    for (const k of ['k1', 'k2', 'k4', 'k5']) {
      expect(after.filter((r) => r.key === k)).to.deep.equal([lastOf(k)]);
      expect(final.filter((r) => r.key === k)).to.deep.equal([lastOf(k)]);
    }
    expect(after.filter((r) => r.key === 'k3').map((r) => r.value)).to.deep.equal(['NULL']);
    expect(final.filter((r) => r.key === 'k3')).to.deep.equal([]);
    expect(after.length).to.be.lessThan(before.length);
  });
});
