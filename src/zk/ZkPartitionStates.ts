/**
 * The partition state znodes of Kafka's KafkaZkClient (/brokers/topics/<t>/partitions/<p>/state), written by the
 * controller only, each write fenced by check(/controller_epoch, epochZkVersion): createTopicPartitionStatesRaw,
 * updateLeaderAndIsr, getTopicPartitionStates. Split out of KafkaZkClient.ts, which extends this class.
 */
import { ControllerMovedError, ZkError, ZkOpResult } from './errors';
import * as D from './ZkData';
import type { LeaderAndIsr, LeaderIsrAndControllerEpoch, TopicPartition } from './ZkData';
import { ZkRequests, ZkResponse } from './ZkRequests';
import type { ZkOp } from './ZooKeeperClient';

/** One partition's new state for createTopicPartitionStatesRaw. */
export type PartitionStateUpdate = TopicPartition & LeaderIsrAndControllerEpoch;

export interface UpdateLeaderAndIsrResult {
  /** new LeaderAndIsr with partitionEpoch = the znode's new dataVersion */
  finished: Map<string, LeaderAndIsr>;
  /** BADVERSION: someone else wrote the state meanwhile; re-read and retry */
  retry: string[];
  failed: Map<string, Error>;
}

export class ZkPartitionStates extends ZkRequests {
  /**
   * Creates .../partitions (per topic), .../partitions/<p> and .../partitions/<p>/state, each its own
   * fenced multi, in that order (KafkaZkClient.createTopicPartitionStatesRaw). Returns, per key, null when
   * the state znode was created, else its ZkError (code NODEEXISTS: the state already existed).
   */
  async createTopicPartitionStatesRaw(
    states: ReadonlyMap<string, PartitionStateUpdate>,
    expectedControllerEpochZkVersion: number,
  ): Promise<Map<string, ZkError | null>> {
    const entries = [...states];
    const topics = [...new Set(entries.map(([, s]) => s.topic))];
    await this.fencedBatch(
      topics.map((t) => ({ type: 'create', path: D.TopicPartitionsZNode.path(t), data: null, mode: 'PERSISTENT' })),
      expectedControllerEpochZkVersion,
    );
    await this.fencedBatch(
      entries.map(([, s]) => ({ type: 'create', path: D.TopicPartitionZNode.path(s), data: null, mode: 'PERSISTENT' })),
      expectedControllerEpochZkVersion,
    );
    const ops: ZkOp[] = entries.map(([, s]) => ({
      type: 'create',
      path: D.TopicPartitionStateZNode.path(s),
      data: D.encodeTopicPartitionState(s),
      mode: 'PERSISTENT',
    }));
    const results = await this.fencedBatch(ops, expectedControllerEpochZkVersion);
    return new Map(entries.map(([k], i) => [k, results[i].code === 'OK' ? null : (results[i].error ?? new ZkError(results[i].code, ops[i].path))]));
  }

  /**
   * Conditional setData of each state at its partitionEpoch (KafkaZkClient.updateLeaderAndIsr), keyed by
   * "topic-partition": OK → finished with the new zkVersion, BADVERSION → retry, other → failed.
   * ControllerMovedError propagates.
   */
  async updateLeaderAndIsr(
    updates: ReadonlyMap<string, LeaderAndIsr>,
    controllerEpoch: number,
    expectedControllerEpochZkVersion: number,
  ): Promise<UpdateLeaderAndIsrResult> {
    const result: UpdateLeaderAndIsrResult = { finished: new Map(), retry: [], failed: new Map() };
    const entries = [...updates];
    const ops: ZkOp[] = entries.map(([k, l]) => ({
      type: 'setData',
      path: D.TopicPartitionStateZNode.path(D.parseTopicPartitionKey(k)),
      data: D.encodeTopicPartitionState({ leaderAndIsr: l, controllerEpoch }),
      version: l.partitionEpoch,
    }));
    let responses: Array<ZkResponse<ZkOpResult>>;
    try {
      responses = await this.fencedBatch(ops, expectedControllerEpochZkVersion);
    } catch (e) {
      if (e instanceof ControllerMovedError) throw e;
      for (const [k] of entries) result.failed.set(k, e as Error);
      return result;
    }
    entries.forEach(([k, l], i) => {
      const r = responses[i];
      if (r.code === 'OK' && r.value?.type === 'setData') result.finished.set(k, { ...l, partitionEpoch: r.value.stat.version });
      else if (r.code === 'BADVERSION') result.retry.push(k);
      else result.failed.set(k, r.error ?? new ZkError(r.code, ops[i].path));
    });
    return result;
  }

  /** States by "topic-partition"; partitions without a state znode are left out. */
  async getTopicPartitionStates(partitions: readonly TopicPartition[]): Promise<Map<string, LeaderIsrAndControllerEpoch>> {
    const all = await Promise.all(partitions.map((p) => this.getDataAndStat(D.TopicPartitionStateZNode.path(p))));
    const out = new Map<string, LeaderIsrAndControllerEpoch>();
    partitions.forEach((p, i) => {
      const r = all[i];
      const s = r ? D.decodeTopicPartitionState(r.data, r.stat) : null;
      if (s) out.set(D.topicPartitionKey(p), s);
    });
    return out;
  }

  /** Partition ids under .../partitions (empty while the topic is being created or deleted). */
  async getPartitionsOfTopic(topic: string): Promise<number[]> {
    return (await this.getChildren(D.TopicPartitionsZNode.path(topic))).map(Number).sort((a, b) => a - b);
  }
}
