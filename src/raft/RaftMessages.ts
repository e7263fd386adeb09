/**
 * Single-partition Raft requests and responses for `__cluster_metadata-0` (Kafka's RaftUtil and the
 * singletonRequest/singletonResponse helpers of VoteRequest, BeginQuorumEpochRequest...), typed as the codecs in
 * src/protocol/apis decode them, and the topic-partition checks (RaftUtil.hasValidTopicPartition).
 */
import { FetchRequest, FetchResponse, FetchPartitionData } from '../protocol/apis/01-fetch';
import { VoteRequest, VoteResponse } from '../protocol/apis/52-vote';
import { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from '../protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochRequest, EndQuorumEpochResponse } from '../protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumRequest, DescribeQuorumResponse, QuorumReplicaState } from '../protocol/apis/55-describe-quorum';
import { FetchSnapshotRequest, FetchSnapshotResponse } from '../protocol/apis/59-fetch-snapshot';
import { METADATA_PARTITION, METADATA_TOPIC, METADATA_TOPIC_ID } from './ReplicatedLog';

const ZERO_UUID = Buffer.alloc(16);

/** One topic with one partition, named `__cluster_metadata` and partition 0. */
function isSingleton(topics: ReadonlyArray<{ partitions: ReadonlyArray<unknown> }>, name: (t: never) => string, index: (p: never) => number): boolean {
  if (topics.length !== 1 || topics[0].partitions.length !== 1) return false;
  return name(topics[0] as never) === METADATA_TOPIC && index(topics[0].partitions[0] as never) === METADATA_PARTITION;
}

export function validVote(m: VoteRequest | VoteResponse): boolean {
  return isSingleton(
    m.topics,
    (t: { topicName: string }) => t.topicName,
    (p: { partitionIndex: number }) => p.partitionIndex,
  );
}
export const validQuorumEpoch: (m: BeginQuorumEpochRequest | BeginQuorumEpochResponse | EndQuorumEpochRequest | EndQuorumEpochResponse) => boolean =
  validVote as never;
export const validDescribeQuorum: (m: DescribeQuorumRequest) => boolean = validVote as never;

export function validFetchSnapshot(m: FetchSnapshotRequest | FetchSnapshotResponse): boolean {
  return isSingleton(
    m.topics,
    (t: { name: string }) => t.name,
    (p: { partition?: number; index?: number }) => p.partition ?? p.index ?? -1,
  );
}

/** Fetch v13+ names topics by id: the metadata topic's fixed id (RaftUtil.hasValidTopicPartition with topicId). */
export function validFetchRequest(m: FetchRequest): boolean {
  if (m.topics.length !== 1 || m.topics[0].partitions.length !== 1) return false;
  const t = m.topics[0];
  const idOk = t.topicId && !t.topicId.equals(ZERO_UUID) ? t.topicId.equals(METADATA_TOPIC_ID) : t.topic === METADATA_TOPIC;
  return idOk && t.partitions[0].partition === METADATA_PARTITION;
}

export function validFetchResponse(m: FetchResponse): boolean {
  if (m.responses.length !== 1 || m.responses[0].partitions.length !== 1) return false;
  const t = m.responses[0];
  const idOk = t.topicId && !t.topicId.equals(ZERO_UUID) ? t.topicId.equals(METADATA_TOPIC_ID) : t.topic === METADATA_TOPIC;
  return idOk && t.partitions[0].partitionIndex === METADATA_PARTITION;
}

export function voteRequest(clusterId: string, epoch: number, candidateId: number, lastOffsetEpoch: number, lastOffset: number): VoteRequest {
  return {
    clusterId,
    topics: [
      { topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, candidateEpoch: epoch, candidateId, lastOffsetEpoch, lastOffset }] },
    ],
  };
}

export function voteResponse(errorCode: number, partitionError: number, epoch: number, leaderId: number, voteGranted: boolean): VoteResponse {
  return {
    errorCode,
    topics: [
      { topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, errorCode: partitionError, leaderId, leaderEpoch: epoch, voteGranted }] },
    ],
  };
}

export function beginQuorumEpochRequest(clusterId: string, epoch: number, leaderId: number): BeginQuorumEpochRequest {
  return { clusterId, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, leaderId, leaderEpoch: epoch }] }] };
}

export function endQuorumEpochRequest(clusterId: string, epoch: number, leaderId: number, preferredSuccessors: number[]): EndQuorumEpochRequest {
  return {
    clusterId,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, leaderId, leaderEpoch: epoch, preferredSuccessors }] }],
  };
}

/** The response shape BeginQuorumEpoch and EndQuorumEpoch share. */
export function quorumEpochResponse(
  errorCode: number,
  partitionError: number,
  epoch: number,
  leaderId: number,
): BeginQuorumEpochResponse & EndQuorumEpochResponse {
  return {
    errorCode,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, errorCode: partitionError, leaderId, leaderEpoch: epoch }] }],
  };
}

/** RaftUtil.singletonFetchRequest plus KafkaRaftClient.buildFetchRequest's fields. */
export function fetchRequest(
  clusterId: string,
  replicaId: number,
  epoch: number,
  fetchOffset: number,
  lastFetchedEpoch: number,
  maxWaitMs: number,
  maxBytes: number,
): FetchRequest {
  return {
    clusterId,
    replicaId,
    replicaState: { replicaId, replicaEpoch: -1 },
    maxWaitMs,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: METADATA_TOPIC,
        topicId: METADATA_TOPIC_ID,
        partitions: [{ partition: METADATA_PARTITION, currentLeaderEpoch: epoch, fetchOffset, lastFetchedEpoch, logStartOffset: -1, partitionMaxBytes: 0 }],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** FetchRequest.replicaId: v15+ carries it in ReplicaState. */
export function fetchReplicaId(req: FetchRequest): number {
  return req.replicaState && req.replicaState.replicaId >= 0 ? req.replicaState.replicaId : req.replicaId;
}

export interface FetchAnswer {
  errorCode: number;
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
  leaderId: number;
  leaderEpoch: number;
  divergingEpoch?: { epoch: number; endOffset: number };
  snapshotId?: { endOffset: number; epoch: number };
}

export function fetchResponse(topLevelError: number, a: FetchAnswer): FetchResponse {
  const partition: FetchPartitionData = {
    partitionIndex: METADATA_PARTITION,
    errorCode: a.errorCode,
    highWatermark: a.highWatermark,
    lastStableOffset: -1,
    logStartOffset: a.logStartOffset,
    currentLeader: { leaderId: a.leaderId, leaderEpoch: a.leaderEpoch },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: a.records,
  };
  if (a.divergingEpoch) partition.divergingEpoch = a.divergingEpoch;
  if (a.snapshotId) partition.snapshotId = a.snapshotId;
  return {
    throttleTimeMs: 0,
    errorCode: topLevelError,
    sessionId: 0,
    responses: [{ topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID, partitions: [partition] }],
  };
}

export function describeQuorumResponse(
  partitionError: number,
  p?: { leaderId: number; leaderEpoch: number; highWatermark: number; currentVoters: QuorumReplicaState[]; observers: QuorumReplicaState[] },
): DescribeQuorumResponse {
  const partition = p
    ? { partitionIndex: METADATA_PARTITION, errorCode: partitionError, ...p }
    : { partitionIndex: METADATA_PARTITION, errorCode: partitionError, leaderId: -1, leaderEpoch: -1, highWatermark: -1, currentVoters: [], observers: [] };
  return { errorCode: 0, topics: [{ topicName: METADATA_TOPIC, partitions: [partition] }] };
}

/** DescribeQuorumRequest.getPartitionLevelErrorResponse: every requested partition answered with `error`. */
export function describeQuorumErrorResponse(req: DescribeQuorumRequest, error: number): DescribeQuorumResponse {
  return {
    errorCode: 0,
    topics: req.topics.map((t) => ({
      topicName: t.topicName,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: error,
        leaderId: -1,
        leaderEpoch: -1,
        highWatermark: -1,
        currentVoters: [],
        observers: [],
      })),
    })),
  };
}

export function fetchSnapshotErrorResponse(topLevelError: number, partitionError: number, leaderId: number, leaderEpoch: number): FetchSnapshotResponse {
  return {
    throttleTimeMs: 0,
    errorCode: topLevelError,
    topics:
      topLevelError !== 0
        ? []
        : [
            {
              name: METADATA_TOPIC,
              partitions: [
                {
                  index: METADATA_PARTITION,
                  errorCode: partitionError,
                  snapshotId: { endOffset: -1, epoch: -1 },
                  currentLeader: { leaderId, leaderEpoch },
                  size: 0,
                  position: 0,
                  unalignedRecords: Buffer.alloc(0),
                },
              ],
            },
          ],
  };
}

export function fetchSnapshotRequest(
  clusterId: string,
  replicaId: number,
  epoch: number,
  snapshotId: { offset: number; epoch: number },
  position: number,
): FetchSnapshotRequest {
  return {
    clusterId,
    replicaId,
    maxBytes: 0x7fffffff,
    topics: [
      {
        name: METADATA_TOPIC,
        partitions: [
          { partition: METADATA_PARTITION, currentLeaderEpoch: epoch, snapshotId: { endOffset: snapshotId.offset, epoch: snapshotId.epoch }, position },
        ],
      },
    ],
  };
}

export function fetchSnapshotResponse(
  leaderId: number,
  leaderEpoch: number,
  snapshotId: { offset: number; epoch: number },
  size: number,
  position: number,
  chunk: Buffer,
): FetchSnapshotResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    topics: [
      {
        name: METADATA_TOPIC,
        partitions: [
          {
            index: METADATA_PARTITION,
            errorCode: 0,
            snapshotId: { endOffset: snapshotId.offset, epoch: snapshotId.epoch },
            currentLeader: { leaderId, leaderEpoch },
            size,
            position,
            unalignedRecords: chunk,
          },
        ],
      },
    ],
  };
}
