/**
 * A partition's state as the controller sends it to brokers and as they hold it: the fields that Kafka's
 * LeaderAndIsrPartitionState and UpdateMetadataPartitionState (common/message/*.json) share. Each request adds
 * its own fields (LeaderAndIsrPartitionState, UpdateMetadataPartitionState); Partition and MetadataCache keep
 * these objects as decoded.
 */
export interface PartitionState {
  /** On the wire only in the ungrouped versions (LeaderAndIsr v0-1, UpdateMetadata v0-4); filled in otherwise. */
  topicName: string;
  partitionIndex: number;
  controllerEpoch: number;
  /** -1 none; -2 (LeaderDuringDelete) in UpdateMetadata while the topic is being deleted. */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** The partition state znode's dataVersion (LeaderAndIsr's PartitionEpoch, UpdateMetadata's ZkVersion). */
  partitionEpoch: number;
  replicas: number[];
}
