import { Uuid } from '../common/Uuid';
import { getLogger, Logger } from '../common/logger';
import { LeaderAndIsrPartitionState, LeaderAndIsrRequest, LeaderAndIsrResponse } from '../protocol/apis/04-leader-and-isr';
import { StopReplicaRequest, StopReplicaResponse } from '../protocol/apis/05-stop-replica';
import { UpdateMetadataPartitionState, UpdateMetadataRequest } from '../protocol/apis/06-update-metadata';
import { errorName } from '../protocol/errors';
import { ControllerContext, TopicPartition, tpString } from './ControllerContext';
import {
  ControllerChannelManager,
  LEADER_AND_ISR_VERSION,
  LeaderAndIsrApi,
  securityProtocolId,
  STOP_REPLICA_VERSION,
  StopReplicaApi,
  UPDATE_METADATA_VERSION,
  UpdateMetadataApi,
} from './ControllerChannelManager';

/** Leader value sent in UpdateMetadata for partitions of a topic queued for deletion. */
const LEADER_DURING_DELETE = -2;

/**
 * kafka.controller.ControllerBrokerRequestBatch: collects LeaderAndIsr, UpdateMetadata and StopReplica
 * entries during one state change and sends them per broker, in that order (zk-mode.md §5.1).
 * Every LeaderAndIsr entry also queues an UpdateMetadata of that partition to every live broker.
 */
export class ControllerBrokerRequestBatch {
  private leaderAndIsr = new Map<number, Map<string, LeaderAndIsrPartitionState>>();
  private updateMetadataBrokers = new Set<number>();
  private updateMetadataPartitions = new Map<string, TopicPartition>();
  private stopReplica = new Map<number, Map<string, { topic: string; partition: number; delete: boolean; leaderEpoch: number }>>();
  private readonly stateChangeLog: Logger;

  constructor(
    private readonly controllerId: number,
    private readonly ctx: ControllerContext,
    private readonly channel: ControllerChannelManager,
    private readonly onLeaderAndIsrResponse?: (brokerId: number, res: LeaderAndIsrResponse) => void,
    private readonly onStopReplicaResponse?: (brokerId: number, res: StopReplicaResponse) => void,
  ) {
    this.stateChangeLog = getLogger('state.change.logger', '');
  }

  addLeaderAndIsrRequestForBrokers(brokerIds: number[], tp: TopicPartition, isNew: boolean): void {
    const l = this.ctx.leadership(tp);
    if (!l) return;
    const replicas = this.ctx.replicasFor(tp);
    const reassignment = this.ctx.partitionReassignments.get(tpString(tp));
    for (const b of brokerIds) {
      if (!this.ctx.isLiveBroker(b)) continue;
      let m = this.leaderAndIsr.get(b);
      if (!m) {
        m = new Map();
        this.leaderAndIsr.set(b, m);
      }
      const prev = m.get(tpString(tp));
      m.set(tpString(tp), {
        // TopicName is on the wire only in v0-1 (ungrouped); from v2 it is the topic state's, and this one is ignored.
        topicName: tp.topic,
        partitionIndex: tp.partition,
        controllerEpoch: l.controllerEpoch,
        leader: l.leaderAndIsr.leader,
        leaderEpoch: l.leaderAndIsr.leaderEpoch,
        isr: l.leaderAndIsr.isr,
        partitionEpoch: l.leaderAndIsr.partitionEpoch,
        replicas,
        addingReplicas: reassignment?.adding ?? [],
        removingReplicas: reassignment?.removing ?? [],
        isNew: isNew || (prev?.isNew ?? false),
        leaderRecoveryState: l.leaderAndIsr.leaderRecoveryState,
      });
    }
    this.addUpdateMetadataRequestForBrokers(this.ctx.liveBrokerIds(), [tp]);
  }

  addUpdateMetadataRequestForBrokers(brokerIds: number[], partitions: TopicPartition[]): void {
    for (const b of brokerIds) if (this.ctx.isLiveBroker(b)) this.updateMetadataBrokers.add(b);
    for (const tp of partitions) this.updateMetadataPartitions.set(tpString(tp), tp);
  }

  addStopReplicaRequestForBrokers(brokerIds: number[], tp: TopicPartition, deletePartition: boolean, leaderEpoch: number): void {
    for (const b of brokerIds) {
      if (!this.ctx.isLiveBroker(b)) continue;
      let m = this.stopReplica.get(b);
      if (!m) {
        m = new Map();
        this.stopReplica.set(b, m);
      }
      m.set(tpString(tp), { topic: tp.topic, partition: tp.partition, delete: deletePartition, leaderEpoch });
    }
  }

  private topicIdBytes(topic: string): Buffer {
    const id = this.ctx.topicIds.get(topic);
    return id ? Uuid.fromString(id).toBytes() : Buffer.alloc(16);
  }

  sendRequestsToBrokers(controllerEpoch: number): void {
    const ctx = this.ctx;
    const trace = this.stateChangeLog.isTraceEnabled?.() ?? false;
    for (const [brokerId, parts] of this.leaderAndIsr) {
      const byTopic = new Map<string, LeaderAndIsrPartitionState[]>();
      let becomeLeaders = 0;
      for (const p of parts.values()) {
        const list = byTopic.get(p.topicName) ?? [];
        list.push(p);
        byTopic.set(p.topicName, list);
        const role = p.leader === brokerId ? 'become-leader' : 'become-follower';
        if (role === 'become-leader') becomeLeaders++;
        // Per partition at TRACE, as Kafka 3.7 (tens of thousands of lines at 10,000 partitions otherwise).
        if (!trace) continue;
        this.stateChangeLog.trace(
          `[Controller id=${this.controllerId} epoch=${controllerEpoch}] Sending ${role} LeaderAndIsr request LeaderAndIsrPartitionState(topicName='${p.topicName}', partitionIndex=${p.partitionIndex}, controllerEpoch=${p.controllerEpoch}, leader=${p.leader}, leaderEpoch=${p.leaderEpoch}, isr=[${p.isr.join(', ')}], partitionEpoch=${p.partitionEpoch}, replicas=[${p.replicas.join(', ')}], addingReplicas=[${p.addingReplicas.join(', ')}], removingReplicas=[${p.removingReplicas.join(', ')}], isNew=${p.isNew}, leaderRecoveryState=${p.leaderRecoveryState}) to broker ${brokerId} for partition ${p.topicName}-${p.partitionIndex}`,
        );
      }
      this.stateChangeLog.info(
        `[Controller id=${this.controllerId} epoch=${controllerEpoch}] Sending LeaderAndIsr request to broker ${brokerId} with ${becomeLeaders} become-leader and ${parts.size - becomeLeaders} become-follower partitions`,
      );
      const leaders = new Set([...parts.values()].map((p) => p.leader).filter((l) => l >= 0));
      const build = (): LeaderAndIsrRequest => ({
        controllerId: this.controllerId,
        isKRaftController: false,
        controllerEpoch,
        brokerEpoch: ctx.liveBrokers.get(brokerId)?.epoch ?? -1,
        type: 0,
        ungroupedPartitionStates: [],
        topicStates: [...byTopic].map(([topic, ps]) => ({ topicName: topic, topicId: this.topicIdBytes(topic), partitionStates: ps })),
        liveLeaders: [...leaders].flatMap((id) => {
          const info = ctx.liveBrokers.get(id)?.info;
          // Kafka sends each leader's inter-broker listener endpoint (liveBrokers.map(_.node(interBrokerListenerName))):
          // followers fetch there, over that listener's security protocol.
          const ep = info?.endpoints.find((e) => e.listenerName === this.channel.interBrokerListener) ?? info?.endpoints[0];
          return ep ? [{ brokerId: id, hostName: ep.host ?? '', port: ep.port }] : [];
        }),
      });
      this.channel.sendRequest(brokerId, LeaderAndIsrApi, LEADER_AND_ISR_VERSION, build, (res) => {
        const errs = res.topics.flatMap((t) => t.partitionErrors).filter((e) => e.errorCode !== 0);
        if (res.errorCode !== 0 || errs.length > 0) {
          this.stateChangeLog.warn(
            `[Controller id=${this.controllerId} epoch=${controllerEpoch}] LeaderAndIsr response from broker ${brokerId}: ${errorName(res.errorCode)} ${errs.map((e) => `${e.partitionIndex}:${errorName(e.errorCode)}`).join(' ')}`,
          );
        }
        this.onLeaderAndIsrResponse?.(brokerId, res);
      });
    }
    if (this.updateMetadataBrokers.size > 0) {
      const states: Map<string, UpdateMetadataPartitionState[]> = new Map();
      for (const tp of this.updateMetadataPartitions.values()) {
        const l = ctx.leadership(tp);
        if (!l) continue;
        const replicas = ctx.replicasFor(tp);
        const deleting = ctx.topicsToBeDeleted.has(tp.topic);
        const list = states.get(tp.topic) ?? [];
        list.push({
          topicName: '',
          partitionIndex: tp.partition,
          controllerEpoch: l.controllerEpoch,
          leader: deleting ? LEADER_DURING_DELETE : l.leaderAndIsr.leader,
          leaderEpoch: l.leaderAndIsr.leaderEpoch,
          isr: l.leaderAndIsr.isr,
          zkVersion: l.leaderAndIsr.partitionEpoch,
          replicas,
          offlineReplicas: replicas.filter((r) => !ctx.isLiveBroker(r)),
        });
        states.set(tp.topic, list);
      }
      const liveBrokers = [...ctx.liveBrokers].map(([id, b]) => ({
        id,
        v0Host: '',
        v0Port: 0,
        endpoints: b.info.endpoints.map((e) => ({
          port: e.port,
          host: e.host ?? '',
          listener: e.listenerName,
          securityProtocol: securityProtocolId(e.securityProtocol),
        })),
        rack: b.info.rack ?? null,
      }));
      for (const brokerId of this.updateMetadataBrokers) {
        const build = (): UpdateMetadataRequest => ({
          controllerId: this.controllerId,
          isKRaftController: false,
          type: 0,
          controllerEpoch,
          brokerEpoch: ctx.liveBrokers.get(brokerId)?.epoch ?? -1,
          ungroupedPartitionStates: [],
          topicStates: [...states].map(([topic, ps]) => ({ topicName: topic, topicId: this.topicIdBytes(topic), partitionStates: ps })),
          liveBrokers,
        });
        this.channel.sendRequest(brokerId, UpdateMetadataApi, UPDATE_METADATA_VERSION, build);
      }
    }
    for (const [brokerId, parts] of this.stopReplica) {
      const byTopic = new Map<string, Array<{ partitionIndex: number; leaderEpoch: number; deletePartition: boolean }>>();
      for (const p of parts.values()) {
        const list = byTopic.get(p.topic) ?? [];
        list.push({ partitionIndex: p.partition, leaderEpoch: p.leaderEpoch, deletePartition: p.delete });
        byTopic.set(p.topic, list);
      }
      const build = (): StopReplicaRequest => ({
        controllerId: this.controllerId,
        isKRaftController: false,
        controllerEpoch,
        brokerEpoch: ctx.liveBrokers.get(brokerId)?.epoch ?? -1,
        deletePartitions: false,
        ungroupedPartitions: [],
        topics: [],
        topicStates: [...byTopic].map(([topicName, partitionStates]) => ({ topicName, partitionStates })),
      });
      this.channel.sendRequest(brokerId, StopReplicaApi, STOP_REPLICA_VERSION, build, (res) => this.onStopReplicaResponse?.(brokerId, res));
    }
    this.leaderAndIsr.clear();
    this.updateMetadataBrokers.clear();
    this.updateMetadataPartitions.clear();
    this.stopReplica.clear();
  }
}
