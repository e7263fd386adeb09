/**
 * kafka.server.ForwardingManager: a KRaft broker does not change metadata itself; the admin APIs a client sends it
 * (CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs, IncrementalAlterConfigs, ElectLeaders,
 * AlterPartitionReassignments, ListPartitionReassignments, UpdateFeatures, DescribeQuorum, UnregisterBroker,
 * AlterUserScramCredentials, CreateAcls, DeleteAcls, AlterClientQuotas) are
 * re-sent to the active controller and its answer returned to the client as is.
 *
 * Kafka wraps the request in an Envelope carrying the client's principal, which the controller authorizes; we send
 * the body as it came (or as the broker narrowed it: KRaftForwardAuthorization checks the client's rights first when
 * an authorizer is configured), same API and version, on the CONTROLLER listener. As Kafka's NodeToControllerRequestThread,
 * a NOT_CONTROLLER answer or an unreachable controller is retried (the controller moved or is being elected) until
 * the retry timeout; then the client gets the API's error response with REQUEST_TIMED_OUT, never a hang.
 */
import { getLogger, Logger } from '../common/logger';
import { RequestContext, ResponseBody } from '../network/RequestContext';
import {
  AlterClientQuotasApi,
  AlterConfigsApi,
  AlterPartitionReassignmentsApi,
  AlterUserScramCredentialsApi,
  CreateAclsApi,
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteAclsApi,
  DeleteTopicsApi,
  ElectLeadersApi,
  IncrementalAlterConfigsApi,
  ListPartitionReassignmentsApi,
  UpdateFeaturesApi,
} from '../protocol/apis';
import { DescribeQuorumApi } from '../protocol/apis/55-describe-quorum';
import { UnregisterBrokerApi } from '../protocol/apis/64-unregister-broker';
import { ApiCodec, encodeResponse } from '../protocol/apis/types';
import { ErrorCode, errorInfo } from '../protocol/errors';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import type { ControllerChannel } from './BrokerLifecycleManager';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ApiCodec<any, any>;

/** The APIs a KRaft broker forwards to the controller (ApiKeys with forwardable=true that a 3.7 broker serves this way). */
export const FORWARDED_APIS: ReadonlyMap<number, AnyCodec> = new Map<number, AnyCodec>(
  [
    CreateTopicsApi,
    DeleteTopicsApi,
    CreatePartitionsApi,
    AlterConfigsApi,
    IncrementalAlterConfigsApi,
    ElectLeadersApi,
    AlterPartitionReassignmentsApi,
    ListPartitionReassignmentsApi,
    UpdateFeaturesApi,
    DescribeQuorumApi,
    UnregisterBrokerApi,
    // kraftsec: SCRAM credentials and ACLs are written by the controller (KafkaApis.maybeForwardToController).
    AlterUserScramCredentialsApi,
    CreateAclsApi,
    DeleteAclsApi,
    AlterClientQuotasApi,
  ].map((c) => [c.apiKey, c as AnyCodec]),
);

const ZERO_UUID = Buffer.alloc(16);
/** NodeToControllerRequestThread's retry backoff while the controller is unknown or moved. */
const RETRY_BACKOFF_MS = 100;

/** A codec that sends the body bytes as they are and hands back the response body undecoded. */
function rawCodec(codec: AnyCodec): ApiCodec<Buffer, Buffer> {
  return {
    apiKey: codec.apiKey,
    name: codec.name,
    minVersion: codec.minVersion,
    maxVersion: codec.maxVersion,
    firstFlexibleVersion: codec.firstFlexibleVersion,
    decodeRequest: (r: Reader) => r.buf.subarray(r.offset, r.end),
    encodeRequest: (w: Writer, _v: number, body: Buffer) => void w.rawChunk(body),
    decodeResponse: (r: Reader) => r.buf.subarray(r.offset, r.end),
    encodeResponse: (w: Writer, _v: number, body: Buffer) => void w.rawChunk(body),
  };
}

/** Whether a decoded response carries NOT_CONTROLLER anywhere (Kafka: response.errorCounts contains NOT_CONTROLLER). */
export function hasNotController(res: unknown): boolean {
  if (Array.isArray(res)) return res.some(hasNotController);
  if (res === null || typeof res !== 'object' || Buffer.isBuffer(res)) return false;
  for (const [k, v] of Object.entries(res as Record<string, unknown>)) {
    if (k === 'errorCode' && v === ErrorCode.NOT_CONTROLLER) return true;
    if (typeof v === 'object' && hasNotController(v)) return true;
  }
  return false;
}

/** AbstractRequest.getErrorResponse for the forwarded APIs: every item of the request answered with `code`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function forwardingErrorResponse(apiKey: number, req: any, code: number): unknown {
  const errorMessage = errorInfo(code).message;
  const top = { throttleTimeMs: 0, errorCode: code, errorMessage };
  switch (apiKey) {
    case CreateTopicsApi.apiKey:
      return {
        throttleTimeMs: 0,
        topics: (req.topics as Array<{ name: string }>).map((t) => ({
          name: t.name,
          topicId: ZERO_UUID,
          errorCode: code,
          errorMessage,
          topicConfigErrorCode: 0,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        })),
      };
    case DeleteTopicsApi.apiKey: {
      const topics: Array<{ name: string | null; topicId: Buffer }> =
        req.topics && req.topics.length > 0 ? req.topics : (req.topicNames as string[]).map((name) => ({ name, topicId: ZERO_UUID }));
      return { throttleTimeMs: 0, responses: topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode: code, errorMessage })) };
    }
    case CreatePartitionsApi.apiKey:
      return { throttleTimeMs: 0, results: (req.topics as Array<{ name: string }>).map((t) => ({ name: t.name, errorCode: code, errorMessage })) };
    case AlterConfigsApi.apiKey:
    case IncrementalAlterConfigsApi.apiKey:
      return {
        throttleTimeMs: 0,
        responses: (req.resources as Array<{ resourceType: number; resourceName: string }>).map((r) => ({
          errorCode: code,
          errorMessage,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
        })),
      };
    case ElectLeadersApi.apiKey:
      return {
        throttleTimeMs: 0,
        errorCode: code,
        replicaElectionResults: ((req.topicPartitions ?? []) as Array<{ topic: string; partitions: number[] }>).map((t) => ({
          topic: t.topic,
          partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode: code, errorMessage })),
        })),
      };
    case AlterPartitionReassignmentsApi.apiKey:
      return { ...top, responses: [] };
    case ListPartitionReassignmentsApi.apiKey:
      return { ...top, topics: [] };
    case UpdateFeaturesApi.apiKey:
      return { ...top, results: [] };
    case DescribeQuorumApi.apiKey:
      return { errorCode: code, topics: [] };
    case UnregisterBrokerApi.apiKey:
      return top;
    case AlterUserScramCredentialsApi.apiKey: {
      const users = [...new Set([...req.deletions, ...req.upsertions].map((x: { name: string }) => x.name))].sort();
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: code, errorMessage })) };
    }
    case AlterClientQuotasApi.apiKey:
      return { throttleTimeMs: 0, entries: (req.entries as Array<{ entity: unknown }>).map((e) => ({ errorCode: code, errorMessage, entity: e.entity })) };
    case CreateAclsApi.apiKey:
      return { throttleTimeMs: 0, results: (req.creations as unknown[]).map(() => ({ errorCode: code, errorMessage })) };
    case DeleteAclsApi.apiKey:
      return { throttleTimeMs: 0, filterResults: (req.filters as unknown[]).map(() => ({ errorCode: code, errorMessage, matchingAcls: [] })) };
    default:
      throw new Error(`API ${apiKey} is not forwarded`);
  }
}

export class ForwardingManager {
  private readonly log: Logger;

  constructor(
    brokerId: number,
    private readonly channel: ControllerChannel,
    /** How long a request may wait for a reachable active controller (Kafka: request.timeout.ms of the channel). */
    private readonly retryTimeoutMs: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.log = getLogger('kafka.server.ForwardingManager', `[ForwardingManager broker=${brokerId}] `);
  }

  isForwarded(apiKey: number): boolean {
    return FORWARDED_APIS.has(apiKey);
  }

  async forward(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const { apiKey, apiVersion: v } = ctx.header;
    const codec = FORWARDED_APIS.get(apiKey)!;
    const body = r.buf.subarray(r.offset, r.end);
    // A body that does not parse closes the connection, as it would before any handling (KafkaApis/RequestChannel).
    const req: unknown = codec.decodeRequest(new Reader(body), v);
    return this.send(ctx, codec, req, body);
  }

  /**
   * kraftsec: forwards a request the broker decoded (and may have narrowed, e.g. to the topics the client may
   * create), answering with the controller's decoded response.
   */
  async forwardDecoded<Req, Res>(ctx: RequestContext, codec: ApiCodec<Req, Res>, req: Req): Promise<Res> {
    const w = new Writer(256);
    codec.encodeRequest(w, ctx.header.apiVersion, req);
    const res = await this.send(ctx, codec as AnyCodec, req, w.toBuffer());
    return codec.decodeResponse(new Reader(Buffer.concat(res ?? [])), ctx.header.apiVersion);
  }

  private async send(ctx: RequestContext, codec: AnyCodec, req: unknown, body: Buffer): Promise<ResponseBody> {
    const { apiKey, apiVersion: v } = ctx.header;
    const raw = rawCodec(codec);
    const deadline = Date.now() + this.retryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let why: string;
      try {
        const res = await this.channel.send(raw, v, body);
        if (!hasNotController(codec.decodeResponse(new Reader(res), v))) return [res];
        why = 'the controller answered NOT_CONTROLLER';
      } catch (e) {
        why = (e as Error).message;
      }
      this.channel.reset?.();
      if (Date.now() + RETRY_BACKOFF_MS >= deadline) {
        this.log.warn(`Forwarding ${codec.name} from ${ctx.clientAddress} timed out after ${attempt + 1} attempt(s): ${why}`);
        return encodeResponse(codec, v, forwardingErrorResponse(apiKey, req, ErrorCode.REQUEST_TIMED_OUT));
      }
      this.log.debug(`Retrying ${codec.name} to the controller: ${why}`);
      await this.sleep(RETRY_BACKOFF_MS);
    }
  }
}
