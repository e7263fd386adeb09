import { expect } from 'chai';
import { DelayedFetch } from '../../../src/server/DelayedFetch';
import type { FetchParams, FetchPartitionRequest, FetchPartitionResult } from '../../../src/server/LocalLogReader';

const params = (minBytes: number): FetchParams => ({
  replicaId: -1,
  maxWaitMs: 500,
  minBytes,
  maxBytes: 1 << 20,
  hardMaxBytesLimit: false,
  fetchOnlyFromLeader: true,
});
const req = (partition: number): FetchPartitionRequest => ({
  topic: 't',
  partition,
  fetchOffset: 0,
  partitionMaxBytes: 1 << 20,
  currentLeaderEpoch: -1,
  lastFetchedEpoch: -1,
});

/** A replica manager stand-in: per partition, whether data is there and the bytes known without reading (null: unknown). */
function source(bytes: Array<number | null>, readBytes = 0) {
  const s = {
    reads: 0,
    bytes,
    hasFetchableData: (_p: FetchParams, r: FetchPartitionRequest) => s.bytes[r.partition] !== 0,
    fetchableBytes: (_p: FetchParams, r: FetchPartitionRequest) => s.bytes[r.partition],
    readFromLocalLog: (_p: FetchParams, rs: FetchPartitionRequest[]): FetchPartitionResult[] => {
      s.reads++;
      return rs.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        errorCode: 0,
        highWatermark: 0,
        lastStableOffset: 0,
        logStartOffset: 0,
        records: [],
        sizeInBytes: readBytes,
        abortedTransactions: null,
        divergingEpoch: null,
      }));
    },
  };
  return s;
}

describe('DelayedFetch: woken by appends, counts bytes from known positions and reads the log once', () => {
  it('does not read while the known bytes stay below min_bytes, completes with one read when they reach it', () => {
    const src = source([100, 0]);
    let answered: FetchPartitionResult[] | null = null;
    const op = new DelayedFetch(params(1000), [req(0), req(1)], src, (r) => (answered = r));
    expect(op.tryComplete()).to.equal(false);
    src.bytes = [600, 300];
    expect(op.tryComplete()).to.equal(false);
    expect(src.reads).to.equal(0);
    src.bytes = [600, 500];
    expect(op.tryComplete()).to.equal(true);
    expect(src.reads).to.equal(1); // the completion's read only
    expect(answered).to.have.length(2);
  });

  it('min_bytes 1 completes at the first data; an unknown position falls back to counting by reading', () => {
    const one = source([0]);
    const op1 = new DelayedFetch(params(1), [req(0)], one, () => undefined);
    expect(op1.tryComplete()).to.equal(false);
    one.bytes = [5];
    expect(op1.tryComplete()).to.equal(true);
    expect(one.reads).to.equal(1);

    const unknown = source([null], 10);
    const op2 = new DelayedFetch(params(1000), [req(0)], unknown, () => undefined);
    expect(op2.tryComplete()).to.equal(false);
    expect(unknown.reads).to.equal(1);
  });
});
