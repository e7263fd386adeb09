import { Log } from '../log/Log';

/** Partition state as the controller sent it in LeaderAndIsr. */
export interface PartitionLeaderState {
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  partitionEpoch: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
  isNew: boolean;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * One partition hosted by this broker (kafka.cluster.Partition): its local log, the leader and ISR
 * the controller assigned, and the high watermark. Until followers replicate (the replication
 * work), the leader's high watermark is its log end offset.
 */
export class Partition {
  leaderReplicaId = -1;
  leaderEpoch = -1;
  partitionEpoch = -1;
  controllerEpoch = -1;
  isr: number[] = [];
  replicas: number[] = [];
  topicId: Buffer | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly localBrokerId: number,
    public log: Log,
  ) {}

  get key(): string {
    return tpKey(this.topic, this.partition);
  }

  isLeader(): boolean {
    return this.leaderReplicaId === this.localBrokerId;
  }

  get highWatermark(): number {
    return this.log.logEndOffset;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** Kafka's makeLeader/makeFollower: adopt the controller's view. Returns false when the epoch is stale. */
  applyLeaderState(st: PartitionLeaderState): void {
    this.controllerEpoch = st.controllerEpoch;
    this.leaderReplicaId = st.leader;
    this.leaderEpoch = st.leaderEpoch;
    this.partitionEpoch = st.partitionEpoch;
    this.isr = st.isr.slice();
    this.replicas = st.replicas.slice();
  }
}
