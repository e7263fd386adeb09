/**
 * ReplicaManager's gauges (kafka.server:type=ReplicaManager), computed from the hosted partitions when scraped, as
 * Kafka's are closures over ReplicaManager.allPartitions.
 */
import type { Partition } from '../../cluster/Partition';
import type { ReplicaManagerGauges } from './KafkaMetrics';

export function replicaManagerGauges(partitions: () => Iterable<Partition>, brokerMinInSyncReplicas: number): ReplicaManagerGauges {
  const count = (pred: (p: Partition) => boolean): number => {
    let n = 0;
    for (const p of partitions()) if (pred(p)) n++;
    return n;
  };
  // Partition.effectiveMinIsr: the topic's min.insync.replicas, else the broker's.
  const minIsr = (p: Partition): number => p.config.minInSyncReplicas ?? brokerMinInSyncReplicas;
  return {
    // PartitionCount: every hosted partition, leader or follower.
    partitionCount: () => count(() => true),
    leaderCount: () => count((p) => p.isLeader()),
    // Partition.isUnderReplicated: led, and the ISR is smaller than the replica set.
    underReplicatedPartitionCount: () => count((p) => p.isLeader() && p.isr.length < p.replicas.length),
    underMinIsrPartitionCount: () => count((p) => p.isLeader() && p.isr.length < minIsr(p)),
    atMinIsrPartitionCount: () => count((p) => p.isLeader() && p.isr.length === minIsr(p)),
  };
}
