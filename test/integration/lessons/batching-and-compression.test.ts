/** Issue 14: batching-and-compression passes on its own private cluster and prints its side-by-side table. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson batching-and-compression', function () {
  this.timeout(90_000);

  it('--check: batches of one record, full batches, small batches and three codecs, with their bytes on disk', async () => {
    const run = await expectLessonPasses('batching-and-compression', 80_000);
    const row = (name: string): { batches: number; perBatch: number; bytes: number } => {
      const m = new RegExp(`^${name}\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d,]+)\\s+[\\d,]+$`, 'm').exec(run.output);
      expect(m, `no table row for ${name}`).to.not.equal(null);
      return { batches: Number(m![1]), perBatch: Number(m![2]), bytes: Number(m![3].replace(/,/g, '')) };
    };
    expect(row('one-per-batch').batches).to.equal(5000);
    expect(row('batched').perBatch).to.be.greaterThan(row('small-batches').perBatch);
    for (const codec of ['lz4', 'zstd', 'gzip']) expect(row(codec).bytes).to.be.lessThan(row('batched').bytes);
    // kafka-dump-log shows the codec the producer chose, stored as is.
    expect(run.output).to.match(/compresscodec: lz4/);
    expect(run.output).to.match(/compresscodec: zstd/);
  });
});
