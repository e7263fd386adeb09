/**
 * The transactional side of a group's offsets (KIP-98, KIP-447), as Kafka 3.7's GroupMetadata and
 * GroupMetadataManager keep it:
 * - `PendingTransactionalOffsets`: GroupMetadata.pendingTransactionalOffsetCommits, the offsets a producer committed
 *   inside a transaction (TxnOffsetCommit), per producer id, invisible to OffsetFetch until the COMMIT marker of that
 *   producer reaches the group's __consumer_offsets partition (dropped on ABORT).
 * - `OpenGroupsForProducer`: GroupMetadataManager.openGroupsForProducer, the groups a producer has pending offsets in,
 *   so that a marker written to one __consumer_offsets partition finds the groups to complete.
 */
import { CommitRecordMetadataAndOffset, OffsetAndMetadata, sameOffsetAndMetadata } from './OffsetAndMetadata';

export interface TopicPartitionCommit {
  topic: string;
  partition: number;
  commit: CommitRecordMetadataAndOffset;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class PendingTransactionalOffsets {
  private readonly byProducer = new Map<number, Map<string, TopicPartitionCommit>>();

  /** GroupMetadata.prepareTxnOffsetCommit: staged before the append, not yet appended. */
  prepare(producerId: number, offsets: Array<{ topic: string; partition: number; value: OffsetAndMetadata }>): void {
    let m = this.byProducer.get(producerId);
    if (!m) this.byProducer.set(producerId, (m = new Map()));
    for (const o of offsets)
      m.set(tpKey(o.topic, o.partition), { topic: o.topic, partition: o.partition, commit: { appendedBatchOffset: null, value: o.value } });
  }

  /** GroupMetadata.onTxnOffsetCommitAppend: the record is in the log at this batch offset (if still the staged commit). */
  onAppend(producerId: number, topic: string, partition: number, commit: CommitRecordMetadataAndOffset): void {
    const e = this.byProducer.get(producerId)?.get(tpKey(topic, partition));
    if (e && sameOffsetAndMetadata(e.commit.value, commit.value)) e.commit = commit;
  }

  /** GroupMetadata.failPendingTxnOffsetCommit: the append failed; the producer retries, maybe elsewhere. */
  fail(producerId: number, topic: string, partition: number): void {
    const m = this.byProducer.get(producerId);
    if (!m) return;
    m.delete(tpKey(topic, partition));
    if (m.size === 0) this.byProducer.delete(producerId);
  }

  /** Removes and returns the producer's pending commits (completion by a COMMIT or ABORT marker). */
  take(producerId: number): TopicPartitionCommit[] {
    const m = this.byProducer.get(producerId);
    this.byProducer.delete(producerId);
    return m ? [...m.values()] : [];
  }

  /** GroupMetadata.initializeOffsets: the open transactions found while loading the partition. */
  initialize(producerId: number, commits: TopicPartitionCommit[]): void {
    let m = this.byProducer.get(producerId);
    if (!m) this.byProducer.set(producerId, (m = new Map()));
    for (const c of commits) m.set(tpKey(c.topic, c.partition), c);
  }

  hasFromProducer(producerId: number): boolean {
    return this.byProducer.has(producerId);
  }

  hasForPartition(topic: string, partition: number): boolean {
    const k = tpKey(topic, partition);
    for (const m of this.byProducer.values()) if (m.has(k)) return true;
    return false;
  }

  /** GroupMetadata.removeOffsets: a deleted offset's pending commits go too (the producer entry stays, as in Kafka). */
  removePartition(topic: string, partition: number): void {
    const k = tpKey(topic, partition);
    for (const m of this.byProducer.values()) m.delete(k);
  }

  /** GroupMetadata.activeProducers. */
  activeProducers(): number[] {
    return [...this.byProducer.keys()];
  }

  pending(producerId: number, topic: string, partition: number): CommitRecordMetadataAndOffset | undefined {
    return this.byProducer.get(producerId)?.get(tpKey(topic, partition))?.commit;
  }

  isEmpty(): boolean {
    return this.byProducer.size === 0;
  }
}

/** GroupMetadataManager.openGroupsForProducer with addProducerGroup, removeProducerGroup, groupsBelongingToPartitions. */
export class OpenGroupsForProducer {
  private readonly groups = new Map<number, Set<string>>();

  add(producerId: number, groupId: string): void {
    let s = this.groups.get(producerId);
    if (!s) this.groups.set(producerId, (s = new Set()));
    s.add(groupId);
  }

  remove(producerId: number, groupId: string): void {
    const s = this.groups.get(producerId);
    if (!s) return;
    s.delete(groupId);
    if (s.size === 0) this.groups.delete(producerId);
  }

  /** The producer's open groups that live on one of these __consumer_offsets partitions. */
  groupsIn(producerId: number, partitions: Set<number>, partitionFor: (groupId: string) => number): string[] {
    return [...(this.groups.get(producerId) ?? [])].filter((g) => partitions.has(partitionFor(g)));
  }

  /** GroupMetadataManager.removeGroupFromAllProducers: the group was unloaded. */
  removeGroupFromAll(groupId: string): void {
    for (const [pid, s] of [...this.groups]) {
      s.delete(groupId);
      // Kafka keeps the empty set; dropping it changes nothing observable.
      if (s.size === 0) this.groups.delete(pid);
    }
  }

  isOpen(producerId: number, groupId: string): boolean {
    return this.groups.get(producerId)?.has(groupId) ?? false;
  }
}
