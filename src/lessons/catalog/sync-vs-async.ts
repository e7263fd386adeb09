/**
 * sync-vs-async: the study notes' experiment. 10,000 records sent one by one, each waiting for its
 * acknowledgement (Java's producer.send(record).get()), against the same 10,000 sent without waiting
 * (producer.send(record, callback)). Without waiting, Java's KafkaProducer gathers records into batches of up to
 * batch.size bytes per partition (RecordAccumulator) and its Sender keeps up to
 * max.in.flight.requests.per.connection (5) produce requests in flight; waiting for each record costs a full
 * round trip per record. kafkajs has no accumulator, so the pipelined side does the same grouping here.
 */
import type { Message, Producer } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';

const RECORDS = 10_000;
/** Java's producer defaults. */
const BATCH_SIZE = 16_384;
const MAX_IN_FLIGHT = 5;
const MIN_RATIO = 10;
const WARM_UP = 2000;

export const lesson: Lesson = {
  name: 'sync-vs-async',
  description: '10,000 sends one by one waiting for each ack against pipelined sends: both times and the ratio',
  cluster: { brokers: 3 },
  run,
};

function records(prefix: string): Message[] {
  return Array.from({ length: RECORDS }, (_, i) => ({ key: `key-${i % 100}`, value: `${prefix} record ${i} ${'x'.repeat(60)}` }));
}

/** One send per record, each awaited: the next record leaves only once the previous one is acknowledged. */
async function sendOneByOne(producer: Producer, topic: string, msgs: Message[]): Promise<number> {
  const start = process.hrtime.bigint();
  for (const m of msgs) await producer.send({ topic, acks: -1, messages: [m] });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Records grouped into batches of up to batch.size bytes, up to max.in.flight requests outstanding (Java's accumulator + Sender). */
async function sendPipelined(producer: Producer, topic: string, msgs: Message[]): Promise<number> {
  const start = process.hrtime.bigint();
  const batches: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of msgs) {
    const size = String(m.key ?? '').length + String(m.value ?? '').length + 20;
    if (current.length > 0 && bytes + size > BATCH_SIZE) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < batches.length) await producer.send({ topic, acks: -1, messages: batches[next++] });
  };
  await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, sender));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function run(ctx: LessonContext): Promise<void> {
  const topic = `sync-vs-async-${ctx.runId}`;

  await ctx.step('Create a topic with one partition');
  ctx.say("One partition, one replica: the time measured is the producer's round trips, not replication.");
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --partitions 1 --replication-factor 1`);

  const producer = ctx.kafka('sync-vs-async').producer();
  await producer.connect();
  let syncMs: number;
  let asyncMs: number;
  try {
    // Warm-up, outside both measurements: the first send fetches the metadata and opens the connection, and a first
    // pipelined round lets Node's JIT compile kafkajs's encoders (benchmarks warm up the same way).
    await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: 'warm-up' }] });
    await sendPipelined(producer, topic, records('warm-up').slice(0, WARM_UP));

    await ctx.step(`Send ${RECORDS.toLocaleString('en-US')} records one by one, waiting for each acknowledgement`);
    ctx.say('for (const r of records) await producer.send({ topic, acks: -1, messages: [r] })   // Java: producer.send(record).get()');
    syncMs = await sendOneByOne(producer, topic, records('sync'));
    ctx.say(
      `one by one: ${(syncMs / 1000).toFixed(2)} s (${((RECORDS * 1000) / syncMs).toFixed(0)} records/s, ${(syncMs / RECORDS).toFixed(2)} ms per record)`,
    );

    await ctx.step(`Send ${RECORDS.toLocaleString('en-US')} records without waiting for each one`);
    ctx.say(
      `Batches of up to batch.size=${BATCH_SIZE} bytes, up to ${MAX_IN_FLIGHT} requests in flight, as Java's producer.send(record, callback) ` +
        'does under the hood (RecordAccumulator + Sender); the acknowledgements come back per batch.',
    );
    asyncMs = await sendPipelined(producer, topic, records('async'));
    ctx.say(`pipelined: ${(asyncMs / 1000).toFixed(2)} s (${((RECORDS * 1000) / asyncMs).toFixed(0)} records/s)`);
  } finally {
    await producer.disconnect();
  }

  await ctx.step('Both runs reached the log');
  const offsets = await ctx.sh(`bin/kafka-get-offsets --bootstrap-server ${ctx.bootstrap} --topic ${topic}`);
  const end = Number(new RegExp(`^${topic}:0:(\\d+)$`, 'm').exec(offsets.stdout)?.[1]);
  const expected = 1 + WARM_UP + 2 * RECORDS;
  ctx.check(end === expected, `expected ${expected} records (${1 + WARM_UP} warm-up + two runs) in the partition, its log end offset is ${end}`);

  const ratio = syncMs / asyncMs;
  ctx.say('');
  ctx.say(`one by one : ${(syncMs / 1000).toFixed(2)} s`);
  ctx.say(`pipelined  : ${(asyncMs / 1000).toFixed(2)} s`);
  ctx.say(`ratio      : ${ratio.toFixed(1)}x  (the notes measured about 100x with Java's producer)`);
  ctx.say(
    'Waiting for each acknowledgement pays a network round trip and a request per record; without waiting the producer fills batches ' +
      'while earlier ones are in flight, so one request carries hundreds of records.',
  );
  ctx.check(ratio >= MIN_RATIO, `pipelined sends should be at least ${MIN_RATIO}x faster than one by one, the ratio is ${ratio.toFixed(1)}x`);
}
