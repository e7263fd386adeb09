/**
 * DeleteTopics (key 20), admin client -> controller: mark topics for deletion under
 * /admin/delete_topics and wait for the controller to finish (ZkAdminManager.deleteTopics).
 * Schema: DeleteTopicsRequest.json / DeleteTopicsResponse.json (Kafka 3.7 has 0-6, flexible from 4;
 * we implement the non-flexible range 0-3, which is what kafkajs (v0-1), librdkafka and kafka-python use).
 *
 * Request v0-3  => TopicNames [string] TimeoutMs int32
 * Response v0   => Responses [Name string ErrorCode int16]
 * Response v1-3 => ThrottleTimeMs int32 Responses [Name string ErrorCode int16]
 *
 * ThrottleTimeMs decodes to 0 when absent (v0).
 */
import * as schema from '../messages/DeleteTopics';
import { messageApi } from './messageApi';

interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

interface DeletableTopicResult {
  name: string;
  errorCode: number;
}

export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}

export const DeleteTopicsApi = messageApi<DeleteTopicsRequest, DeleteTopicsResponse>(schema.DeleteTopicsRequest, schema.DeleteTopicsResponse, {
  minVersion: 0,
  maxVersion: 3,
});
