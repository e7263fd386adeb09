/**
 * The requests Kafka 3.7's KafkaApis authorizes with one operation on the cluster before anything else
 * (authHelper.authorizeClusterOperation, or an equivalent check first in the handler): the controller's and the
 * brokers' own requests need CLUSTER_ACTION, cluster administration ALTER or DESCRIBE. Denied, the request is
 * answered with its getErrorResponse(CLUSTER_AUTHORIZATION_FAILED). Not modelled: LeaderAndIsr and StopReplica
 * answer the error at the top level only (Kafka also repeats it for each partition; the controller reads the top).
 */
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import {
  AlterPartitionApi,
  AlterPartitionReassignmentsApi,
  AlterReplicaLogDirsApi,
  AlterUserScramCredentialsApi,
  ControlledShutdownApi,
  DescribeLogDirsApi,
  DescribeUserScramCredentialsApi,
  ElectLeadersApi,
  LeaderAndIsrApi,
  ListPartitionReassignmentsApi,
  StopReplicaApi,
  UpdateFeaturesApi,
  UpdateMetadataApi,
  WriteTxnMarkersApi,
} from '../../protocol/apis';
import { AllocateProducerIdsApi } from '../../protocol/apis/67-allocate-producer-ids';
import { ApiCodec, encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation as O } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import type { AuthHelper } from './AuthHelper';

const E = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
const MESSAGE = errorInfo(E).message;

interface Gate {
  operation: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  codec: ApiCodec<any, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  errorResponse: (req: any) => unknown;
}

const gate = <Req>(operation: number, codec: ApiCodec<Req, unknown>, errorResponse: (req: Req) => unknown): Gate => ({ operation, codec, errorResponse });

const GATES = new Map<number, Gate>(
  [
    gate(O.CLUSTER_ACTION, LeaderAndIsrApi, () => ({ errorCode: E, partitionErrors: [], topics: [] })),
    gate(O.CLUSTER_ACTION, StopReplicaApi, () => ({ errorCode: E, partitionErrors: [] })),
    gate(O.CLUSTER_ACTION, UpdateMetadataApi, () => ({ errorCode: E })),
    gate(O.CLUSTER_ACTION, ControlledShutdownApi, () => ({ errorCode: E, remainingPartitions: [] })),
    gate(O.CLUSTER_ACTION, AlterPartitionApi, () => ({ throttleTimeMs: 0, errorCode: E, topics: [] })),
    gate(O.CLUSTER_ACTION, AllocateProducerIdsApi, () => ({ throttleTimeMs: 0, errorCode: E, producerIdStart: 0, producerIdLen: 0 })),
    // WriteTxnMarkersRequest.getErrorResponse: every partition of every marker.
    gate(O.CLUSTER_ACTION, WriteTxnMarkersApi, (req) => ({
      markers: req.markers.map((m) => ({
        producerId: m.producerId,
        topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: E })) })),
      })),
    })),
    gate(O.ALTER, AlterPartitionReassignmentsApi, () => ({ throttleTimeMs: 0, errorCode: E, errorMessage: MESSAGE, responses: [] })),
    gate(O.DESCRIBE, ListPartitionReassignmentsApi, () => ({ throttleTimeMs: 0, errorCode: E, errorMessage: MESSAGE, topics: [] })),
    // KafkaApis.handleElectLeaders: every asked partition with the error.
    gate(O.ALTER, ElectLeadersApi, (req) => ({
      throttleTimeMs: 0,
      errorCode: E,
      replicaElectionResults: (req.topicPartitions ?? []).map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode: E, errorMessage: MESSAGE })),
      })),
    })),
    gate(O.ALTER, UpdateFeaturesApi, () => ({ throttleTimeMs: 0, errorCode: E, errorMessage: MESSAGE, results: [] })),
    // KafkaApis.handleAlterReplicaLogDirsRequest: every partition with the error.
    gate(O.ALTER, AlterReplicaLogDirsApi, (req) => ({
      throttleTimeMs: 0,
      results: req.dirs.flatMap((d) =>
        d.topics.map((t) => ({ topicName: t.name, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, errorCode: E })) })),
      ),
    })),
    // KafkaApis.handleDescribeLogDirsRequest: no dirs, the error at the top (v3+).
    gate(O.DESCRIBE, DescribeLogDirsApi, () => ({ throttleTimeMs: 0, errorCode: E, results: [] })),
    gate(O.DESCRIBE, DescribeUserScramCredentialsApi, () => ({ throttleTimeMs: 0, errorCode: E, errorMessage: MESSAGE, results: [] })),
    // AlterUserScramCredentialsRequest.getErrorResponse: each user named, once.
    gate(O.ALTER, AlterUserScramCredentialsApi, (req) => ({
      throttleTimeMs: 0,
      results: [...new Set([...req.deletions.map((d) => d.name), ...req.upsertions.map((u) => u.name)])].map((user) => ({
        user,
        errorCode: E,
        errorMessage: MESSAGE,
      })),
    })),
  ].map((g) => [g.codec.apiKey, g]),
);

/**
 * The cluster check of the request, if it has one: null when allowed (or not gated), else the encoded error response.
 * The reader is not consumed (the handler decodes the request itself when allowed).
 */
export function clusterOperationDenied(auth: AuthHelper, ctx: RequestContext, r: Reader): ResponseBody | null {
  if (!auth.authorizer) return null;
  const g = GATES.get(ctx.header.apiKey);
  if (!g || auth.authorize(ctx, g.operation, ResourceType.CLUSTER, CLUSTER_NAME)) return null;
  const v = ctx.header.apiVersion;
  const req: unknown = g.codec.decodeRequest(new Reader(r.buf, r.offset, r.end), v);
  return encodeResponse(g.codec, v, g.errorResponse(req));
}
