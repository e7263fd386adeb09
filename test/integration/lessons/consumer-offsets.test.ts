/** Issue 14: the consumer-offsets lesson passes and reads the group's offsets from __consumer_offsets-<abs(hash) % 50>. */
import { expect } from 'chai';
import { offsetsPartitionFor } from '../../../src/lessons/groups';
import { commandsShown, expectLessonPasses } from './lessonRunner';

describe('integration: lesson consumer-offsets', function () {
  this.timeout(60_000);

  it('Java hashCode partitioning matches Kafka for known group ids', () => {
    // "test-group".hashCode() = 627841412; "".hashCode() = 0; "ab".hashCode() = 97 * 31 + 98 = 3105.
    expect(offsetsPartitionFor('')).to.equal(0);
    expect(offsetsPartitionFor('test-group')).to.equal(12);
    expect(offsetsPartitionFor('ab')).to.equal(3105 % 50);
    expect(offsetsPartitionFor('polygenelubricants')).to.equal(0); // hashCode is Integer.MIN_VALUE: Utils.abs gives 0
  });

  it('--check passes and shows the offsets formatter on the right partition', async () => {
    const run = await expectLessonPasses('consumer-offsets');
    const reader = commandsShown(run).find((c) => c.includes('OffsetsMessageFormatter'));
    const m = /--partition (\d+)/.exec(reader ?? '');
    expect(m, 'the offsets formatter command').to.not.equal(null);
    const group = /\[(billing-[0-9a-f]+),payments-[0-9a-f]+,0\]::OffsetAndMetadata\(offset=10,/.exec(run.output);
    expect(group, 'an offset record of the group').to.not.equal(null);
    expect(Number(m![1])).to.equal(offsetsPartitionFor(group![1]));
  });
});
