import { expect } from 'chai';
import type { Partition } from '../../../src/cluster/Partition';
import { getLogger } from '../../../src/common/logger';
import { LeaderEpochFileCache } from '../../../src/log/LeaderEpochFileCache';
import { ErrorCode } from '../../../src/protocol/errors';
import { divergingEpoch, FetchParams, FetchPartitionRequest, readFromLocalLog } from '../../../src/server/LocalLogReader';

/**
 * A partition as the fetch path sees it: epochs 0@0, 2@50, 5@80 (KIP-320 example shape), log 10..100,
 * high watermark 90; log.read hands back one fake chunk.
 */
function fakePartition(opts: { leader?: boolean; leaderEpoch?: number } = {}): Partition {
  const cache = new LeaderEpochFileCache('/nonexistent');
  cache.assignNoFlush(0, 0);
  cache.assignNoFlush(2, 50);
  cache.assignNoFlush(5, 80);
  const leader = opts.leader ?? true;
  return {
    key: 't-0',
    leaderEpoch: opts.leaderEpoch ?? 5,
    isLeader: () => leader,
    logStartOffset: 10,
    logEndOffset: 100,
    highWatermark: 90,
    log: {
      leaderEpochCache: cache,
      read: (_offset: number, _max: number, maxOffset: number) => ({ records: [Buffer.from(`upto${maxOffset}`)], sizeInBytes: 10 }),
    },
  } as unknown as Partition;
}

function request(fetchOffset: number, lastFetchedEpoch: number, currentLeaderEpoch = -1): FetchPartitionRequest {
  return { topic: 't', partition: 0, fetchOffset, partitionMaxBytes: 1000, currentLeaderEpoch, lastFetchedEpoch };
}

const params = (p: Partial<FetchParams> = {}): FetchParams => ({
  replicaId: 2,
  maxWaitMs: 0,
  minBytes: 1,
  maxBytes: 1000,
  hardMaxBytesLimit: false,
  fetchOnlyFromLeader: true,
  ...p,
});

const log = getLogger('test');

describe('LocalLogReader: the leader side of Fetch v12 (DivergingEpoch) and KIP-392 reads', () => {
  it('no last fetched epoch (before v12, or a consumer): no check', () => {
    expect(divergingEpoch(fakePartition(), request(95, -1))).to.equal(null);
  });

  it('a fetcher in step with the leader does not diverge', () => {
    expect(divergingEpoch(fakePartition(), request(100, 5))).to.equal(null); // latest epoch ends at the LEO
    expect(divergingEpoch(fakePartition(), request(70, 2))).to.equal(null); // epoch 2 ends at 80 >= 70
  });

  it('a fetch offset past where the leader ends that epoch: diverged at the epoch end', () => {
    expect(divergingEpoch(fakePartition(), request(85, 2))).to.deep.equal({ epoch: 2, endOffset: 80 });
    expect(divergingEpoch(fakePartition(), request(105, 5))).to.deep.equal({ epoch: 5, endOffset: 100 });
  });

  it('an epoch the leader never had: diverged at the end of the largest older epoch', () => {
    // Epochs 3 and 4 are unknown to the leader; epoch 2 is the largest below them and ends at 80.
    expect(divergingEpoch(fakePartition(), request(82, 4))).to.deep.equal({ epoch: 2, endOffset: 80 });
  });

  it('an epoch above every leader epoch, or a fetch offset below the log start: OFFSET_OUT_OF_RANGE', () => {
    expect(() => divergingEpoch(fakePartition(), request(95, 9)))
      .to.throw()
      .with.property('code', ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(() => divergingEpoch(fakePartition(), request(5, 5)))
      .to.throw()
      .with.property('code', ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('readFromLocalLog answers a diverged fetcher with the epoch, no records, and the current offsets', () => {
    const [r] = readFromLocalLog(() => fakePartition(), params(), [request(85, 2, 5)], log);
    expect([r.errorCode, r.divergingEpoch, r.sizeInBytes, r.highWatermark, r.logStartOffset]).to.deep.equal([0, { epoch: 2, endOffset: 80 }, 0, 90, 10]);
    expect(r.records).to.deep.equal([]);
  });

  it('the current_leader_epoch fence comes before the leadership check (Partition.getLocalLog)', () => {
    const follower = fakePartition({ leader: false, leaderEpoch: 5 });
    const read = (req: FetchPartitionRequest, p: Partial<FetchParams> = {}) => readFromLocalLog(() => follower, params(p), [req], log)[0];
    expect(read(request(20, -1, 4)).errorCode).to.equal(ErrorCode.FENCED_LEADER_EPOCH);
    expect(read(request(20, -1, 6)).errorCode).to.equal(ErrorCode.UNKNOWN_LEADER_EPOCH);
    expect(read(request(20, -1, 5)).errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // A v11+ consumer may read the follower, up to its high watermark.
    const c = read(request(20, -1, 5), { replicaId: -1, fetchOnlyFromLeader: false });
    expect([c.errorCode, c.records]).to.deep.equal([0, [Buffer.from('upto90')]]);
  });
});
