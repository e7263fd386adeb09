/**
 * What the CONTROLLER listener answers when the quorum controller fails a request: Kafka's Errors.forException
 * (ApiError.fromThrowable) and each request's getErrorResponse, as kafka.server.ControllerApis uses them.
 */
import { KafkaError, ErrorCode } from '../../protocol/errors';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/19-create-topics';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/20-delete-topics';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/37-create-partitions';
import type { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/apis/43-elect-leaders';
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/apis/45-alter-partition-reassignments';

const ZERO_UUID = Buffer.alloc(16);

/** An error as the response carries it: code and message (ApiError). */
export interface ApiError {
  code: number;
  message: string | null;
}

/**
 * ApiError.fromThrowable: the quorum controller's NotControllerError is NOT_CONTROLLER (Kafka's
 * NotControllerException, message "The active controller appears to be node N."), a KafkaError carries its code,
 * an error object with a numeric `errorCode` that code; anything else is UNKNOWN_SERVER_ERROR, whose message
 * Kafka does not send (ApiError keeps the message only for ApiExceptions).
 */
export function apiErrorOf(e: unknown): ApiError {
  if (e instanceof KafkaError) return { code: e.code, message: e.message };
  if (e instanceof Error && (e.name === 'NotControllerError' || e.constructor.name === 'NotControllerError')) {
    return { code: ErrorCode.NOT_CONTROLLER, message: e.message || null };
  }
  const code = (e as { errorCode?: unknown } | null)?.errorCode;
  if (typeof code === 'number') return { code, message: e instanceof Error ? e.message || null : null };
  return { code: ErrorCode.UNKNOWN_SERVER_ERROR, message: null };
}

/** Whether the error is one Kafka's ControllerApis logs as unexpected (anything not an ApiException). */
export function isUnexpected(e: unknown): boolean {
  return apiErrorOf(e).code === ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** CreateTopicsRequest.getErrorResponse: every topic of the request with the error. */
export function createTopicsError(req: CreateTopicsRequest, err: ApiError): CreateTopicsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, errorCode: err.code, errorMessage: err.message })),
  };
}

/** DeleteTopicsRequest.getErrorResponse: every topic (by name before v6, by name or id from v6) with the error. */
export function deleteTopicsError(req: DeleteTopicsRequest, version: number, err: ApiError): DeleteTopicsResponse {
  const asked = version >= 6 ? (req.topics ?? []) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  return {
    throttleTimeMs: 0,
    responses: asked.map((t) => ({ name: t.name, topicId: t.topicId, errorCode: err.code, errorMessage: err.message })),
  };
}

/** CreatePartitionsRequest.getErrorResponse */
export function createPartitionsError(req: CreatePartitionsRequest, err: ApiError): CreatePartitionsResponse {
  return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, errorCode: err.code, errorMessage: err.message })) };
}

/** ElectLeadersRequest.getErrorResponse: the top-level error, and each asked partition with it. */
export function electLeadersError(req: ElectLeadersRequest, err: ApiError): ElectLeadersResponse {
  return {
    throttleTimeMs: 0,
    errorCode: err.code,
    replicaElectionResults: (req.topicPartitions ?? []).map((t) => ({
      topic: t.topic,
      partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode: err.code, errorMessage: err.message })),
    })),
  };
}

/** AlterPartitionReassignmentsRequest.getErrorResponse: the top-level error, and each asked partition with it. */
export function alterReassignmentsError(req: AlterPartitionReassignmentsRequest, err: ApiError): AlterPartitionReassignmentsResponse {
  return {
    throttleTimeMs: 0,
    errorCode: err.code,
    errorMessage: err.message,
    responses: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: err.code, errorMessage: err.message })),
    })),
  };
}

/** (AlterConfigs|IncrementalAlterConfigs)Request.getErrorResponse: every resource with the error. */
export function alterConfigsError(
  req: { resources: Array<{ resourceType: number; resourceName: string }> },
  err: ApiError,
): { throttleTimeMs: number; responses: Array<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }> } {
  return {
    throttleTimeMs: 0,
    responses: req.resources.map((r) => ({ errorCode: err.code, errorMessage: err.message, resourceType: r.resourceType, resourceName: r.resourceName })),
  };
}
