/**
 * Kafka 3.7's org.apache.kafka.controller.ReplicationControlManager, the part driven by brokers: heartbeats (and the
 * fencing, unfencing and controlled shutdown they cause), session expiry, unregistration, AlterPartition (ISR
 * changes proposed by partition leaders) and ElectLeaders. Topic creation, deletion and new partitions are in
 * ./ReplicationControlTopics.ts.
 *
 * Every leader/ISR change is a PartitionChangeRecord built by PartitionChangeBuilder. A fenced (or shutting down, or
 * unregistered) broker leaves every ISR and its partitions get a new leader from the rest of the ISR among active
 * brokers, or none (leader -1, the ISR keeping its last member); an unfenced broker becomes the leader of the
 * leaderless partitions whose ISR holds it.
 */
import { Logger } from '../../common/logger';
import { Uuid } from '../../common/Uuid';
import { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../../protocol/apis/63-broker-heartbeat';
import {
  alterPartitionNewIsr,
  AlterPartitionRequest,
  AlterPartitionResponse,
  AlterPartitionResponsePartitionData,
} from '../../protocol/apis/56-alter-partition';
import { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/apis/43-elect-leaders';
import { ErrorCode } from '../../protocol/errors';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage, PartitionRegistration, TopicImage } from '../../metadata/image/MetadataImage';
import { BrokerControlState, stateInControlledShutdown, stateIsFenced, stateShouldShutDown } from './BrokerHeartbeatManager';
import { ClusterControlManager } from './ClusterControlManager';
import { ConfigurationControlManager } from './ConfigurationControlManager';
import { ApiError, apiException, ControllerResult, resultOf } from './ControllerResult';
import { FencingChange, InControlledShutdownChange, MV, record } from './MetadataRecords';
import { Election, LeaderRecoveryState, mergePartition, NO_LEADER, NO_LEADER_CHANGE, PartitionChangeBuilder } from './PartitionChangeBuilder';

export interface TopicIdPartition {
  topic: TopicImage;
  partitionId: number;
  partition: PartitionRegistration;
}

/** ElectionType: PREFERRED 0, UNCLEAN 1. */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

export class ReplicationControlManager {
  constructor(
    private readonly image: () => MetadataImage,
    private readonly clusterControl: ClusterControlManager,
    private readonly configControl: ConfigurationControlManager,
    private readonly log: Logger,
  ) {}

  private mv(): number {
    return this.image().metadataVersion();
  }

  /** Partitions in topic order, then partition order, that match `pred` (Kafka's BrokersToIsrs iterators). */
  partitionsWhere(pred: (p: PartitionRegistration) => boolean): TopicIdPartition[] {
    const out: TopicIdPartition[] = [];
    for (const topic of this.image().topicsById.values()) {
      for (const [partitionId, partition] of [...topic.partitions].sort((a, b) => a[0] - b[0])) {
        if (pred(partition)) out.push({ topic, partitionId, partition });
      }
    }
    return out;
  }

  hasLeaderships(brokerId: number): boolean {
    for (const topic of this.image().topicsById.values()) for (const p of topic.partitions.values()) if (p.leader === brokerId) return true;
    return false;
  }

  /** generateLeaderAndIsrUpdates: move leadership and ISR membership off `brokerToRemove` / onto `brokerToAdd`. */
  generateLeaderAndIsrUpdates(
    context: string,
    brokerToRemove: number,
    brokerToAdd: number,
    records: ApiMessageAndVersion[],
    partitions: TopicIdPartition[],
  ): void {
    const oldSize = records.length;
    // brokerToAdd is acceptable even though the image still shows it fenced (unfencing); brokerToRemove never is.
    const isAcceptableLeader = (r: number) => r !== brokerToRemove && (r === brokerToAdd || this.clusterControl.isActive(r));
    for (const { topic, partitionId, partition } of partitions) {
      const builder = new PartitionChangeBuilder(partition, topic.id, partitionId, isAcceptableLeader, this.mv(), (r) => this.clusterControl.defaultDir(r));
      if (this.configControl.uncleanLeaderElectionEnabledForTopic(topic.name)) builder.setElection(Election.UNCLEAN);
      builder.setTargetIsr(partition.isr.filter((r) => r !== brokerToRemove));
      const rec = builder.build();
      if (rec) records.push(rec);
    }
    if (records.length !== oldSize) this.log.info(`${context}: changing ${records.length - oldSize} partition(s)`);
  }

  handleBrokerFenced(brokerId: number, records: ApiMessageAndVersion[]): void {
    const registration = this.clusterControl.registration(brokerId);
    if (!registration) throw new Error(`Can't find broker registration for broker ${brokerId}`);
    this.generateLeaderAndIsrUpdates(
      'handleBrokerFenced',
      brokerId,
      NO_LEADER,
      records,
      this.partitionsWhere((p) => p.isr.includes(brokerId)),
    );
    if (this.mv() >= MV.IBP_3_3_IV2) {
      records.push(record('BrokerRegistrationChangeRecord', 0, { brokerId, brokerEpoch: registration.epoch, fenced: FencingChange.FENCE }));
    } else {
      records.push(record('FenceBrokerRecord', 0, { id: brokerId, epoch: registration.epoch }));
    }
  }

  handleBrokerUnfenced(brokerId: number, brokerEpoch: number, records: ApiMessageAndVersion[]): void {
    if (this.mv() >= MV.IBP_3_3_IV2) {
      records.push(record('BrokerRegistrationChangeRecord', 0, { brokerId, brokerEpoch, fenced: FencingChange.UNFENCE }));
    } else {
      records.push(record('UnfenceBrokerRecord', 0, { id: brokerId, epoch: brokerEpoch }));
    }
    this.generateLeaderAndIsrUpdates(
      'handleBrokerUnfenced',
      NO_LEADER,
      brokerId,
      records,
      this.partitionsWhere((p) => p.leader === NO_LEADER),
    );
  }

  handleBrokerInControlledShutdown(brokerId: number, brokerEpoch: number, records: ApiMessageAndVersion[]): void {
    if (this.mv() >= MV.IBP_3_3_IV3 && !this.clusterControl.inControlledShutdown(brokerId)) {
      records.push(
        record('BrokerRegistrationChangeRecord', 1, { brokerId, brokerEpoch, inControlledShutdown: InControlledShutdownChange.IN_CONTROLLED_SHUTDOWN }),
      );
    }
    this.generateLeaderAndIsrUpdates(
      `enterControlledShutdown[${brokerId}]`,
      brokerId,
      NO_LEADER,
      records,
      this.partitionsWhere((p) => p.isr.includes(brokerId)),
    );
  }

  /** processBrokerHeartbeat: the broker's next state, the records that get it there, and the reply. */
  processBrokerHeartbeat(
    request: BrokerHeartbeatRequest,
    registerBrokerRecordOffset: number,
  ): ControllerResult<BrokerHeartbeatResponse> & { inControlledShutdown: boolean } {
    const { brokerId, brokerEpoch } = request;
    this.clusterControl.checkBrokerEpoch(brokerId, brokerEpoch);
    const hb = this.clusterControl.heartbeatManager!;
    const states = hb.calculateNextBrokerState(brokerId, request, registerBrokerRecordOffset, () => this.hasLeaderships(brokerId));
    const records: ApiMessageAndVersion[] = [];
    if (states.current !== states.next) {
      switch (states.next) {
        case BrokerControlState.FENCED:
        case BrokerControlState.SHUTDOWN_NOW:
          this.handleBrokerFenced(brokerId, records);
          break;
        case BrokerControlState.UNFENCED:
          this.handleBrokerUnfenced(brokerId, brokerEpoch, records);
          break;
        case BrokerControlState.CONTROLLED_SHUTDOWN:
          this.handleBrokerInControlledShutdown(brokerId, brokerEpoch, records);
          break;
      }
    }
    hb.touch(brokerId, stateIsFenced(states.next), request.currentMetadataOffset);
    return {
      ...resultOf(records, {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        isCaughtUp: request.currentMetadataOffset >= registerBrokerRecordOffset,
        isFenced: stateIsFenced(states.next),
        shouldShutDown: stateShouldShutDown(states.next),
      }),
      inControlledShutdown: stateInControlledShutdown(states.next),
    };
  }

  /** maybeFenceOneStaleBroker: one at a time, so the effect of each fencing is visible before the next. */
  maybeFenceOneStaleBroker(): ControllerResult<number | undefined> {
    const records: ApiMessageAndVersion[] = [];
    const hb = this.clusterControl.heartbeatManager;
    const brokerId = hb?.findOneStaleBroker();
    if (hb && brokerId !== undefined) {
      this.log.info(`Fencing broker ${brokerId} because its session has timed out.`);
      this.handleBrokerFenced(brokerId, records);
      hb.fence(brokerId);
    }
    return resultOf(records, brokerId);
  }

  unregisterBroker(brokerId: number): ControllerResult<void> {
    const registration = this.clusterControl.registration(brokerId);
    if (!registration) throw apiException(ErrorCode.BROKER_ID_NOT_REGISTERED, `Broker ID ${brokerId} is not currently registered`);
    const records: ApiMessageAndVersion[] = [];
    this.generateLeaderAndIsrUpdates(
      'handleBrokerUnregistered',
      brokerId,
      NO_LEADER,
      records,
      this.partitionsWhere((p) => p.isr.includes(brokerId)),
    );
    records.push(record('UnregisterBrokerRecord', 0, { brokerId, brokerEpoch: registration.epoch }));
    this.clusterControl.heartbeatManager?.remove(brokerId);
    return resultOf(records, undefined);
  }

  alterPartition(request: AlterPartitionRequest, version: number): ControllerResult<AlterPartitionResponse> {
    this.clusterControl.checkBrokerEpoch(request.brokerId, request.brokerEpoch);
    const response: AlterPartitionResponse = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: [] };
    const records: ApiMessageAndVersion[] = [];
    for (const topicData of request.topics) {
      const partitions: AlterPartitionResponsePartitionData[] = [];
      response.topics.push({ topicName: topicData.topicName, topicId: topicData.topicId, partitions });
      const topic =
        version > 1
          ? Buffer.isBuffer(topicData.topicId) && !topicData.topicId.equals(Uuid.ZERO_UUID.toBytes())
            ? this.image().topicsById.get(topicData.topicId.toString('hex'))
            : undefined
          : this.image().topicsByName.get(topicData.topicName);
      if (!topic) {
        const error = version > 1 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        for (const p of topicData.partitions) partitions.push(failedPartition(p.partitionIndex, error));
        this.log.info(`Rejecting AlterPartition request for unknown topic ID ${uuidString(topicData.topicId)} or name ${topicData.topicName}.`);
        continue;
      }
      for (const partitionData of topicData.partitions) {
        const partitionId = partitionData.partitionIndex;
        const newIsrWithEpochs =
          version >= 3 ? partitionData.newIsrWithEpochs : alterPartitionNewIsr(partitionData, version).map((brokerId) => ({ brokerId, brokerEpoch: -1 }));
        let partition = topic.partitions.get(partitionId);
        const validationError = this.validateAlterPartitionData(request.brokerId, topic, partitionId, partition, version, partitionData, newIsrWithEpochs);
        if (validationError !== ErrorCode.NONE) {
          partitions.push(failedPartition(partitionId, validationError));
          continue;
        }
        const builder = new PartitionChangeBuilder(
          partition!,
          topic.id,
          partitionId,
          (r) => this.clusterControl.isActive(r),
          this.mv(),
          (r) => this.clusterControl.defaultDir(r),
        );
        if (this.configControl.uncleanLeaderElectionEnabledForTopic(topic.name)) builder.setElection(Election.UNCLEAN);
        const rec = builder
          .setTargetIsr(newIsrWithEpochs.map((b) => b.brokerId))
          .setTargetLeaderRecoveryState(partitionData.leaderRecoveryState)
          .build();
        if (rec) {
          records.push(rec);
          partition = mergePartition(partition!, rec.data);
          this.log.debug(`Node ${request.brokerId} has altered ISR for ${topic.name}-${partitionId} to ${JSON.stringify(rec.data.isr)}.`);
          const leader = rec.data.leader as number;
          if (leader !== request.brokerId && leader !== NO_LEADER_CHANGE) {
            // The ISR change completed a reassignment and moved the leadership: the leader must refresh its metadata.
            const error = version > 1 ? ErrorCode.NEW_LEADER_ELECTED : ErrorCode.FENCED_LEADER_EPOCH;
            this.log.info(
              `AlterPartition request from node ${request.brokerId} for ${topic.name}-${partitionId} completed the ongoing partition reassignment and triggered a leadership change. Returning ${error}.`,
            );
            partitions.push(failedPartition(partitionId, error));
            continue;
          }
        }
        partitions.push({
          partitionIndex: partitionId,
          errorCode: ErrorCode.NONE,
          leaderId: partition!.leader,
          leaderEpoch: partition!.leaderEpoch,
          isr: [...partition!.isr],
          leaderRecoveryState: partition!.leaderRecoveryState,
          partitionEpoch: partition!.partitionEpoch,
        });
      }
    }
    return resultOf(records, response);
  }

  /** validateAlterPartitionData, in Kafka's order. */
  private validateAlterPartitionData(
    brokerId: number,
    topic: TopicImage,
    partitionId: number,
    partition: PartitionRegistration | undefined,
    version: number,
    data: { leaderEpoch: number; partitionEpoch: number; leaderRecoveryState: number },
    newIsrWithEpochs: Array<{ brokerId: number; brokerEpoch: number }>,
  ): number {
    const tp = `${topic.name}-${partitionId}`;
    if (!partition) {
      this.log.info(`Rejecting AlterPartition request for unknown partition ${tp}.`);
      return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    // A leader with a higher leader or partition epoch than ours: this node is likely no longer the controller.
    if (data.leaderEpoch > partition.leaderEpoch || data.partitionEpoch > partition.partitionEpoch) return ErrorCode.NOT_CONTROLLER;
    if (data.leaderEpoch < partition.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
    if (brokerId !== partition.leader) {
      this.log.info(`Rejecting AlterPartition request from node ${brokerId} for ${tp} because the current leader is ${partition.leader}.`);
      return ErrorCode.INVALID_REQUEST;
    }
    if (data.partitionEpoch < partition.partitionEpoch) {
      this.log.info(
        `Rejecting AlterPartition request from node ${brokerId} for ${tp} because the current partition epoch is ${partition.partitionEpoch}, not ${data.partitionEpoch}.`,
      );
      return ErrorCode.INVALID_UPDATE_VERSION;
    }
    const newIsr = newIsrWithEpochs.map((b) => b.brokerId);
    // Replicas.validateIsr: no duplicates, every member a replica.
    if (new Set(newIsr).size !== newIsr.length || !newIsr.every((r) => partition.replicas.includes(r))) {
      this.log.error(`Rejecting AlterPartition request from node ${brokerId} for ${tp} because it specified an invalid ISR ${JSON.stringify(newIsr)}.`);
      return ErrorCode.INVALID_REQUEST;
    }
    if (!newIsr.includes(partition.leader)) {
      this.log.error(
        `Rejecting AlterPartition request from node ${brokerId} for ${tp} because it specified an invalid ISR ${JSON.stringify(newIsr)} that doesn't include itself.`,
      );
      return ErrorCode.INVALID_REQUEST;
    }
    if (data.leaderRecoveryState === LeaderRecoveryState.RECOVERING && newIsr.length > 1) {
      this.log.info(
        `Rejecting AlterPartition request from node ${brokerId} for ${tp} because the ISR ${JSON.stringify(newIsr)} had more than one replica while the leader was still recovering from an unclean leader election RECOVERING.`,
      );
      return ErrorCode.INVALID_REQUEST;
    }
    if (partition.leaderRecoveryState === LeaderRecoveryState.RECOVERED && data.leaderRecoveryState === LeaderRecoveryState.RECOVERING) {
      this.log.info(
        `Rejecting AlterPartition request from node ${brokerId} for ${tp} because the leader recovery state cannot change from RECOVERED to RECOVERING.`,
      );
      return ErrorCode.INVALID_REQUEST;
    }
    const ineligible: string[] = [];
    for (const b of newIsrWithEpochs) {
      const registration = this.clusterControl.registration(b.brokerId);
      if (!registration) ineligible.push(`${b.brokerId} (not registered)`);
      else if (registration.inControlledShutdown) ineligible.push(`${b.brokerId} (shutting down)`);
      else if (registration.fenced) ineligible.push(`${b.brokerId} (fenced)`);
      else if (b.brokerEpoch !== -1 && registration.epoch !== b.brokerEpoch) {
        ineligible.push(`${b.brokerId} (broker epoch mismatch: requested=${b.brokerEpoch} VS expected=${registration.epoch})`);
      }
    }
    if (ineligible.length > 0) {
      this.log.info(
        `Rejecting AlterPartition request from node ${brokerId} for ${tp} because it specified ineligible replicas [${ineligible.join(', ')}] in the new ISR ${JSON.stringify(newIsr)}.`,
      );
      return version > 1 ? ErrorCode.INELIGIBLE_REPLICA : ErrorCode.OPERATION_NOT_ATTEMPTED;
    }
    return ErrorCode.NONE;
  }

  /** Partitions whose leader is not their preferred (first) replica (Kafka's imbalancedPartitions). */
  arePartitionLeadersImbalanced(): boolean {
    for (const topic of this.image().topicsById.values()) for (const p of topic.partitions.values()) if (p.leader !== (p.replicas[0] ?? NO_LEADER)) return true;
    return false;
  }

  /**
   * maybeBalancePartitionLeaders (auto.leader.rebalance.enable): a preferred election for each imbalanced partition,
   * at most `maxElections` per run; answers whether more remain (run again at once) or not (after the interval).
   */
  maybeBalancePartitionLeaders(maxElections = 1000): ControllerResult<boolean> {
    const records: ApiMessageAndVersion[] = [];
    let rescheduleImmediately = false;
    for (const { topic, partitionId, partition } of this.partitionsWhere((p) => p.leader !== (p.replicas[0] ?? NO_LEADER))) {
      if (records.length >= maxElections) {
        rescheduleImmediately = true;
        break;
      }
      const rec = new PartitionChangeBuilder(
        partition,
        topic.id,
        partitionId,
        (r) => this.clusterControl.isActive(r),
        this.mv(),
        (r) => this.clusterControl.defaultDir(r),
      )
        .setElection(Election.PREFERRED)
        .build();
      if (rec) records.push(rec);
    }
    return resultOf(records, rescheduleImmediately);
  }

  electLeaders(request: ElectLeadersRequest): ControllerResult<ElectLeadersResponse> {
    if (request.electionType !== ElectionType.PREFERRED && request.electionType !== ElectionType.UNCLEAN) {
      throw apiException(ErrorCode.INVALID_REQUEST, `Unknown election type ${request.electionType}`);
    }
    const electionType = request.electionType;
    const records: ApiMessageAndVersion[] = [];
    const response: ElectLeadersResponse = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: [] };
    if (request.topicPartitions === null) {
      // Every partition; those that need no election are left out of the answer (as the ZooKeeper controller did).
      for (const topic of this.image().topicsByName.values()) {
        const partitionResult = [];
        for (const partitionId of [...topic.partitions.keys()].sort((a, b) => a - b)) {
          const error = this.electLeader(topic.name, partitionId, electionType, records);
          if (error.code !== ErrorCode.ELECTION_NOT_NEEDED) partitionResult.push({ partitionId, errorCode: error.code, errorMessage: error.message });
        }
        if (partitionResult.length > 0) response.replicaElectionResults.push({ topic: topic.name, partitionResult });
      }
    } else {
      for (const tps of request.topicPartitions) {
        const partitionResult = tps.partitions.map((partitionId) => {
          const error = this.electLeader(tps.topic, partitionId, electionType, records);
          return { partitionId, errorCode: error.code, errorMessage: error.message };
        });
        response.replicaElectionResults.push({ topic: tps.topic, partitionResult });
      }
    }
    return resultOf(records, response);
  }

  private electLeader(topicName: string, partitionId: number, electionType: number, records: ApiMessageAndVersion[]): ApiError {
    const topic = this.image().topicsByName.get(topicName);
    if (!topic) return new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such topic as ${topicName}`);
    const partition = topic.partitions.get(partitionId);
    if (!partition) return new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such partition as ${topicName}-${partitionId}`);
    const hasPreferredLeader = partition.leader === (partition.replicas[0] ?? NO_LEADER);
    if ((electionType === ElectionType.PREFERRED && hasPreferredLeader) || (electionType === ElectionType.UNCLEAN && partition.leader !== NO_LEADER)) {
      return ApiError.of(ErrorCode.ELECTION_NOT_NEEDED);
    }
    const rec = new PartitionChangeBuilder(
      partition,
      topic.id,
      partitionId,
      (r) => this.clusterControl.isActive(r),
      this.mv(),
      (r) => this.clusterControl.defaultDir(r),
    )
      .setElection(electionType === ElectionType.UNCLEAN ? Election.UNCLEAN : Election.PREFERRED)
      .build();
    if (!rec) {
      return ApiError.of(electionType === ElectionType.PREFERRED ? ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE : ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
    }
    records.push(rec);
    return ApiError.NONE;
  }
}

function failedPartition(partitionIndex: number, errorCode: number): AlterPartitionResponsePartitionData {
  // Kafka sets only the index and the error: the other fields keep the schema's defaults (0, []).
  return { partitionIndex, errorCode, leaderId: 0, leaderEpoch: 0, isr: [], leaderRecoveryState: 0, partitionEpoch: 0 };
}

function uuidString(b: Buffer): string {
  return Buffer.isBuffer(b) && b.length === 16 ? Uuid.fromBytes(b).toString() : String(b);
}
