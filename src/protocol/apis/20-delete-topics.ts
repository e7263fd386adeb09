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
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

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

function decodeRequest(r: Reader, _v: number): DeleteTopicsRequest {
  const topicNames = r.array((rr) => rr.string());
  const timeoutMs = r.int32();
  return { topicNames, timeoutMs };
}

function encodeRequest(w: Writer, _v: number, req: DeleteTopicsRequest): void {
  w.array(req.topicNames, (ww, name) => {
    ww.string(name);
  });
  w.int32(req.timeoutMs);
}

function decodeResponse(r: Reader, v: number): DeleteTopicsResponse {
  const throttleTimeMs = v >= 1 ? r.int32() : 0;
  const responses = r.array((rr): DeletableTopicResult => ({ name: rr.string(), errorCode: rr.int16() }));
  return { throttleTimeMs, responses };
}

function encodeResponse(w: Writer, v: number, res: DeleteTopicsResponse): void {
  if (v >= 1) w.int32(res.throttleTimeMs);
  w.array(res.responses, (ww, t) => {
    ww.string(t.name).int16(t.errorCode);
  });
}

export const DeleteTopicsApi: ApiCodec<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
