/**
 * A LeaderAndIsr creating many new replicas (ZooKeeper mode): ReplicaManager.createLogsForNewReplicas makes their
 * folders in the thread pool (LogManager.prepareLogFolders) and their files with the event loop served in between,
 * then becomeLeaderOrFollower finds them. Every replica ends with Kafka's files under their names; a replica whose
 * log cannot be created fails alone with KAFKA_STORAGE_ERROR.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogManager } from '../../../src/log/LogManager';
import { logConfigWithOverrides } from '../../../src/server/config/DynamicConfigManager';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';
import { MetadataCache } from '../../../src/server/MetadataCache';
import { ReplicaManager } from '../../../src/server/ReplicaManager';
import type { LeaderAndIsrPartitionState } from '../../../src/protocol/apis/04-leader-and-isr';
import { ErrorCode } from '../../../src/protocol/errors';

function state(partition: number, leader: number, replicas = [1, 2, 3]): LeaderAndIsrPartitionState {
  return {
    topicName: 't',
    partitionIndex: partition,
    controllerEpoch: 1,
    leader,
    leaderEpoch: 0,
    isr: replicas,
    partitionEpoch: 0,
    replicas,
    addingReplicas: [],
    removingReplicas: [],
    isNew: true,
    leaderRecoveryState: 0,
  } as LeaderAndIsrPartitionState;
}

describe('server: new replicas of a LeaderAndIsr (folders in the pool, then their files)', () => {
  let root: string;
  let dirs: string[];
  let rm: ReplicaManager;
  let logManager: LogManager;

  function start(logDirs: string[]): void {
    dirs = logDirs;
    for (const d of dirs) fs.mkdirSync(d, { recursive: true });
    const config = KafkaConfig.fromProps({
      'broker.id': '1',
      'zookeeper.connect': '127.0.0.1:1',
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': dirs.join(','),
    });
    logManager = new LogManager(dirs, logConfigWithOverrides(config.logConfig(), {}));
    logManager.loadLogs();
    rm = new ReplicaManager({ config, logManager, metadataCache: new MetadataCache(1), brokerEpoch: () => 5, logConfigFor: () => config.logConfig() });
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'new-replicas-'));
  });

  afterEach(async () => {
    await rm.shutdown();
    logManager.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates every new replica with its folder and files, leaders with their leader-epoch checkpoint, serving the event loop meanwhile', async () => {
    start([path.join(root, 'd1'), path.join(root, 'd2')]);
    const n = 60;
    const states = Array.from({ length: n }, (_, i) => ({ topic: 't', partition: i, topicId: null, state: state(i, i % 3 === 0 ? 1 : 2) }));
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      await rm.createLogsForNewReplicas(states);
    } finally {
      clearInterval(ticker);
    }
    const result = rm.becomeLeaderOrFollower(0, 1, states, []);
    const failedCheckpoints = await result.checkpointsWritten;
    expect(result.errorCode).to.equal(ErrorCode.NONE);
    expect(result.partitionErrors.map((e) => e.errorCode)).to.deep.equal(new Array(n).fill(ErrorCode.NONE));
    expect(failedCheckpoints).to.deep.equal([]);
    expect(turns).to.be.greaterThan(0);
    // Spread over both log dirs as getOrCreateLog alone would (the dir with fewer partitions first).
    const perDir = dirs.map((d) => fs.readdirSync(d).filter((f) => f.startsWith('t-')).length);
    expect(perDir[0] + perDir[1]).to.equal(n);
    expect(Math.abs(perDir[0] - perDir[1])).to.be.at.most(1);
    for (let i = 0; i < n; i++) {
      const log = logManager.getLog('t', i)!;
      expect(log.dir).to.equal(path.join(log.parentDir, `t-${i}`));
      const files = fs.readdirSync(log.dir);
      expect(files).to.include.members(['00000000000000000000.log', '00000000000000000000.index', '00000000000000000000.timeindex']);
      expect(rm.getPartition('t', i)!.isLeader()).to.equal(i % 3 === 0);
      if (i % 3 === 0) {
        expect(fs.readFileSync(path.join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).to.equal('0\n1\n0 0\n');
        expect(files.filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      }
    }
  });

  it('a replica whose log cannot be created fails alone with KAFKA_STORAGE_ERROR; the others are created', async () => {
    start([path.join(root, 'd1')]);
    // A plain file where the partition's folder would go: neither the pool's mkdir nor Log.open can make it.
    fs.writeFileSync(path.join(dirs[0], 't-1'), 'not a folder');
    const states = [0, 1, 2].map((i) => ({ topic: 't', partition: i, topicId: null, state: state(i, 1) }));
    await rm.createLogsForNewReplicas(states);
    const result = rm.becomeLeaderOrFollower(0, 1, states, []);
    expect(await result.checkpointsWritten).to.deep.equal([]);
    expect(result.partitionErrors).to.deep.equal([
      { topic: 't', partition: 0, errorCode: ErrorCode.NONE },
      { topic: 't', partition: 1, errorCode: ErrorCode.KAFKA_STORAGE_ERROR },
      { topic: 't', partition: 2, errorCode: ErrorCode.NONE },
    ]);
    expect(rm.getPartition('t', 1)).to.equal(undefined);
    for (const i of [0, 2]) expect(fs.existsSync(path.join(dirs[0], `t-${i}`, 'leader-epoch-checkpoint'))).to.equal(true);
  });

  it('a LeaderAndIsr from an older controller creates nothing', async () => {
    start([path.join(root, 'd1')]);
    await rm.becomeLeaderOrFollower(0, 3, [{ topic: 't', partition: 0, topicId: null, state: state(0, 1) }], []).checkpointsWritten;
    const stale = rm.becomeLeaderOrFollower(0, 2, [{ topic: 't', partition: 1, topicId: null, state: state(1, 1) }], []);
    expect(stale.errorCode).to.equal(ErrorCode.STALE_CONTROLLER_EPOCH);
    expect(fs.existsSync(path.join(dirs[0], 't-1'))).to.equal(false);
  });

  it('a prepared folder whose replica is deleted before its log exists is removed', async () => {
    start([path.join(root, 'd1')]);
    await logManager.prepareLogFolders([{ topic: 't', partition: 7 }]);
    expect(fs.existsSync(path.join(dirs[0], 't-7'))).to.equal(true);
    logManager.deleteLog('t', 7);
    expect(fs.existsSync(path.join(dirs[0], 't-7'))).to.equal(false);
  });
});
