import { getLogger, Logger } from '../../common/logger';
import { HandlerResult, RequestContext, ResponseBody } from '../../network/RequestContext';
import { CreatePartitionsApi, CreateTopicsApi, DeleteTopicsApi, MetadataApi } from '../../protocol/apis';
import { AUTHORIZED_OPERATIONS_OMITTED, MetadataRequest, MetadataResponseTopic } from '../../protocol/apis/03-metadata';
import { CreatableTopicResult, CreateTopicsRequest } from '../../protocol/apis/19-create-topics';
import { DeletableTopicResult, DeleteTopicState } from '../../protocol/apis/20-delete-topics';
import { failedCreation } from '../ZkAdminManager';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import * as Topic from '../../admin/Topic';
import { KafkaApisDeps } from './ApiDeps';
import { InternalTopicCreator, internalTopicToCreate } from './InternalTopics';
import { encodeResponse } from '../../protocol/apis/types';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';

const ZERO_UUID = Buffer.alloc(16);

/** org.apache.kafka.common.internals.Topic.CLUSTER_METADATA_TOPIC_NAME. */
const CLUSTER_METADATA_TOPIC_NAME = '__cluster_metadata';

function isZeroUuid(id: Buffer): boolean {
  return id.equals(ZERO_UUID);
}

/** The ids in first-seen order, each once. */
function uniqueBuffers(ids: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(id.toString('hex')) ? false : (seen.add(id.toString('hex')), true)));
}

function isValidTopicName(name: string): boolean {
  try {
    Topic.validate(name);
    return true;
  } catch {
    return false;
  }
}

/** Metadata and topic administration requests of KafkaApis. */
export class AdminApis {
  private readonly log: Logger;
  private readonly internalTopics: InternalTopicCreator;
  private readonly auth: AuthHelper;

  constructor(private readonly deps: KafkaApisDeps) {
    this.auth = new AuthHelper(deps.authorizer);
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
    this.internalTopics = new InternalTopicCreator(deps, this.log);
  }

  /**
   * Metadata (KafkaApis.handleTopicMetadataRequest, ZK mode): brokers reachable on the listener the
   * request came in on, controller id from the controller's UpdateMetadata, and auto-creation of
   * unknown topics when allowed (v0-3 always ask for it; v4+ say so explicitly). From v12 topics may be
   * asked for by id: ids the cache does not know get UNKNOWN_TOPIC_ID with a null name, first in the reply.
   */
  handleMetadata(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    const req: MetadataRequest = MetadataApi.decodeRequest(r, v);
    const cache = this.deps.metadataCache;
    const allTopics = req.topics === null;
    if (!allTopics) {
      for (const t of req.topics!) {
        // Kafka 3.7 throws InvalidRequestException before v12 for a null name or a non-zero id, answered by
        // MetadataRequest.getErrorResponse. A v12 entry with neither a name nor an id would fail Kafka's
        // Topic.validate(null) (UNKNOWN_SERVER_ERROR); we answer it the same way as INVALID_REQUEST.
        const byId = !isZeroUuid(t.topicId ?? ZERO_UUID);
        if (t.name === null ? v < 12 || !byId : byId && v < 12) return this.metadataErrorResponse(v, req, ErrorCode.INVALID_REQUEST);
      }
    }
    const topicIds = allTopics ? [] : uniqueBuffers(req.topics!.flatMap((t) => (t.topicId && !isZeroUuid(t.topicId) ? [t.topicId] : [])));
    const useTopicId = topicIds.length > 0;
    const unknownIdTopics: MetadataResponseTopic[] = topicIds
      .filter((id) => cache.topicName(id) === undefined)
      .map((id) => ({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: id, isInternal: false, partitions: [] }));
    const requested = allTopics
      ? cache.allTopics()
      : useTopicId
        ? topicIds.flatMap((id) => cache.topicName(id) ?? [])
        : [...new Set(req.topics!.map((t) => t.name!))];
    // KafkaApis.handleTopicMetadataRequest: only topics the principal may DESCRIBE are described; one asked for
    // explicitly without it is TOPIC_AUTHORIZATION_FAILED (without saying whether it exists), all-topics leaves it out.
    const O = AclOperation;
    const [describable, undescribable] = this.auth.partitionByAuthorized(ctx, O.DESCRIBE, ResourceType.TOPIC, requested, (t) => t, true, !allTopics);
    let names = describable;
    let uncreatable: string[] = [];
    const nonExisting = names.filter((n) => !cache.contains(n));
    if (req.allowAutoTopicCreation && this.deps.config.autoCreateTopicsEnable && nonExisting.length > 0) {
      // Auto-creation needs CREATE on the cluster or on the topic.
      if (!this.auth.authorize(ctx, O.CREATE, ResourceType.CLUSTER, CLUSTER_NAME, true, false)) {
        const creatable = this.auth.filterByAuthorized(ctx, O.CREATE, ResourceType.TOPIC, nonExisting, (t) => t);
        uncreatable = nonExisting.filter((n) => !creatable.has(n));
        names = names.filter((n) => !uncreatable.includes(n));
      }
    }
    const denied = (name: string | null, topicId: Buffer, isInternal: boolean): MetadataResponseTopic => ({
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      name,
      topicId,
      isInternal,
      partitions: [],
    });
    const unauthorizedTopics: MetadataResponseTopic[] = [
      ...uncreatable.map((n) => denied(n, ZERO_UUID, Topic.isInternal(n))),
      // Topic ids are not secret: asked by id, the answer names the id but not the topic.
      ...(allTopics ? [] : undescribable.map((n) => (useTopicId ? denied(null, cache.topicId(n) ?? ZERO_UUID, false) : denied(n, ZERO_UUID, false)))),
    ];
    const unknown = names.filter((n) => !cache.contains(n));
    const build = (creationErrors: Map<string, number>): ResponseBody => {
      const topics: MetadataResponseTopic[] = names.map((name) => this.topicMetadata(name, ctx.listenerName, v, creationErrors));
      let clusterAuthorizedOperations = AUTHORIZED_OPERATIONS_OMITTED;
      if (v >= 8) {
        if (v <= 10 && req.includeClusterAuthorizedOperations) {
          clusterAuthorizedOperations = this.auth.authorize(ctx, O.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)
            ? this.auth.authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME)
            : 0;
        }
        if (req.includeTopicAuthorizedOperations) {
          for (const t of topics) t.topicAuthorizedOperations = this.auth.authorizedOperations(ctx, ResourceType.TOPIC, t.name!);
        }
      }
      const brokers = cache.aliveBrokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.listener === ctx.listenerName);
        return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
      });
      return encodeResponse(MetadataApi, v, {
        throttleTimeMs: 0,
        brokers,
        clusterId: this.deps.clusterId,
        controllerId: cache.controllerId ?? -1,
        topics: [...unknownIdTopics, ...topics, ...unauthorizedTopics],
        clusterAuthorizedOperations,
      });
    };
    const autoCreate = this.deps.config.autoCreateTopicsEnable && req.allowAutoTopicCreation && !allTopics;
    const creationErrors = new Map<string, number>();
    if (!autoCreate || unknown.length === 0) {
      // KafkaApis.getTopicMetadata without auto-creation: an invalid name is INVALID_TOPIC_EXCEPTION.
      for (const name of unknown) if (!isValidTopicName(name)) creationErrors.set(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
      return build(creationErrors);
    }
    return (async () => {
      for (const name of unknown) {
        if (!isValidTopicName(name)) {
          creationErrors.set(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
          continue;
        }
        // DefaultAutoTopicCreationManager.creatableTopic: internal topics get their own partitions, replication and configs.
        if (internalTopicToCreate(name, this.deps.config)) {
          creationErrors.set(name, await this.internalTopics.createForMetadata(name));
          continue;
        }
        const code = await this.deps.adminManager.autoCreateTopic(name);
        // Being created (or just created by someone else): LEADER_NOT_AVAILABLE until the controller elects leaders.
        creationErrors.set(name, code === ErrorCode.NONE || code === ErrorCode.TOPIC_ALREADY_EXISTS ? ErrorCode.LEADER_NOT_AVAILABLE : code);
      }
      return build(creationErrors);
    })();
  }

  /** MetadataRequest.getErrorResponse: every asked topic with the error, no brokers (names never null there). */
  private metadataErrorResponse(v: number, req: MetadataRequest, errorCode: number): ResponseBody {
    return encodeResponse(MetadataApi, v, {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: null,
      controllerId: -1,
      topics: (req.topics ?? []).map((t) => ({ errorCode, name: t.name ?? '', topicId: t.topicId ?? ZERO_UUID, isInternal: false, partitions: [] })),
    });
  }

  /** ZkMetadataCache.getPartitionMetadata for one topic, or the error of a topic the cache does not have. */
  private topicMetadata(name: string, listener: string, v: number, creationErrors: Map<string, number>): MetadataResponseTopic {
    const cache = this.deps.metadataCache;
    const parts = cache.partitions(name);
    const isInternal = Topic.isInternal(name);
    const topicId = cache.topicId(name) ?? ZERO_UUID;
    if (!parts) {
      return { errorCode: creationErrors.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId, isInternal, partitions: [] };
    }
    const hasEndpoint = (id: number) => cache.endpointFor(id, listener) !== undefined;
    // v0 clients get only replicas reachable on this listener (errorUnavailableEndpoints).
    const filter = (ids: number[]) => (v === 0 ? ids.filter(hasEndpoint) : ids);
    const partitions = [...parts.values()]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((st) => {
        const replicaNodes = filter(st.replicas);
        const isrNodes = filter(st.isr);
        let errorCode: number = ErrorCode.NONE;
        let leaderId = st.leader;
        if (!hasEndpoint(st.leader)) {
          // A live leader without this listener is LISTENER_NOT_FOUND from v6 (errorUnavailableListeners).
          const leaderAlive = cache.getAliveBroker(st.leader) !== undefined;
          errorCode = leaderAlive && v >= 6 ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE;
          leaderId = -1;
        } else if (replicaNodes.length < st.replicas.length || isrNodes.length < st.isr.length) {
          errorCode = ErrorCode.REPLICA_NOT_AVAILABLE;
        }
        return {
          errorCode,
          partitionIndex: st.partitionIndex,
          leaderId,
          leaderEpoch: st.leaderEpoch,
          replicaNodes,
          isrNodes,
          offlineReplicas: st.offlineReplicas,
        };
      });
    return { errorCode: ErrorCode.NONE, name, topicId, isInternal, partitions };
  }

  /**
   * CreateTopics (KafkaApis.handleCreateTopicsRequest, ZK mode): controller only (NOT_CONTROLLER otherwise). A name
   * given twice gets INVALID_REQUEST in each of its entries, as Kafka's multi-collection of results keeps both. From
   * v5 a result carries what the topic got (partitions, replication factor, configs), from v7 its id; a failed
   * creation reports none of them.
   */
  async handleCreateTopics(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req: CreateTopicsRequest = CreateTopicsApi.decodeRequest(r, v);
    if (!this.deps.controller.isActive()) {
      return encodeResponse(CreateTopicsApi, v, {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null })),
      });
    }
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    // Kafka never lets a client create the KRaft metadata topic: it is left out of the topics the request may
    // create (and describe), so it fails the authorization check even without an authorizer.
    // KafkaApis.handleCreateTopicsRequest: CREATE on the cluster or on each topic; the configs of the result (v5+)
    // only with DESCRIBE_CONFIGS on the topic.
    const O = AclOperation;
    const allowedNames = [...counts.keys()].filter((n) => n !== CLUSTER_METADATA_TOPIC_NAME);
    const creatable = this.auth.authorize(ctx, O.CREATE, ResourceType.CLUSTER, CLUSTER_NAME, true, false)
      ? new Set(allowedNames)
      : this.auth.filterByAuthorized(ctx, O.CREATE, ResourceType.TOPIC, allowedNames, (n) => n);
    const configsVisible = this.auth.filterByAuthorized(ctx, O.DESCRIBE_CONFIGS, ResourceType.TOPIC, allowedNames, (n) => n, true, false);
    const valid = req.topics.filter((t) => counts.get(t.name) === 1 && t.name !== CLUSTER_METADATA_TOPIC_NAME && creatable.has(t.name));
    const results = await this.deps.adminManager.createTopics(valid, req.validateOnly, req.timeoutMs);
    const byName = new Map(results.map((x) => [x.name, x]));
    const topics: CreatableTopicResult[] = req.topics.map((t) => {
      if (counts.get(t.name)! > 1) return failedCreation(t.name, ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.');
      if (t.name === CLUSTER_METADATA_TOPIC_NAME) {
        this.log.info(`Rejecting creation of internal topic ${CLUSTER_METADATA_TOPIC_NAME}`);
        return {
          ...failedCreation(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'),
          topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        };
      }
      if (!creatable.has(t.name)) {
        return {
          ...failedCreation(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'),
          topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        };
      }
      const res = byName.get(t.name)!;
      // ZkAdminManager.createTopics fills configs, partitions and replication factor only for these (includeConfigsAndMetadata).
      if (!configsVisible.has(t.name)) {
        return { ...res, configs: null, numPartitions: -1, replicationFactor: -1, topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
      }
      // ZkAdminManager.createTopics does not wait when the timeout is <= 0: created topics answer REQUEST_TIMED_OUT.
      if (req.timeoutMs <= 0 && !req.validateOnly && res.errorCode === ErrorCode.NONE) {
        return { ...failedCreation(t.name, ErrorCode.REQUEST_TIMED_OUT, null), topicId: res.topicId };
      }
      return res;
    });
    this.log.debug(`CreateTopics from ${ctx.header.clientId}: ${topics.map((t) => `${t.name}=${t.errorCode}`).join(', ')}`);
    return encodeResponse(CreateTopicsApi, v, { throttleTimeMs: 0, topics });
  }

  /**
   * DeleteTopics (KafkaApis.handleDeleteTopicsRequest, ZK mode): controller only; marks the topics under
   * /admin/delete_topics and answers once every broker's metadata has dropped them. From v6 a topic may be named
   * by id (UNKNOWN_TOPIC_ID when the cache does not know it); naming one by both is INVALID_REQUEST. As in Kafka,
   * each entry of the request gets its own result (a topic named twice appears twice) carrying the id it was
   * asked with (zeros for a topic named by name), and no error message (ZK mode sets none).
   */
  async handleDeleteTopics(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DeleteTopicsApi.decodeRequest(r, v);
    const cache = this.deps.metadataCache;
    // DeleteTopicsRequest.topics(): v6+ Topics, before that TopicNames (ids all zeros).
    const asked: DeleteTopicState[] = v >= 6 ? (req.topics ?? []) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const results: DeletableTopicResult[] = asked.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
    }));
    const fail = (res: DeletableTopicResult, code: number, message: string | null = null) => {
      res.errorCode = code;
      res.errorMessage = message;
    };
    if (!this.deps.controller.isActive()) {
      for (const res of results) fail(res, ErrorCode.NOT_CONTROLLER);
      return this.deleteTopicsResponse(v, results);
    }
    if (!this.deps.config.deleteTopicEnable) {
      // Kafka answers TOPIC_DELETION_DISABLED from v3 on, INVALID_REQUEST before.
      for (const res of results) fail(res, v >= 3 ? ErrorCode.TOPIC_DELETION_DISABLED : ErrorCode.INVALID_REQUEST);
      return this.deleteTopicsResponse(v, results);
    }
    // Kafka throws InvalidRequestException for an entry with both a name and an id: DeleteTopicsRequest.getErrorResponse
    // then answers INVALID_REQUEST for every entry (no message).
    if (results.some((res) => res.name !== null && !isZeroUuid(res.topicId!))) {
      for (const res of results) fail(res, ErrorCode.INVALID_REQUEST);
      return this.deleteTopicsResponse(v, results);
    }
    const toDelete = new Set<string>();
    // Kafka resolves ids through the controller's context; this broker is the controller, so its cache agrees.
    for (const res of results) if (!isZeroUuid(res.topicId!)) res.name = cache.topicName(res.topicId!) ?? null;
    // KafkaApis.handleDeleteTopicsRequest: DELETE on each topic; one asked by id also needs DESCRIBE, else its
    // name is not disclosed.
    const named = results.filter((res) => res.name !== null);
    const describable = this.auth.filterByAuthorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, named, (res) => res.name!);
    const deletable = this.auth.filterByAuthorized(ctx, AclOperation.DELETE, ResourceType.TOPIC, named, (res) => res.name!);
    for (const res of results) {
      if (res.name !== null && !isZeroUuid(res.topicId!) && !describable.has(res.name)) {
        res.name = null;
        fail(res, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      } else if (res.name !== null && !deletable.has(res.name)) {
        fail(res, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      } else if (res.name === null) {
        // An unknown id; an entry with neither name nor id is left out of Kafka's authorization filter
        // (it only keeps named results), hence TOPIC_AUTHORIZATION_FAILED even without an authorizer.
        fail(res, isZeroUuid(res.topicId!) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.UNKNOWN_TOPIC_ID);
      } else if (!cache.contains(res.name)) {
        fail(res, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        toDelete.add(res.name);
      }
    }
    if (toDelete.size > 0) {
      const codes = await this.deps.adminManager.deleteTopics([...toDelete], req.timeoutMs);
      for (const res of results) if (res.name !== null && toDelete.has(res.name)) fail(res, codes.get(res.name)!);
    }
    return this.deleteTopicsResponse(v, results);
  }

  private deleteTopicsResponse(v: number, results: DeletableTopicResult[]): ResponseBody {
    return encodeResponse(DeleteTopicsApi, v, { throttleTimeMs: 0, responses: results });
  }

  /** CreatePartitions: controller only; only increases the count (INVALID_PARTITIONS otherwise). */
  async handleCreatePartitions(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = CreatePartitionsApi.decodeRequest(r, v);
    const results: Array<{ name: string; errorCode: number; errorMessage: string | null }> = [];
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    // KafkaApis.handleCreatePartitionsRequest: ALTER on each topic.
    const alterable = this.auth.filterByAuthorized(ctx, AclOperation.ALTER, ResourceType.TOPIC, req.topics, (t) => t.name);
    for (const t of req.topics) {
      if (!this.deps.controller.isActive()) {
        results.push({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null });
      } else if ((counts.get(t.name) ?? 0) > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' });
      } else if (!alterable.has(t.name)) {
        results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'The topic authorization is failed.' });
      } else {
        const res = await this.deps.adminManager.createPartitions(t.name, t.count, t.assignments, req.validateOnly, req.timeoutMs);
        results.push({ name: t.name, ...res });
      }
    }
    const seen = new Set<string>();
    return encodeResponse(CreatePartitionsApi, v, {
      throttleTimeMs: 0,
      results: results.filter((x) => (seen.has(x.name) ? false : (seen.add(x.name), true))),
    });
  }
}
