/**
 * Fetch (key 1): consumers read records, followers replicate them. We serve versions 4-16 (Kafka 3.7's ZK
 * broker serves 0-16; v0-3 need message-format down-conversion). The layout lives in ../messages/Fetch.ts.
 *
 * - v7+: incremental fetch sessions (KIP-227: session_id/session_epoch, forgotten topics; FetchSession.ts).
 * - v11: rack_id; consumers may then read from followers (ReplicaManager.fetchMessages: fetchOnlyLeader is false
 *   for a consumer with client metadata). preferred_read_replica stays -1: no replica.selector.class.
 * - v12: flexible; last_fetched_epoch lets the leader answer DivergingEpoch (KIP-320/KIP-595).
 * - v13: topics by topic_id (KIP-516); an unknown id answers UNKNOWN_TOPIC_ID.
 * - v15: ReplicaState {ReplicaId, ReplicaEpoch} replaces ReplicaId (KIP-903).
 * - v16: CurrentLeader and NodeEndpoints on NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH (KIP-951).
 *
 * Response `records` are written as a list of chunks read from segment files, by reference
 * (Writer.recordsChunks), so batch bytes go from the page cache to the socket uncopied; decoding yields one
 * Buffer (a slice of the frame).
 */
import * as schema from '../messages/Fetch';
import { messageApi } from './messageApi';

/**
 * FetchRequest's replica ids (Kafka's FetchRequest.CONSUMER_REPLICA_ID, DEBUGGING_REPLICA_ID, FUTURE_LOCAL_REPLICA_ID;
 * ListOffsetsRequest defines the first two with the same values): a broker id (>= 0) is a follower, -1 an ordinary
 * consumer, -2 a debugging consumer (may read a follower, to the log end), -3 a future replica of this broker.
 */
export const CONSUMER_REPLICA_ID = -1;
export const DEBUGGING_REPLICA_ID = -2;
export const FUTURE_LOCAL_REPLICA_ID = -3;

export interface FetchPartition {
  partition: number;
  /** v9+; -1 before. */
  currentLeaderEpoch: number;
  fetchOffset: number;
  /** v12+; -1 before or when unknown. The epoch of the last batch the fetcher has. */
  lastFetchedEpoch: number;
  /** v5+; -1 before (only followers set it). */
  logStartOffset: number;
  partitionMaxBytes: number;
}

export interface FetchTopic {
  /** v0-12; '' from v13. */
  topic: string;
  /** v13+; the zero uuid before. */
  topicId: Buffer;
  partitions: FetchPartition[];
}

export interface ForgottenTopic {
  /** v7-12; '' from v13. */
  topic: string;
  /** v13+. */
  topicId: Buffer;
  partitions: number[];
}

interface ReplicaState {
  /** -1 for consumers. */
  replicaId: number;
  /** The follower's broker epoch; -1 when unknown. */
  replicaEpoch: number;
}

export interface FetchRequest {
  /** v12+ tagged; null. Kafka 3.7 does not check it. */
  clusterId: string | null;
  /** v0-14: -1 for consumers, the follower's broker id for replication. */
  replicaId: number;
  /** v15+ tagged (KIP-903); replaces replicaId. */
  replicaState: ReplicaState;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED. */
  isolationLevel: number;
  /** v7+; 0 before. */
  sessionId: number;
  /** v7+; -1 before. */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** v7+; [] before. */
  forgottenTopicsData: ForgottenTopic[];
  /** v11+; '' before. */
  rackId: string;
}

export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

interface SnapshotId {
  endOffset: number;
  epoch: number;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  /** v5+; -1 before. */
  logStartOffset: number;
  /** v12+ tagged; written only when the fetcher's log diverged from the leader's. */
  divergingEpoch?: EpochEndOffset;
  /** v12+ tagged; Kafka 3.7 sets it from v16 on NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH. */
  currentLeader?: LeaderIdAndEpoch;
  /** v12+ tagged; KRaft metadata log only, never set by a ZK broker. */
  snapshotId?: SnapshotId;
  abortedTransactions: AbortedTransaction[] | null;
  /** v11+; -1 before. */
  preferredReadReplica: number;
  /** Record batch bytes: one or more chunks when written, one Buffer when decoded. */
  records: Buffer | Buffer[] | null;
}

export interface FetchableTopicResponse {
  /** v0-12. */
  topic: string;
  /** v13+. */
  topicId?: Buffer;
  partitions: FetchPartitionData[];
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface FetchResponse {
  throttleTimeMs: number;
  /** v7+; 0 before. A session error (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH...) goes here. */
  errorCode: number;
  /** v7+; 0 = no session. */
  sessionId: number;
  responses: FetchableTopicResponse[];
  /** v16+ tagged: the brokers named by CurrentLeader fields (KIP-951). */
  nodeEndpoints?: NodeEndpoint[];
}

export const FetchApi = messageApi<FetchRequest, FetchResponse>(schema.FetchRequest, schema.FetchResponse, { minVersion: 0, maxVersion: 16 });

/** A partition's records as one Buffer (decoded responses carry one already; written ones may be chunks). */
export function recordsBuffer(records: Buffer | Buffer[] | null): Buffer {
  if (records === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(records)) return records;
  return records.length === 1 ? records[0] : Buffer.concat(records);
}
