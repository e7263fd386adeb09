/**
 * DeleteTopics (key 20), admin client -> controller: mark topics for deletion under /admin/delete_topics and wait
 * for the controller to finish (ZkAdminManager.deleteTopics). We serve Kafka 3.7's 0-6: v1 throttle time, v2-3
 * throttling (KIP-219; TOPIC_DELETION_DISABLED from v3), v4 flexible, v5 ErrorMessage and KIP-599's strict controller
 * mutation quota (not enforced here: no quota is configurable), v6 topics by name or by TopicId (Topics replaces
 * TopicNames), the response carrying each TopicId.
 */
import * as schema from '../messages/DeleteTopics';
import { messageApi } from './messageApi';

export interface DeleteTopicState {
  /** Null when the topic is named by id. */
  name: string | null;
  /** All zeros when the topic is named by name. */
  topicId: Buffer;
}

export interface DeleteTopicsRequest {
  /** v6+; [] before. Always set once decoded. */
  topics?: DeleteTopicState[];
  /** v0-5; [] from v6. */
  topicNames: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  /** Null only from v6 (an unknown topic id). */
  name: string | null;
  /** v6+; all zeros when unknown. */
  topicId?: Buffer;
  errorCode: number;
  /** v5+; null before. */
  errorMessage?: string | null;
}

export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}

export const DeleteTopicsApi = messageApi<DeleteTopicsRequest, DeleteTopicsResponse>(schema.DeleteTopicsRequest, schema.DeleteTopicsResponse, {
  minVersion: 0,
  maxVersion: 6,
});
