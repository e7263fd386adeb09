/**
 * The positions kafka-console-consumer commits when it stops. Kafka's ConsoleConsumer hands records out
 * one at a time from what poll() returned, and on cleanup seeks every partition back to the first
 * record it did not hand out (ConsumerWrapper.resetUnconsumedOffsets) before close() commits the
 * consumer's positions: the group ends up with the offset after the last printed record, whatever
 * max.poll.records or the fetch size was. kafkajs hands whole batches to eachBatch, so we track the
 * same position per record: a partition's position starts at the first record handed to us and moves
 * past each record printed.
 */
export class ConsumedPositions {
  private readonly next = new Map<string, { topic: string; partition: number; offset: bigint }>();

  /** A batch was handed to us: until something is printed, the partition's position is its first record. */
  handedOut(topic: string, partition: number, firstOffset: string | null): void {
    const key = `${topic}\u0000${partition}`;
    if (firstOffset === null || this.next.has(key)) return;
    this.next.set(key, { topic, partition, offset: BigInt(firstOffset) });
  }

  /** A record was printed: the position is the offset after it (`nextOffset`). */
  printed(topic: string, partition: number, nextOffset: string): void {
    this.next.set(`${topic}\u0000${partition}`, { topic, partition, offset: BigInt(nextOffset) });
  }

  /** The assigned partitions nothing was handed out from yet. */
  unknown(assignment: Record<string, number[]>): { topic: string; partition: number }[] {
    return Object.entries(assignment).flatMap(([topic, parts]) =>
      parts.filter((partition) => !this.next.has(`${topic}\u0000${partition}`)).map((partition) => ({ topic, partition })),
    );
  }

  /** After a rebalance: forget partitions no longer assigned (their new owner commits them). */
  retain(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.next) if (!assignment[topic]?.includes(partition)) this.next.delete(key);
  }

  /** kafkajs commitOffsets' argument, one entry per partition. */
  toCommit(): { topic: string; partition: number; offset: string }[] {
    return [...this.next.values()].map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() }));
  }
}
