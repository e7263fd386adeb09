/**
 * The machinery of Kafka 3.7's QuorumController (see ./QuorumController.ts for what it is): the event queue, the
 * deferred (commit-completed) writes, the Raft listener (commits, snapshots, leader changes), activation and
 * renouncing, and the periodic work (session expiry, idle NoOpRecords, leader balancing, snapshots). The controller
 * APIs are in ./QuorumController.ts; its options in ./QuorumControllerOptions.ts, the writes waiting for their commit
 * in ./DeferredEventQueue.ts.
 */
import { getLogger, Logger } from '../../common/logger';
import { KafkaError } from '../../protocol/errors';
import { LeaderAndEpoch, RaftListener } from '../../raft/RaftClient';
import { Batch } from '../../raft/RaftBatches';
import { SnapshotContents } from '../../raft/Snapshots';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { activationRecords } from './ActivationRecordsGenerator';
import { AclControlManager } from './AclControlManager';
import { ClientQuotaControlManager } from './ClientQuotaControlManager';
import { ClusterControlManager } from './ClusterControlManager';
import { ConfigurationControlManager } from './ConfigurationControlManager';
import { ControllerEventStream } from './ControllerEventStream';
import { logReplay } from './ControllerReplayLog';
import { ControllerResult, resultOf } from './ControllerResult';
import { ControllerScheduler, REAL_SCHEDULER } from './ControllerScheduler';
import { DeferredEventQueue } from './DeferredEventQueue';
import { FeatureControlManager } from './FeatureControlManager';
import { MV, record } from './MetadataRecords';
import { NotControllerError } from './NotControllerError';
import { PartitionReassignments } from './PartitionReassignments';
import { ProducerIdControlManager } from './ProducerIdControlManager';
import { ControllerRaft, QuorumControllerOptions } from './QuorumControllerOptions';
import { ReplicationControlManager } from './ReplicationControlManager';
import { ScramControlManager } from './ScramControlManager';
import { SnapshotGenerator } from './SnapshotGenerator';
import { ReplicationControlTopics } from './ReplicationControlTopics';
import { StripedReplicaPlacer } from './StripedReplicaPlacer';

// Re-exported so that importers of the core keep one import.
export { NotControllerError } from './NotControllerError';
export type { ControllerRaft, QuorumControllerOptions } from './QuorumControllerOptions';

const SYSTEM_TIME = { milliseconds: () => Date.now() };

export class QuorumControllerCore implements RaftListener<ApiMessageAndVersion> {
  private readonly nodeId: number;
  private readonly raft: ControllerRaft;
  protected readonly log: Logger;
  private readonly time: { milliseconds(): number };
  private readonly scheduler: ControllerScheduler;
  private readonly eventStream: ControllerEventStream;
  private committed = new MetadataImage();
  private working: MetadataImage | null = null;
  private claimEpoch = -1;
  protected nextWriteOffset = -1;
  private lastCommittedOffset = -1;
  private readonly deferred = new DeferredEventQueue();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private cancelFenceCheck: (() => void) | null = null;
  private cancelNoOp: (() => void) | null = null;
  private cancelBalance: (() => void) | null = null;
  /** ImbalanceSchedule: when the next automatic leader balancing may run. */
  private imbalanceSchedule: 'DEFERRED' | 'SCHEDULED' | 'IMMEDIATELY' = 'DEFERRED';
  private readonly snapshots: SnapshotGenerator;

  readonly clusterControl: ClusterControlManager;
  protected readonly configControl: ConfigurationControlManager;
  protected readonly replication: ReplicationControlManager;
  protected readonly topics: ReplicationControlTopics;
  protected readonly features: FeatureControlManager;
  protected readonly producerIds: ProducerIdControlManager;
  protected readonly reassignments: PartitionReassignments;
  protected readonly scramControl: ScramControlManager;
  protected readonly aclControl: AclControlManager;
  protected readonly clientQuotaControl: ClientQuotaControlManager;

  constructor(private readonly opts: QuorumControllerOptions) {
    this.nodeId = opts.nodeId;
    this.raft = opts.raft;
    this.time = opts.time ?? SYSTEM_TIME;
    this.scheduler = opts.scheduler ?? REAL_SCHEDULER;
    this.log = opts.logger ?? getLogger('org.apache.kafka.controller.QuorumController', `[QuorumController id=${opts.nodeId}] `);
    this.eventStream = new ControllerEventStream(opts.nodeId, opts.events, opts.stateChangeLogger);
    this.snapshots = new SnapshotGenerator(
      (id, ts, batches) => this.raft.createSnapshot(id, ts, batches),
      opts.snapshotMaxNewRecordBytes,
      opts.snapshotMaxIntervalMs ?? 0,
      this.time,
      this.log,
    );
    // The managers read the working image while active (it includes this controller's uncommitted writes).
    const image = () => this.working ?? this.committed;
    this.clusterControl = new ClusterControlManager(opts.clusterId, image, this.time, opts.brokerSessionTimeoutMs, this.log);
    this.configControl = new ConfigurationControlManager(image, opts.validateTopicConfig, this.log);
    this.replication = new ReplicationControlManager(image, this.clusterControl, this.configControl, this.log);
    this.topics = new ReplicationControlTopics(
      image,
      this.clusterControl,
      this.configControl,
      new StripedReplicaPlacer(opts.random),
      { numPartitions: opts.defaultNumPartitions, replicationFactor: opts.defaultReplicationFactor },
      opts.effectiveTopicConfigs,
      this.log,
    );
    this.features = new FeatureControlManager(opts.nodeId, image, this.log);
    this.producerIds = new ProducerIdControlManager(image, this.clusterControl);
    this.reassignments = new PartitionReassignments(image, this.clusterControl, this.log, (t) => this.configControl.uncleanLeaderElectionEnabledForTopic(t));
    this.scramControl = new ScramControlManager(image);
    this.aclControl = new AclControlManager(image);
    this.clientQuotaControl = new ClientQuotaControlManager(image);
  }

  start(): void {
    this.raft.register(this);
  }

  /** Stops the timers, fails pending writes, and waits for the event queue to drain. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimers();
    this.deferred.failAll(new NotControllerError('The controller is shutting down.'));
    this.claimEpoch = -1;
    this.working = null;
    await this.tail;
  }

  isActive(): boolean {
    return this.claimEpoch !== -1;
  }

  curClaimEpoch(): number {
    return this.claimEpoch;
  }

  /** The committed image (read-only use). */
  image(): MetadataImage {
    return this.committed;
  }

  // ------------------------------------------------------------------ the event queue

  private enqueue<T>(name: string, fn: () => T): Promise<T> {
    const run = this.tail.then(() => {
      if (this.closed) throw new NotControllerError('The controller is shutting down.');
      return fn();
    });
    this.tail = run.catch((e) => {
      if (!(e instanceof KafkaError) && !(e instanceof NotControllerError)) this.log.error(`Unexpected exception in ${name}`, e);
    });
    return run;
  }

  /**
   * ControllerWriteEvent: generate the records (only on the active controller), replay them into the working image,
   * append them in one batch at the expected offset, and resolve once that offset is committed. An operation that
   * writes nothing still waits for the writes before it, since it read them.
   */
  protected appendWriteEvent<T>(name: string, op: () => ControllerResult<T>, processBatchEndOffset?: (offset: number) => void): Promise<T> {
    const started = this.enqueue(name, () => {
      if (!this.isActive()) throw new NotControllerError();
      let result: ControllerResult<T>;
      try {
        result = op();
      } catch (e) {
        // handleEventException: an ApiException is the caller's answer; anything else means our state may be wrong.
        if (!(e instanceof KafkaError) && !(e instanceof NotControllerError)) {
          this.log.warn(
            `${name}: failed with unknown server exception ${(e as Error).name} at epoch ${this.claimEpoch}. Renouncing leadership and reverting to the last committed offset ${this.lastCommittedOffset}.`,
          );
          this.renounce();
        }
        throw e;
      }
      const offset = this.appendRecords(result.records);
      processBatchEndOffset?.(offset);
      this.maybeScheduleNextBalancePartitionLeaders();
      return { wait: this.waitForCommit(offset), response: result.response };
    });
    return started.then(async ({ wait, response }) => {
      await wait;
      return response;
    });
  }

  private appendRecords(records: ApiMessageAndVersion[]): number {
    if (records.length === 0) return this.nextWriteOffset - 1;
    const working = this.working!;
    try {
      for (const r of records) working.replay(r);
    } catch (e) {
      // A record of our own that does not apply: the working image is half-changed, so it must go.
      this.log.error(`Unable to apply the records of this controller at epoch ${this.claimEpoch}; renouncing`, e);
      this.renounce();
      throw new NotControllerError();
    }
    working.takeChanges(); // nobody publishes the controller's images' changes: do not let them pile up
    try {
      const required = this.nextWriteOffset >= 0 ? this.nextWriteOffset : undefined;
      const last = this.raft.scheduleAtomicAppend(this.claimEpoch, required, records);
      this.nextWriteOffset = last + 1;
      this.raft.wakeup?.();
      return last;
    } catch (e) {
      this.log.warn(`Renouncing the leadership at epoch ${this.claimEpoch} because the append failed: ${(e as Error).message}`);
      this.renounce();
      throw new NotControllerError();
    }
  }

  private waitForCommit(offset: number): Promise<void> {
    if (offset <= this.lastCommittedOffset) return Promise.resolve();
    return this.deferred.add(offset);
  }

  // ------------------------------------------------------------------ the Raft listener

  handleCommit(batch: Batch<ApiMessageAndVersion>): void {
    void this.enqueue('handleCommit', () => this.onCommit(batch)).catch(() => undefined);
  }

  handleLoadSnapshot(snapshot: SnapshotContents<ApiMessageAndVersion>): void {
    void this.enqueue('handleLoadSnapshot', () => this.onLoadSnapshot(snapshot)).catch(() => undefined);
  }

  handleLeaderChange(leader: LeaderAndEpoch): void {
    void this.enqueue(`handleLeaderChange[${leader.epoch}]`, () => this.onLeaderChange(leader)).catch(() => undefined);
  }

  private onCommit(batch: Batch<ApiMessageAndVersion>): void {
    try {
      logReplay(this.log, this.committed, batch.records);
      if (this.isActive()) {
        // Our own records: already in the working image; the committed image catches up and the stream reports them.
        this.eventStream.replayCommitted(this.committed, batch.records, this.claimEpoch, () => this.committed.replayBatch(batch));
      } else {
        this.committed.replayBatch(batch);
      }
    } catch (e) {
      // The metadata fault handler: a record that does not apply means this controller's state is wrong. An active
      // controller steps down so that another one serves (Kafka's fatal fault handler stops the process).
      this.log.error(`Error replaying the committed batch at offsets ${batch.baseOffset}-${batch.lastOffset}`, e);
      if (this.isActive()) this.renounce();
    }
    this.committed.takeChanges();
    this.lastCommittedOffset = batch.lastOffset;
    if (this.isActive()) this.deferred.completeUpTo(batch.lastOffset);
    this.snapshots.publishLogDelta(batch, this.committed);
  }

  private onLoadSnapshot(snapshot: SnapshotContents<ApiMessageAndVersion>): void {
    if (this.isActive()) {
      this.log.error(`Asked to load snapshot ${JSON.stringify(snapshot.snapshotId)}, but we are the active controller at epoch ${this.claimEpoch}`);
      this.renounce();
    }
    this.log.info(`Starting to replay snapshot ${JSON.stringify(snapshot.snapshotId)}.`);
    const image = new MetadataImage();
    image.loadSnapshot(snapshot);
    image.takeChanges();
    this.committed = image;
    this.lastCommittedOffset = snapshot.snapshotId.offset - 1;
    this.snapshots.reset();
  }

  private onLeaderChange(leader: LeaderAndEpoch): void {
    const leaderName = leader.leaderId === undefined ? '(none)' : String(leader.leaderId);
    if (this.isActive()) {
      if (leader.leaderId === this.nodeId) {
        this.log.warn(`We were the leader in epoch ${this.claimEpoch}, and are still the leader in the new epoch ${leader.epoch}.`);
        this.claimEpoch = leader.epoch;
      } else {
        this.log.warn(
          `Renouncing the leadership due to a metadata log event. We were the leader at epoch ${this.claimEpoch}, but in the new epoch ${leader.epoch}, the leader is ${leaderName}. Reverting to last stable offset ${this.lastCommittedOffset}.`,
        );
        this.renounce();
      }
    } else if (leader.leaderId === this.nodeId) {
      const next = this.raft.endOffset ? this.raft.endOffset().offset : -1;
      this.log.info(`Becoming the active controller at epoch ${leader.epoch}, next write offset ${next}.`);
      this.claim(leader.epoch, next);
    } else {
      this.log.info(`In the new epoch ${leader.epoch}, the leader is ${leaderName}.`);
    }
  }

  private claim(epoch: number, nextWriteOffset: number): void {
    this.claimEpoch = epoch;
    this.nextWriteOffset = nextWriteOffset;
    this.working = this.committed.clone();
    this.clusterControl.activate();
    this.eventStream.emit('election_won', { controller: this.nodeId, epoch });
    // CompleteActivationEvent: it runs first, before any queued write.
    try {
      const records = activationRecords(this.log, this.committed, this.opts.bootstrapRecords);
      // Without endOffset on the Raft client, learn where our writes start from one NoOpRecord.
      if (records.length === 0 && this.nextWriteOffset < 0) records.push(record('NoOpRecord', 0, {}));
      this.appendRecords(records);
    } catch (e) {
      if (e instanceof NotControllerError) return;
      this.log.error('Exception while completing controller activation', e);
      this.renounce();
      return;
    }
    this.rescheduleMaybeFenceStaleBrokers();
    this.scheduleNextWriteNoOpRecord();
    this.maybeScheduleNextBalancePartitionLeaders();
  }

  /** renounce: resign the Raft epoch, forget uncommitted state, fail pending writes. */
  private renounce(): void {
    if (this.claimEpoch === -1) return;
    try {
      this.raft.resign(this.claimEpoch);
    } catch (e) {
      this.log.debug(`Resign of epoch ${this.claimEpoch} refused: ${(e as Error).message}`);
    }
    this.log.info(`Renouncing leadership at epoch ${this.claimEpoch}`);
    this.claimEpoch = -1;
    this.working = null;
    this.nextWriteOffset = -1;
    this.deferred.failAll(new NotControllerError());
    this.clusterControl.deactivate();
    this.cancelTimers();
  }

  private cancelTimers(): void {
    this.cancelFenceCheck?.();
    this.cancelFenceCheck = null;
    this.cancelNoOp?.();
    this.cancelNoOp = null;
    this.cancelBalance?.();
    this.cancelBalance = null;
    this.imbalanceSchedule = 'DEFERRED';
  }

  /**
   * maybeScheduleNextBalancePartitionLeaders: after every write, if leaders are off their preferred replicas, a
   * balancing run after leader.imbalance.check.interval (at once when the last run left work undone).
   */
  private maybeScheduleNextBalancePartitionLeaders(): void {
    const interval = this.opts.leaderImbalanceCheckIntervalMs;
    if (interval === undefined || this.imbalanceSchedule === 'SCHEDULED' || this.closed || !this.isActive()) return;
    if (!this.replication.arePartitionLeadersImbalanced()) return;
    const delay = this.imbalanceSchedule === 'DEFERRED' ? interval : 0;
    this.imbalanceSchedule = 'SCHEDULED';
    this.cancelBalance = this.scheduler.schedule(delay, () => {
      this.cancelBalance = null;
      this.appendWriteEvent('maybeBalancePartitionLeaders', () => {
        const result = this.replication.maybeBalancePartitionLeaders();
        this.imbalanceSchedule = result.response ? 'IMMEDIATELY' : 'DEFERRED';
        return result;
      }).catch(() => {
        this.imbalanceSchedule = 'DEFERRED';
      });
    });
  }

  /** rescheduleMaybeFenceStaleBrokers: check again when the next unfenced broker's session would expire. */
  protected rescheduleMaybeFenceStaleBrokers(): void {
    this.cancelFenceCheck?.();
    this.cancelFenceCheck = null;
    const next = this.clusterControl.heartbeatManager?.nextCheckTimeMs() ?? Infinity;
    if (next === Infinity || this.closed) return;
    this.cancelFenceCheck = this.scheduler.schedule(next - this.time.milliseconds(), () => {
      this.cancelFenceCheck = null;
      this.appendWriteEvent('maybeFenceReplicas', () => {
        const result = this.replication.maybeFenceOneStaleBroker();
        // If several brokers are stale, the next one is fenced right after this one.
        this.rescheduleMaybeFenceStaleBrokers();
        return result;
      }).catch(() => undefined);
    });
  }

  private scheduleNextWriteNoOpRecord(): void {
    if (this.opts.metadataMaxIdleIntervalMs <= 0 || this.closed) return;
    this.cancelNoOp = this.scheduler.schedule(this.opts.metadataMaxIdleIntervalMs, () => {
      this.cancelNoOp = null;
      this.appendWriteEvent('writeNoOpRecord', () => {
        this.scheduleNextWriteNoOpRecord();
        const supported = (this.working ?? this.committed).metadataVersion() >= MV.IBP_3_3_IV1;
        return resultOf(supported ? [record('NoOpRecord', 0, {})] : [], undefined);
      }).catch(() => undefined);
    });
  }
}
