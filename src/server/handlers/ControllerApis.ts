/**
 * The requests KafkaApis serves for the controller and to it (ZK mode): LeaderAndIsr, UpdateMetadata and
 * StopReplica from the controller (fenced by controller and broker epoch, zk-mode.md §5.3), and ControlledShutdown,
 * ElectLeaders and AlterPartition answered by the active controller (NOT_CONTROLLER elsewhere).
 */
import { getLogger, Logger } from '../../common/logger';
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import {
  AllocateProducerIdsApi,
  UpdateFeaturesApi,
  AlterPartitionApi,
  ControlledShutdownApi,
  ElectLeadersApi,
  LeaderAndIsrApi,
  StopReplicaApi,
  UpdateMetadataApi,
} from '../../protocol/apis';
import { LeaderAndIsrRequest } from '../../protocol/apis/04-leader-and-isr';
import { StopReplicaRequest } from '../../protocol/apis/05-stop-replica';
import { UpdateMetadataRequest } from '../../protocol/apis/06-update-metadata';
import { ControlledShutdownRequest } from '../../protocol/apis/07-controlled-shutdown';
import { alterPartitionNewIsr } from '../../protocol/apis/56-alter-partition';
import { ErrorCode } from '../../protocol/errors';
import { Uuid } from '../../common/Uuid';
import { Reader } from '../../protocol/Reader';
import type { AlterPartitionItem } from '../../controller/KafkaController';
import type { CachedBroker, CachedPartitionState } from '../MetadataCache';
import { KafkaApisDeps } from './ApiDeps';
import { tpKey } from '../../cluster/Partition';
import { encodeResponse } from '../../protocol/apis/types';

export class ControllerApis {
  private readonly log: Logger;
  private readonly stateChangeLog: Logger;

  constructor(private readonly deps: KafkaApisDeps) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
    this.stateChangeLog = getLogger('state.change.logger', `[Broker id=${deps.config.brokerId}] `);
  }

  /** zk-mode.md §5.3: a request from an older controller or for an older incarnation of us is refused. */
  private fencingError(controllerEpoch: number, brokerEpoch: number): number {
    if (controllerEpoch < this.deps.replicaManager.controllerEpoch) return ErrorCode.STALE_CONTROLLER_EPOCH;
    if (brokerEpoch >= 0 && brokerEpoch < this.deps.brokerEpoch()) return ErrorCode.STALE_BROKER_EPOCH;
    return ErrorCode.NONE;
  }

  async handleLeaderAndIsr(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req: LeaderAndIsrRequest = LeaderAndIsrApi.decodeRequest(r, v);
    const fenced = this.fencingError(req.controllerEpoch, req.brokerEpoch);
    if (fenced !== ErrorCode.NONE) {
      this.stateChangeLog.warn(
        `Received LeaderAndIsr request with stale epochs (controller epoch ${req.controllerEpoch}, broker epoch ${req.brokerEpoch}): ${fenced === ErrorCode.STALE_CONTROLLER_EPOCH ? 'STALE_CONTROLLER_EPOCH' : 'STALE_BROKER_EPOCH'}`,
      );
      return encodeResponse(LeaderAndIsrApi, v, { errorCode: fenced, partitionErrors: [], topics: [] });
    }
    const topics = v >= 2 ? req.topicStates : [{ topicName: '', topicId: Buffer.alloc(16), partitionStates: req.ungroupedPartitionStates }];
    const states = topics.flatMap((t) =>
      t.partitionStates.map((p) => ({
        topic: v >= 2 ? t.topicName : p.topicName,
        partition: p.partitionIndex,
        topicId: t.topicId.equals(Buffer.alloc(16)) ? null : t.topicId,
        state: v >= 2 ? { ...p, topicName: t.topicName } : p,
      })),
    );
    // Partition.createLogIfNotExists: only a replica this broker does not have yet reads its topic's
    // /config/topics/<t>; the others already have it and get changes through /config/changes notifications.
    const newReplicas = states.filter((s) => this.deps.replicaManager.getPartition(s.topic, s.partition) === undefined);
    if (newReplicas.length > 0) {
      await this.deps.loadTopicConfigs([...new Set(newReplicas.map((s) => s.topic))]);
      await this.deps.replicaManager.createLogsForNewReplicas(newReplicas);
    }
    const liveLeaders = req.liveLeaders.map((l) => ({ brokerId: l.brokerId, host: l.hostName, port: l.port }));
    const result = this.deps.replicaManager.becomeLeaderOrFollower(req.controllerId, req.controllerEpoch, states, liveLeaders);
    // The new leaders' leader-epoch checkpoints are on disk (fsynced) before the controller hears back.
    const failedCheckpoints = new Set(result.checkpointsWritten ? await result.checkpointsWritten : []);
    const errs = result.partitionErrors.map((e) => ({
      topicName: e.topic,
      partitionIndex: e.partition,
      errorCode: failedCheckpoints.has(tpKey(e.topic, e.partition)) ? ErrorCode.KAFKA_STORAGE_ERROR : e.errorCode,
    }));
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

  handleUpdateMetadata(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req: UpdateMetadataRequest = UpdateMetadataApi.decodeRequest(r, v);
    const fenced = this.fencingError(req.controllerEpoch, req.brokerEpoch);
    if (fenced !== ErrorCode.NONE) return encodeResponse(UpdateMetadataApi, v, { errorCode: fenced });
    this.deps.replicaManager.controllerEpoch = req.controllerEpoch;
    const brokers: CachedBroker[] = req.liveBrokers.map((b) => ({
      id: b.id,
      rack: v >= 2 ? b.rack : null, // no Rack field before v2
      endpoints:
        v === 0
          ? [{ listener: 'PLAINTEXT', host: b.v0Host, port: b.v0Port, securityProtocol: 0 }]
          : b.endpoints.map((e) => ({ listener: e.listener || 'PLAINTEXT', host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
    }));
    const topicIds = new Map<string, Buffer>();
    const states: CachedPartitionState[] = [];
    const topicStates = v >= 5 ? req.topicStates : [{ topicName: '', topicId: Buffer.alloc(16), partitionStates: req.ungroupedPartitionStates }];
    for (const t of topicStates) {
      if (v >= 5 && !t.topicId.equals(Buffer.alloc(16))) topicIds.set(t.topicName, t.topicId);
      for (const { zkVersion, ...p } of t.partitionStates) states.push({ ...p, partitionEpoch: zkVersion, topicName: v >= 5 ? t.topicName : p.topicName });
    }
    this.deps.metadataCache.update(req.controllerId, brokers, states, topicIds);
    return encodeResponse(UpdateMetadataApi, v, { errorCode: ErrorCode.NONE });
  }

  handleStopReplica(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req: StopReplicaRequest = StopReplicaApi.decodeRequest(r, v);
    const fenced = this.fencingError(req.controllerEpoch, req.brokerEpoch);
    if (fenced !== ErrorCode.NONE) return encodeResponse(StopReplicaApi, v, { errorCode: fenced, partitionErrors: [] });
    let parts: Array<{ topic: string; partition: number; leaderEpoch: number; deletePartition: boolean }>;
    if (v >= 3) {
      parts = req.topicStates.flatMap((t) =>
        t.partitionStates.map((p) => ({
          topic: t.topicName,
          partition: p.partitionIndex,
          leaderEpoch: p.leaderEpoch,
          deletePartition: p.deletePartition,
        })),
      );
    } else if (v >= 1) {
      parts = req.topics.flatMap((t) =>
        t.partitionIndexes.map((i) => ({
          topic: t.name,
          partition: i,
          leaderEpoch: -1,
          deletePartition: req.deletePartitions,
        })),
      );
    } else {
      parts = req.ungroupedPartitions.map((p) => ({
        topic: p.topicName,
        partition: p.partitionIndex,
        leaderEpoch: -1,
        deletePartition: req.deletePartitions,
      }));
    }
    const result = this.deps.replicaManager.stopReplicas(req.controllerId, req.controllerEpoch, parts);
    return encodeResponse(StopReplicaApi, v, {
      errorCode: result.errorCode,
      partitionErrors: result.partitionErrors.map((e) => ({ topicName: e.topic, partitionIndex: e.partition, errorCode: e.errorCode })),
    });
  }

  /** ElectLeaders (KIP-460): preferred or unclean election by the controller; NOT_CONTROLLER elsewhere. */
  async handleElectLeaders(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = ElectLeadersApi.decodeRequest(r, v);
    const wanted = req.topicPartitions === null ? null : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    const res = this.deps.controller.isActive()
      ? await this.deps.controller.electLeaders(wanted, req.electionType)
      : { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
    if (res.errorCode !== ErrorCode.NONE && v >= 1) {
      return encodeResponse(ElectLeadersApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, replicaElectionResults: [] });
    }
    const byTopic = new Map<string, Array<{ partitionId: number; errorCode: number; errorMessage: string | null }>>();
    const results = res.errorCode === ErrorCode.NONE ? res.results : (wanted ?? []).map((p) => ({ ...p, errorCode: res.errorCode, errorMessage: null }));
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
  async handleAlterPartition(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AlterPartitionApi.decodeRequest(r, v);
    // v2+ names topics by id; the controller resolves them from its own context (unknown: UNKNOWN_TOPIC_ID).
    const idOf = (t: { topicId: Buffer }) => (v >= 2 ? new Uuid(t.topicId).toString() : undefined);
    const items: AlterPartitionItem[] = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: v < 2 ? t.topicName : '',
        topicId: idOf(t),
        partition: p.partitionIndex,
        leaderEpoch: p.leaderEpoch,
        newIsr: alterPartitionNewIsr(p, v),
        leaderRecoveryState: p.leaderRecoveryState,
        partitionEpoch: p.partitionEpoch,
      })),
    );
    const res = this.deps.controller.isActive()
      ? await this.deps.controller.alterPartition(req.brokerId, req.brokerEpoch, items)
      : { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
    const topics = req.topics.map((t) => ({
      topicName: v < 2 ? t.topicName : '',
      topicId: t.topicId,
      partitions: t.partitions.flatMap((p) => {
        const id = idOf(t);
        const x = res.results.find((y) => (id !== undefined ? y.topicId === id : y.topic === t.topicName) && y.partition === p.partitionIndex);
        return x
          ? [
              {
                partitionIndex: x.partition,
                errorCode: x.errorCode,
                leaderId: x.leaderId,
                leaderEpoch: x.leaderEpoch,
                isr: x.isr,
                leaderRecoveryState: x.leaderRecoveryState,
                partitionEpoch: x.partitionEpoch,
              },
            ]
          : [];
      }),
    }));
    return encodeResponse(AlterPartitionApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, topics: res.errorCode === ErrorCode.NONE ? topics : [] });
  }

  async handleControlledShutdown(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
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

  /** AllocateProducerIds (broker -> controller, KIP-730): a block of producer ids claimed in ZooKeeper for the broker. */
  async handleAllocateProducerIds(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AllocateProducerIdsApi.decodeRequest(r, v);
    const res = await this.deps.controller.allocateProducerIds(req.brokerId, req.brokerEpoch);
    return encodeResponse(AllocateProducerIdsApi, v, { throttleTimeMs: 0, ...res });
  }

  /**
   * UpdateFeatures (KafkaApis.handleUpdateFeatures, ZK mode): NOT_CONTROLLER unless this broker is the active
   * controller, which validates and writes /feature. v0's AllowDowngrade means SAFE_DOWNGRADE, as Kafka reads it.
   */
  async handleUpdateFeatures(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = UpdateFeaturesApi.decodeRequest(r, v);
    const answer = (errorCode: number, results: Array<{ feature: string; errorCode: number; errorMessage: string | null }> = []) =>
      encodeResponse(UpdateFeaturesApi, v, { throttleTimeMs: 0, errorCode, errorMessage: null, results });
    if (!this.deps.controller.isActive()) return answer(ErrorCode.NOT_CONTROLLER);
    const updates = req.featureUpdates.map((u) => ({
      feature: u.feature,
      versionLevel: u.maxVersionLevel,
      upgradeType: v === 0 ? (u.allowDowngrade ? 2 : 1) : u.upgradeType,
    }));
    const res = await this.deps.controller.updateFeatures(updates);
    return answer(
      res.errorCode,
      [...res.errors].map(([feature, e]) => ({ feature, ...e })),
    );
  }
}
