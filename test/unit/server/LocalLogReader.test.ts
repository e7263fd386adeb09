import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Partition as RealPartition } from '../../../src/cluster/Partition';
import type { Partition } from '../../../src/cluster/Partition';
import { buildEndTxnMarkerBatch } from '../../../src/log/EndTransactionMarker';
import { Log } from '../../../src/log/Log';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { ControlRecordType } from '../../../src/protocol/messages/ControlRecords';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { validateBatches } from '../../../src/protocol/records/RecordBatch';
import { getLogger } from '../../../src/common/logger';
import { LeaderEpochFileCache } from '../../../src/log/LeaderEpochFileCache';
import { ErrorCode } from '../../../src/protocol/errors';
import { divergingEpoch, FetchParams, FetchPartitionRequest, hasFetchableData, readFromLocalLog } from '../../../src/server/LocalLogReader';

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

describe('LocalLogReader: read_committed (FetchIsolation.TXN_COMMITTED) on a real log', () => {
  let root: string;
  let p: RealPartition;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'llr-'));
    p = new RealPartition('t', 0, 1, Log.open(path.join(root, 't-0'), 't', 0, defaultLogConfig()));
    p.leaderReplicaId = 1;
    p.leaderEpoch = 0;
    p.isr = [1];
  });
  afterEach(() => {
    p.log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const T = 1700000000000;
  const txn = (pid: number, seq: number, values: string[]) =>
    buildRecordBatch({
      records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: T })),
      producerId: pid,
      producerEpoch: 0,
      baseSequence: seq,
      isTransactional: true,
    });
  const end = (pid: number, commit: boolean) =>
    buildEndTxnMarkerBatch(pid, 0, { type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch: 0 });
  function append(records: Buffer, origin: 'client' | 'coordinator' = 'client'): number {
    const info = p.appendRecordsToLeader(records, -1, 1, origin);
    p.maybeIncrementLeaderHW();
    return info.firstOffset;
  }
  const consumer = (isolationLevel: number): FetchParams => params({ replicaId: -1, isolationLevel });

  it('reads below the LSO only, with the aborted transactions of the read; read_uncommitted to the HW with null', () => {
    append(txn(1, 0, ['a1', 'a2'])); // 0-1
    append(end(1, false), 'coordinator'); // 2
    const open = append(txn(2, 0, ['o1'])); // 3
    expect(p.highWatermark).to.equal(4);
    expect(p.lastStableOffset).to.equal(open);
    const [rc] = readFromLocalLog(() => p, consumer(1), [request(0, -1)], log);
    expect(rc.lastStableOffset).to.equal(open);
    expect(rc.highWatermark).to.equal(4);
    const offsets = validateBatches(Buffer.concat(rc.records!), { client: false }).map((b) => b.lastOffset);
    expect(offsets).to.deep.equal([1, 2]); // stops before the open transaction
    expect(rc.abortedTransactions).to.deep.equal([{ producerId: 1, firstOffset: 0 }]);
    const [ru] = readFromLocalLog(() => p, consumer(0), [request(0, -1)], log);
    expect(validateBatches(Buffer.concat(ru.records!), { client: false }).map((b) => b.lastOffset)).to.deep.equal([1, 2, 3]);
    expect(ru.abortedTransactions).to.equal(null);
    // At the LSO: nothing to read yet, an empty list; a parked fetch there waits (hasFetchableData false).
    const [atLso] = readFromLocalLog(() => p, consumer(1), [request(open, -1)], log);
    expect([atLso.errorCode, atLso.sizeInBytes, atLso.abortedTransactions]).to.deep.equal([0, 0, []]);
    expect(hasFetchableData(p, consumer(1), request(open, -1))).to.equal(false);
    expect(hasFetchableData(p, consumer(0), request(open, -1))).to.equal(true);
    append(end(2, true), 'coordinator');
    expect(p.lastStableOffset).to.equal(5);
    expect(hasFetchableData(p, consumer(1), request(open, -1))).to.equal(true);
  });
});
