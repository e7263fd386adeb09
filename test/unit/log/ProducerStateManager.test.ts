import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Log } from '../../../src/log/Log';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { incrementSequence } from '../../../src/log/ProducerStateManager';

function idem(pid: number, epoch: number, seq: number, n = 2): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`p${pid}-${seq + i}`), timestamp: 1700000000000 + i }));
  return buildRecordBatch({ records, producerId: pid, producerEpoch: epoch, baseSequence: seq });
}

describe('server: ProducerStateManager (idempotent producer)', () => {
  let dir: string;
  let log: Log;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
    log = Log.open(path.join(dir, 't-0'), 't', 0, defaultLogConfig());
  });
  afterEach(() => {
    log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The leader's append path: the log checks its producers itself (UnifiedLog.append). */
  function leaderAppend(records: Buffer, epoch = 0): { firstOffset: number; lastOffset: number; duplicate: boolean } {
    const info = log.appendAsLeader(records, epoch, 'client');
    return { firstOffset: info.firstOffset, lastOffset: info.lastOffset, duplicate: info.duplicate };
  }

  function expectError(fn: () => unknown, code: number): void {
    try {
      fn();
    } catch (e) {
      expect(e).to.be.instanceOf(KafkaError);
      expect((e as KafkaError).code, (e as Error).message).to.equal(code);
      return;
    }
    throw new Error(`expected error ${code}`);
  }

  it('accepts in-sequence batches and answers a retried batch with its original offsets', () => {
    expect(leaderAppend(idem(7, 0, 0))).to.deep.equal({ firstOffset: 0, lastOffset: 1, duplicate: false });
    expect(leaderAppend(idem(7, 0, 2))).to.deep.equal({ firstOffset: 2, lastOffset: 3, duplicate: false });
    expect(leaderAppend(idem(7, 0, 0))).to.deep.equal({ firstOffset: 0, lastOffset: 1, duplicate: true });
    expect(leaderAppend(idem(7, 0, 2))).to.deep.equal({ firstOffset: 2, lastOffset: 3, duplicate: true });
    expect(log.logEndOffset).to.equal(4);
  });

  it('remembers only the last 5 batches', () => {
    for (let i = 0; i < 7; i++) leaderAppend(idem(1, 0, i * 2));
    expect(log.producerStateManager.lastEntry(1)!.batches.map((b) => b.firstSeq)).to.deep.equal([4, 6, 8, 10, 12]);
    expectError(() => leaderAppend(idem(1, 0, 0)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER); // too old to be recognised
    expect(leaderAppend(idem(1, 0, 4)).duplicate).to.equal(true);
  });

  it('rejects gaps, old epochs and a new epoch not starting at 0; accepts any sequence from an unknown producer', () => {
    leaderAppend(idem(3, 1, 0));
    expectError(() => leaderAppend(idem(3, 1, 5)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expectError(() => leaderAppend(idem(3, 0, 2)), ErrorCode.INVALID_PRODUCER_EPOCH);
    expectError(() => leaderAppend(idem(3, 2, 4)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(leaderAppend(idem(3, 2, 0)).duplicate).to.equal(false); // epoch bump at 0 is fine
    expect(leaderAppend(idem(9, 0, 42)).duplicate).to.equal(false); // Kafka 3.x: no state -> any sequence
    expect(log.logEndOffset).to.equal(6); // nothing was written for the rejected batches
  });

  it('wraps sequences at Int32.MAX', () => {
    expect(incrementSequence(2147483647, 1)).to.equal(0);
    expect(incrementSequence(2147483646, 3)).to.equal(1);
    expect(incrementSequence(10, 3)).to.equal(13);
  });

  it('is rebuilt from the log after restart and after truncation', () => {
    leaderAppend(idem(5, 0, 0));
    leaderAppend(idem(5, 0, 2));
    leaderAppend(idem(5, 0, 4));
    log.close();
    log = Log.open(path.join(dir, 't-0'), 't', 0, defaultLogConfig());
    expect(leaderAppend(idem(5, 0, 2))).to.deep.equal({ firstOffset: 2, lastOffset: 3, duplicate: true });
    log.truncateTo(4); // drops seq 4-5
    expect(log.producerStateManager.lastEntry(5)!.batches.map((b) => b.lastSeq)).to.deep.equal([1, 3]);
    expect(leaderAppend(idem(5, 0, 4))).to.deep.equal({ firstOffset: 4, lastOffset: 5, duplicate: false });
  });

  it('drops producers wholly below a new log start offset without rescanning the log', () => {
    leaderAppend(idem(1, 0, 0)); // offsets 0-1
    leaderAppend(idem(2, 0, 0)); // offsets 2-3
    const psm = log.producerStateManager;
    expect(psm.size).to.equal(2);
    const truncationsBefore = log.truncationCount;
    log.maybeIncrementLogStartOffset(2, 'test');
    expect(log.truncationCount, 'a start-offset move is not a truncation').to.equal(truncationsBefore);
    expect(log.producerStateManager.size).to.equal(1);
    expect(psm.lastEntry(1)).to.equal(undefined);
    expect(leaderAppend(idem(2, 0, 2))).to.include({ firstOffset: 4, duplicate: false });
  });

  it('followers track the batches they replicate', () => {
    const leaderBatch = idem(11, 0, 0);
    leaderBatch.writeInt32BE(0, 12); // partition leader epoch stamped by the leader
    log.appendAsFollower(leaderBatch); // the log updates its own producer state (UnifiedLog.append)
    expect(log.producerStateManager.lastEntry(11)!.batches).to.have.length(1);
    expect(leaderAppend(idem(11, 0, 0)).duplicate).to.equal(true);
  });

  it('expires producers whose newest batch is producer.id.expiration.ms old; an expired producer writes on at any sequence', () => {
    // idem() stamps records 1700000000000 + i: producer 7's newest record is at ...0001, producer 8's at ...5001.
    leaderAppend(idem(7, 0, 0));
    const newer = Array.from({ length: 2 }, (_, i) => ({ key: null, value: Buffer.from(`p8-${i}`), timestamp: 1700000005000 + i }));
    leaderAppend(buildRecordBatch({ records: newer, producerId: 8, producerEpoch: 0, baseSequence: 0 }));
    expect(log.removeExpiredProducers(1700000004000, 5000)).to.equal(0);
    expect(log.removeExpiredProducers(1700000005001, 5000)).to.equal(1); // 7: 5000 ms since its last record
    expect(log.producerStateManager.lastEntry(7)).to.equal(undefined);
    expect(log.producerStateManager.lastEntry(8)).to.not.equal(undefined);
    // Sequence 2 follows what the leader no longer remembers: accepted, and producer 7 is known again.
    expect(leaderAppend(idem(7, 0, 2)).duplicate).to.equal(false);
    expect(log.producerStateManager.lastEntry(7)!.batches.map((b) => b.firstSeq)).to.deep.equal([2]);
  });
  it('a log that never held a batch starts with an empty state without listing its directory; a log truncated to 0 too', () => {
    // The fs module itself (the namespace import is a read-only view of it), so that the log's own calls are seen.
    const realFs = ((fs as unknown as { default?: typeof fs }).default ?? fs) as { readdirSync: typeof fs.readdirSync };
    const readdir = realFs.readdirSync;
    let listed = 0;
    const counting = ((...args: Parameters<typeof fs.readdirSync>) => {
      listed++;
      return readdir(...args);
    }) as typeof fs.readdirSync;
    realFs.readdirSync = counting;
    try {
      expect(log.producerStateManager.size).to.equal(0);
      expect(listed, 'an empty log lists no snapshots').to.equal(0);
      expect(leaderAppend(idem(3, 0, 0))).to.deep.equal({ firstOffset: 0, lastOffset: 1, duplicate: false });
      expect(leaderAppend(idem(3, 0, 0)).duplicate).to.equal(true);
      log.truncateTo(0);
      expect(log.producerStateManager.size, 'nothing below offset 0').to.equal(0);
      expect(leaderAppend(idem(3, 0, 0))).to.deep.equal({ firstOffset: 0, lastOffset: 1, duplicate: false });
    } finally {
      realFs.readdirSync = readdir;
    }
    // With batches in the log the state is still rebuilt from the snapshots and the log after a restart.
    log.close();
    log = Log.open(path.join(dir, 't-0'), 't', 0, defaultLogConfig());
    expect(log.producerStateManager.lastEntry(3)!.batches.map((b) => b.lastSeq)).to.deep.equal([1]);
  });
});
