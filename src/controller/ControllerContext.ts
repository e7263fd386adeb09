import { BrokerInfo, LeaderAndIsr } from '../zk/ZkData';

interface LeaderIsrAndControllerEpoch {
  leaderAndIsr: LeaderAndIsr;
  controllerEpoch: number;
}

/** kafka.controller.PartitionState names, as they appear in the state-change log. */
export type PartitionState = 'NonExistentPartition' | 'NewPartition' | 'OnlinePartition' | 'OfflinePartition';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpString(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/**
 * kafka.controller.ControllerContext: the controller's in-memory copy of the cluster, loaded from
 * ZooKeeper at failover and kept current by watch events and its own writes.
 */
export class ControllerContext {
  epoch = 0;
  epochZkVersion = 0;
  readonly liveBrokers = new Map<number, { info: BrokerInfo; epoch: number }>();
  readonly shuttingDownBrokerIds = new Set<number>();
  readonly allTopics = new Set<string>();
  readonly topicIds = new Map<string, string>();
  /** topic -> partition -> replicas (first = preferred leader). */
  readonly partitionAssignments = new Map<string, Map<number, number[]>>();
  /** "topic-partition" -> leader, ISR, epochs as last written to ZooKeeper. */
  readonly partitionLeadershipInfo = new Map<string, LeaderIsrAndControllerEpoch & TopicPartition>();
  readonly partitionStates = new Map<string, PartitionState>();
  /** Partitions being reassigned: target replicas, adding (TRS - ORS) and removing (ORS - TRS), zk-mode.md §6.5. */
  readonly partitionReassignments = new Map<string, { tp: TopicPartition; target: number[]; adding: number[]; removing: number[]; zkTriggered: boolean }>();
  /** Topics marked under /admin/delete_topics and being deleted (their leader shows as -2). */
  readonly topicsToBeDeleted = new Set<string>();
  /** ControllerContext.stats (ControllerStats): meters that outlive a controllership, so reset() leaves them. */
  readonly stats = { uncleanLeaderElections: 0 };

  reset(): void {
    this.liveBrokers.clear();
    this.shuttingDownBrokerIds.clear();
    this.allTopics.clear();
    this.topicIds.clear();
    this.partitionAssignments.clear();
    this.partitionLeadershipInfo.clear();
    this.partitionStates.clear();
    this.topicsToBeDeleted.clear();
    this.partitionReassignments.clear();
  }

  isLiveBroker(id: number): boolean {
    return this.liveBrokers.has(id);
  }

  /** Live and not shutting down: eligible to lead. */
  isEligibleLeader(id: number): boolean {
    return this.liveBrokers.has(id) && !this.shuttingDownBrokerIds.has(id);
  }

  liveBrokerIds(): number[] {
    return [...this.liveBrokers.keys()].sort((a, b) => a - b);
  }

  replicasFor(tp: TopicPartition): number[] {
    return this.partitionAssignments.get(tp.topic)?.get(tp.partition) ?? [];
  }

  allPartitions(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, parts] of this.partitionAssignments) for (const p of parts.keys()) out.push({ topic, partition: p });
    return out;
  }

  partitionsOfTopic(topic: string): TopicPartition[] {
    return [...(this.partitionAssignments.get(topic)?.keys() ?? [])].map((partition) => ({ topic, partition }));
  }

  partitionsOnBroker(brokerId: number): TopicPartition[] {
    return this.allPartitions().filter((tp) => this.replicasFor(tp).includes(brokerId));
  }

  partitionsLedByBroker(brokerId: number): TopicPartition[] {
    return [...this.partitionLeadershipInfo.values()]
      .filter((l) => l.leaderAndIsr.leader === brokerId)
      .map((l) => ({ topic: l.topic, partition: l.partition }));
  }

  leadership(tp: TopicPartition): LeaderIsrAndControllerEpoch | undefined {
    return this.partitionLeadershipInfo.get(tpString(tp));
  }

  // ------------------------------------------------------------ metrics (KafkaController.updateMetrics reads these)

  /**
   * ControllerContext.offlinePartitionCount: partitions in OfflinePartition. Kafka stops counting a topic's partitions
   * once its deletion starts; we leave out every topic queued for deletion.
   */
  offlinePartitionCount(): number {
    let n = 0;
    for (const [key, state] of this.partitionStates) {
      if (state !== 'OfflinePartition') continue;
      const l = this.partitionLeadershipInfo.get(key);
      if (!l || !this.topicsToBeDeleted.has(l.topic)) n++;
    }
    return n;
  }

  /**
   * ControllerContext.preferredReplicaImbalanceCount: partitions not led by their first replica (hasPreferredLeader: a
   * preferred replica being added by a reassignment counts as balanced until it joins the ISR); topics queued for
   * deletion left out.
   */
  preferredReplicaImbalanceCount(): number {
    let n = 0;
    for (const [key, l] of this.partitionLeadershipInfo) {
      if (this.topicsToBeDeleted.has(l.topic)) continue;
      const preferred = this.replicasFor(l).at(0);
      if (preferred === undefined) continue;
      const adding = this.partitionReassignments.get(key)?.adding.includes(preferred) ?? false;
      if (adding ? l.leaderAndIsr.isr.includes(preferred) : l.leaderAndIsr.leader !== preferred) n++;
    }
    return n;
  }

  /** ControllerContext.partitionWithLeadersCount, the GlobalPartitionCount gauge. */
  partitionWithLeadersCount(): number {
    return this.partitionLeadershipInfo.size;
  }

  putLeadership(tp: TopicPartition, l: LeaderIsrAndControllerEpoch): void {
    this.partitionLeadershipInfo.set(tpString(tp), { ...l, topic: tp.topic, partition: tp.partition });
  }
}
