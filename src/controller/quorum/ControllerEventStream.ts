/**
 * The KRaft controller's event stream (controller-events.jsonl through ControllerEventLog) and state-change log,
 * in the ZooKeeper-mode controller's event and field names so the two modes compare event by event: as the active
 * controller sees its records committed, broker_added / broker_removed / broker_fenced / broker_unfenced,
 * topic_created / topic_deleted and partition_state (with the ZooKeeper controller's state names: a partition with a
 * leader is OnlinePartition, without one OfflinePartition).
 */
import { getLogger, Logger } from '../../common/logger';
import { Uuid } from '../../common/Uuid';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage, PartitionRegistration } from '../../metadata/image/MetadataImage';
import { FencingChange, isRecord } from './MetadataRecords';

export interface ControllerEvents {
  emit(event: string, fields: Record<string, unknown>): void;
}

type PartitionStateName = 'NonExistentPartition' | 'OnlinePartition' | 'OfflinePartition';

function stateOf(p: PartitionRegistration | undefined): PartitionStateName {
  if (!p) return 'NonExistentPartition';
  return p.leader >= 0 ? 'OnlinePartition' : 'OfflinePartition';
}

function describe(p: PartitionRegistration): string {
  return `LeaderAndIsr(leader=${p.leader}, leaderEpoch=${p.leaderEpoch}, isr=${JSON.stringify(p.isr)}, leaderRecoveryState=${p.leaderRecoveryState === 1 ? 'RECOVERING' : 'RECOVERED'}, partitionEpoch=${p.partitionEpoch})`;
}

export class ControllerEventStream {
  private readonly stateChangeLog: Logger;

  constructor(
    private readonly nodeId: number,
    private readonly events: ControllerEvents | undefined,
    stateChangeLog?: Logger,
  ) {
    this.stateChangeLog = stateChangeLog ?? getLogger('state.change.logger', '');
  }

  emit(event: string, fields: Record<string, unknown>): void {
    this.events?.emit(event, fields);
  }

  /**
   * Replays a committed batch into `image`, then reports what it changed. What must be read before the replay (the
   * name of a removed topic, a partition's previous state) is collected first.
   */
  replayCommitted(image: MetadataImage, records: readonly ApiMessageAndVersion[], epoch: number, replay: () => void): void {
    const removed = new Map<string, string>();
    const touched = new Map<string, { topicId: Buffer; partitionId: number; before: PartitionStateName }>();
    for (const r of records) {
      const d = r.data as Record<string, unknown>;
      if (isRecord(r, 'RemoveTopicRecord')) {
        const hex = (d.topicId as Buffer).toString('hex');
        const t = image.topicsById.get(hex);
        if (t) removed.set(hex, t.name);
      } else if (isRecord(r, 'PartitionRecord') || isRecord(r, 'PartitionChangeRecord')) {
        const topicId = d.topicId as Buffer;
        const key = `${topicId.toString('hex')}:${d.partitionId}`;
        if (!touched.has(key)) {
          const before = stateOf(image.topicsById.get(topicId.toString('hex'))?.partitions.get(d.partitionId as number));
          touched.set(key, { topicId, partitionId: d.partitionId as number, before });
        }
      }
    }
    replay();
    const partitionCounts = new Map<string, number>();
    for (const r of records) {
      if (isRecord(r, 'PartitionRecord')) {
        const hex = (r.data.topicId as Buffer).toString('hex');
        partitionCounts.set(hex, (partitionCounts.get(hex) ?? 0) + 1);
      }
    }
    for (const r of records) {
      const d = r.data as Record<string, unknown>;
      if (isRecord(r, 'RegisterBrokerRecord')) this.emit('broker_added', { broker_id: d.brokerId, broker_epoch: d.brokerEpoch });
      else if (isRecord(r, 'UnregisterBrokerRecord')) this.emit('broker_removed', { broker_id: d.brokerId });
      else if (isRecord(r, 'FenceBrokerRecord')) this.emit('broker_fenced', { broker_id: d.id, broker_epoch: d.epoch });
      else if (isRecord(r, 'UnfenceBrokerRecord')) this.emit('broker_unfenced', { broker_id: d.id, broker_epoch: d.epoch });
      else if (isRecord(r, 'BrokerRegistrationChangeRecord') && d.fenced === FencingChange.FENCE) {
        this.emit('broker_fenced', { broker_id: d.brokerId, broker_epoch: d.brokerEpoch });
      } else if (isRecord(r, 'BrokerRegistrationChangeRecord') && d.fenced === FencingChange.UNFENCE) {
        this.emit('broker_unfenced', { broker_id: d.brokerId, broker_epoch: d.brokerEpoch });
      } else if (isRecord(r, 'TopicRecord')) {
        const topicId = d.topicId as Buffer;
        const partitions = partitionCounts.get(topicId.toString('hex')) ?? 0;
        this.emit('topic_created', { topic: d.name, partitions, topic_id: Uuid.fromBytes(topicId).toString() });
      } else if (isRecord(r, 'RemoveTopicRecord')) {
        const name = removed.get((d.topicId as Buffer).toString('hex'));
        if (name !== undefined) this.emit('topic_deleted', { topic: name });
      }
    }
    for (const { topicId, partitionId, before } of touched.values()) {
      const topic = image.topicsById.get(topicId.toString('hex'));
      const p = topic?.partitions.get(partitionId);
      if (!topic || !p) continue;
      const to = stateOf(p);
      this.stateChangeLog.info(
        `[Controller id=${this.nodeId} epoch=${epoch}] Changed partition ${topic.name}-${partitionId} from ${before === 'NonExistentPartition' ? 'NewPartition' : before} to ${to} with state ${describe(p)}`,
      );
      this.emit('partition_state', {
        topic: topic.name,
        partition: partitionId,
        state: to,
        leader: p.leader,
        leader_epoch: p.leaderEpoch,
        isr: [...p.isr],
        partition_epoch: p.partitionEpoch,
      });
    }
  }
}
