/**
 * /brokers/topics/<t> (TopicZNode v3) and .../partitions/<p>/state (TopicPartitionStateZNode v1),
 * Scala 2.13 orders (zk-mode.md §0.2, §0.3a, §1.2).
 */
import { jsonIntArray, jsonString, scalaGrownHashMapOrder } from './json';
import type { ZkStat } from '../ZkStat';

/** Kafka's LeaderAndIsr; partitionEpoch is the state znode's dataVersion ("zkVersion"). */
export interface LeaderAndIsr {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** 0 RECOVERED, 1 RECOVERING */
  leaderRecoveryState: number;
  partitionEpoch: number;
}

export interface LeaderIsrAndControllerEpoch {
  leaderAndIsr: LeaderAndIsr;
  controllerEpoch: number;
}

/** Kafka's ReplicaAssignment for one partition (adding/removing only during a reassignment). */
export interface TopicIdReplicaAssignment {
  topicId: string | null;
  partitions: Map<number, number[]>;
  adding: Map<number, number[]>;
  removing: Map<number, number[]>;
}

function encodePartitionMap(m: ReadonlyMap<number, readonly number[]> | undefined): string {
  if (!m || m.size === 0) return '{}';
  const keys = scalaGrownHashMapOrder([...m.keys()].map(String));
  return `{${keys.map((k) => `"${k}":${jsonIntArray(m.get(Number(k)) ?? [])}`).join(',')}}`;
}

/**
 * TopicZNode.encode: `partitions, [topic_id,] adding_replicas, removing_replicas, version`.
 * Each partitions map is a mutable.HashMap filled one partition at a time (order §0.3a).
 */
export function encodeTopicZNode(
  topicId: string | null,
  partitions: ReadonlyMap<number, readonly number[]>,
  adding?: ReadonlyMap<number, readonly number[]>,
  removing?: ReadonlyMap<number, readonly number[]>,
): Buffer {
  const id = topicId !== null ? `"topic_id":${jsonString(topicId)},` : '';
  return Buffer.from(
    `{"partitions":${encodePartitionMap(partitions)},${id}"adding_replicas":${encodePartitionMap(adding)},` +
      `"removing_replicas":${encodePartitionMap(removing)},"version":3}`,
    'utf8',
  );
}

interface TopicJson {
  version?: number;
  topic_id?: string;
  partitions?: Record<string, number[]>;
  adding_replicas?: Record<string, number[]>;
  removing_replicas?: Record<string, number[]>;
}

function toPartitionMap(o: Record<string, number[]> | undefined): Map<number, number[]> {
  const m = new Map<number, number[]>();
  if (!o) return m;
  for (const k of Object.keys(o).sort((a, b) => Number(a) - Number(b))) m.set(Number(k), o[k]);
  return m;
}

/** TopicZNode.decode (partition maps sorted by partition id). */
export function decodeTopicZNode(data: Buffer | null): TopicIdReplicaAssignment {
  if (!data || data.length === 0) return { topicId: null, partitions: new Map(), adding: new Map(), removing: new Map() };
  const j = JSON.parse(data.toString('utf8')) as TopicJson;
  return {
    topicId: j.topic_id ?? null,
    partitions: toPartitionMap(j.partitions),
    adding: toPartitionMap(j.adding_replicas),
    removing: toPartitionMap(j.removing_replicas),
  };
}

/**
 * TopicPartitionStateZNode.encode: an immutable 5-entry Map (CHAMP order)
 * `controller_epoch, leader, version, leader_epoch, isr`; with a RECOVERING leader the 6-entry order is
 * `controller_epoch, leader, version, leader_recovery_state, leader_epoch, isr`.
 */
export function encodeTopicPartitionState(s: LeaderIsrAndControllerEpoch): Buffer {
  const l = s.leaderAndIsr;
  const recovery = l.leaderRecoveryState !== 0 ? `"leader_recovery_state":${l.leaderRecoveryState},` : '';
  return Buffer.from(
    `{"controller_epoch":${s.controllerEpoch},"leader":${l.leader},"version":1,${recovery}` + `"leader_epoch":${l.leaderEpoch},"isr":${jsonIntArray(l.isr)}}`,
    'utf8',
  );
}

interface StateJson {
  leader: number;
  leader_epoch: number;
  isr: number[];
  controller_epoch: number;
  leader_recovery_state?: number;
}

/** TopicPartitionStateZNode.decode: partitionEpoch comes from the znode's dataVersion. */
export function decodeTopicPartitionState(data: Buffer | null, stat: Pick<ZkStat, 'version'>): LeaderIsrAndControllerEpoch | null {
  if (!data || data.length === 0) return null;
  const j = JSON.parse(data.toString('utf8')) as StateJson;
  return {
    leaderAndIsr: {
      leader: j.leader,
      leaderEpoch: j.leader_epoch,
      isr: j.isr,
      leaderRecoveryState: j.leader_recovery_state ?? 0,
      partitionEpoch: stat.version,
    },
    controllerEpoch: j.controller_epoch,
  };
}
