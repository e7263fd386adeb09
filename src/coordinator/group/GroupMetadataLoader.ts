/**
 * The reading half of GroupMetadataManager.doLoadGroupsAndOffsets: what one __consumer_offsets partition holds, read
 * batch by batch from its log start to its log end (FetchIsolation.LOG_END: open transactions included).
 *
 * Transactional batches (TxnOffsetCommit) are kept per producer id until that producer's control batch: COMMIT moves
 * its offsets to the loaded ones (unless a commit appended later in the log is already there), ABORT drops them, and
 * a transaction still open at the end of the log stays pending in the group.
 *
 * Also the two mappings between a group and its metadata record (GroupMetadataValue): read at load, written by
 * storeGroup.
 */
import { ControlRecordType, parseControlRecordTypeId } from '../../protocol/messages/ControlRecords';
import { HEADER_SIZE, iterateRecords, LOG_OVERHEAD, readBatchInfo } from '../../protocol/records/RecordBatch';
import { GroupMetadataValue, readGroupMessageValue, readMessageKey, readOffsetMessageValue } from './ConsumerOffsetsFormats';
import { GroupMetadata } from './GroupMetadata';
import { MemberMetadata } from './MemberMetadata';
import { olderThan } from './OffsetAndMetadata';
import { TopicPartitionCommit } from './TransactionalOffsets';

/** group -> "topic\0partition" -> commit. */
type GroupOffsetsMap = Map<string, Map<string, TopicPartitionCommit>>;

export class LoadedPartition {
  /** Committed offsets, per group. */
  readonly offsets: GroupOffsetsMap = new Map();
  /** Transactional offsets without their marker yet: producer id -> group -> partition -> commit. */
  readonly pendingOffsets = new Map<number, GroupOffsetsMap>();
  readonly groupValues = new Map<string, GroupMetadataValue>();
  readonly removedGroups = new Set<string>();
  /** Key versions of the records that are neither offsets nor group metadata (Kafka warns and skips them). */
  readonly unknownKeyVersions: number[] = [];

  /** Reads the whole batches in buf; returns the offset after the last complete one (or `pos` if none). */
  readBatches(buf: Buffer, pos: number): number {
    let at = 0;
    let next = pos;
    while (at + LOG_OVERHEAD <= buf.length) {
      const info = readBatchInfo(buf, at);
      if (info.size < HEADER_SIZE || at + info.size > buf.length) break;
      const batch = buf.subarray(at, at + info.size);
      if (info.isControl) this.readControlBatch(batch, info.producerId);
      else this.readDataBatch(batch, info.isTransactional ? info.producerId : null);
      next = info.lastOffset + 1;
      at += info.size;
    }
    return next;
  }

  /** The pending commits of each group of each producer, as GroupMetadata.initializeOffsets takes them. */
  pendingByGroup(): Map<string, Map<number, TopicPartitionCommit[]>> {
    const out = new Map<string, Map<number, TopicPartitionCommit[]>>();
    for (const [pid, groups] of this.pendingOffsets) {
      for (const [groupId, commits] of groups) {
        if (commits.size === 0) continue;
        let g = out.get(groupId);
        if (!g) out.set(groupId, (g = new Map()));
        g.set(pid, [...commits.values()]);
      }
    }
    return out;
  }

  private readControlBatch(batch: Buffer, producerId: number): void {
    const first = iterateRecords(batch).next();
    if (first.done) return;
    const type = parseControlRecordTypeId(first.value.key);
    if (type === ControlRecordType.COMMIT) {
      for (const [groupId, commits] of this.pendingOffsets.get(producerId) ?? []) {
        for (const [k, c] of commits) {
          const cur = this.offsets.get(groupId)?.get(k);
          if (!cur || olderThan(cur.commit, c.commit)) this.groupMap(this.offsets, groupId).set(k, c);
        }
      }
    }
    // COMMIT applied, ABORT dropped, anything else ends the producer's pending set too (as Kafka's loader does).
    this.pendingOffsets.delete(producerId);
  }

  private readDataBatch(batch: Buffer, txnProducerId: number | null): void {
    // Every commit of a batch shares the batch's first record offset (CommitRecordMetadataAndOffset's batch offset).
    let batchBaseOffset: number | null = null;
    for (const rec of iterateRecords(batch)) {
      // Kafka requires a key (IllegalArgumentException fails the whole load); a keyless record is skipped here.
      if (rec.key === null) continue;
      if (batchBaseOffset === null) batchBaseOffset = rec.offset;
      const key = readMessageKey(rec.key);
      if (key.kind === 'offset') {
        let target: GroupOffsetsMap;
        if (txnProducerId !== null) {
          let p = this.pendingOffsets.get(txnProducerId);
          if (!p) this.pendingOffsets.set(txnProducerId, (p = new Map()));
          target = p;
        } else target = this.offsets;
        const k = `${key.topic}\u0000${key.partition}`;
        const v = readOffsetMessageValue(rec.value);
        if (v === null) target.get(key.group)?.delete(k);
        else
          this.groupMap(target, key.group).set(k, { topic: key.topic, partition: key.partition, commit: { appendedBatchOffset: batchBaseOffset, value: v } });
      } else if (key.kind === 'group') {
        const v = readGroupMessageValue(rec.value);
        if (v === null) {
          this.groupValues.delete(key.group);
          this.removedGroups.add(key.group);
        } else {
          this.groupValues.set(key.group, v);
          this.removedGroups.delete(key.group);
        }
      } else {
        this.unknownKeyVersions.push(key.version);
      }
    }
  }

  private groupMap(m: GroupOffsetsMap, groupId: string): Map<string, TopicPartitionCommit> {
    let g = m.get(groupId);
    if (!g) m.set(groupId, (g = new Map()));
    return g;
  }
}

/** GroupMetadata.loadGroup: Empty without members, Stable with them (they must heartbeat to stay). */
export function groupFromValue(groupId: string, v: GroupMetadataValue, now: number): GroupMetadata {
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

/** GroupMetadataManager.groupMetadataValue's input: the group's metadata record with this assignment (storeGroup). */
export function groupValueOf(group: GroupMetadata, assignment: Map<string, Buffer>): GroupMetadataValue {
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
