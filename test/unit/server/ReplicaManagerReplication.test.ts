/**
 * The leader's side of replication, as Kafka's ReplicaManager does it: a follower's fetch at the log end parks in
 * the fetch purgatory and is completed by the append itself (not by a timer); an acks=all produce is answered as
 * soon as the follower fetch that moves the high watermark past it arrives. These are ordering checks: the
 * completion must happen before the event loop reaches its next phase (setImmediate), long before max_wait_ms.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogManager } from '../../../src/log/LogManager';
import { ReplicaManager } from '../../../src/server/ReplicaManager';
import { partitionState, replicaManagerIn } from '../../helpers/replicaManager';
import type { FetchParams, FetchPartitionResult } from '../../../src/server/LocalLogReader';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { ErrorCode } from '../../../src/protocol/errors';

const NOT_YET = Symbol('not yet');
/** The promise's value if it settled before the event loop's check phase, else NOT_YET. */
function settledThisTurn<T>(p: Promise<T> | T): Promise<T | typeof NOT_YET> {
  return Promise.race([Promise.resolve(p), new Promise<typeof NOT_YET>((r) => setImmediate(() => r(NOT_YET)))]);
}

function batch(n: number): Buffer {
  return buildRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: 1700000000000 + i })) });
}

describe('server: ReplicaManager follower fetches and acks=all (purgatory wake-ups)', () => {
  let dir: string;
  let rm: ReplicaManager;
  let logManager: LogManager;
  const followerFetch = (fetchOffset: number): FetchPartitionResult[] | Promise<FetchPartitionResult[]> =>
    rm.fetchMessages({ replicaId: 2, maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, hardMaxBytesLimit: false, fetchOnlyFromLeader: true } as FetchParams, [
      { topic: 't', partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: 0, lastFetchedEpoch: -1 },
    ]);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-repl-'));
    ({ rm, logManager } = replicaManagerIn(dir));
    const state = partitionState('t', 0);
    const r = rm.becomeLeaderOrFollower(0, 1, [{ topic: 't', partition: 0, topicId: null, state }], []);
    expect(r.partitionErrors.every((e) => e.errorCode === ErrorCode.NONE)).to.equal(true);
  });

  afterEach(async () => {
    await rm.shutdown();
    logManager.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a follower fetch parked at the log end completes as soon as an append lands, and acks=all as soon as the follower has it', async () => {
    const parked = followerFetch(0);
    expect(await settledThisTurn(parked)).to.equal(NOT_YET); // nothing to read: parked in the purgatory

    const produced = rm.appendRecords(9, -1, 30000, [{ topic: 't', partition: 0, records: batch(3) }]);
    // The append completed the parked fetch itself: its answer carries the 3 records, the high watermark still 0.
    const fetched = await settledThisTurn(parked);
    expect(fetched).to.not.equal(NOT_YET);
    const [res] = fetched as FetchPartitionResult[];
    expect(res.errorCode).to.equal(ErrorCode.NONE);
    expect(res.highWatermark).to.equal(0);
    expect(res.sizeInBytes).to.be.greaterThan(0);
    // acks=all waits for the follower (ISR [1, 2]).
    expect(await settledThisTurn(produced)).to.equal(NOT_YET);
    expect(rm.getPartition('t', 0)!.highWatermark).to.equal(0);

    // The follower's next fetch, at its new log end 3, moves the high watermark and answers the produce at once.
    const next = followerFetch(3);
    const ack = await settledThisTurn(produced);
    expect(ack).to.not.equal(NOT_YET);
    expect(ack).to.have.length(1);
    expect((ack as Array<{ errorCode: number; baseOffset: number }>)[0]).to.include({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    expect(rm.getPartition('t', 0)!.highWatermark).to.equal(3);
    // That fetch itself has nothing new to read: it parks until the next append.
    expect(await settledThisTurn(next)).to.equal(NOT_YET);
    rm.appendRecords(9, 1, 30000, [{ topic: 't', partition: 0, records: batch(1) }]);
    const again = await settledThisTurn(next);
    expect(again).to.not.equal(NOT_YET);
    expect((again as FetchPartitionResult[])[0].highWatermark).to.equal(3);
  });

  it('an acks=all produce waits for every ISR member: a follower fetch below the append does not answer it', async () => {
    const produced = rm.appendRecords(9, -1, 30000, [{ topic: 't', partition: 0, records: batch(2) }]);
    await settledThisTurn(followerFetch(0));
    expect(await settledThisTurn(produced)).to.equal(NOT_YET);
    expect(rm.getPartition('t', 0)!.highWatermark).to.equal(0);
    const parked = followerFetch(1); // only part of the batch
    expect(await settledThisTurn(produced)).to.equal(NOT_YET);
    expect(rm.getPartition('t', 0)!.highWatermark).to.equal(1);
    await settledThisTurn(parked);
    followerFetch(2);
    expect(await settledThisTurn(produced)).to.not.equal(NOT_YET);
  });
});
