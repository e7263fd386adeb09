import { getLogger, Logger } from '../common/logger';
import { RequestContext, HandlerResult, ResponseBody } from '../network/RequestContext';
import { RequestHandler } from '../network/SocketServer';
import { ApiKey } from '../protocol/apiKeys';
import {
  AlterPartitionApi, API_CODECS, ApiVersionsApi, ControlledShutdownApi, ElectLeadersApi, LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi,
} from '../protocol/apis';
import { encodeApiVersionsUnsupportedResponse } from '../protocol/apis/18-api-versions';
import { ApiCodec, isFlexible } from '../protocol/apis/types';
import { LeaderAndIsrRequest } from '../protocol/apis/04-leader-and-isr';
import { StopReplicaRequest } from '../protocol/apis/05-stop-replica';
import { UpdateMetadataRequest } from '../protocol/apis/06-update-metadata';
import { ControlledShutdownRequest } from '../protocol/apis/07-controlled-shutdown';
import { ErrorCode } from '../protocol/errors';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { DataPlaneApis } from './DataPlaneApis';
import { AdminApis } from './AdminApis';
import { KafkaConfig } from './KafkaConfig';
import { CachedBroker, CachedPartitionState, MetadataCache } from './MetadataCache';
import { ReplicaManager } from './ReplicaManager';
import { AlterPartitionItem, AlterPartitionResult } from '../controller/KafkaController';
import { alterPartitionNewIsr } from '../protocol/apis/56-alter-partition';
import { ZkAdminManager } from './ZkAdminManager';
import { GroupApis } from './GroupApis';
import { GroupCoordinator } from '../coordinator/group/GroupCoordinator';
import { ProducerIdManager } from './ProducerIdManager';
import { ReplicationApis } from './ReplicationApis';
import { ConfigApis } from './ConfigApis';

/** What KafkaApis needs from the controller living in this broker. */
export interface ControllerHandle {
  isActive(): boolean;
  electLeaders(partitions: Array<{ topic: string; partition: number }> | null, type: number): Promise<{
    errorCode: number;
    results: Array<{ topic: string; partition: number; errorCode: number; errorMessage: string | null }>;
  }>;
  alterPartitionReassignments(items: Array<{ topic: string; partition: number; replicas: number[] | null }>): Promise<{
    errorCode: number;
    results: Array<{ topic: string; partition: number; errorCode: number; errorMessage: string | null }>;
  }>;
  listPartitionReassignments(filter: Array<{ topic: string; partition: number }> | null): Promise<{
    errorCode: number;
    ongoing: Array<{ tp: { topic: string; partition: number }; replicas: number[]; adding: number[]; removing: number[] }>;
  }>;
  alterPartition(brokerId: number, brokerEpoch: number, items: AlterPartitionItem[]): Promise<{ errorCode: number; results: AlterPartitionResult[] }>;
  controlledShutdown(brokerId: number, brokerEpoch: number): Promise<{ errorCode: number; remaining: Array<{ topic: string; partition: number }> }>;
}

export interface KafkaApisDeps {
  config: KafkaConfig;
  clusterId: string;
  brokerEpoch: () => number;
  metadataCache: MetadataCache;
  replicaManager: ReplicaManager;
  adminManager: ZkAdminManager;
  controller: ControllerHandle;
  /** Reads /config/topics/<t> for topics this broker does not know yet (their logs need the overrides). */
  loadTopicConfigs: (topics: string[]) => Promise<void>;
  /** Producer ids for InitProducerId (idempotent producers); absent: COORDINATOR_NOT_AVAILABLE. */
  producerIdManager?: ProducerIdManager;
  /** The group coordinator (FindCoordinator, JoinGroup, OffsetCommit, ...); absent, those APIs are not offered. */
  groupCoordinator?: GroupCoordinator;
  /** DescribeConfigs, AlterConfigs, IncrementalAlterConfigs; absent, those APIs are not offered. */
  configApis?: ConfigApis;
}

type Handler = (ctx: RequestContext, r: Reader) => HandlerResult;

export function encodeResponse<Res>(codec: ApiCodec<unknown, Res>, version: number, res: Res): Buffer[] {
  const w = new Writer(256);
  codec.encodeResponse(w, version, res);
  return w.toBuffers();
}

/**
 * kafka.server.KafkaApis: decodes each request with its API codec, does the work through the
 * replica manager, admin manager, metadata cache or controller, and encodes the response.
 */
export class KafkaApis implements RequestHandler {
  private readonly handlers = new Map<number, Handler>();
  private readonly log: Logger;
  private readonly stateChangeLog: Logger;
  private readonly dataPlane: DataPlaneApis;
  private readonly admin: AdminApis;

  constructor(private readonly deps: KafkaApisDeps) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
    this.stateChangeLog = getLogger('state.change.logger', `[Broker id=${deps.config.brokerId}] `);
    this.dataPlane = new DataPlaneApis(deps.replicaManager);
    this.admin = new AdminApis(deps);
    this.handlers.set(ApiKey.ApiVersions, (ctx, r) => this.handleApiVersions(ctx, r));
    this.handlers.set(ApiKey.Produce, (ctx, r) => this.dataPlane.handleProduce(ctx, r));
    this.handlers.set(ApiKey.Fetch, (ctx, r) => this.dataPlane.handleFetch(ctx, r));
    this.handlers.set(ApiKey.ListOffsets, (ctx, r) => this.dataPlane.handleListOffsets(ctx, r));
    this.handlers.set(ApiKey.Metadata, (ctx, r) => this.admin.handleMetadata(ctx, r));
    this.handlers.set(ApiKey.CreateTopics, (ctx, r) => this.admin.handleCreateTopics(ctx, r));
    this.handlers.set(ApiKey.DeleteTopics, (ctx, r) => this.admin.handleDeleteTopics(ctx, r));
    this.handlers.set(ApiKey.CreatePartitions, (ctx, r) => this.admin.handleCreatePartitions(ctx, r));
    this.handlers.set(ApiKey.AlterPartitionReassignments, (ctx, r) => this.admin.handleAlterPartitionReassignments(ctx, r));
    this.handlers.set(ApiKey.ListPartitionReassignments, (ctx, r) => this.admin.handleListPartitionReassignments(ctx, r));
    this.handlers.set(ApiKey.LeaderAndIsr, (ctx, r) => this.handleLeaderAndIsr(ctx, r));
    this.handlers.set(ApiKey.UpdateMetadata, (ctx, r) => this.handleUpdateMetadata(ctx, r));
    this.handlers.set(ApiKey.StopReplica, (ctx, r) => this.handleStopReplica(ctx, r));
    this.handlers.set(ApiKey.ControlledShutdown, (ctx, r) => this.handleControlledShutdown(ctx, r));
    this.handlers.set(ApiKey.ElectLeaders, (ctx, r) => this.handleElectLeaders(ctx, r));
    this.handlers.set(ApiKey.AlterPartition, (ctx, r) => this.handleAlterPartition(ctx, r));
    if (deps.groupCoordinator) {
      const groups = new GroupApis(deps, deps.groupCoordinator);
      this.handlers.set(ApiKey.FindCoordinator, (ctx, r) => groups.handleFindCoordinator(ctx, r));
      this.handlers.set(ApiKey.JoinGroup, (ctx, r) => groups.handleJoinGroup(ctx, r));
      this.handlers.set(ApiKey.SyncGroup, (ctx, r) => groups.handleSyncGroup(ctx, r));
      this.handlers.set(ApiKey.Heartbeat, (ctx, r) => groups.handleHeartbeat(ctx, r));
      this.handlers.set(ApiKey.LeaveGroup, (ctx, r) => groups.handleLeaveGroup(ctx, r));
      this.handlers.set(ApiKey.OffsetCommit, (ctx, r) => groups.handleOffsetCommit(ctx, r));
      this.handlers.set(ApiKey.OffsetFetch, (ctx, r) => groups.handleOffsetFetch(ctx, r));
      this.handlers.set(ApiKey.DescribeGroups, (ctx, r) => groups.handleDescribeGroups(ctx, r));
      this.handlers.set(ApiKey.ListGroups, (ctx, r) => groups.handleListGroups(ctx, r));
      this.handlers.set(ApiKey.DeleteGroups, (ctx, r) => groups.handleDeleteGroups(ctx, r));
      this.handlers.set(ApiKey.OffsetDelete, (ctx, r) => groups.handleOffsetDelete(ctx, r));
    }
    const replication = new ReplicationApis(deps.config.brokerId, deps.replicaManager, deps.producerIdManager ?? null);
    this.handlers.set(ApiKey.OffsetForLeaderEpoch, (ctx, r) => replication.handleOffsetForLeaderEpoch(ctx, r));
    this.handlers.set(ApiKey.InitProducerId, (ctx, r) => replication.handleInitProducerId(ctx, r));
    this.handlers.set(ApiKey.DeleteRecords, (ctx, r) => this.dataPlane.handleDeleteRecords(ctx, r));
    const configs = deps.configApis;
    if (configs) {
      this.handlers.set(ApiKey.DescribeConfigs, (ctx, r) => configs.handleDescribeConfigs(ctx, r));
      this.handlers.set(ApiKey.AlterConfigs, (ctx, r) => configs.handleAlterConfigs(ctx, r));
      this.handlers.set(ApiKey.IncrementalAlterConfigs, (ctx, r) => configs.handleIncrementalAlterConfigs(ctx, r));
    }
  }

  /** The ranges we advertise: every API that has both a codec and a handler. */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    const out: Array<{ apiKey: number; minVersion: number; maxVersion: number }> = [];
    for (const key of [...this.handlers.keys()].sort((a, b) => a - b)) {
      const c = API_CODECS.get(key);
      // Produce is advertised from v0, as Apache 3.x does: librdkafka <= 2.11 gates gzip, snappy and lz4 on
      // Produce [0,0] overlapping the broker's range (rdkafka_msgset_writer.c compr_req) and silently sends
      // uncompressed batches otherwise. It never sends v0-2 itself (MsgVer2 needs v3); v0-2 requests are
      // still refused as unsupported versions (isFlexible below), like Kafka 4.0 does.
      const min = key === ApiKey.Produce ? 0 : c?.minVersion ?? 0;
      if (c) out.push({ apiKey: key, minVersion: min, maxVersion: c.maxVersion });
    }
    return out;
  }

  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const c = API_CODECS.get(apiKey);
    if (!c || !this.handlers.has(apiKey) || apiVersion < c.minVersion || apiVersion > c.maxVersion) return undefined;
    return isFlexible(c, apiVersion);
  }

  handle(ctx: RequestContext, r: Reader): HandlerResult {
    const h = this.handlers.get(ctx.header.apiKey)!;
    return h(ctx, r);
  }

  private handleApiVersions(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    if (v > ApiVersionsApi.maxVersion) {
      const w = new Writer(32);
      encodeApiVersionsUnsupportedResponse(w, ApiVersionsApi.maxVersion);
      return w.toBuffers();
    }
    ApiVersionsApi.decodeRequest(r, v);
    return encodeResponse(ApiVersionsApi, v, { errorCode: ErrorCode.NONE, apiKeys: this.supportedApis(), throttleTimeMs: 0 });
  }

  // ---------------------------------------------------------------- controller -> broker

  /** zk-mode.md §5.3: a request from an older controller or for an older incarnation of us is refused. */
  private fencingError(controllerEpoch: number, brokerEpoch: number): number {
    if (controllerEpoch < this.deps.replicaManager.controllerEpoch) return ErrorCode.STALE_CONTROLLER_EPOCH;
    if (brokerEpoch >= 0 && brokerEpoch < this.deps.brokerEpoch()) return ErrorCode.STALE_BROKER_EPOCH;
    return ErrorCode.NONE;
  }

  private async handleLeaderAndIsr(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req: LeaderAndIsrRequest = LeaderAndIsrApi.decodeRequest(r, v);
    const fenced = this.fencingError(req.controllerEpoch, req.brokerEpoch);
    if (fenced !== ErrorCode.NONE) {
      this.stateChangeLog.warn(`Received LeaderAndIsr request with stale epochs (controller epoch ${req.controllerEpoch}, broker epoch ${req.brokerEpoch}): ${fenced === ErrorCode.STALE_CONTROLLER_EPOCH ? 'STALE_CONTROLLER_EPOCH' : 'STALE_BROKER_EPOCH'}`);
      return encodeResponse(LeaderAndIsrApi, v, { errorCode: fenced, partitionErrors: [], topics: [] });
    }
    const topics = v >= 2
      ? req.topicStates
      : [{ topicName: '', topicId: Buffer.alloc(16), partitionStates: req.ungroupedPartitionStates }];
    const states = topics.flatMap((t) =>
      t.partitionStates.map((p) => ({
        topic: v >= 2 ? t.topicName : p.topicName,
        partition: p.partitionIndex,
        topicId: t.topicId.equals(Buffer.alloc(16)) ? null : t.topicId,
        state: {
          controllerEpoch: p.controllerEpoch, leader: p.leader, leaderEpoch: p.leaderEpoch, isr: p.isr,
          partitionEpoch: p.partitionEpoch, replicas: p.replicas, addingReplicas: p.addingReplicas,
          removingReplicas: p.removingReplicas, isNew: p.isNew,
        },
      })),
    );
    await this.deps.loadTopicConfigs([...new Set(states.map((s) => s.topic))]);
    const liveLeaders = req.liveLeaders.map((l) => ({ brokerId: l.brokerId, host: l.hostName, port: l.port }));
    const result = this.deps.replicaManager.becomeLeaderOrFollower(req.controllerId, req.controllerEpoch, states, liveLeaders);
    const errs = result.partitionErrors.map((e) => ({ topicName: e.topic, partitionIndex: e.partition, errorCode: e.errorCode }));
    const byTopic = new Map<string, Buffer>(topics.map((t) => [t.topicName, t.topicId]));
    const grouped = new Map<string, typeof errs>();
    for (const e of errs) {
      const list = grouped.get(e.topicName) ?? [];
      list.push(e);
      grouped.set(e.topicName, list);
    }
    return encodeResponse(LeaderAndIsrApi, v, {
      errorCode: result.errorCode,
      partitionErrors: v < 5 ? errs : [],
      topics: v >= 5 ? [...grouped].map(([t, list]) => ({ topicId: byTopic.get(t) ?? Buffer.alloc(16), partitionErrors: list })) : [],
    });
  }

  private handleUpdateMetadata(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req: UpdateMetadataRequest = UpdateMetadataApi.decodeRequest(r, v);
    const fenced = this.fencingError(req.controllerEpoch, req.brokerEpoch);
    if (fenced !== ErrorCode.NONE) return encodeResponse(UpdateMetadataApi, v, { errorCode: fenced });
    this.deps.replicaManager.controllerEpoch = req.controllerEpoch;
    const brokers: CachedBroker[] = req.liveBrokers.map((b) => ({
      id: b.id,
      rack: b.rack,
      endpoints: v === 0
        ? [{ listener: 'PLAINTEXT', host: b.v0Host, port: b.v0Port, securityProtocol: 0 }]
        : b.endpoints.map((e) => ({ listener: e.listener || 'PLAINTEXT', host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
    }));
    const topicIds = new Map<string, Buffer>();
    const states: CachedPartitionState[] = [];
    const topicStates = v >= 5
      ? req.topicStates
      : [{ topicName: '', topicId: Buffer.alloc(16), partitionStates: req.ungroupedPartitionStates }];
    for (const t of topicStates) {
      if (v >= 5 && !t.topicId.equals(Buffer.alloc(16))) topicIds.set(t.topicName, t.topicId);
      for (const p of t.partitionStates) states.push({ ...p, topicName: v >= 5 ? t.topicName : p.topicName });
    }
    this.deps.metadataCache.update(req.controllerId, brokers, states, topicIds);
    return encodeResponse(UpdateMetadataApi, v, { errorCode: ErrorCode.NONE });
  }

  private handleStopReplica(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req: StopReplicaRequest = StopReplicaApi.decodeRequest(r, v);
    const fenced = this.fencingError(req.controllerEpoch, req.brokerEpoch);
    if (fenced !== ErrorCode.NONE) return encodeResponse(StopReplicaApi, v, { errorCode: fenced, partitionErrors: [] });
    let parts: Array<{ topic: string; partition: number; leaderEpoch: number; deletePartition: boolean }>;
    if (v >= 3) {
      parts = req.topicStates.flatMap((t) => t.partitionStates.map((p) => ({
        topic: t.topicName, partition: p.partitionIndex, leaderEpoch: p.leaderEpoch, deletePartition: p.deletePartition,
      })));
    } else if (v >= 1) {
      parts = req.topics.flatMap((t) => t.partitionIndexes.map((i) => ({
        topic: t.name, partition: i, leaderEpoch: -1, deletePartition: req.deletePartitions,
      })));
    } else {
      parts = req.ungroupedPartitions.map((p) => ({
        topic: p.topicName, partition: p.partitionIndex, leaderEpoch: -1, deletePartition: req.deletePartitions,
      }));
    }
    const result = this.deps.replicaManager.stopReplicas(req.controllerId, req.controllerEpoch, parts);
    return encodeResponse(StopReplicaApi, v, {
      errorCode: result.errorCode,
      partitionErrors: result.partitionErrors.map((e) => ({ topicName: e.topic, partitionIndex: e.partition, errorCode: e.errorCode })),
    });
  }

  /** ElectLeaders (KIP-460): preferred or unclean election by the controller; NOT_CONTROLLER elsewhere. */
  private async handleElectLeaders(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = ElectLeadersApi.decodeRequest(r, v);
    const wanted = req.topicPartitions === null ? null : req.topicPartitions.flatMap((t) => t.partitionId.map((partition) => ({ topic: t.topic, partition })));
    const res = this.deps.controller.isActive()
      ? await this.deps.controller.electLeaders(wanted, req.electionType)
      : { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
    if (res.errorCode !== ErrorCode.NONE && v >= 1) {
      return encodeResponse(ElectLeadersApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, replicaElectionResults: [] });
    }
    const byTopic = new Map<string, Array<{ partitionId: number; errorCode: number; errorMessage: string | null }>>();
    const results = res.errorCode === ErrorCode.NONE
      ? res.results
      : (wanted ?? []).map((p) => ({ ...p, errorCode: res.errorCode, errorMessage: null }));
    for (const x of results) {
      const list = byTopic.get(x.topic) ?? [];
      list.push({ partitionId: x.partition, errorCode: x.errorCode, errorMessage: x.errorMessage });
      byTopic.set(x.topic, list);
    }
    return encodeResponse(ElectLeadersApi, v, {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: [...byTopic].map(([topic, partitionResult]) => ({ topic, partitionResult })),
    });
  }

  /** AlterPartition (leader -> controller ISR change). Topics by name (v0-1) or id (v2+). */
  private async handleAlterPartition(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AlterPartitionApi.decodeRequest(r, v);
    const nameOf = (t: { topicName: string; topicId: Buffer }) => {
      if (v < 2) return t.topicName;
      for (const name of this.deps.metadataCache.allTopics()) if (this.deps.metadataCache.topicId(name)?.equals(t.topicId)) return name;
      return '';
    };
    const items: AlterPartitionItem[] = req.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: nameOf(t), partition: p.partitionIndex, leaderEpoch: p.leaderEpoch,
      newIsr: alterPartitionNewIsr(p, v), leaderRecoveryState: p.leaderRecoveryState, partitionEpoch: p.partitionEpoch,
    })));
    const res = this.deps.controller.isActive()
      ? await this.deps.controller.alterPartition(req.brokerId, req.brokerEpoch, items)
      : { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
    const topics = req.topics.map((t) => ({
      topicName: v < 2 ? t.topicName : '',
      topicId: t.topicId,
      partitions: t.partitions.flatMap((p) => {
        const x = res.results.find((y) => y.topic === nameOf(t) && y.partition === p.partitionIndex);
        return x ? [{ partitionIndex: x.partition, errorCode: x.errorCode, leaderId: x.leaderId, leaderEpoch: x.leaderEpoch, isr: x.isr, leaderRecoveryState: x.leaderRecoveryState, partitionEpoch: x.partitionEpoch }] : [];
      }),
    }));
    return encodeResponse(AlterPartitionApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, topics: res.errorCode === ErrorCode.NONE ? topics : [] });
  }

  private async handleControlledShutdown(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req: ControlledShutdownRequest = ControlledShutdownApi.decodeRequest(r, v);
    // Kafka throws ControllerMovedException here, which Errors maps to STALE_CONTROLLER_EPOCH (zk-mode.md §5.4).
    if (!this.deps.controller.isActive()) {
      return encodeResponse(ControlledShutdownApi, v, { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, remainingPartitions: [] });
    }
    const res = await this.deps.controller.controlledShutdown(req.brokerId, v >= 2 ? req.brokerEpoch : -1);
    this.log.info(`Controlled shutdown of broker ${req.brokerId}: ${res.remaining.length} partitions remaining`);
    return encodeResponse(ControlledShutdownApi, v, {
      errorCode: res.errorCode,
      remainingPartitions: res.remaining.map((p) => ({ topicName: p.topic, partitionIndex: p.partition })),
    });
  }
}
