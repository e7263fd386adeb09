/**
 * Metadata (key 3): brokers, controller and the partitions of the asked topics (or of all), with auto-creation of
 * unknown topics (KafkaApis.handleTopicMetadataRequest, ZK mode). We serve Kafka 3.7's 0-12 (flexible from 9):
 * v7 LeaderEpoch per partition; v8 authorized operations (asked for with the Include* flags, else the schema default
 * -2147483648); v10 TopicId per topic; v11 drops ClusterAuthorizedOperations; v12 lets a request name topics by
 * id only (Name null) and the response answer an unknown id with UNKNOWN_TOPIC_ID and a null name.
 *
 * Decoding normalises v0's "empty = all topics" to `topics: null`, the v1+ meaning, so handlers test one thing
 * (Apache: MetadataRequest.isAllTopics). v0 cannot carry null: write [] to ask a v0 broker for every topic.
 */
import * as schema from '../messages/Metadata';
import { messageApi } from './messageApi';

export interface MetadataRequestTopic {
  /** v10+; all zeros when the topic is named (ids are honoured from v12, as Kafka). Always set once decoded. */
  topicId?: Buffer;
  /** Null (v10+ on the wire, honoured from v12) when the topic is asked for by id. */
  name: string | null;
}

export interface MetadataRequest {
  /** null = all topics; [] = no topics (v1+). */
  topics: MetadataRequestTopic[] | null;
  /** v4+; true (the schema default) before. */
  allowAutoTopicCreation: boolean;
  /** v8-10; false otherwise. Always set once decoded. */
  includeClusterAuthorizedOperations?: boolean;
  /** v8+; false before. Always set once decoded. */
  includeTopicAuthorizedOperations?: boolean;
}

interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; null before. */
  rack: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+; -1 before. */
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+; [] before. */
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  /** Null only from v12 (an unknown topic id). */
  name: string | null;
  /** v10+; all zeros when unknown. */
  topicId?: Buffer;
  /** v1+; false before. */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  /** v8+; -2147483648 (the schema default) unless the request asked for it. */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponse {
  /** v3+; 0 before. */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** v2+; null before. */
  clusterId: string | null;
  /** v1+; -1 before. */
  controllerId: number;
  topics: MetadataResponseTopic[];
  /** v8-10; -2147483648 (the schema default) unless the request asked for it. */
  clusterAuthorizedOperations?: number;
}

/** The schema default of the authorized-operations fields: "not asked for". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const MetadataApi = messageApi<MetadataRequest, MetadataResponse>(schema.MetadataRequest, schema.MetadataResponse, {
  minVersion: 0,
  maxVersion: 12,
  // v0 has no null: an empty list asks for every topic (Apache: MetadataRequest.isAllTopics).
  normalizeRequest: (req, version) => (version === 0 && req.topics?.length === 0 ? { ...req, topics: null } : req),
});
