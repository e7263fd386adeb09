/**
 * A KRaft broker with an authorizer, before it forwards an admin request to the controller. Kafka 3.7 forwards in an
 * Envelope and the controller's ControllerApis authorizes the client's principal (createTopics: CREATE on the
 * cluster or each topic, DESCRIBE_CONFIGS for the configs it returns; deleteTopics: DELETE on each topic;
 * createPartitions: ALTER on each topic; alterConfigs / incrementalAlterConfigs: ALTER_CONFIGS on each topic or the
 * cluster; describeQuorum: DESCRIBE cluster; unregisterBroker: ALTER cluster). We forward without an Envelope, so
 * the broker applies those checks with the client's principal: the denied items get TOPIC_AUTHORIZATION_FAILED /
 * CLUSTER_AUTHORIZATION_FAILED, the rest goes to the controller, and the two are merged in one response. Without an
 * authorizer nothing is checked and the request is forwarded as it came (ForwardingManager.forward).
 */
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterConfigsApi, CreatePartitionsApi, CreateTopicsApi, DeleteTopicsApi, IncrementalAlterConfigsApi } from '../../protocol/apis';
import type { CreateTopicsResponse } from '../../protocol/apis/19-create-topics';
import type { DeleteTopicsRequest } from '../../protocol/apis/20-delete-topics';
import { DescribeQuorumApi } from '../../protocol/apis/55-describe-quorum';
import { UnregisterBrokerApi } from '../../protocol/apis/64-unregister-broker';
import { ApiCodec, encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation as O } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { forwardingErrorResponse } from '../ForwardingManager';
import { AuthHelper, configResourceAuthorizer } from './AuthHelper';

type Handler = (ctx: RequestContext, r: Reader) => Promise<ResponseBody> | ResponseBody;

export interface KRaftForwardDeps {
  auth: AuthHelper;
  forward: (ctx: RequestContext, r: Reader) => Promise<ResponseBody>;
  forwardDecoded: <Req, Res>(ctx: RequestContext, codec: ApiCodec<Req, Res>, req: Req) => Promise<Res>;
  /** A topic id's name in the broker's metadata image (DeleteTopics v6 by id). */
  topicName: (id: Buffer) => string | undefined;
}

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const ZERO_UUID = Buffer.alloc(16);

/** Decodes, narrows to what the client may do, forwards that (unless empty), merges the denied items back in. */
function narrowed<Req, Res>(
  d: KRaftForwardDeps,
  codec: ApiCodec<Req, Res>,
  split: (ctx: RequestContext, req: Req) => { allowed: Req | null; merge: (res: Res | null) => Res },
): Handler {
  return async (ctx, r) => {
    const v = ctx.header.apiVersion;
    const req = codec.decodeRequest(r, v);
    const { allowed, merge } = split(ctx, req);
    const res = allowed === null ? null : await d.forwardDecoded(ctx, codec, allowed);
    return encodeResponse(codec, v, merge(res));
  };
}

/** A request that needs one cluster operation first (KafkaApis' authorizeClusterOperation before forwarding). */
function clusterGated(d: KRaftForwardDeps, codec: ApiCodec<unknown, unknown>, operation: number): Handler {
  return (ctx, r) => {
    if (d.auth.authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME)) return d.forward(ctx, r);
    const v = ctx.header.apiVersion;
    const req = codec.decodeRequest(new Reader(r.buf, r.offset, r.end), v);
    return encodeResponse(codec, v, forwardingErrorResponse(codec.apiKey, req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED));
  };
}

export function kraftForwardAuthorizationHandlers(d: KRaftForwardDeps): Map<number, Handler> {
  const { auth } = d;
  const handlers = new Map<number, Handler>();

  handlers.set(
    CreateTopicsApi.apiKey,
    narrowed(d, CreateTopicsApi, (ctx, req) => {
      const names = req.topics.map((t) => t.name);
      const creatable = auth.authorize(ctx, O.CREATE, ResourceType.CLUSTER, CLUSTER_NAME, true, false)
        ? new Set(names)
        : auth.filterByAuthorized(ctx, O.CREATE, ResourceType.TOPIC, names, (n) => n);
      const configsVisible = auth.filterByAuthorized(ctx, O.DESCRIBE_CONFIGS, ResourceType.TOPIC, names, (n) => n, true, false);
      const allowedTopics = req.topics.filter((t) => creatable.has(t.name));
      const denied = req.topics
        .filter((t) => !creatable.has(t.name))
        .map((t) => ({
          name: t.name,
          topicId: ZERO_UUID,
          errorCode: TOPIC_DENIED,
          errorMessage: errorInfo(TOPIC_DENIED).message,
          topicConfigErrorCode: 0,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        }));
      return {
        allowed: allowedTopics.length > 0 ? { ...req, topics: allowedTopics } : null,
        merge: (res: CreateTopicsResponse | null) => ({
          throttleTimeMs: res?.throttleTimeMs ?? 0,
          topics: [
            ...(res?.topics ?? []).map((t) =>
              configsVisible.has(t.name) || t.errorCode !== ErrorCode.NONE ? t : { ...t, configs: null, topicConfigErrorCode: TOPIC_DENIED },
            ),
            ...denied,
          ],
        }),
      };
    }),
  );

  handlers.set(
    DeleteTopicsApi.apiKey,
    narrowed(d, DeleteTopicsApi, (ctx, req) => {
      const byId = req.topics !== undefined && req.topics.length > 0;
      const states = byId ? req.topics! : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
      const nameOf = (s: { name: string | null; topicId: Buffer }) => s.name ?? d.topicName(s.topicId);
      const known = states.flatMap((s) => {
        const n = nameOf(s);
        return n === undefined ? [] : [n];
      });
      const deletable = auth.filterByAuthorized(ctx, O.DELETE, ResourceType.TOPIC, known, (n) => n);
      const ok = (s: { name: string | null; topicId: Buffer }) => {
        const n = nameOf(s);
        return n === undefined || deletable.has(n);
      };
      const denied = states
        .filter((s) => !ok(s))
        .map((s) => ({ name: s.name, topicId: s.topicId, errorCode: TOPIC_DENIED, errorMessage: errorInfo(TOPIC_DENIED).message }));
      const allowedStates = states.filter(ok);
      const allowed: DeleteTopicsRequest | null =
        allowedStates.length === 0 ? null : byId ? { ...req, topics: allowedStates } : { ...req, topicNames: allowedStates.map((s) => s.name!) };
      return { allowed, merge: (res) => ({ throttleTimeMs: res?.throttleTimeMs ?? 0, responses: [...(res?.responses ?? []), ...denied] }) };
    }),
  );

  handlers.set(
    CreatePartitionsApi.apiKey,
    narrowed(d, CreatePartitionsApi, (ctx, req) => {
      const alterable = auth.filterByAuthorized(ctx, O.ALTER, ResourceType.TOPIC, req.topics, (t) => t.name);
      const denied = req.topics
        .filter((t) => !alterable.has(t.name))
        .map((t) => ({ name: t.name, errorCode: TOPIC_DENIED, errorMessage: errorInfo(TOPIC_DENIED).message }));
      const topics = req.topics.filter((t) => alterable.has(t.name));
      return {
        allowed: topics.length > 0 ? { ...req, topics } : null,
        merge: (res) => ({ throttleTimeMs: res?.throttleTimeMs ?? 0, results: [...(res?.results ?? []), ...denied] }),
      };
    }),
  );

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const codec of [AlterConfigsApi, IncrementalAlterConfigsApi] as Array<ApiCodec<any, any>>) {
    handlers.set(
      codec.apiKey,
      narrowed(d, codec, (ctx, req: { resources: Array<{ resourceType: number; resourceName: string }> }) => {
        const authorize = configResourceAuthorizer(auth, ctx, O.ALTER_CONFIGS)!;
        const codes = req.resources.map((r) => authorize(r.resourceType, r.resourceName));
        const denied = req.resources.flatMap((r, i) =>
          codes[i] === ErrorCode.NONE
            ? []
            : [{ errorCode: codes[i], errorMessage: errorInfo(codes[i]).message, resourceType: r.resourceType, resourceName: r.resourceName }],
        );
        const resources = req.resources.filter((_, i) => codes[i] === ErrorCode.NONE);
        return {
          allowed: resources.length > 0 ? { ...req, resources } : null,
          merge: (res: { throttleTimeMs: number; responses: unknown[] } | null) => ({
            throttleTimeMs: res?.throttleTimeMs ?? 0,
            responses: [...(res?.responses ?? []), ...denied],
          }),
        };
      }),
    );
  }

  handlers.set(DescribeQuorumApi.apiKey, clusterGated(d, DescribeQuorumApi as ApiCodec<unknown, unknown>, O.DESCRIBE));
  handlers.set(UnregisterBrokerApi.apiKey, clusterGated(d, UnregisterBrokerApi as ApiCodec<unknown, unknown>, O.ALTER));
  return handlers;
}
