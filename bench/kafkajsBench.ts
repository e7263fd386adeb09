/**
 * The kafkajs side of the benchmark: a producer sending batches of 1000 records with acks=1, and a
 * consumer (group, eachBatch) reading them back from the beginning.
 */
import { Kafka, logLevel, LogEntry, Partitioners } from 'kafkajs';

export interface Measurement {
  records: number;
  bytes: number;
  seconds: number;
}

export function kafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    // One short line per client error instead of kafkajs' JSON with stacks.
    logCreator:
      () =>
      ({ namespace, log }: LogEntry) => {
        console.error(`[kafkajs] ${namespace}: ${log.message}`);
      },
    connectionTimeout: 5000,
    retry: { retries: 5 },
  });
}

export async function createTopics(kafka: Kafka, topics: Array<{ topic: string; partitions: number }>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      timeout: 30000,
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 30000 });
  } finally {
    await admin.disconnect();
  }
}

/**
 * `inflight` workers each await producer.send() of `batchSize` records in a loop until `count` records
 * were acknowledged. The clock runs from the first send to the last acknowledgement.
 */
export async function kafkajsProduce(
  kafka: Kafka,
  opts: { topic: string; count: number; size: number; batchSize: number; inflight: number },
): Promise<Measurement> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const value = Buffer.alloc(opts.size, 'x');
  const fullBatch = Array.from({ length: opts.batchSize }, () => ({ value }));
  let claimed = 0;
  const worker = async (): Promise<void> => {
    while (claimed < opts.count) {
      const n = Math.min(opts.batchSize, opts.count - claimed);
      claimed += n;
      const messages = n === opts.batchSize ? fullBatch : fullBatch.slice(0, n);
      await producer.send({ topic: opts.topic, acks: 1, messages });
    }
  };
  const start = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: opts.inflight }, worker));
  } finally {
    await producer.disconnect();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { records: opts.count, bytes: opts.count * opts.size, seconds };
}

/**
 * A fresh consumer group subscribes from the beginning and counts records in eachBatch until `count`.
 * The clock runs from the first batch to the last (the group join is not counted, as for the C client
 * whose clock starts at its first record).
 */
export async function kafkajsConsume(
  kafka: Kafka,
  opts: { topic: string; count: number; groupId: string; timeoutMs: number; readUncommitted?: boolean },
): Promise<Measurement> {
  // readUncommitted: the Fetch isolation level (kafkajs defaults to read_committed).
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    ...(opts.readUncommitted !== undefined ? { readUncommitted: opts.readUncommitted } : {}),
  });
  await consumer.connect();
  let records = 0;
  let bytes = 0;
  let first = 0n;
  let last = 0n;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`kafkajs consumer timed out after ${records} of ${opts.count} records`)), opts.timeoutMs);
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (first === 0n) first = process.hrtime.bigint();
            for (const m of batch.messages) bytes += m.value ? m.value.length : 0;
            records += batch.messages.length;
            last = process.hrtime.bigint();
            if (records >= opts.count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return { records, bytes, seconds: Number(last - first) / 1e9 };
}
