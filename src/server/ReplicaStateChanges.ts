/**
 * The controller's half of kafka.server.ReplicaManager: LeaderAndIsr (becomeLeaderOrFollower), StopReplica
 * (stopReplicas) and, in KRaft mode, the metadata log's delta (applyDelta), which take the same paths. Split out of
 * ReplicaManager.ts, which keeps the produce and fetch paths and delegates here.
 */
import { getLogger, Logger } from '../common/logger';
import type { LogManager } from '../log/LogManager';
import type { LogConfig } from '../log/LogConfig';
import type { LeaderEpochFileCache } from '../log/LeaderEpochFileCache';
import { writeLeaderEpochCheckpoints } from '../log/LeaderEpochCheckpointAsync';
import { ErrorCode } from '../protocol/errors';
import type { LeaderAndIsrPartitionState } from '../protocol/apis/04-leader-and-isr';
import { Partition, tpKey } from '../cluster/Partition';
import type { LeaderEndpoint, ReplicaFetcherManager } from './ReplicaFetcherManager';
import type { ReplicaAlterLogDirsManager } from './ReplicaAlterLogDirsManager';
import type { BrokerTopicStats } from './metrics/BrokerTopicStats';
import type { ReplicaManagerMeters } from './metrics/KafkaMetrics';

export interface PartitionErrors {
  errorCode: number;
  partitionErrors: Array<{ topic: string; partition: number; errorCode: number }>;
}

/** One partition of a LeaderAndIsr request (or of a KRaft metadata delta). */
export interface TransitionState {
  topic: string;
  partition: number;
  topicId: Buffer | null;
  state: LeaderAndIsrPartitionState;
}

/** One LeaderAndIsr being applied. */
interface TransitionRun {
  controllerId: number;
  controllerEpoch: number;
  liveLeaders: LeaderEndpoint[];
  now: number;
  partitionErrors: Array<{ topic: string; partition: number; errorCode: number }>;
  newFollowerTopics: Set<string>;
  /** New followers whose fetcher finish() adds. */
  newFetchers: Array<{ p: Partition; ep: LeaderEndpoint }>;
  /** New leaders whose leader-epoch checkpoint finish() writes. */
  epochFlushes: Array<{ key: string; cache: LeaderEpochFileCache }>;
  trace: boolean;
}

/** What the state changes need from the ReplicaManager that owns the partitions. */
export interface ReplicaStateHost {
  readonly brokerId: number;
  /** The hosted partitions by tpKey (the ReplicaManager's own map: changes here are its changes). */
  readonly partitions: Map<string, Partition>;
  readonly logManager: LogManager;
  logConfigFor(topic: string): LogConfig;
  /** The high watermark checkpointed for a partition (replication-offset-checkpoint), 0 when none. */
  checkpointedHw(key: string): number;
  readonly meters: ReplicaManagerMeters;
  readonly brokerTopicStats: BrokerTopicStats;
  readonly fetcherManager: ReplicaFetcherManager;
  readonly alterLogDirsManager: ReplicaAlterLogDirsManager;
  onHighWatermarkIncreased(p: Partition): void;
  notifyLeadership(p: Partition, isLeader: boolean): void;
  /** Parked fetches and produces on the partition answer now (its leadership changed or it is gone). */
  completeDelayedFetch(key: string): void;
  completeDelayedProduce(key: string): void;
}

export class ReplicaStateChanges {
  private readonly stateChangeLog: Logger;
  /** True while applyDelta (KRaft) runs the LeaderAndIsr/StopReplica paths: their log lines name the metadata log. */
  private applyingDelta = false;
  /** Highest controller epoch seen (zk-mode.md §5.3). */
  controllerEpoch = 0;

  constructor(private readonly host: ReplicaStateHost) {
    this.stateChangeLog = getLogger('state.change.logger', `[Broker id=${host.brokerId}] `);
  }

  /**
   * LeaderAndIsr (ReplicaManager.becomeLeaderOrFollower): per partition, accept only a newer leader epoch;
   * create the log when missing; become leader (stop fetching) or follower (truncate to the high
   * watermark, then fetch from the leader). In one go, after the new replicas' logs were created with the event loop
   * served in between (NewReplicaLogs, ZooKeeper mode); checkpointsWritten resolves with the partitions whose
   * leader-epoch checkpoint could not be written.
   */
  becomeLeaderOrFollower(
    controllerId: number,
    controllerEpoch: number,
    states: TransitionState[],
    liveLeaders: LeaderEndpoint[],
  ): PartitionErrors & { checkpointsWritten?: Promise<string[]> } {
    const run = this.begin(controllerId, controllerEpoch, liveLeaders);
    if (!run) return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, partitionErrors: [] };
    for (const s of states) this.transition(run, s);
    const checkpointsWritten = this.finish(run, states.length);
    return { errorCode: ErrorCode.NONE, partitionErrors: run.partitionErrors, checkpointsWritten };
  }

  /** The controller epoch check of a LeaderAndIsr; null when it comes from an older controller. */
  private begin(controllerId: number, controllerEpoch: number, liveLeaders: LeaderEndpoint[]): TransitionRun | null {
    if (controllerEpoch < this.controllerEpoch) {
      this.stateChangeLog.warn(
        `Ignoring LeaderAndIsr request from controller ${controllerId} since its controller epoch ${controllerEpoch} is old. Latest known controller epoch is ${this.controllerEpoch}`,
      );
      return null;
    }
    this.controllerEpoch = controllerEpoch;
    return {
      controllerId,
      controllerEpoch,
      liveLeaders,
      now: Date.now(),
      partitionErrors: [],
      newFollowerTopics: new Set<string>(),
      newFetchers: [],
      epochFlushes: [],
      trace: this.stateChangeLog.isTraceEnabled?.() ?? false,
    };
  }

  /** One partition of a LeaderAndIsr: its log created if missing, then the become-leader or become-follower transition. */
  private transition(run: TransitionRun, { topic, partition, topicId, state }: TransitionState): void {
    const h = this.host;
    const { controllerId, controllerEpoch, partitionErrors } = run;
    const key = tpKey(topic, partition);
    if (!state.replicas.includes(h.brokerId)) {
      partitionErrors.push({ topic, partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
      return;
    }
    let p = h.partitions.get(key);
    if (p && state.leaderEpoch <= p.leaderEpoch) {
      if (topicId && !p.topicId) p.topicId = topicId;
      this.stateChangeLog.info(
        `Ignoring LeaderAndIsr request from controller ${controllerId} epoch ${controllerEpoch} for partition ${key} since its associated leader epoch ${state.leaderEpoch} is not higher than the current leader epoch ${p.leaderEpoch}`,
      );
      partitionErrors.push({ topic, partition, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH });
      return;
    }
    try {
      if (!p) {
        const log = h.logManager.getOrCreateLog(topic, partition, h.logConfigFor(topic));
        p = new Partition(topic, partition, h.brokerId, log, h.checkpointedHw(key), h.meters);
        h.partitions.set(key, p);
        // ReplicaManager.maybeAddLogDirFetchers: a future log found at startup resumes its move.
        if (h.logManager.getLog(topic, partition, true)) h.alterLogDirsManager.addPartition(p);
      }
      if (topicId) p.topicId = topicId;
      p.applyLeaderState(state, run.now);
      const leader = state.leader === h.brokerId;
      h.fetcherManager.removeFetcherForPartition(key);
      if (leader) {
        // Partition.makeLeader: the new epoch starts at our log end offset, even before its first batch.
        // Its checkpoint is fsynced in the thread pool, in parallel with the other partitions, before the response.
        if (p.log.leaderEpochCache.assignNoFlush(state.leaderEpoch, p.logEndOffset)) run.epochFlushes.push({ key, cache: p.log.leaderEpochCache });
        if (p.maybeIncrementLeaderHW()) h.onHighWatermarkIncreased(p);
      } else {
        // The fetcher first truncates what diverged from the new leader by leader epoch (OffsetForLeaderEpoch).
        // Added in finish(), for the whole request at once, as makeFollowers does (addFetcherForPartitions).
        const ep = run.liveLeaders.find((l) => l.brokerId === state.leader);
        if (ep) run.newFetchers.push({ p, ep });
      }
      // Per partition at TRACE, as Kafka 3.7; one INFO line per request in finish().
      if (run.trace)
        this.stateChangeLog.trace(
          this.applyingDelta
            ? `Completed the become-${leader ? 'leader' : 'follower'} transition from the metadata log (quorum leader ${controllerId}) for partition ${key} with leader epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}]`
            : `Completed LeaderAndIsr request from controller ${controllerId} epoch ${controllerEpoch} for the become-${leader ? 'leader' : 'follower'} transition for partition ${key} with leader epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}]`,
        );
      partitionErrors.push({ topic, partition, errorCode: ErrorCode.NONE });
      if (!leader) run.newFollowerTopics.add(topic);
      h.notifyLeadership(p, leader);
      // Parked requests on a partition whose leadership changed must answer with the new state now.
      h.completeDelayedFetch(key);
      h.completeDelayedProduce(key);
    } catch (e) {
      this.stateChangeLog.error(`Error while making broker the ${state.leader === h.brokerId ? 'leader' : 'follower'} for partition ${key}`, e);
      partitionErrors.push({ topic, partition, errorCode: ErrorCode.KAFKA_STORAGE_ERROR });
    }
  }

  /**
   * The new followers' fetchers, the request's INFO line, and the new leaders' checkpoint writes: started only now, after every log of the request
   * was created. Each fsync forces an ext4 journal commit, and file creations made meanwhile wait for those commits:
   * interleaved with the creations (Kafka's per-partition order) the same 1,000 replicas took twice the time and CPU
   * (three processes creating 1,000 logs each, a third of them leaders). Resolves with the partitions whose write failed.
   */
  private finish(run: TransitionRun, count: number): Promise<string[]> {
    // A follower made earlier in the request may have become leader (or left) in a later entry for the same partition.
    for (const { p, ep } of run.newFetchers)
      if (this.host.partitions.get(p.key) === p && p.leaderReplicaId === ep.brokerId) this.host.fetcherManager.addFetcherForPartition(p, ep);
    this.updateLeaderAndFollowerMetrics(run.newFollowerTopics);
    this.stateChangeLog.info(
      `Finished LeaderAndIsr request in ${Date.now() - run.now}ms from controller ${run.controllerId} epoch ${run.controllerEpoch} for ${count} partitions`,
    );
    return writeLeaderEpochCheckpoints(run.epochFlushes, this.stateChangeLog);
  }

  /**
   * ReplicaManager.updateLeaderAndFollowerMetrics: a topic this broker became a follower of and no longer leads any
   * partition of loses its leader-only meters (BrokerTopicStats.removeOldLeaderMetrics).
   */
  private updateLeaderAndFollowerMetrics(newFollowerTopics: Set<string>): void {
    if (newFollowerTopics.size === 0) return;
    const leaderTopics = new Set<string>();
    for (const p of this.host.partitions.values()) if (p.isLeader()) leaderTopics.add(p.topic);
    for (const t of newFollowerTopics) if (!leaderTopics.has(t)) this.host.brokerTopicStats.removeOldLeaderMetrics(t);
  }

  /** StopReplica: stop serving and fetching the partition; with delete, remove its log folder. */
  stopReplicas(
    controllerId: number,
    controllerEpoch: number,
    partitions: Array<{ topic: string; partition: number; leaderEpoch: number; deletePartition: boolean }>,
  ): PartitionErrors {
    const h = this.host;
    if (controllerEpoch < this.controllerEpoch) return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, partitionErrors: [] };
    this.controllerEpoch = controllerEpoch;
    const partitionErrors: Array<{ topic: string; partition: number; errorCode: number }> = [];
    for (const s of partitions) {
      const key = tpKey(s.topic, s.partition);
      const p = h.partitions.get(key);
      // -1 and -2 are sentinels (no epoch / topic deletion); otherwise an older epoch is fenced.
      if (p && s.leaderEpoch >= 0 && s.leaderEpoch < p.leaderEpoch) {
        partitionErrors.push({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.FENCED_LEADER_EPOCH });
        continue;
      }
      try {
        h.fetcherManager.removeFetcherForPartition(key);
        h.alterLogDirsManager.removePartition(s.topic, s.partition);
        if (p) {
          h.partitions.delete(key);
          h.completeDelayedFetch(key);
          h.completeDelayedProduce(key);
          h.notifyLeadership(p, false);
        }
        if (s.deletePartition) {
          h.logManager.deleteLog(s.topic, s.partition);
          this.maybeRemoveTopicMetrics(s.topic);
        }
        this.stateChangeLog.info(
          this.applyingDelta
            ? `Stopped replica ${key} removed by the metadata log (delete=${s.deletePartition})`
            : `Handled StopReplica for partition ${key} (delete=${s.deletePartition})`,
        );
        partitionErrors.push({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.NONE });
      } catch (e) {
        this.stateChangeLog.error(`Error while stopping replica ${key}`, e);
        partitionErrors.push({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.KAFKA_STORAGE_ERROR });
      }
    }
    return { errorCode: ErrorCode.NONE, partitionErrors };
  }

  /**
   * KRaft (ReplicaManager.applyDelta): what the metadata log changed for this broker's replicas, published once per
   * commit. A partition not hosted yet or with a newer leader epoch takes the LeaderAndIsr path (become leader or
   * follower, as Kafka's applyLocalLeadersDelta/applyLocalFollowersDelta); one whose leader epoch is unchanged but whose
   * partition epoch moved (an ISR or replica change the controller committed) updates its state in place, as
   * Partition.makeLeader/makeFollower do without restarting the fetcher. Replicas of deleted topics, and replicas
   * moved off this broker, are stopped and their logs deleted (stopPartitions with deletion).
   */
  applyDelta(
    metadataLeaderId: number,
    changed: Array<{ topic: string; partition: number; topicId: Buffer; state: LeaderAndIsrPartitionState }>,
    removed: Array<{ topic: string; partition: number }>,
    leaderEndpoint: (brokerId: number) => LeaderEndpoint | undefined,
  ): void {
    this.applyingDelta = true;
    try {
      this.applyDeltaNow(metadataLeaderId, changed, removed, leaderEndpoint);
    } finally {
      this.applyingDelta = false;
    }
  }

  private applyDeltaNow(
    metadataLeaderId: number,
    changed: Array<{ topic: string; partition: number; topicId: Buffer; state: LeaderAndIsrPartitionState }>,
    removed: Array<{ topic: string; partition: number }>,
    leaderEndpoint: (brokerId: number) => LeaderEndpoint | undefined,
  ): void {
    const h = this.host;
    const now = Date.now();
    const transitions: typeof changed = [];
    for (const c of changed) {
      const p = h.partitions.get(tpKey(c.topic, c.partition));
      if (!p || c.state.leaderEpoch > p.leaderEpoch) {
        transitions.push(c);
      } else if (c.state.leaderEpoch === p.leaderEpoch && c.state.partitionEpoch > p.partitionEpoch) {
        p.applyLeaderState(c.state, now);
        if (p.isLeader() && p.maybeIncrementLeaderHW()) h.onHighWatermarkIncreased(p);
        h.completeDelayedProduce(p.key);
      }
    }
    if (transitions.length > 0) {
      const leaders = new Map<number, LeaderEndpoint>();
      for (const t of transitions) {
        const ep = t.state.leader >= 0 && t.state.leader !== h.brokerId ? leaderEndpoint(t.state.leader) : undefined;
        if (ep) leaders.set(ep.brokerId, ep);
      }
      this.becomeLeaderOrFollower(metadataLeaderId, this.controllerEpoch, transitions, [...leaders.values()]);
    }
    if (removed.length > 0) {
      this.stopReplicas(
        metadataLeaderId,
        this.controllerEpoch,
        removed.map((r) => ({ ...r, leaderEpoch: -2, deletePartition: true })),
      );
    }
  }

  /** ReplicaManager.maybeRemoveTopicMetrics: the last hosted partition of a deleted topic takes its meters along. */
  private maybeRemoveTopicMetrics(topic: string): void {
    for (const p of this.host.partitions.values()) if (p.topic === topic) return;
    this.host.brokerTopicStats.removeMetrics(topic);
  }
}
