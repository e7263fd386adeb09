import { getLogger, Logger } from '../../common/logger';
import { HandlerResult, RequestContext, ResponseBody } from '../../network/RequestContext';
import {
  AlterPartitionReassignmentsApi,
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  ListPartitionReassignmentsApi,
  MetadataApi,
} from '../../protocol/apis';
import { MetadataRequest, MetadataResponseTopic } from '../../protocol/apis/03-metadata';
import { CreateTopicsRequest } from '../../protocol/apis/19-create-topics';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import * as Topic from '../../admin/Topic';
import { KafkaApisDeps } from './ApiDeps';
import { encodeResponse } from '../../protocol/apis/types';

/** Metadata and topic administration requests of KafkaApis. */
export class AdminApis {
  private readonly log: Logger;

  constructor(private readonly deps: KafkaApisDeps) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
  }

  /**
   * Metadata (KafkaApis.handleTopicMetadataRequest, ZK mode): brokers reachable on the listener the
   * request came in on, controller id from the controller's UpdateMetadata, and auto-creation of
   * unknown topics when allowed (v0-3 always ask for it; v4+ say so explicitly).
   */
  handleMetadata(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    const req: MetadataRequest = MetadataApi.decodeRequest(r, v);
    const cache = this.deps.metadataCache;
    const allTopics = req.topics === null || (v === 0 && req.topics.length === 0);
    const names = allTopics ? cache.allTopics() : [...new Set(req.topics!.map((t) => t.name))];
    const unknown = names.filter((n) => !cache.contains(n));
    const build = (creationErrors: Map<string, number>): ResponseBody => {
      const topics: MetadataResponseTopic[] = names.map((name) => this.topicMetadata(name, ctx.listenerName, v, creationErrors));
      const brokers = cache.aliveBrokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.listener === ctx.listenerName);
        return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
      });
      return encodeResponse(MetadataApi, v, {
        throttleTimeMs: 0,
        brokers,
        clusterId: this.deps.clusterId,
        controllerId: cache.controllerId ?? -1,
        topics,
      });
    };
    const autoCreate = this.deps.config.autoCreateTopicsEnable && req.allowAutoTopicCreation && !allTopics;
    if (!autoCreate || unknown.length === 0) return build(new Map());
    return (async () => {
      const errors = new Map<string, number>();
      for (const name of unknown) {
        try {
          Topic.validate(name);
        } catch {
          errors.set(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
          continue;
        }
        const code = await this.deps.adminManager.autoCreateTopic(name);
        // Being created (or just created by someone else): LEADER_NOT_AVAILABLE until the controller elects leaders.
        errors.set(name, code === ErrorCode.NONE || code === ErrorCode.TOPIC_ALREADY_EXISTS ? ErrorCode.LEADER_NOT_AVAILABLE : code);
      }
      return build(errors);
    })();
  }

  private topicMetadata(name: string, listener: string, v: number, creationErrors: Map<string, number>): MetadataResponseTopic {
    const cache = this.deps.metadataCache;
    const parts = cache.partitions(name);
    const isInternal = Topic.isInternal(name);
    if (!parts) {
      return { errorCode: creationErrors.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, isInternal, partitions: [] };
    }
    const alive = (id: number) => cache.endpointFor(id, listener) !== undefined;
    const partitions = [...parts.values()]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((st) => {
        let errorCode: number = ErrorCode.NONE;
        let replicaNodes = st.replicas;
        let isrNodes = st.isr;
        if (st.leader < 0 || !alive(st.leader)) {
          errorCode = ErrorCode.LEADER_NOT_AVAILABLE;
        } else if (v === 0 && (st.replicas.some((id) => !alive(id)) || st.isr.some((id) => !alive(id)))) {
          // v0 clients get only live replicas and REPLICA_NOT_AVAILABLE (errorUnavailableEndpoints).
          errorCode = ErrorCode.REPLICA_NOT_AVAILABLE;
          replicaNodes = st.replicas.filter(alive);
          isrNodes = st.isr.filter(alive);
        }
        return {
          errorCode,
          partitionIndex: st.partitionIndex,
          leaderId: errorCode === ErrorCode.LEADER_NOT_AVAILABLE ? -1 : st.leader,
          replicaNodes,
          isrNodes,
          offlineReplicas: st.offlineReplicas,
        };
      });
    return { errorCode: ErrorCode.NONE, name, isInternal, partitions };
  }

  /** CreateTopics must reach the controller (NOT_CONTROLLER otherwise), as in Kafka's ZK mode. */
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
    const dups = [...counts].filter(([, n]) => n > 1).map(([name]) => name);
    const valid = req.topics.filter((t) => !dups.includes(t.name));
    const results = await this.deps.adminManager.createTopics(valid, req.validateOnly, req.timeoutMs);
    const byName = new Map(results.map((x) => [x.name, x]));
    const topics = req.topics.map((t) =>
      dups.includes(t.name)
        ? {
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Create topics request from client \`${ctx.header.clientId}\` contains multiple entries for the following topics: ${dups.join(',')}`,
          }
        : byName.get(t.name)!,
    );
    const seen = new Set<string>();
    const unique = topics.filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
    this.log.debug(`CreateTopics from ${ctx.header.clientId}: ${unique.map((t) => `${t.name}=${t.errorCode}`).join(', ')}`);
    return encodeResponse(CreateTopicsApi, v, { throttleTimeMs: 0, topics: unique });
  }

  /**
   * DeleteTopics (KafkaApis.handleDeleteTopicsRequest, ZK mode): controller only; marks the topics under
   * /admin/delete_topics and answers once every broker's metadata has dropped them.
   */
  async handleDeleteTopics(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DeleteTopicsApi.decodeRequest(r, v);
    const names = [...new Set(req.topicNames)];
    const respond = (codes: Map<string, number>) =>
      encodeResponse(DeleteTopicsApi, v, { throttleTimeMs: 0, responses: names.map((name) => ({ name, errorCode: codes.get(name)! })) });
    const codes = new Map<string, number>();
    if (!this.deps.controller.isActive()) {
      for (const n of names) codes.set(n, ErrorCode.NOT_CONTROLLER);
      return respond(codes);
    }
    if (!this.deps.config.deleteTopicEnable) {
      // Kafka answers TOPIC_DELETION_DISABLED from v3 on, INVALID_REQUEST before.
      for (const n of names) codes.set(n, v >= 3 ? ErrorCode.TOPIC_DELETION_DISABLED : ErrorCode.INVALID_REQUEST);
      return respond(codes);
    }
    const toDelete: string[] = [];
    for (const n of names) {
      if (!this.deps.metadataCache.contains(n)) codes.set(n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else toDelete.push(n);
    }
    if (toDelete.length > 0) {
      for (const [t, code] of await this.deps.adminManager.deleteTopics(toDelete, req.timeoutMs)) codes.set(t, code);
    }
    return respond(codes);
  }

  /** CreatePartitions: controller only; only increases the count (INVALID_PARTITIONS otherwise). */
  async handleCreatePartitions(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = CreatePartitionsApi.decodeRequest(r, v);
    const results: Array<{ name: string; errorCode: number; errorMessage: string | null }> = [];
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    for (const t of req.topics) {
      if (!this.deps.controller.isActive()) {
        results.push({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null });
      } else if ((counts.get(t.name) ?? 0) > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' });
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

  /** AlterPartitionReassignments 0 (KIP-455): controller only; answers once each reassignment has started. */
  async handleAlterPartitionReassignments(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const controller = this.deps.controller;
    const v = ctx.header.apiVersion;
    const req = AlterPartitionReassignmentsApi.decodeRequest(r, v);
    const items = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
    const res = await controller.alterPartitionReassignments(items);
    return encodeResponse(AlterPartitionReassignmentsApi, v, {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      errorMessage: null,
      responses:
        res.errorCode !== ErrorCode.NONE
          ? []
          : req.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => {
                const x = res.results.find((y) => y.topic === t.name && y.partition === p.partitionIndex)!;
                return { partitionIndex: p.partitionIndex, errorCode: x.errorCode, errorMessage: x.errorMessage };
              }),
            })),
    });
  }

  /** ListPartitionReassignments 0: the ongoing reassignments the controller knows (all, or the listed partitions). */
  async handleListPartitionReassignments(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const controller = this.deps.controller;
    const v = ctx.header.apiVersion;
    const req = ListPartitionReassignmentsApi.decodeRequest(r, v);
    const filter = req.topics === null ? null : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    const res = await controller.listPartitionReassignments(filter);
    const byTopic = new Map<string, Array<{ partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }>>();
    for (const o of res.ongoing) {
      byTopic.set(o.tp.topic, [
        ...(byTopic.get(o.tp.topic) ?? []),
        { partitionIndex: o.tp.partition, replicas: o.replicas, addingReplicas: o.adding, removingReplicas: o.removing },
      ]);
    }
    return encodeResponse(ListPartitionReassignmentsApi, v, {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      errorMessage: null,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
  }
}
