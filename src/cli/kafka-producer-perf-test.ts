/**
 * kafka-producer-perf-test (Kafka's ProducerPerformance): sends --num-records records of --record-size
 * random 'A'-'Z' bytes (or lines of --payload-file) at --throughput records/s (-1 = unthrottled), printing
 * a progress line every 5 s and Kafka's final summary with average/max latency and percentiles.
 * Records go out in kafkajs sends of up to batch.size bytes with a bounded number in flight; each record's
 * latency is its send's round trip, as Java's callback measures it.
 */
import * as fs from 'fs';
import { Command } from 'commander';
import { CompressionTypes, Message } from 'kafkajs';
import { brokerList, createKafka, fail, loadProps, parseKeyValues, runTool } from './CommandUtils';

interface Opts {
  topic?: string;
  numRecords?: string;
  recordSize?: string;
  payloadFile?: string;
  payloadDelimiter: string;
  throughput?: string;
  producerProps?: string[];
  producerConfig?: string;
  printMetrics?: boolean;
  transactionalId?: string;
}

/** ProducerPerformance.Stats: windowed progress and the final summary (latencies sampled as Kafka does). */
class Stats {
  private readonly start = Date.now();
  private windowStart = Date.now();
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;
  private count = 0;
  private bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private readonly latencies: number[];
  private readonly sampling: number;
  private index = 0;

  constructor(
    numRecords: number,
    private readonly reportingInterval = 5000,
  ) {
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, 500000)));
    this.latencies = [];
  }

  record(latency: number, bytes: number, now: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latency;
    this.maxLatency = Math.max(this.maxLatency, latency);
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latency;
    this.windowMaxLatency = Math.max(this.windowMaxLatency, latency);
    if (this.index++ % this.sampling === 0) this.latencies.push(latency);
    if (now - this.windowStart >= this.reportingInterval) {
      this.printWindow(now);
      this.windowStart = now;
      this.windowCount = 0;
      this.windowBytes = 0;
      this.windowTotalLatency = 0;
      this.windowMaxLatency = 0;
    }
  }

  private printWindow(now: number): void {
    const elapsed = now - this.windowStart;
    const recsPerSec = (1000 * this.windowCount) / elapsed;
    const mbPerSec = (1000 * this.windowBytes) / elapsed / (1024 * 1024);
    console.log(
      `${this.windowCount} records sent, ${recsPerSec.toFixed(1)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ${(this.windowTotalLatency / this.windowCount).toFixed(1)} ms avg latency, ${this.windowMaxLatency.toFixed(1)} ms max latency.`,
    );
  }

  printTotal(): void {
    const elapsed = Math.max(1, Date.now() - this.start);
    const recsPerSec = (1000 * this.count) / elapsed;
    const mbPerSec = (1000 * this.bytes) / elapsed / (1024 * 1024);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length === 0 ? 0 : (sorted[Math.floor(p * sorted.length)] ?? sorted[sorted.length - 1]));
    // Java prints the rate with %f (six decimals).
    console.log(
      `${this.count} records sent, ${recsPerSec.toFixed(6)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ${(this.count ? this.totalLatency / this.count : 0).toFixed(2)} ms avg latency, ${this.maxLatency.toFixed(2)} ms max latency, ${pct(0.5)} ms 50th, ${pct(0.95)} ms 95th, ${pct(0.99)} ms 99th, ${pct(0.999)} ms 99.9th.`,
    );
  }
}

function randomPayload(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = 65 + Math.floor(Math.random() * 26);
  return b;
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const cfgFile = program.opts()['producer.config'] as string | undefined;
  if (!o.topic) fail('argument --topic is required');
  if (o.numRecords === undefined) fail('argument --num-records is required');
  if (o.throughput === undefined) fail('argument --throughput is required');
  if ((o.recordSize === undefined) === (o.payloadFile === undefined)) fail('one of the arguments --record-size --payload-file is required');
  if (!o.producerProps && !cfgFile) fail('Either --producer-props or --producer.config must be specified.');
  if (o.transactionalId) fail('--transactional-id is not supported: kafkajs transactions need transaction APIs the brokers do not have');
  const props = new Map([...loadProps(cfgFile), ...parseKeyValues(o.producerProps ?? [])]);
  const bootstrap = props.get('bootstrap.servers');
  if (!bootstrap) fail('Missing required configuration "bootstrap.servers" which has no default value.');
  const numRecords = Number(o.numRecords);
  const throughput = Number(o.throughput);
  const payloads: Buffer[] = [];
  if (o.payloadFile) {
    const delim = o.payloadDelimiter.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    for (const p of fs.readFileSync(o.payloadFile, 'utf8').split(delim)) if (p.length > 0) payloads.push(Buffer.from(p));
    if (payloads.length === 0) fail(`File ${o.payloadFile} does not contain any payloads`);
    console.log(`Number of messages read: ${payloads.length}`);
  }
  const recordSize = o.recordSize !== undefined ? Number(o.recordSize) : 0;
  const fixed = recordSize > 0 ? randomPayload(recordSize) : null;
  const acksRaw = props.get('acks') ?? 'all';
  const acks = acksRaw === 'all' ? -1 : Number(acksRaw);
  const compression =
    (
      { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as Record<
        string,
        CompressionTypes
      >
    )[props.get('compression.type') ?? ''] ?? CompressionTypes.None;
  const batchBytes = Number(props.get('batch.size') ?? 16384);
  const perSend = Math.max(1, Math.floor(batchBytes / Math.max(1, recordSize || 100)));
  const maxInFlight = Number(props.get('max.in.flight.requests.per.connection') ?? 5) * 4;
  const producer = createKafka(brokerList(bootstrap), { clientId: props.get('client.id') ?? 'perf-producer-client', props, role: 'producer' }).producer({
    allowAutoTopicCreation: true,
    idempotent: props.get('enable.idempotence') === 'true',
  });
  await producer.connect();
  const stats = new Stats(numRecords);
  const start = Date.now();
  let sent = 0;
  let inFlight = 0;
  let failure: Error | null = null;
  const waiters: (() => void)[] = [];
  const release = () => waiters.shift()?.();
  try {
    while (sent < numRecords && !failure) {
      // ThroughputThrottler: sleep while ahead of the target rate.
      if (throughput > 0) {
        const ahead = (sent / throughput) * 1000 - (Date.now() - start);
        if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
      }
      const n = Math.min(perSend, numRecords - sent, throughput > 0 ? Math.max(1, Math.ceil(throughput / 100)) : perSend);
      const messages: Message[] = [];
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const value = fixed ?? payloads[Math.floor(Math.random() * payloads.length)];
        bytes += value.length;
        messages.push({ value });
      }
      sent += n;
      while (inFlight >= maxInFlight) await new Promise<void>((r) => waiters.push(r));
      inFlight++;
      const t0 = Date.now();
      producer
        .send({ topic: o.topic, messages, acks, compression })
        .then(
          () => {
            const now = Date.now();
            const latency = now - t0;
            for (let i = 0; i < n; i++) stats.record(latency, bytes / n, now);
          },
          (e: Error) => {
            failure = e;
          },
        )
        .finally(() => {
          inFlight--;
          release();
        });
    }
    while (inFlight > 0) await new Promise<void>((r) => waiters.push(r));
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  if (failure) fail(`Error: ${(failure as Error).message}`);
  stats.printTotal();
  return 0;
}

export function main(): void {
  const program = new Command('kafka-producer-perf-test')
    .description('This tool is used to verify the producer performance.')
    .option('--topic <TOPIC>', 'produce messages to this topic')
    .option('--num-records <NUM-RECORDS>', 'number of messages to produce')
    .option('--record-size <RECORD-SIZE>', 'message size in bytes. Note that you must provide exactly one of --record-size or --payload-file.')
    .option('--payload-file <PAYLOAD-FILE>', 'file to read the message payloads from. This works only for UTF-8 encoded text files.')
    .option('--payload-delimiter <PAYLOAD-DELIMITER>', 'provides delimiter to be used when --payload-file is provided.', '\\n')
    .option(
      '--throughput <THROUGHPUT>',
      'throttle maximum message throughput to *approximately* THROUGHPUT messages/sec. Set this to -1 to disable throttling.',
    )
    .option('--producer-props <PROP-NAME=PROP-VALUE...>', 'kafka producer related configuration properties like bootstrap.servers,client.id etc.')
    .option('--producer.config <CONFIG-FILE>', 'producer config properties file.')
    .option('--print-metrics', 'print out metrics at the end of the test.')
    .option('--transactional-id <TRANSACTIONAL-ID>', 'The transactionalId to use if transaction-duration-ms is > 0.');
  runTool(program, execute);
}

if (require.main === module) main();
