/**
 * kafka.server.ControllerApis (Kafka 3.7): the request handler of a KRaft controller's CONTROLLER listener. It serves
 * the Raft APIs through the raft manager and hands every controller API to the quorum controller, which answers
 * once its records are committed. A standby controller answers NOT_CONTROLLER in each API's error fields (the
 * quorum controller throws NotControllerError), so brokers and admin clients look for the active one.
 */
import { getLogger, Logger } from '../../common/logger';
import type { RequestContext, ResponseBody, HandlerResult } from '../../network/RequestContext';
import type { RequestHandler } from '../../network/SocketServer';
import { ApiKey } from '../../protocol/apiKeys';
import {
  API_CODECS,
  AllocateProducerIdsApi,
  AlterConfigsApi,
  AlterPartitionApi,
  AlterPartitionReassignmentsApi,
  ApiVersionsApi,
  BrokerHeartbeatApi,
  BrokerRegistrationApi,
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  DescribeClusterApi,
  ElectLeadersApi,
  IncrementalAlterConfigsApi,
  ListPartitionReassignmentsApi,
  UnregisterBrokerApi,
  UpdateFeaturesApi,
} from '../../protocol/apis';
import { encodeApiVersionsUnsupportedResponse } from '../../protocol/apis/18-api-versions';
import type { CreatableTopicResult, CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/19-create-topics';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/20-delete-topics';
import type { AlterConfigsResourceResponse } from '../../protocol/apis/33-alter-configs';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/37-create-partitions';
import { ApiCodec, encodeResponse, isFlexible } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { Writer } from '../../protocol/Writer';
import { SUPPORTED_FEATURES } from '../../common/BrokerFeatures';
import { METADATA_VERSION_FEATURE_NAME } from '../../metadata/MetadataVersion';
import { ALL_CLUSTER_OPERATIONS } from './ClusterApis';
import type { ControllerForApis, QuorumControllerApisDeps, RaftForApis } from './QuorumControllerApiTypes';
import { controllerSecurityHandlers } from './QuorumControllerSecurityApis';
import {
  ApiError,
  alterConfigsError,
  alterReassignmentsError,
  apiErrorOf,
  createPartitionsError,
  createTopicsError,
  deleteTopicsError,
  electLeadersError,
  isUnexpected,
} from './QuorumControllerApiErrors';

export type { ControllerForApis, QuorumControllerApisDeps, RaftForApis };

type Handler = (ctx: RequestContext, r: Reader) => HandlerResult;

const CLIENT_SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
const CLUSTER_METADATA_TOPIC_NAME = '__cluster_metadata';
/** ConfigResource.Type ids Kafka 3.7 knows; any other id is UNKNOWN. */
const CONFIG_RESOURCE_TYPES = new Set([2, 4, 8, 16]);
/** EndpointType ids. */
const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;
/** MetadataVersion.IBP_3_7_IV0.isControllerRegistrationSupported: DescribeCluster on a controller needs it. */
const CONTROLLER_REGISTRATION_LEVEL = 15;
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The controller APIs (besides ApiVersions and the Raft APIs) a 3.7 controller serves and we implement. */
export class QuorumControllerApis implements RequestHandler {
  private readonly handlers = new Map<number, Handler>();
  private readonly log: Logger;

  constructor(private readonly deps: QuorumControllerApisDeps) {
    this.log = deps.logger ?? getLogger('kafka.server.ControllerApis', `[ControllerApis nodeId=${deps.nodeId}] `);
    const c = deps.controller;
    this.handlers.set(ApiKey.ApiVersions, (ctx, r) => this.handleApiVersions(ctx, r));
    this.controllerApi(
      BrokerRegistrationApi,
      (req) => c.registerBroker(req),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, brokerEpoch: -1 }),
    );
    this.controllerApi(
      BrokerHeartbeatApi,
      (req) => c.processBrokerHeartbeat(req),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, isCaughtUp: false, isFenced: true, shouldShutDown: false }),
    );
    // ControllerApis.handleUnregisterBroker sends the error code alone.
    this.controllerApi(
      UnregisterBrokerApi,
      (req) => c.unregisterBroker(req.brokerId),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, errorMessage: null }),
    );
    this.controllerApi(
      AlterPartitionApi,
      (req, v) => c.alterPartition(req, v),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, topics: [] }),
    );
    this.controllerApi(
      CreateTopicsApi,
      (req, v) => this.createTopics(req, v),
      (req, e) => createTopicsError(req, e),
    );
    this.controllerApi(
      DeleteTopicsApi,
      (req, v) => this.deleteTopics(req, v),
      (req, e, v) => deleteTopicsError(req, v, e),
    );
    this.controllerApi(
      CreatePartitionsApi,
      (req, v) => this.createPartitions(req, v),
      (req, e) => createPartitionsError(req, e),
    );
    this.controllerApi(IncrementalAlterConfigsApi, (req, v) => this.alterConfigs(req, v, (x) => c.incrementalAlterConfigs(x, v)), alterConfigsError);
    this.controllerApi(AlterConfigsApi, (req, v) => this.alterConfigs(req, v, (x) => c.legacyAlterConfigs(x, v)), alterConfigsError);
    this.controllerApi(
      AllocateProducerIdsApi,
      (req) => c.allocateProducerIds(req),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, producerIdStart: 0, producerIdLen: 0 }),
    );
    this.controllerApi(
      ElectLeadersApi,
      (req, v) => c.electLeaders(req, v),
      (req, e) => electLeadersError(req, e),
    );
    this.controllerApi(
      AlterPartitionReassignmentsApi,
      (req, v) => c.alterPartitionReassignments(req, v),
      (req, e) => alterReassignmentsError(req, e),
    );
    this.controllerApi(
      ListPartitionReassignmentsApi,
      (req, v) => c.listPartitionReassignments(req, v),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, errorMessage: e.message, topics: [] }),
    );
    this.controllerApi(
      UpdateFeaturesApi,
      (req, v) => c.updateFeatures(req, v),
      (_req, e) => ({ throttleTimeMs: 0, errorCode: e.code, errorMessage: e.message, results: [] }),
    );
    this.handlers.set(ApiKey.DescribeCluster, (ctx, r) => this.handleDescribeCluster(ctx, r));
    // kraftsec: AlterUserScramCredentials and the ACL APIs (ControllerApis' security handlers).
    if (deps.security) for (const [key, h] of controllerSecurityHandlers(deps.security)) this.handlers.set(key, h);
  }

  /**
   * Registers an API whose work the quorum controller does: decode, call, encode; a failure becomes the
   * request's error response (Kafka's getErrorResponse), and an unexpected one is logged as ControllerApis does.
   */
  private controllerApi<Req, Res>(
    codec: ApiCodec<Req, Res>,
    call: (req: Req, version: number) => Promise<Res>,
    onError: (req: Req, err: ApiError, version: number) => Res,
  ): void {
    this.handlers.set(codec.apiKey, (ctx, r) => {
      const v = ctx.header.apiVersion;
      // Decoded synchronously: a malformed body throws here and the SocketServer closes the connection.
      const req = codec.decodeRequest(r, v);
      const fail = (e: unknown): Res => {
        if (isUnexpected(e)) {
          this.log.error(
            `Unexpected error handling request ${codec.name} (version ${v}, correlation id ${ctx.header.correlationId}) from ${ctx.clientAddress}`,
            e,
          );
        }
        return onError(req, apiErrorOf(e), v);
      };
      let pending: Promise<Res>;
      try {
        pending = call(req, v);
      } catch (e) {
        pending = Promise.reject(e);
      }
      return pending.then((res) => res, fail).then((res) => encodeResponse(codec, v, res));
    });
  }

  /** The APIs this controller advertises: the Raft APIs at the raft manager's versions, the rest at our codecs'. */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    const out = new Map<number, { apiKey: number; minVersion: number; maxVersion: number }>();
    for (const a of this.deps.raft.raftApiVersions()) out.set(a.apiKey, { ...a });
    for (const key of this.handlers.keys()) {
      const c = API_CODECS.get(key);
      if (c) out.set(key, { apiKey: key, minVersion: c.minVersion, maxVersion: c.maxVersion });
    }
    return [...out.values()].sort((a, b) => a.apiKey - b.apiKey);
  }

  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const c = API_CODECS.get(apiKey);
    if (!c) return undefined;
    if (this.handlers.has(apiKey)) {
      if (apiVersion < c.minVersion || apiVersion > c.maxVersion) return undefined;
      return isFlexible(c, apiVersion);
    }
    if (!this.deps.raft.isRaftApi(apiKey)) return undefined;
    const range = this.deps.raft.raftApiVersions().find((a) => a.apiKey === apiKey);
    if (!range || apiVersion < range.minVersion || apiVersion > range.maxVersion) return undefined;
    return isFlexible(c, apiVersion);
  }

  handle(ctx: RequestContext, r: Reader): HandlerResult {
    const h = this.handlers.get(ctx.header.apiKey);
    if (h) return h(ctx, r);
    // Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch, FetchSnapshot, DescribeQuorum: the raft client answers.
    return this.deps.raft.handleRaftRequest(ctx, r);
  }

  /**
   * ControllerApis.handleApiVersionsRequest: the controller's own list (ApiKeys.apisForListener(CONTROLLER) that
   * we serve), metadata.version's supported range, and the finalized features of the committed image with its
   * offset as their epoch (FeaturesPublisher). Too new a version gets UNSUPPORTED_VERSION in the v0 layout.
   */
  private handleApiVersions(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    if (v > ApiVersionsApi.maxVersion) {
      const w = new Writer(32);
      encodeApiVersionsUnsupportedResponse(w, ApiVersionsApi.maxVersion);
      return w.toBuffers();
    }
    const req = ApiVersionsApi.decodeRequest(r, v);
    if (v >= 3 && !(CLIENT_SOFTWARE.test(req.clientSoftwareName) && CLIENT_SOFTWARE.test(req.clientSoftwareVersion))) {
      return encodeResponse(ApiVersionsApi, v, { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 });
    }
    const image = this.deps.controller.image();
    return encodeResponse(ApiVersionsApi, v, {
      errorCode: ErrorCode.NONE,
      apiKeys: this.supportedApis(),
      throttleTimeMs: 0,
      supportedFeatures: [...SUPPORTED_FEATURES],
      finalizedFeaturesEpoch: image.offset,
      finalizedFeatures: [...image.features].map(([name, level]) => ({ name, minVersionLevel: level, maxVersionLevel: level })),
      zkMigrationReady: false,
    });
  }

  /**
   * ControllerApis.createTopics: a name given twice is left out and answered INVALID_REQUEST "Duplicate topic
   * name."; __cluster_metadata is never created (logged, then TOPIC_AUTHORIZATION_FAILED as the authorization
   * filter leaves it out); the controller answers for the rest.
   */
  private async createTopics(req: CreateTopicsRequest, v: number): Promise<CreateTopicsResponse> {
    const names = new Set<string>();
    const duplicates = new Set<string>();
    for (const t of req.topics) {
      if (duplicates.has(t.name)) continue;
      if (names.has(t.name)) {
        names.delete(t.name);
        duplicates.add(t.name);
      } else {
        names.add(t.name);
      }
    }
    if (names.has(CLUSTER_METADATA_TOPIC_NAME)) this.log.info(`Rejecting creation of internal topic ${CLUSTER_METADATA_TOPIC_NAME}`);
    const allowed = (name: string) => names.has(name) && name !== CLUSTER_METADATA_TOPIC_NAME;
    const effective: CreateTopicsRequest = { ...req, topics: req.topics.filter((t) => allowed(t.name)) };
    const res = await this.deps.controller.createTopics(effective, v);
    const extra: CreatableTopicResult[] = [];
    for (const name of duplicates) extra.push({ name, topicId: Buffer.alloc(16), errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
    if (names.has(CLUSTER_METADATA_TOPIC_NAME)) {
      extra.push({
        name: CLUSTER_METADATA_TOPIC_NAME,
        topicId: Buffer.alloc(16),
        errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        errorMessage: 'Authorization failed.',
      });
    }
    return { ...res, topics: [...res.topics, ...extra] };
  }

  /** ControllerApis.deleteTopics: refused as a whole when delete.topic.enable=false (v0-2 INVALID_REQUEST). */
  private deleteTopics(req: DeleteTopicsRequest, v: number): Promise<DeleteTopicsResponse> {
    if (!this.deps.deleteTopicEnable) {
      const err =
        v < 3 ? { code: ErrorCode.INVALID_REQUEST, message: 'Topic deletion is disabled.' } : { code: ErrorCode.TOPIC_DELETION_DISABLED, message: null };
      return Promise.resolve(deleteTopicsError(req, v, err));
    }
    return this.deps.controller.deleteTopics(req, v);
  }

  /** ControllerApis.createPartitions: duplicates answered INVALID_REQUEST "Duplicate topic name." first. */
  private async createPartitions(req: CreatePartitionsRequest, v: number): Promise<CreatePartitionsResponse> {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const t of req.topics) (seen.has(t.name) ? duplicates : seen).add(t.name);
    const head = [...duplicates].map((name) => ({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }));
    const topics = req.topics.filter((t) => !duplicates.has(t.name));
    const res =
      topics.length > 0 || req.topics.length === 0 ? await this.deps.controller.createPartitions({ ...req, topics }, v) : { throttleTimeMs: 0, results: [] };
    return { ...res, results: [...head, ...res.results] };
  }

  /**
   * ControllerApis.handle(Legacy|Incremental)AlterConfigs: an unknown resource type is UNSUPPORTED_VERSION
   * "Unknown resource type N.", a resource named twice INVALID_REQUEST "Duplicate resource."; these come first,
   * then the controller's results for the rest.
   */
  private async alterConfigs<
    Req extends { resources: Array<{ resourceType: number; resourceName: string }> },
    Res extends { responses: AlterConfigsResourceResponse[] },
  >(req: Req, _v: number, call: (req: Req) => Promise<Res>): Promise<Res> {
    const head: AlterConfigsResourceResponse[] = [];
    const key = (r: { resourceType: number; resourceName: string }) => `${r.resourceType}:${r.resourceName}`;
    const counts = new Map<string, number>();
    for (const r of req.resources) if (CONFIG_RESOURCE_TYPES.has(r.resourceType)) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    const reported = new Set<string>();
    for (const r of req.resources) {
      if (!CONFIG_RESOURCE_TYPES.has(r.resourceType)) {
        head.push({
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          errorMessage: `Unknown resource type ${r.resourceType}.`,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
        });
      } else if (counts.get(key(r))! > 1 && !reported.has(key(r))) {
        reported.add(key(r));
        head.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate resource.', resourceType: r.resourceType, resourceName: r.resourceName });
      }
    }
    const resources = req.resources.filter((r) => CONFIG_RESOURCE_TYPES.has(r.resourceType) && counts.get(key(r)) === 1);
    const res = await call({ ...req, resources });
    return { ...res, responses: [...head, ...res.responses] };
  }

  /**
   * ControllerApis.handleDescribeCluster (KIP-919): needs metadata.version 3.7-IV0 (else UNSUPPORTED_VERSION), and
   * the CONTROLLER endpoint type; it lists the controllers reachable on the request's listener and the Raft leader
   * as the controller id (-1 when it is not among them).
   */
  private handleDescribeCluster(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeClusterApi.decodeRequest(r, v);
    const base = {
      throttleTimeMs: 0,
      endpointType: ENDPOINT_CONTROLLER,
      clusterId: '',
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
    const fail = (errorCode: number, errorMessage: string) => encodeResponse(DescribeClusterApi, v, { ...base, errorCode, errorMessage });
    const level = this.deps.controller.image().features.get(METADATA_VERSION_FEATURE_NAME) ?? 0;
    if (level < CONTROLLER_REGISTRATION_LEVEL) {
      return fail(ErrorCode.UNSUPPORTED_VERSION, 'Direct-to-controller communication is not supported with the current MetadataVersion.');
    }
    if (req.endpointType !== ENDPOINT_BROKER && req.endpointType !== ENDPOINT_CONTROLLER) {
      return fail(v === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${req.endpointType}`);
    }
    if (req.endpointType !== ENDPOINT_CONTROLLER) {
      return fail(
        v === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        'The request was sent to an endpoint of type CONTROLLER, but we wanted an endpoint of type BROKER',
      );
    }
    const nodes = this.deps
      .controllerNodes(ctx.listenerName)
      .map((n) => ({ brokerId: n.id, host: n.host, port: n.port, rack: null }))
      .sort((a, b) => a.brokerId - b.brokerId);
    const leader = this.deps.raft.leaderAndEpoch().leaderId ?? -1;
    return encodeResponse(DescribeClusterApi, v, {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      clusterId: this.deps.clusterId,
      controllerId: nodes.some((n) => n.brokerId === leader) ? leader : -1,
      brokers: nodes,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    });
  }
}
