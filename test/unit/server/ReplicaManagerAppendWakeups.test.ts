/**
 * Kafka's ReplicaManager wakes the purgatories only after every partition of a produce request is appended
 * (addCompletePurgatoryAction, run from the action queue after the request): a follower fetch parked on several
 * partitions then answers with all of them at once, instead of one partition per fetch round.
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

describe('server: ReplicaManager wakes parked fetches after the whole produce request is appended', () => {
  let dir: string;
  let rm: ReplicaManager;
  let logManager: LogManager;
  const fetch = (replicaId: number, offsets: number[]): FetchPartitionResult[] | Promise<FetchPartitionResult[]> =>
    rm.fetchMessages(
      { replicaId, maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, hardMaxBytesLimit: false, fetchOnlyFromLeader: true } as FetchParams,
      offsets.map((fetchOffset, partition) => ({
        topic: 't',
        partition,
        fetchOffset,
        partitionMaxBytes: 1 << 20,
        currentLeaderEpoch: 0,
        lastFetchedEpoch: -1,
      })),
    );

  function start(isr: number[]): void {
    ({ rm, logManager } = replicaManagerIn(dir));
    const parts = [0, 1].map((p) => ({ topic: 't', partition: p, topicId: null, state: partitionState('t', p, { isr, replicas: isr }) }));
    const r = rm.becomeLeaderOrFollower(0, 1, parts, []);
    expect(r.partitionErrors.every((e) => e.errorCode === ErrorCode.NONE)).to.equal(true);
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-wake-'));
  });

  afterEach(async () => {
    await rm.shutdown();
    logManager.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a follower fetch parked on two partitions answers with both of one produce request, and one fetch round acknowledges it', async () => {
    start([1, 2]);
    const parked = fetch(2, [0, 0]);
    expect(await settledThisTurn(parked)).to.equal(NOT_YET);

    const produced = rm.appendRecords(9, -1, 30000, [
      { topic: 't', partition: 0, records: batch(3) },
      { topic: 't', partition: 1, records: batch(2) },
    ]);
    const fetched = await settledThisTurn(parked);
    expect(fetched).to.not.equal(NOT_YET);
    const res = fetched as FetchPartitionResult[];
    expect(res.map((r) => r.errorCode)).to.deep.equal([ErrorCode.NONE, ErrorCode.NONE]);
    // Both partitions' batches are in this one answer.
    expect(res[0].sizeInBytes).to.be.greaterThan(0);
    expect(res[1].sizeInBytes).to.be.greaterThan(0);
    expect(await settledThisTurn(produced)).to.equal(NOT_YET);

    // The follower's next fetch, at both new log ends, moves both high watermarks and answers the produce.
    const next = fetch(2, [3, 2]);
    const ack = await settledThisTurn(produced);
    expect(ack).to.not.equal(NOT_YET);
    expect((ack as Array<{ errorCode: number }>).map((r) => r.errorCode)).to.deep.equal([ErrorCode.NONE, ErrorCode.NONE]);
    expect(rm.getPartition('t', 0)!.highWatermark).to.equal(3);
    expect(rm.getPartition('t', 1)!.highWatermark).to.equal(2);
    expect(await settledThisTurn(next)).to.equal(NOT_YET);
  });

  it('with the leader alone in the ISR, the append moves the high watermark: acks=all answers at once and a parked consumer fetch completes', async () => {
    start([1]);
    const consumer = fetch(-1, [0, 0]);
    expect(await settledThisTurn(consumer)).to.equal(NOT_YET);
    const produced = rm.appendRecords(9, -1, 30000, [{ topic: 't', partition: 1, records: batch(4) }]);
    const ack = await settledThisTurn(produced);
    expect(ack).to.not.equal(NOT_YET);
    expect((ack as Array<{ errorCode: number; baseOffset: number }>)[0]).to.include({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    const got = await settledThisTurn(consumer);
    expect(got).to.not.equal(NOT_YET);
    const res = got as FetchPartitionResult[];
    expect(res[1].highWatermark).to.equal(4);
    expect(res[1].sizeInBytes).to.be.greaterThan(0);
  });
});
