/**
 * Metadata (key 3), versions 0-6; none flexible (MetadataRequest/Response.json, flexible from 9).
 *
 * Request:
 *   v0:    topics [name STRING]                       -- empty array = ALL topics
 *   v1-v3: topics [name STRING] (nullable)            -- null = all topics, empty = none
 *   v4-v6: v1 + allow_auto_topic_creation BOOLEAN     -- default true before v4
 *
 * Response:
 *   v0:    brokers [node_id INT32, host STRING, port INT32],
 *          topics [error_code INT16, name STRING,
 *                  partitions [error_code INT16, partition_index INT32, leader_id INT32,
 *                              replica_nodes [INT32], isr_nodes [INT32]]]
 *   v1:    brokers add rack NULLABLE_STRING; controller_id INT32 after brokers;
 *          topics add is_internal BOOLEAN after name
 *   v2:    v1 + cluster_id NULLABLE_STRING between brokers and controller_id
 *   v3-v4: throttle_time_ms INT32 first, then as v2
 *   v5-v6: partitions add offline_replicas [INT32] after isr_nodes
 *
 * Decoding normalises v0's "empty = all topics" to `topics: null`, the v1+ meaning, so handlers
 * test one thing (Apache: MetadataRequest.isAllTopics). Encoding v0 writes null as an empty array.
 */
import * as schema from '../messages/Metadata';
import { messageApi } from './messageApi';

interface MetadataRequestTopic {
  name: string;
}

export interface MetadataRequest {
  /** null = all topics; [] = no topics (v1+). */
  topics: MetadataRequestTopic[] | null;
  /** v4+; true (the schema default) before. */
  allowAutoTopicCreation: boolean;
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
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+; [] before. */
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  name: string;
  /** v1+; false before. */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
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
}

export const MetadataApi = messageApi<MetadataRequest, MetadataResponse>(schema.MetadataRequest, schema.MetadataResponse, {
  minVersion: 0,
  maxVersion: 6,
  // v0 has no null: an empty list asks for every topic (Apache: MetadataRequest.isAllTopics).
  normalizeRequest: (req, version) => (version === 0 && req.topics?.length === 0 ? { ...req, topics: null } : req),
});
