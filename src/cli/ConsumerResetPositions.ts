/**
 * Positions of the partitions kafka-console-consumer was assigned but never handed a record from.
 * KafkaConsumer.close() commits the position of every assigned partition (SubscriptionState.allConsumed),
 * so after a run that printed nothing from a partition the group still has an offset for it: the one it
 * was committed at, or else where auto.offset.reset put it (log start for earliest, log end for latest).
 * kafkajs keeps its reset offsets to itself, so we read the log offsets before the consumer joins: a
 * producer racing the start can only make ours lower than the consumer's, which re-reads a record next
 * time rather than skipping one.
 */
import { Admin, Kafka } from 'kafkajs';
import { ConsumedPositions } from './ConsumedPositions';

type LogOffsets = Map<string, Map<number, { low: string; high: string }>>;

export class ConsumerResetPositions {
  private readonly admin: Admin;
  private readonly logOffsets: LogOffsets = new Map();

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  /** Before the consumer joins: the log start and end offsets of the subscribed topics. Best effort. */
  async snapshot(subscription: string | RegExp): Promise<void> {
    try {
      await this.admin.connect();
      const topics = typeof subscription === 'string' ? [subscription] : (await this.admin.listTopics()).filter((t) => subscription.test(t));
      for (const topic of topics) {
        const offsets = await this.admin.fetchTopicOffsets(topic).catch(() => []);
        this.logOffsets.set(topic, new Map(offsets.map((o) => [o.partition, { low: o.low, high: o.high }])));
      }
    } catch {
      // Without a snapshot only the partitions records came from are committed.
    }
  }

  /** At close: the reset position of each assigned partition that has no position and no committed offset. */
  async fill(groupId: string, assignment: Record<string, number[]>, positions: ConsumedPositions, earliest: boolean): Promise<void> {
    const unknown = positions.unknown(assignment).filter((u) => this.logOffsets.get(u.topic)?.has(u.partition));
    if (unknown.length === 0) return;
    try {
      const topics = [...new Set(unknown.map((u) => u.topic))];
      const committed = await this.admin.fetchOffsets({ groupId, topics });
      for (const { topic, partition } of unknown) {
        const offset = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        const log = this.logOffsets.get(topic)!.get(partition)!;
        if (offset === '-1') positions.handedOut(topic, partition, earliest ? log.low : log.high);
      }
    } catch {
      // Best effort: the printed records' positions are committed regardless.
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}
