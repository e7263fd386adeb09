/** Issue 14: batching-and-compression passes on its own private cluster and prints its side-by-side table. */
import { expect } from 'chai';
import { expectLessonPasses } from './lessonRunner';

describe('integration: lesson batching-and-compression', function () {
  this.timeout(120_000);

  it('--check: linger.ms 0 against 50 on a trickle of records, full and small batches, three codecs, with their bytes on disk', async () => {
    const run = await expectLessonPasses('batching-and-compression', 110_000);
    const row = (name: string): { records: number; batches: number; perBatch: number; bytes: number; latency: string } => {
      const m = new RegExp(`^${name}\\s+(\\d+)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d,]+)\\s+[\\d,]+\\s+([\\d.]+|-)$`, 'm').exec(run.output);
      expect(m, `no table row for ${name}`).to.not.equal(null);
      return { records: Number(m![1]), batches: Number(m![2]), perBatch: Number(m![3]), bytes: Number(m![4].replace(/,/g, '')), latency: m![5] };
    };
    // The learner sees the script and the command that runs it.
    expect(run.output).to.match(/^\$ cat \S+\/produce\.py$/m);
    expect(run.output).to.contain("producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': linger_ms, 'acks': 'all'})");
    expect(run.output).to.match(/^\$ \S*python3 \S+\/produce\.py \S+ batching-linger-0-\w+ 0 1000 1$/m);
    const [l0, l50] = [row('linger-0'), row('linger-50')];
    expect(l0.records).to.equal(1000);
    expect(l50.perBatch).to.be.at.least(5 * l0.perBatch);
    expect(l0.bytes).to.be.greaterThan(l50.bytes);
    expect(l0.latency).to.match(/^[\d.]+$/);
    expect(row('batched').perBatch).to.be.greaterThan(row('small-batches').perBatch);
    expect(row('batched').latency).to.equal('-');
    for (const codec of ['lz4', 'zstd', 'gzip']) expect(row(codec).bytes).to.be.lessThan(row('batched').bytes);
    // kafka-dump-log shows the codec the producer chose, stored as is.
    expect(run.output).to.match(/compresscodec: lz4/);
    expect(run.output).to.match(/compresscodec: zstd/);
  });
});
