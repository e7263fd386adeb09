/**
 * kafka.coordinator.group.GroupMetadataManager: the groups and offsets cache of the __consumer_offsets
 * partitions this broker leads, kept in step with the log. Commits and group metadata are appended as
 * records (ConsumerOffsetsFormats) with acks=all; a partition this broker becomes leader of is loaded by
 * reading its log (COORDINATOR_LOAD_IN_PROGRESS meanwhile); leadership loss unloads its groups.
 */
import { getLogger, Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { buildRecordBatch, SimpleRecord } from '../../protocol/records/MemoryRecordsBuilder';
import { HEADER_SIZE, iterateRecords, LOG_OVERHEAD, readBatchInfo } from '../../protocol/records/RecordBatch';
import { groupPartitionFor } from '../../zk/ZkData';
import { CoordinatorTime } from './CoordinatorTime';
import {
  groupMetadataKey,
  groupMetadataValue,
  GroupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  readGroupMessageValue,
  readMessageKey,
  readOffsetMessageValue,
} from './ConsumerOffsetsFormats';
import { GroupMetadata, OffsetAndMetadata } from './GroupMetadata';
import { MemberMetadata } from './MemberMetadata';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

/** What the manager needs of the replica manager (an in-memory fake in unit tests). */
export interface OffsetsTopicAccess {
  /** Number of __consumer_offsets partitions (ZooKeeper's count once the topic exists, else the config). */
  partitionCount(): number;
  /** Appends one batch to our leader replica with acks=all; resolves with the produce error code. */
  append(partition: number, batch: Buffer, timeoutMs: number): Promise<number>;
  /** Whole batches of the local replica from `offset` (-1: the log start), at most about maxBytes; null without a replica. */
  read(partition: number, offset: number, maxBytes: number): { batches: Buffer[]; logEndOffset: number; logStartOffset: number } | null;
}

interface GroupMetadataManagerConfig {
  brokerId: number;
  offsetCommitTimeoutMs: number;
  offsetsLoadBufferSize: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
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

  private async appendRecords(groupId: string, records: Array<{ key: Buffer; value: Buffer | null }>): Promise<number> {
    const now = this.time.now();
    const batch = buildRecordBatch({ records: records.map((r): SimpleRecord => ({ key: r.key, value: r.value, timestamp: now })) });
    try {
      return await this.topic.append(this.partitionFor(groupId), batch, this.config.offsetCommitTimeoutMs);
    } catch (e) {
      this.log.error(`Appending to ${GROUP_METADATA_TOPIC_NAME} for group ${groupId} failed`, e);
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  /** GroupMetadataManager.storeGroup: the group's metadata record with this assignment; errors mapped as Kafka does. */
  async storeGroup(group: GroupMetadata, assignment: Map<string, Buffer>): Promise<number> {
    const value = groupMetadataValue(this.groupValueOf(group, assignment));
    const code = await this.appendRecords(group.groupId, [{ key: groupMetadataKey(group.groupId), value }]);
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

  private groupValueOf(group: GroupMetadata, assignment: Map<string, Buffer>): GroupMetadataValue {
    return {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: group.protocolName !== null ? m.metadata(group.protocolName) : Buffer.alloc(0),
        assignment: assignment.get(m.memberId) ?? Buffer.alloc(0),
      })),
    };
  }

  /**
   * GroupMetadataManager.storeOffsets: one batch with a record per partition; the cache is updated only
   * once the append succeeded. Returns the error for every partition (Kafka's mapping for commits).
   */
  async storeOffsets(group: GroupMetadata, offsets: Array<{ topic: string; partition: number; value: OffsetAndMetadata }>): Promise<number> {
    if (offsets.length === 0) return ErrorCode.NONE;
    const records = offsets.map((o) => ({ key: offsetCommitKey(group.groupId, o.topic, o.partition), value: offsetCommitValue(o.value) }));
    const code = await this.appendRecords(group.groupId, records);
    if (code === ErrorCode.NONE) {
      if (!group.is('Dead')) for (const o of offsets) group.putOffset(o.topic, o.partition, o.value);
      return ErrorCode.NONE;
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

  /** Tombstones for the given offsets (and the group itself when asked), then drops them from the cache. */
  async deleteOffsetsAndMaybeGroup(group: GroupMetadata, offsets: Array<{ topic: string; partition: number }>, deleteGroup: boolean): Promise<number> {
    const records: Array<{ key: Buffer; value: Buffer | null }> = offsets.map((o) => ({
      key: offsetCommitKey(group.groupId, o.topic, o.partition),
      value: null,
    }));
    if (deleteGroup) records.push({ key: groupMetadataKey(group.groupId), value: null });
    for (const o of offsets) group.removeOffset(o.topic, o.partition);
    if (records.length === 0) return ErrorCode.NONE;
    return this.appendRecords(group.groupId, records);
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
      const dies = group.is('Empty') && !group.hasOffsets();
      if (expired.length === 0 && !dies) continue;
      if (dies) {
        group.transitionTo('Dead', now);
        this.groups.delete(group.groupId);
      }
      removed += expired.length;
      // No group tombstone for generation 0: such a group only ever stored offsets (no metadata record).
      await this.deleteOffsetsAndMaybeGroup(group, expired, dies && group.generationId > 0);
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
      n++;
      this.listener?.onGroupUnloaded(g);
    }
    this.log.info(`Finished unloading ${GROUP_METADATA_TOPIC_NAME}-${p} for coordinator epoch. Removed ${n} cached groups.`);
  }

  private loadGroupsAndOffsets(p: number, epoch: number): void {
    if (this.partitionEpochs.get(p) !== epoch || !this.loadingPartitions.has(p)) return;
    const start = this.time.now();
    const offsets = new Map<string, Map<string, { topic: string; partition: number; value: OffsetAndMetadata }>>();
    const groupValues = new Map<string, GroupMetadataValue>();
    const removedGroups = new Set<string>();
    try {
      let pos = -1;
      for (;;) {
        const chunk = this.topic.read(p, pos < 0 ? -1 : pos, this.config.offsetsLoadBufferSize);
        if (chunk === null) break;
        if (pos < 0) pos = chunk.logStartOffset;
        if (pos >= chunk.logEndOffset || chunk.batches.length === 0) break;
        for (const buf of chunk.batches) pos = this.loadBatches(buf, pos, offsets, groupValues, removedGroups);
      }
    } catch (e) {
      this.log.error(`Error loading offsets from ${GROUP_METADATA_TOPIC_NAME}-${p}`, e);
    }
    if (this.partitionEpochs.get(p) !== epoch) return;
    for (const [groupId, value] of groupValues) {
      const g = this.groupFromValue(groupId, value);
      for (const o of offsets.get(groupId)?.values() ?? []) g.putOffset(o.topic, o.partition, o.value);
      this.groups.set(groupId, g);
    }
    for (const [groupId, m] of offsets) {
      if (groupValues.has(groupId)) continue;
      // Offsets without group metadata: a "simple" group that only stores offsets.
      const g = new GroupMetadata(groupId, 'Empty', this.time.now());
      for (const o of m.values()) g.putOffset(o.topic, o.partition, o.value);
      this.groups.set(groupId, g);
    }
    this.loadingPartitions.delete(p);
    this.ownedPartitions.add(p);
    for (const g of this.groups.values()) if (this.partitionFor(g.groupId) === p) this.listener?.onGroupLoaded(g);
    this.log.info(
      `Finished loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${p} in ${this.time.now() - start} milliseconds for epoch ${epoch}.`,
    );
  }

  /** Reads the batches in buf (whole batches), returns the next offset to read. */
  private loadBatches(
    buf: Buffer,
    pos: number,
    offsets: Map<string, Map<string, { topic: string; partition: number; value: OffsetAndMetadata }>>,
    groupValues: Map<string, GroupMetadataValue>,
    removedGroups: Set<string>,
  ): number {
    let at = 0;
    let next = pos;
    while (at + LOG_OVERHEAD <= buf.length) {
      const info = readBatchInfo(buf, at);
      if (info.size < HEADER_SIZE || at + info.size > buf.length) break;
      next = info.lastOffset + 1;
      if (!info.isControl) {
        for (const rec of iterateRecords(buf.subarray(at, at + info.size))) {
          if (rec.key === null) continue;
          const key = readMessageKey(rec.key);
          if (key.kind === 'offset') {
            let m = offsets.get(key.group);
            const k = `${key.topic}\u0000${key.partition}`;
            const v = readOffsetMessageValue(rec.value);
            if (v === null) {
              m?.delete(k);
            } else {
              if (!m) offsets.set(key.group, (m = new Map()));
              m.set(k, { topic: key.topic, partition: key.partition, value: v });
            }
          } else if (key.kind === 'group') {
            const v = readGroupMessageValue(rec.value);
            if (v === null) {
              groupValues.delete(key.group);
              removedGroups.add(key.group);
            } else {
              groupValues.set(key.group, v);
              removedGroups.delete(key.group);
            }
          }
        }
      }
      at += info.size;
    }
    return next;
  }

  /** GroupMetadata.loadGroup: Empty without members, Stable with them (they must heartbeat to stay). */
  private groupFromValue(groupId: string, v: GroupMetadataValue): GroupMetadata {
    const now = this.time.now();
    const g = new GroupMetadata(groupId, v.members.length === 0 ? 'Empty' : 'Stable', v.currentStateTimestamp >= 0 ? v.currentStateTimestamp : now);
    g.protocolType = v.protocolType === '' ? null : v.protocolType;
    g.generationId = v.generation;
    g.protocolName = v.protocol;
    g.leaderId = v.leader;
    for (const mv of v.members) {
      const m = new MemberMetadata(mv.memberId, mv.groupInstanceId, mv.clientId, mv.clientHost, mv.rebalanceTimeout, mv.sessionTimeout, g.protocolType ?? '', [
        { name: v.protocol ?? '', metadata: mv.subscription },
      ]);
      m.assignment = mv.assignment;
      g.members.set(m.memberId, m);
      if (m.groupInstanceId !== null) g.staticMembers.set(m.groupInstanceId, m.memberId);
    }
    g.subscribedTopics = g.computeSubscribedTopics();
    return g;
  }
}
