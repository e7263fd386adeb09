/**
 * Moving a replica between log dirs with real logs on disk (no broker): the future log, the copy rounds, the
 * swap with offsets, epochs, log start offset and producer state intact, a current log truncated during the
 * move, the errors of AlterReplicaLogDirs, the preferred dir of a replica created later, and a future log
 * found at startup.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Partition } from '../../../src/cluster/Partition';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { LogManager, parseSuffixedDirName } from '../../../src/log/LogManager';
import type { Log } from '../../../src/log/Log';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { ReplicaAlterLogDirsManager } from '../../../src/server/ReplicaAlterLogDirsManager';
import { waitFor } from '../../helpers/ports';

const T0 = 1700000000000;

function batch(n: number, producer?: { id: number; seq: number }): Buffer {
  return buildRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`value-${i}-${'x'.repeat(50)}`), timestamp: T0 + i })),
    ...(producer ? { producerId: producer.id, producerEpoch: 0, baseSequence: producer.seq } : {}),
  });
}

function allBytes(log: Log): Buffer {
  return Buffer.concat(log.read(log.logStartOffset, 1 << 30, log.logEndOffset, true).records);
}

/** Lets the copy rounds (setImmediate / short timers) run until `done` or a deadline (waitFor, polling every 1 ms). */
async function until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
  await waitFor(what, () => Promise.resolve(done()), timeoutMs, 1);
}

describe('server: ReplicaAlterLogDirsManager (moving replicas between log dirs)', () => {
  let root: string;
  let dirs: string[];
  let lm: LogManager;
  let partitions: Map<string, Partition>;
  let moved: string[];
  let mgr: ReplicaAlterLogDirsManager;

  function host(logManager: LogManager) {
    return {
      brokerId: 1,
      logManager,
      getPartition: (t: string, p: number) => partitions.get(`${t}-${p}`),
      knowsPartition: (t: string) => t !== 'unknown',
      logConfigFor: () => defaultLogConfig(),
      onReplicaMoved: (p: Partition) => moved.push(p.key),
    };
  }

  function hostPartition(topic: string, partition: number, leaderEpoch = 0): Partition {
    const p = new Partition(topic, partition, 1, lm.getOrCreateLog(topic, partition));
    p.applyLeaderState(
      {
        topicName: topic,
        partitionIndex: partition,
        controllerEpoch: 1,
        leader: 1,
        leaderEpoch,
        isr: [1],
        partitionEpoch: 0,
        replicas: [1],
        addingReplicas: [],
        removingReplicas: [],
        isNew: false,
        leaderRecoveryState: 0,
      },
      Date.now(),
    );
    partitions.set(p.key, p);
    return p;
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-alterlogdirs-'));
    dirs = [path.join(root, 'd1'), path.join(root, 'd2')];
    lm = new LogManager(dirs, defaultLogConfig(), { fileDeleteDelayMs: 0 });
    lm.loadLogs();
    partitions = new Map();
    moved = [];
    mgr = new ReplicaAlterLogDirsManager(host(lm), { maxBytes: 300, backoffMs: 5 });
  });
  afterEach(() => {
    mgr.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('copies in rounds while appends go on, then swaps: same bytes, offsets, epochs, log start offset, producer state and high watermark', async () => {
    const p = hostPartition('t', 0);
    const from = p.log.parentDir;
    const to = dirs.find((d) => d !== from)!;
    let seq = 0;
    for (let i = 0; i < 10; i++) {
      p.log.appendAsLeader(batch(5, { id: 77, seq }), 0);
      seq += 5;
    }
    p.log.leaderEpochCache.assign(1, p.logEndOffset); // a new leader epoch, no batch yet
    p.log.appendAsLeader(batch(3), 1);
    p.log.maybeIncrementLogStartOffset(7, 'test');
    p.maybeIncrementLeaderHW();
    const hw = p.highWatermark;

    expect(mgr.alterReplicaLogDirs([{ topic: 't', partition: 0, dir: to }])).to.deep.equal([{ topic: 't', partition: 0, errorCode: ErrorCode.NONE }]);
    const future = lm.getLog('t', 0, true)!;
    expect(future.parentDir).to.equal(to);
    expect(parseSuffixedDirName(path.basename(future.dir))).to.deep.equal({ topic: 't', partition: 0, suffix: '-future' });
    expect(mgr.isMoving('t', 0)).to.equal(true);
    // Appends keep coming while it copies (300 bytes a round: several rounds).
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      p.log.appendAsLeader(batch(2, { id: 77, seq }), 1);
      seq += 2;
    }
    const expected = allBytes(p.log);
    const expectedEpochs = [...p.log.leaderEpochCache.entries];
    await until('the swap', () => moved.length === 1);

    expect(mgr.isMoving('t', 0)).to.equal(false);
    expect(p.log.dir).to.equal(path.join(to, 't-0'));
    expect(lm.getLog('t', 0)).to.equal(p.log);
    expect(lm.getLog('t', 0, true)).to.equal(undefined);
    expect(allBytes(p.log).equals(expected)).to.equal(true);
    expect(p.log.logStartOffset).to.equal(7);
    expect(p.log.leaderEpochCache.entries).to.deep.equal(expectedEpochs);
    expect(p.highWatermark).to.equal(hw);
    expect(p.log.producerStateManager.activeProducers()).to.deep.equal([
      { producerId: 77, producerEpoch: 0, lastSequence: seq - 1, lastTimestamp: T0 + 1, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
    ]);
    // The old folder went as -delete and is removed (delay 0 here).
    expect(fs.existsSync(path.join(from, 't-0'))).to.equal(false);
    await until('the old folder to go', () => !fs.readdirSync(from).some((n) => n.startsWith('t-0')));
    // The new current log keeps taking appends at the next offset.
    const next = p.logEndOffset;
    expect(p.log.appendAsLeader(batch(1, { id: 77, seq }), 1).firstOffset).to.equal(next);
  });

  it('a current log truncated during the move (new leader) truncates the future log; the result equals the current log', async () => {
    const p = hostPartition('t', 1);
    for (let i = 0; i < 20; i++) p.log.appendAsLeader(batch(4), 0);
    const to = dirs.find((d) => d !== p.log.parentDir)!;
    mgr.alterReplicaLogDirs([{ topic: 't', partition: 1, dir: to }]);
    const future = lm.getLog('t', 1, true)!;
    await until('some copying', () => future.logEndOffset >= 40);
    mgr.removePartition('t', 1); // hold the copy while the current log diverges
    const copied = future.logEndOffset;
    p.log.truncateTo(20); // the follower truncates to a new leader's end ...
    p.log.leaderEpochCache.assign(3, 20);
    for (let i = 0; i < 8; i++) p.log.appendAsLeader(batch(4), 3); // ... and gets other batches there
    expect(copied).to.be.greaterThan(20);
    mgr.addPartition(p);
    await until('the swap', () => moved.length === 1);
    expect(allBytes(p.log).equals(allBytes(lm.getLog('t', 1)!))).to.equal(true);
    expect(p.log.logEndOffset).to.equal(52);
    expect(p.log.leaderEpochCache.entries.map((e) => [e.epoch, e.startOffset])).to.deep.equal([
      [0, 0],
      [3, 20],
    ]);
  });

  it('errors: LOG_DIR_NOT_FOUND, UNKNOWN_TOPIC_OR_PARTITION, REPLICA_NOT_AVAILABLE (the dir is kept for the replica created later); its own dir is a no-op', () => {
    const p = hostPartition('t', 2);
    expect(mgr.alterReplicaLogDirs([{ topic: 't', partition: 2, dir: '/nowhere' }])[0].errorCode).to.equal(ErrorCode.LOG_DIR_NOT_FOUND);
    expect(mgr.alterReplicaLogDirs([{ topic: 't', partition: 2, dir: `${p.log.parentDir}/` }])[0].errorCode).to.equal(ErrorCode.LOG_DIR_NOT_FOUND);
    expect(mgr.alterReplicaLogDirs([{ topic: 't', partition: 2, dir: p.log.parentDir }])[0].errorCode).to.equal(ErrorCode.NONE);
    expect(lm.getLog('t', 2, true)).to.equal(undefined);
    expect(mgr.alterReplicaLogDirs([{ topic: 'unknown', partition: 0, dir: dirs[0] }])[0].errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    // t-2 is in the emptier-first dir d1: ask for d1 for a replica not here yet; d2 would be next otherwise.
    const wanted = p.log.parentDir;
    expect(mgr.alterReplicaLogDirs([{ topic: 'later', partition: 0, dir: wanted }])[0].errorCode).to.equal(ErrorCode.REPLICA_NOT_AVAILABLE);
    expect(lm.getOrCreateLog('later', 0).parentDir).to.equal(wanted);
    expect(lm.getOrCreateLog('other', 0).parentDir).to.not.equal(wanted);
  });

  it('a new destination abandons the move in progress; a future log found at startup is loaded and -delete folders removed', async () => {
    const p = hostPartition('t', 3);
    for (let i = 0; i < 30; i++) p.log.appendAsLeader(batch(4), 0);
    const to = dirs.find((d) => d !== p.log.parentDir)!;
    mgr.removePartition('t', 3);
    mgr.alterReplicaLogDirs([{ topic: 't', partition: 3, dir: to }]);
    mgr.removePartition('t', 3); // stop before any round: the future log stays, as after a crash mid-move
    const futureDir = lm.getLog('t', 3, true)!.dir;
    // Back to its own dir: the future log is abandoned and goes as -delete.
    expect(mgr.alterReplicaLogDirs([{ topic: 't', partition: 3, dir: p.log.parentDir }])[0].errorCode).to.equal(ErrorCode.NONE);
    expect(lm.getLog('t', 3, true)).to.equal(undefined);
    expect(fs.existsSync(futureDir)).to.equal(false);
    // Again, then shut down mid-move and reload.
    mgr.alterReplicaLogDirs([{ topic: 't', partition: 3, dir: to }]);
    mgr.shutdown();
    fs.mkdirSync(path.join(to, 'zz-0.0123456789abcdef0123456789abcdef-delete'));
    lm.shutdown();
    const lm2 = new LogManager(dirs, defaultLogConfig(), { fileDeleteDelayMs: 0 });
    lm2.loadLogs();
    const future = lm2.getLog('t', 3, true)!;
    expect(future.parentDir).to.equal(to);
    expect(lm2.getLog('t', 3)!.parentDir).to.not.equal(to);
    await until('the -delete folder to go', () => !fs.existsSync(path.join(to, 'zz-0.0123456789abcdef0123456789abcdef-delete')));
    // The replica manager resumes the move when the partition comes back (maybeAddLogDirFetchers).
    lm = lm2;
    partitions = new Map();
    mgr = new ReplicaAlterLogDirsManager(host(lm2), { maxBytes: 1 << 20, backoffMs: 5 });
    const p2 = hostPartition('t', 3);
    mgr.addPartition(p2);
    await until('the swap', () => moved.length === 1);
    expect(p2.log.parentDir).to.equal(to);
    expect(p2.logEndOffset).to.equal(120);
    lm2.shutdown();
  });

  it('a destination dir failing mid-move stops the move; the current log keeps serving', async () => {
    const p = hostPartition('t', 4);
    for (let i = 0; i < 30; i++) p.log.appendAsLeader(batch(4), 0);
    const current = p.log;
    const to = dirs.find((d) => d !== current.parentDir)!;
    mgr.alterReplicaLogDirs([{ topic: 't', partition: 4, dir: to }]);
    lm.failureChannel.maybeAddOfflineLogDir(to, 'test', new Error('EIO'));
    await until('the move to stop', () => !mgr.isMoving('t', 4));
    expect(moved).to.deep.equal([]);
    expect(p.log).to.equal(current);
    expect(p.log.appendAsLeader(batch(1), 0).firstOffset).to.equal(120);
    // A new request for that dir is refused while it is offline.
    expect(mgr.alterReplicaLogDirs([{ topic: 't', partition: 4, dir: to }])[0].errorCode).to.equal(ErrorCode.KAFKA_STORAGE_ERROR);
  });
});
