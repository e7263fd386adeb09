/**
 * The offsets part of kafka.coordinator.group.GroupMetadata: the committed offsets (with the log position of their
 * record), the regular commits being appended (pendingOffsetCommits) and the transactional commits waiting for their
 * producer's COMMIT or ABORT marker (pendingTransactionalOffsetCommits, KIP-98/KIP-447).
 */
import { CommitRecordMetadataAndOffset, OffsetAndMetadata, olderThan, sameOffsetAndMetadata } from './OffsetAndMetadata';
import { PendingTransactionalOffsets, TopicPartitionCommit } from './TransactionalOffsets';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  value: OffsetAndMetadata;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class GroupOffsets {
  /** topic -> partition -> committed offset. */
  private readonly committed = new Map<string, Map<number, CommitRecordMetadataAndOffset>>();
  /** Regular commits whose append has not completed yet. */
  private readonly pendingOffsetCommits = new Map<string, OffsetAndMetadata>();
  readonly pendingTxn = new PendingTransactionalOffsets();
  private receivedTransactionalOffsetCommits = false;
  private receivedConsumerOffsetCommits = false;

  get(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.committed.get(topic)?.get(partition)?.value;
  }

  withRecordMetadata(topic: string, partition: number): CommitRecordMetadataAndOffset | undefined {
    return this.committed.get(topic)?.get(partition);
  }

  put(topic: string, partition: number, commit: CommitRecordMetadataAndOffset): void {
    let t = this.committed.get(topic);
    if (!t) this.committed.set(topic, (t = new Map()));
    t.set(partition, commit);
  }

  /** Drops a committed offset only (offset expiry: GroupMetadata.removeExpiredOffsets keeps pending commits). */
  removeCommitted(topic: string, partition: number): boolean {
    const t = this.committed.get(topic);
    if (!t || !t.delete(partition)) return false;
    if (t.size === 0) this.committed.delete(topic);
    return true;
  }

  /** GroupMetadata.removeOffsets (OffsetDelete, DeleteGroups): the pending commits of these partitions go too. */
  remove(partitions: Array<{ topic: string; partition: number }>): Array<{ topic: string; partition: number }> {
    const removed: Array<{ topic: string; partition: number }> = [];
    for (const { topic, partition } of partitions) {
      this.pendingOffsetCommits.delete(tpKey(topic, partition));
      this.pendingTxn.removePartition(topic, partition);
      if (this.removeCommitted(topic, partition)) removed.push({ topic, partition });
    }
    return removed;
  }

  /** GroupMetadata.hasOffsets: committed or pending, regular or transactional. */
  hasOffsets(): boolean {
    return this.committed.size > 0 || this.pendingOffsetCommits.size > 0 || !this.pendingTxn.isEmpty();
  }

  numOffsets(): number {
    let n = 0;
    for (const t of this.committed.values()) n += t.size;
    return n;
  }

  all(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const [topic, parts] of this.committed) for (const [partition, c] of parts) out.push({ topic, partition, value: c.value });
    return out;
  }

  /** GroupMetadata.initializeOffsets: what a load read from the log. */
  initialize(offsets: TopicPartitionCommit[], pendingTxnOffsets: Map<number, TopicPartitionCommit[]>): void {
    for (const o of offsets) this.put(o.topic, o.partition, o.commit);
    for (const [pid, commits] of pendingTxnOffsets) this.pendingTxn.initialize(pid, commits);
  }

  // ---------------------------------------------------------------- regular commits

  /** GroupMetadata.prepareOffsetCommit. */
  prepareOffsetCommit(offsets: TopicPartitionOffset[]): void {
    this.receivedConsumerOffsetCommits = true;
    for (const o of offsets) this.pendingOffsetCommits.set(tpKey(o.topic, o.partition), o.value);
  }

  /** GroupMetadata.onOffsetCommitAppend: the newer record (by log position) wins; a deleted partition stays deleted. */
  onOffsetCommitAppend(topic: string, partition: number, commit: CommitRecordMetadataAndOffset): void {
    const k = tpKey(topic, partition);
    const staged = this.pendingOffsetCommits.get(k);
    if (staged === undefined) return;
    const cur = this.withRecordMetadata(topic, partition);
    if (!cur || cur.appendedBatchOffset === null || olderThan(cur, commit)) this.put(topic, partition, commit);
    if (sameOffsetAndMetadata(staged, commit.value)) this.pendingOffsetCommits.delete(k);
  }

  /** GroupMetadata.failPendingOffsetWrite. */
  failPendingOffsetWrite(topic: string, partition: number, value: OffsetAndMetadata): void {
    const k = tpKey(topic, partition);
    const staged = this.pendingOffsetCommits.get(k);
    if (staged !== undefined && sameOffsetAndMetadata(staged, value)) this.pendingOffsetCommits.delete(k);
  }

  hasPendingOffsetCommit(topic: string, partition: number): boolean {
    return this.pendingOffsetCommits.has(tpKey(topic, partition));
  }

  // ---------------------------------------------------------------- transactional commits

  /** GroupMetadata.prepareTxnOffsetCommit. */
  prepareTxnOffsetCommit(producerId: number, offsets: TopicPartitionOffset[]): void {
    this.receivedTransactionalOffsetCommits = true;
    this.pendingTxn.prepare(producerId, offsets);
  }

  /** GroupMetadata.onTxnOffsetCommitAppend. */
  onTxnOffsetCommitAppend(producerId: number, topic: string, partition: number, commit: CommitRecordMetadataAndOffset): void {
    this.pendingTxn.onAppend(producerId, topic, partition, commit);
  }

  /** GroupMetadata.failPendingTxnOffsetCommit. */
  failPendingTxnOffsetCommit(producerId: number, topic: string, partition: number): void {
    this.pendingTxn.fail(producerId, topic, partition);
  }

  /**
   * GroupMetadata.completePendingTxnOffsetCommit: the producer's COMMIT or ABORT marker is in the log. On commit each
   * pending offset replaces the committed one unless that one's record is newer in the log (a regular commit made
   * after the transactional one wins). Returns the commits that were never appended (Kafka throws
   * IllegalStateException for them, after having dropped them: the caller logs them).
   */
  completePendingTxnOffsetCommit(producerId: number, isCommit: boolean): TopicPartitionCommit[] {
    const pending = this.pendingTxn.take(producerId);
    const notAppended: TopicPartitionCommit[] = [];
    if (!isCommit) return notAppended;
    for (const p of pending) {
      if (p.commit.appendedBatchOffset === null) {
        notAppended.push(p);
        continue;
      }
      const cur = this.withRecordMetadata(p.topic, p.partition);
      if (!cur || cur.appendedBatchOffset === null || olderThan(cur, p.commit)) this.put(p.topic, p.partition, p.commit);
    }
    return notAppended;
  }

  hasPendingOffsetCommitsFromProducer(producerId: number): boolean {
    return this.pendingTxn.hasFromProducer(producerId);
  }

  /** GroupMetadata.hasPendingOffsetCommitsForTopicPartition: OffsetFetch with RequireStable answers UNSTABLE_OFFSET_COMMIT. */
  hasPendingOffsetCommitsForTopicPartition(topic: string, partition: number): boolean {
    return this.hasPendingOffsetCommit(topic, partition) || this.pendingTxn.hasForPartition(topic, partition);
  }

  activeProducers(): number[] {
    return this.pendingTxn.activeProducers();
  }

  /** GroupMetadata.hasReceivedConsistentOffsetCommits: not both kinds of commit in this generation. */
  hasReceivedConsistentOffsetCommits(): boolean {
    return !this.receivedConsumerOffsetCommits || !this.receivedTransactionalOffsetCommits;
  }

  /** A new generation starts counting again (GroupMetadata.initNextGeneration). */
  resetReceivedCommitKinds(): void {
    this.receivedConsumerOffsetCommits = false;
    this.receivedTransactionalOffsetCommits = false;
  }
}
