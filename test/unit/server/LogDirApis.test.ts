/**
 * DescribeLogDirs and AlterReplicaLogDirs handlers over a real LogManager with two log dirs and a stand-in
 * replica manager: offline dirs answer KAFKA_STORAGE_ERROR, future logs are listed with their lag, topics
 * whose partitions were not asked for still appear (Kafka's groupBy-then-filter), lags of replicas not hosted
 * are -1; AlterReplicaLogDirs groups its answer by topic.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Partition } from '../../../src/cluster/Partition';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { LogManager } from '../../../src/log/LogManager';
import type { RequestContext } from '../../../src/network/RequestContext';
import { AlterReplicaLogDirsApi, DescribeLogDirsApi } from '../../../src/protocol/apis';
import type { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../../src/protocol/apis/35-describe-log-dirs';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';
import { LogDirApis } from '../../../src/server/handlers/LogDirApis';
import { ReplicaAlterLogDirsManager } from '../../../src/server/ReplicaAlterLogDirsManager';
import type { ReplicaManager } from '../../../src/server/ReplicaManager';
import { partitionState } from '../../helpers/replicaManager';

function ctx(apiKey: number, apiVersion: number): RequestContext {
  return { header: { apiKey, apiVersion, correlationId: 1, clientId: 'test' }, listenerName: 'PLAINTEXT', clientAddress: '127.0.0.1', connectionId: 'c' };
}

function batch(n: number): Buffer {
  return buildRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: 1700000000000 + i })) });
}

describe('server: LogDirApis (DescribeLogDirs, AlterReplicaLogDirs)', () => {
  let root: string;
  let dirs: string[];
  let lm: LogManager;
  let partitions: Map<string, Partition>;
  let apis: LogDirApis;
  let mover: ReplicaAlterLogDirsManager;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-logdirapis-'));
    dirs = [path.join(root, 'd1'), path.join(root, 'd2')];
    lm = new LogManager(dirs, defaultLogConfig());
    lm.loadLogs();
    partitions = new Map();
    mover = new ReplicaAlterLogDirsManager(
      {
        brokerId: 1,
        logManager: lm,
        getPartition: (t, p) => partitions.get(`${t}-${p}`),
        knowsPartition: () => true,
        logConfigFor: () => defaultLogConfig(),
        onReplicaMoved: () => undefined,
      },
      { maxBytes: 1 << 20, backoffMs: 5 },
    );
    const rm = { logManager: lm, getPartition: (t: string, p: number) => partitions.get(`${t}-${p}`), alterLogDirsManager: mover };
    apis = new LogDirApis(1, rm as unknown as ReplicaManager);
  });
  afterEach(() => {
    mover.shutdown();
    lm.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function describe4(v: number, req: DescribeLogDirsRequest): DescribeLogDirsResponse {
    const w = new Writer();
    DescribeLogDirsApi.encodeRequest(w, v, req);
    const out = apis.handleDescribeLogDirs(ctx(35, v), new Reader(w.toBuffer()))!;
    return DescribeLogDirsApi.decodeResponse(new Reader(Buffer.concat(out)), v);
  }

  it('lists current and future logs per dir, with lags; an offline dir answers KAFKA_STORAGE_ERROR only', () => {
    const a0 = lm.getOrCreateLog('a', 0); // d1
    const a1 = lm.getOrCreateLog('a', 1); // d2
    lm.getOrCreateLog('b', 0); // d1
    a0.appendAsLeader(batch(5), 0);
    a1.appendAsLeader(batch(3), 0);
    const p = new Partition('a', 0, 1, a0);
    p.applyLeaderState(partitionState('a', 0, { leader: 2, isNew: false }), Date.now());
    p.updateFollowerHighWatermark(4); // a follower whose HW is behind its LEO: lag max(HW - LEO, 0) = 0
    partitions.set('a-0', p);
    // A future log of a-0 in d2, two records behind.
    const future = lm.createFutureLog('a', 0, dirs[1], defaultLogConfig());
    future.appendAsFollower(a0.read(0, 1 << 20, 5, true).records[0]);
    const res = describe4(4, { topics: null });
    expect(res.errorCode).to.equal(ErrorCode.NONE);
    const byDir = new Map(res.results.map((d) => [d.logDir, d]));
    expect([...byDir.keys()]).to.deep.equal(dirs);
    const d1 = byDir.get(dirs[0])!;
    expect(d1.topics.map((t) => [t.name, t.partitions.map((x) => [x.partitionIndex, x.offsetLag, x.isFutureKey])])).to.deep.equal([
      ['a', [[0, 0, false]]],
      ['b', [[0, -1, false]]], // no partition hosted: lag unknown
    ]);
    expect(d1.topics[0].partitions[0].partitionSize).to.equal(a0.size);
    const d2 = byDir.get(dirs[1])!;
    expect(d2.topics.map((t) => [t.name, t.partitions.map((x) => [x.partitionIndex, x.offsetLag, x.isFutureKey])])).to.deep.equal([
      [
        'a',
        [
          [0, 0, true],
          [1, -1, false],
        ],
      ],
    ]);
    a0.appendAsLeader(batch(2), 0); // the current log moves on: the future one lags by 2
    const lagging = describe4(4, { topics: [{ topic: 'a', partitions: [0] }] });
    const futureEntry = lagging.results[1].topics[0].partitions.find((x) => x.isFutureKey)!;
    expect(futureEntry.offsetLag).to.equal(2);
    // A filter keeps the topics of each dir but only the asked partitions ('b' is there, empty).
    expect(lagging.results[0].topics.map((t) => [t.name, t.partitions.length])).to.deep.equal([
      ['a', 1],
      ['b', 0],
    ]);

    lm.failureChannel.maybeAddOfflineLogDir(dirs[1], 'test', new Error('EIO'));
    const offline = describe4(4, { topics: null });
    expect(offline.results[1]).to.deep.equal({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir: dirs[1], topics: [], totalBytes: -1, usableBytes: -1 });
    expect(offline.results[0].errorCode).to.equal(ErrorCode.NONE);
    expect(offline.results[0].totalBytes).to.be.greaterThan(0);
  });

  it('AlterReplicaLogDirs answers per topic; an offline destination is KAFKA_STORAGE_ERROR', () => {
    lm.getOrCreateLog('a', 0);
    partitions.set('a-0', new Partition('a', 0, 1, lm.getLog('a', 0)!));
    lm.failureChannel.maybeAddOfflineLogDir(dirs[1], 'test', new Error('EIO'));
    const w = new Writer();
    AlterReplicaLogDirsApi.encodeRequest(w, 2, {
      dirs: [
        { path: dirs[1], topics: [{ name: 'a', partitions: [0] }] },
        { path: '/elsewhere', topics: [{ name: 'c', partitions: [1, 2] }] },
      ],
    });
    const out = apis.handleAlterReplicaLogDirs(ctx(34, 2), new Reader(w.toBuffer()))!;
    const res = AlterReplicaLogDirsApi.decodeResponse(new Reader(Buffer.concat(out)), 2);
    expect(res.results).to.deep.equal([
      { topicName: 'a', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.KAFKA_STORAGE_ERROR }] },
      {
        topicName: 'c',
        partitions: [
          { partitionIndex: 1, errorCode: ErrorCode.LOG_DIR_NOT_FOUND },
          { partitionIndex: 2, errorCode: ErrorCode.LOG_DIR_NOT_FOUND },
        ],
      },
    ]);
  });
});
