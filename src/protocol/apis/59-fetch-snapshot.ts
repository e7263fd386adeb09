/**
 * FetchSnapshot (key 59, KIP-630): after a Fetch answered with a SnapshotId, the follower copies that snapshot
 * (`<offset>-<epoch>.checkpoint`) from the leader in chunks from `position`; `unalignedRecords` are raw snapshot
 * bytes, not necessarily cut at batch boundaries. Version 0, flexible. Controller listener only: a ZooKeeper-mode
 * broker neither serves nor advertises it. Layout: ../messages/FetchSnapshot.ts.
 */
import * as schema from '../messages/FetchSnapshot';
import { messageApi } from './messageApi';

export interface SnapshotId {
  endOffset: number;
  epoch: number;
}

export interface FetchSnapshotPartitionRequest {
  partition: number;
  currentLeaderEpoch: number;
  snapshotId: SnapshotId;
  position: number;
}

export interface FetchSnapshotRequest {
  /** Tagged (tag 0); null when absent. */
  clusterId: string | null;
  replicaId: number;
  maxBytes: number;
  topics: Array<{ name: string; partitions: FetchSnapshotPartitionRequest[] }>;
}

export interface FetchSnapshotPartitionResponse {
  index: number;
  errorCode: number;
  snapshotId: SnapshotId;
  /** Tagged (tag 0). */
  currentLeader: { leaderId: number; leaderEpoch: number };
  size: number;
  position: number;
  unalignedRecords: Buffer | Buffer[];
}

export interface FetchSnapshotResponse {
  throttleTimeMs: number;
  errorCode: number;
  topics: Array<{ name: string; partitions: FetchSnapshotPartitionResponse[] }>;
}

export const FetchSnapshotApi = messageApi<FetchSnapshotRequest, FetchSnapshotResponse>(schema.FetchSnapshotRequest, schema.FetchSnapshotResponse);
