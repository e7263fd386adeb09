/** Unit-test fixtures for ReplicaManager: one broker (id 1) over a temporary log dir, and LeaderAndIsr states. */
import { LogManager } from '../../src/log/LogManager';
import type { LeaderAndIsrPartitionState } from '../../src/protocol/apis/04-leader-and-isr';
import { logConfigWithOverrides } from '../../src/server/config/DynamicConfigManager';
import { KafkaConfig } from '../../src/server/config/KafkaConfig';
import { MetadataCache } from '../../src/server/MetadataCache';
import { ReplicaManager } from '../../src/server/ReplicaManager';

/** A LeaderAndIsr partition state: broker 1 leads a new partition with replicas and ISR [1, 2], unless `o` says otherwise. */
export function partitionState(topicName: string, partitionIndex: number, o: Partial<LeaderAndIsrPartitionState> = {}): LeaderAndIsrPartitionState {
  return {
    topicName,
    partitionIndex,
    controllerEpoch: 1,
    leader: 1,
    leaderEpoch: 0,
    isr: [1, 2],
    partitionEpoch: 0,
    replicas: [1, 2],
    addingReplicas: [],
    removingReplicas: [],
    isNew: true,
    leaderRecoveryState: 0,
    ...o,
  } as LeaderAndIsrPartitionState;
}

/** Broker 1's ReplicaManager over `dir`, with its LogManager loaded (no controller, no ZooKeeper). */
export function replicaManagerIn(dir: string): { rm: ReplicaManager; logManager: LogManager } {
  const config = KafkaConfig.fromProps({ 'broker.id': '1', 'zookeeper.connect': '127.0.0.1:1', listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir });
  const logManager = new LogManager([dir], logConfigWithOverrides(config.logConfig(), {}));
  logManager.loadLogs();
  const rm = new ReplicaManager({ config, logManager, metadataCache: new MetadataCache(1), brokerEpoch: () => 5, logConfigFor: () => config.logConfig() });
  return { rm, logManager };
}
