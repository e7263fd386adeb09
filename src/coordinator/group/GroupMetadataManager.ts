/**
 * kafka.coordinator.group.GroupMetadataManager: the groups and offsets cache of the __consumer_offsets
 * partitions this broker leads, kept in step with the log. Commits and group metadata are appended as
 * records (ConsumerOffsetsFormats) with acks=all; a partition this broker becomes leader of is loaded by
 * reading its log (COORDINATOR_LOAD_IN_PROGRESS meanwhile); leadership loss unloads its groups.
 */
import { getLogger, Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { buildRecordBatch, SimpleRecord } from '../../protocol/records/MemoryRecordsBuilder';
import { groupPartitionFor } from '../../zk/ZkData';
import { CoordinatorTime } from './CoordinatorTime';
import { groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue } from './ConsumerOffsetsFormats';
import { GroupMetadata, OffsetAndMetadata } from './GroupMetadata';
import { groupFromValue, groupValueOf, LoadedPartition } from './GroupMetadataLoader';
import { OpenGroupsForProducer } from './TransactionalOffsets';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

export interface AppendResult {
  errorCode: number;
  /** Offset the batch was written at (-1 on error). */
  baseOffset: number;
}

/** The producer of a transactional offset commit (TxnOffsetCommit): its batch carries these and the transactional flag. */
export interface TxnProducer {
  producerId: number;
  producerEpoch: number;
}

/** What the manager needs of the replica manager (an in-memory fake in unit tests). */
export interface OffsetsTopicAccess {
  /** Number of __consumer_offsets partitions (ZooKeeper's count once the topic exists, else the config). */
  partitionCount(): number;
  /**
   * Appends one batch to our leader replica with acks=all and origin COORDINATOR (no client sequence checks);
   * resolves with the produce error code and the batch's base offset.
   */
  append(partition: number, batch: Buffer, timeoutMs: number): Promise<AppendResult>;
  /** Whole batches of the local replica from `offset` (-1: the log start), at most about maxBytes; null without a replica. */
  read(partition: number, offset: number, maxBytes: number): { batches: Buffer[]; logEndOffset: number; logStartOffset: number } | null;
}

interface GroupMetadataManagerConfig {
  brokerId: number;
  offsetCommitTimeoutMs: number;
  offsetsLoadBufferSize: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes (OffsetConfig.maxMetadataSize); 4096 when not given. */
  offsetMetadataMaxSize?: number;
}

interface LoadedGroupListener {
  /** A group read from the log: arm its members' session timers. */
  onGroupLoaded(group: GroupMetadata): void;
  /** A group dropped on leadership loss: fail its parked requests with NOT_COORDINATOR. */
  onGroupUnloaded(group: GroupMetadata): void;
}

export class GroupMetadataManager {
  private readonly groups = new Map<string, GroupMetadata>();
  private readonly ownedPartitions = new Set<number>();
  private readonly loadingPartitions = new Set<number>();
  /** Bumped on each leadership change of a partition so a stale load does not install its groups. */
  private readonly partitionEpochs = new Map<number, number>();
  private readonly log: Logger;
  private expiryTimer: { cancel(): void } | null = null;
  private listener: LoadedGroupListener | null = null;
  /** The groups with open transactional offset commits, per producer id (a marker names a partition and a producer). */
  private readonly openGroupsForProducer = new OpenGroupsForProducer();

  constructor(
    private readonly config: GroupMetadataManagerConfig,
    private readonly topic: OffsetsTopicAccess,
    private readonly time: CoordinatorTime,
  ) {
    this.log = getLogger('kafka.coordinator.group.GroupMetadataManager', `[GroupMetadataManager brokerId=${config.brokerId}] `);
  }

  startup(listener: LoadedGroupListener): void {
    this.listener = listener;
    this.scheduleExpiry();
  }

  shutdown(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = null;
    for (const p of [...this.ownedPartitions]) this.removeGroupsForPartition(p);
    this.loadingPartitions.clear();
  }

  partitionFor(groupId: string): number {
    return groupPartitionFor(groupId, this.topic.partitionCount());
  }

  isGroupLocal(groupId: string): boolean {
    return this.ownedPartitions.has(this.partitionFor(groupId));
  }
  isGroupLoading(groupId: string): boolean {
    return this.loadingPartitions.has(this.partitionFor(groupId));
  }
  isLoading(): boolean {
    return this.loadingPartitions.size > 0;
  }

  get maxMetadataSize(): number {
    return this.config.offsetMetadataMaxSize ?? 4096;
  }

  getGroup(groupId: string): GroupMetadata | undefined {
    return this.groups.get(groupId);
  }

  getOrMaybeCreateGroup(groupId: string, createIfNotExist: boolean): GroupMetadata | undefined {
    let g = this.groups.get(groupId);
    if (!g && createIfNotExist) {
      g = new GroupMetadata(groupId, 'Empty', this.time.now());
      this.groups.set(groupId, g);
    }
    return g;
  }

  currentGroups(): GroupMetadata[] {
    return [...this.groups.values()];
  }

  removeGroup(groupId: string): void {
    this.groups.delete(groupId);
  }

  // ---------------------------------------------------------------- writes

  /**
   * One batch of records to the group's partition. Offset commits are written as GroupMetadataManager
   * .generateOffsetRecords builds them: baseSequence 0 (MemoryRecords.builder's argument), and for a transactional
   * commit the producer id and epoch and the transactional flag (appended as COORDINATOR, the sequence is not
   * checked). Group metadata and tombstones are MemoryRecords.withRecords batches: no producer, NO_SEQUENCE (-1).
   */
  private async appendRecords(
    groupId: string,
    records: Array<{ key: Buffer; value: Buffer | null }>,
    offsetCommit: { txn: TxnProducer | null } | null = null,
  ): Promise<AppendResult> {
    const now = this.time.now();
    const txn = offsetCommit?.txn ?? null;
    const batch = buildRecordBatch({
      records: records.map((r): SimpleRecord => ({ key: r.key, value: r.value, timestamp: now })),
      ...(offsetCommit ? { baseSequence: 0 } : {}),
      ...(txn ? { producerId: txn.producerId, producerEpoch: txn.producerEpoch, isTransactional: true } : {}),
    });
    try {
      return await this.topic.append(this.partitionFor(groupId), batch, this.config.offsetCommitTimeoutMs);
    } catch (e) {
      this.log.error(`Appending to ${GROUP_METADATA_TOPIC_NAME} for group ${groupId} failed`, e);
      return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, baseOffset: -1 };
    }
  }

  /** GroupMetadataManager.storeGroup: the group's metadata record with this assignment; errors mapped as Kafka does. */
  async storeGroup(group: GroupMetadata, assignment: Map<string, Buffer>): Promise<number> {
    const value = groupMetadataValue(groupValueOf(group, assignment));
    const { errorCode: code } = await this.appendRecords(group.groupId, [{ key: groupMetadataKey(group.groupId), value }]);
    switch (code) {
      case ErrorCode.NONE:
        return ErrorCode.NONE;
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.NOT_ENOUGH_REPLICAS:
      case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.KAFKA_STORAGE_ERROR:
        return ErrorCode.NOT_COORDINATOR;
      case ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        this.log.error(`Appending metadata message for group ${group.groupId} generation ${group.generationId} failed due to unexpected error: ${code}`);
        return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  /**
   * GroupMetadataManager.storeOffsets: one batch with a record per partition, staged in the group while it is appended
   * and applied once the append succeeded. A transactional commit (`txn`) stays pending in the group, per producer,
   * until the producer's COMMIT or ABORT marker (handleTxnCompletion). Returns the error for every partition
   * (maybeConvertOffsetCommitError).
   */
  async storeOffsets(
    group: GroupMetadata,
    offsets: Array<{ topic: string; partition: number; value: OffsetAndMetadata }>,
    txn: TxnProducer | null = null,
  ): Promise<number> {
    if (offsets.length === 0) return ErrorCode.NONE;
    if (!group.offsets.hasReceivedConsistentOffsetCommits()) {
      this.log.warn(
        `group: ${group.groupId} with leader: ${group.leaderId} has received offset commits from consumers as well as transactional producers. Mixing both types of offset commits will generally result in surprises and should be avoided.`,
      );
    }
    const records = offsets.map((o) => ({ key: offsetCommitKey(group.groupId, o.topic, o.partition), value: offsetCommitValue(o.value) }));
    if (txn) {
      this.openGroupsForProducer.add(txn.producerId, group.groupId);
      group.offsets.prepareTxnOffsetCommit(txn.producerId, offsets);
    } else {
      group.offsets.prepareOffsetCommit(offsets);
    }
    const { errorCode: code, baseOffset } = await this.appendRecords(group.groupId, records, { txn });
    if (code === ErrorCode.NONE) {
      if (!group.is('Dead')) {
        for (const o of offsets) {
          const commit = { appendedBatchOffset: baseOffset, value: o.value };
          if (txn) group.offsets.onTxnOffsetCommitAppend(txn.producerId, o.topic, o.partition, commit);
          else group.offsets.onOffsetCommitAppend(o.topic, o.partition, commit);
        }
      }
      return ErrorCode.NONE;
    }
    if (!group.is('Dead')) {
      // Checked before the failed commits are dropped, as Kafka does: the producer stays open until its marker.
      if (txn && !group.offsets.hasPendingOffsetCommitsFromProducer(txn.producerId)) this.openGroupsForProducer.remove(txn.producerId, group.groupId);
      for (const o of offsets) {
        if (txn) group.offsets.failPendingTxnOffsetCommit(txn.producerId, o.topic, o.partition);
        else group.offsets.failPendingOffsetWrite(o.topic, o.partition, o.value);
      }
    }
    switch (code) {
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.NOT_ENOUGH_REPLICAS:
      case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      case ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.KAFKA_STORAGE_ERROR:
        return ErrorCode.NOT_COORDINATOR;
      case ErrorCode.MESSAGE_TOO_LARGE:
      case ErrorCode.RECORD_LIST_TOO_LARGE:
      case ErrorCode.INVALID_FETCH_SIZE:
        return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
      default:
        return code;
    }
  }

  // ---------------------------------------------------------------- transaction completion

  /**
   * GroupMetadataManager.handleTxnCompletion: the producer's COMMIT or ABORT marker is in these __consumer_offsets
   * partitions; its pending offsets in their groups become committed or are dropped. Kafka schedules this on its
   * scheduler thread to avoid taking group locks under the marker append; Node has no such locks, so it runs at once
   * and the cache is up to date before the WriteTxnMarkers response goes out.
   */
  handleTxnCompletion(producerId: number, completedPartitions: number[], isCommit: boolean): void {
    const partitions = new Set(completedPartitions);
    for (const groupId of this.openGroupsForProducer.groupsIn(producerId, partitions, (g) => this.partitionFor(g))) {
      const group = this.groups.get(groupId);
      if (!group) {
        this.log.info(
          `Group ${groupId} has moved away from ${this.config.brokerId} after transaction marker was written but before the cache was updated. The cache on the new group owner will be updated instead.`,
        );
        continue;
      }
      if (group.is('Dead')) continue;
      const notAppended = group.offsets.completePendingTxnOffsetCommit(producerId, isCommit);
      for (const c of notAppended) {
        this.log.error(
          `Trying to complete a transactional offset commit for producerId ${producerId} and groupId ${groupId} even though the offset commit record itself hasn't been appended to the log (${c.topic}-${c.partition}).`,
        );
      }
      this.openGroupsForProducer.remove(producerId, groupId);
    }
  }

  /** Visible for tests: the producer has open transactional offset commits in the group. */
  isGroupOpenForProducer(producerId: number, groupId: string): boolean {
    return this.openGroupsForProducer.isOpen(producerId, groupId);
  }

  /**
   * OffsetDelete and DeleteGroups (GroupMetadata.removeOffsets): the offsets go, with their pending commits, and
   * tombstones are written for those that were committed (and for the group itself when asked).
   */
  async deleteOffsetsAndMaybeGroup(group: GroupMetadata, offsets: Array<{ topic: string; partition: number }>, deleteGroup: boolean): Promise<number> {
    const removed = group.offsets.remove(offsets);
    return this.writeTombstones(group, removed, deleteGroup);
  }

  private async writeTombstones(group: GroupMetadata, offsets: Array<{ topic: string; partition: number }>, deleteGroup: boolean): Promise<number> {
    const records: Array<{ key: Buffer; value: Buffer | null }> = offsets.map((o) => ({
      key: offsetCommitKey(group.groupId, o.topic, o.partition),
      value: null,
    }));
    if (deleteGroup) records.push({ key: groupMetadataKey(group.groupId), value: null });
    if (records.length === 0) return ErrorCode.NONE;
    return (await this.appendRecords(group.groupId, records)).errorCode;
  }

  // ---------------------------------------------------------------- retention

  private scheduleExpiry(): void {
    this.expiryTimer = this.time.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      void this.cleanupGroupMetadata().finally(() => {
        if (this.expiryTimer) this.scheduleExpiry();
      });
    });
  }

  /** GroupMetadataManager.cleanupGroupMetadata: expire offsets; an Empty group left without offsets dies. */
  async cleanupGroupMetadata(): Promise<number> {
    const now = this.time.now();
    let removed = 0;
    for (const group of [...this.groups.values()]) {
      if (!this.isGroupLocal(group.groupId)) continue;
      const expired = group.expiredOffsets(now, this.config.offsetsRetentionMs);
      for (const o of expired) group.removeOffset(o.topic, o.partition);
      // Pending commits (regular or transactional) keep an Empty group alive (GroupMetadata.hasOffsets).
      const dies = group.is('Empty') && !group.hasOffsets();
      if (expired.length === 0 && !dies) continue;
      if (dies) {
        group.transitionTo('Dead', now);
        this.groups.delete(group.groupId);
      }
      removed += expired.length;
      // No group tombstone for generation 0: such a group only ever stored offsets (no metadata record).
      await this.writeTombstones(group, expired, dies && group.generationId > 0);
    }
    if (removed > 0) this.log.info(`Removed ${removed} expired offsets in ${this.time.now() - now} milliseconds.`);
    return removed;
  }

  // ---------------------------------------------------------------- load / unload

  /** Leadership of __consumer_offsets-<p> gained (GroupCoordinator.onElection): load it from the log. */
  onElection(p: number): void {
    this.partitionEpochs.set(p, (this.partitionEpochs.get(p) ?? 0) + 1);
    if (this.ownedPartitions.has(p) || this.loadingPartitions.has(p)) {
      this.log.info(`Already loading or loaded offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${p}`);
      return;
    }
    this.loadingPartitions.add(p);
    const epoch = this.partitionEpochs.get(p)!;
    this.log.info(`Scheduling loading of offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${p}`);
    setImmediate(() => this.loadGroupsAndOffsets(p, epoch));
  }

  /** Leadership lost (GroupCoordinator.onResignation): drop the partition's groups. */
  onResignation(p: number): void {
    this.partitionEpochs.set(p, (this.partitionEpochs.get(p) ?? 0) + 1);
    this.loadingPartitions.delete(p);
    if (this.ownedPartitions.has(p)) this.removeGroupsForPartition(p);
  }

  private removeGroupsForPartition(p: number): void {
    this.ownedPartitions.delete(p);
    let n = 0;
    for (const g of [...this.groups.values()]) {
      if (this.partitionFor(g.groupId) !== p) continue;
      this.groups.delete(g.groupId);
      this.openGroupsForProducer.removeGroupFromAll(g.groupId);
      n++;
      this.listener?.onGroupUnloaded(g);
    }
    this.log.info(`Finished unloading ${GROUP_METADATA_TOPIC_NAME}-${p} for coordinator epoch. Removed ${n} cached groups.`);
  }

  private loadGroupsAndOffsets(p: number, epoch: number): void {
    if (this.partitionEpochs.get(p) !== epoch || !this.loadingPartitions.has(p)) return;
    const start = this.time.now();
    const loaded = new LoadedPartition();
    try {
      let pos = -1;
      for (;;) {
        const chunk = this.topic.read(p, pos < 0 ? -1 : pos, this.config.offsetsLoadBufferSize);
        if (chunk === null) break;
        if (pos < 0) pos = chunk.logStartOffset;
        if (pos >= chunk.logEndOffset || chunk.batches.length === 0) break;
        for (const buf of chunk.batches) pos = loaded.readBatches(buf, pos);
      }
    } catch (e) {
      this.log.error(`Error loading offsets from ${GROUP_METADATA_TOPIC_NAME}-${p}`, e);
    }
    if (this.partitionEpochs.get(p) !== epoch) return;
    for (const version of loaded.unknownKeyVersions) {
      this.log.warn(
        `Unknown message key with version ${version} while loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${p}. Ignoring it. It could be a left over from an aborted upgrade.`,
      );
    }
    const pendingByGroup = loaded.pendingByGroup();
    for (const [pid, groups] of loaded.pendingOffsets)
      for (const [groupId, commits] of groups) if (commits.size > 0) this.openGroupsForProducer.add(pid, groupId);
    const install = (g: GroupMetadata) => {
      g.offsets.initialize([...(loaded.offsets.get(g.groupId)?.values() ?? [])], pendingByGroup.get(g.groupId) ?? new Map());
      this.groups.set(g.groupId, g);
    };
    for (const [groupId, value] of loaded.groupValues) install(groupFromValue(groupId, value, this.time.now()));
    // Offsets (committed or pending) without group metadata: a "simple" group that only stores offsets.
    for (const groupId of new Set([...loaded.offsets.keys(), ...pendingByGroup.keys()])) {
      if (!loaded.groupValues.has(groupId)) install(new GroupMetadata(groupId, 'Empty', this.time.now()));
    }
    this.loadingPartitions.delete(p);
    this.ownedPartitions.add(p);
    for (const g of this.groups.values()) if (this.partitionFor(g.groupId) === p) this.listener?.onGroupLoaded(g);
    this.log.info(
      `Finished loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${p} in ${this.time.now() - start} milliseconds for epoch ${epoch}.`,
    );
  }
}
