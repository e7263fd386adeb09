/**
 * retention: every log.retention.check.interval.ms the broker deletes whole segments from the front of a log
 * (UnifiedLog.deleteOldSegments): those whose newest record is older than retention.ms, and the oldest ones
 * while the log is larger than retention.bytes by at least that segment's size. The log start offset moves to
 * the first offset kept; offsets are never reused. A deleted segment is renamed *.deleted at once and its files
 * removed after file.delete.delay.ms.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigResourceTypes } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';

const SEGMENT_BYTES = 1024;
const RETENTION_MS = 60_000;
const RETENTION_BYTES = 2048;
const CHECK_INTERVAL_MS = 1000;
const DELETE_DELAY_MS = 2000;

export const lesson: Lesson = {
  name: 'retention',
  description: 'retention.ms and retention.bytes delete old segments and move the log start offset',
  cluster: { brokers: 3, brokerConfig: { 'log.retention.check.interval.ms': String(CHECK_INTERVAL_MS) } },
  run,
};

/** `topic:0:offset` as bin/kafka-get-offsets prints it. */
async function offsetAt(ctx: LessonContext, topic: string, time: 'earliest' | 'latest'): Promise<number> {
  const out = await ctx.sh(`bin/kafka-get-offsets --bootstrap-server ${ctx.bootstrap} --topic ${topic} --time ${time}`);
  const m = new RegExp(`^${topic}:0:(\\d+)$`, 'm').exec(out.stdout);
  ctx.check(!!m, `kafka-get-offsets printed no offset for ${topic}:0: ${out.stdout.trim()}`);
  return Number(m![1]);
}

/**
 * Waits, quietly (an admin client's ListOffsets), until the partition's log start offset is above 0 and `settled`
 * says retention has done all it will: the retention check runs every second, possibly while the records were still
 * arriving, so the start offset can move in several steps.
 */
async function waitForRetention(
  ctx: LessonContext,
  topic: string,
  what: string,
  checkIntervalMs: number,
  settled: (logStart: number) => boolean,
): Promise<number> {
  const admin = ctx.kafka('retention-lesson').admin();
  await admin.connect();
  try {
    return await ctx.waitFor(
      what,
      async () => {
        const low = Number((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)?.low ?? 0);
        return low > 0 && settled(low) ? low : undefined;
      },
      2 * checkIntervalMs + 30_000,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * The broker's log.retention.check.interval.ms (DescribeConfigs): the private cluster of --check runs with 1 s, a
 * running cluster may keep Kafka's 5 minutes, and the lesson waits as long as that takes.
 */
async function retentionCheckInterval(ctx: LessonContext, broker: number): Promise<number> {
  const admin = ctx.kafka('retention-lesson').admin();
  await admin.connect();
  try {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(broker), configNames: ['log.retention.check.interval.ms'] }],
    });
    const value = Number(res.resources[0]?.configEntries.find((e) => e.configName === 'log.retention.check.interval.ms')?.configValue);
    return Number.isFinite(value) && value > 0 ? value : 300_000;
  } catch {
    return 300_000;
  } finally {
    await admin.disconnect();
  }
}

function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
}

async function run(ctx: LessonContext): Promise<void> {
  const timeTopic = `retention-time-demo-${ctx.runId}`;
  const bytesTopic = `retention-bytes-demo-${ctx.runId}`;
  const broker = ctx.brokerIds[0];
  const checkIntervalMs = await retentionCheckInterval(ctx, broker);
  const topicConfig = `--config segment.bytes=${SEGMENT_BYTES} --config file.delete.delay.ms=${DELETE_DELAY_MS}`;
  ctx.say(
    `The broker checks retention every log.retention.check.interval.ms (${checkIntervalMs} ms on this cluster, 5 minutes by default). ` +
      `Small segments (segment.bytes=${SEGMENT_BYTES}) make several segments out of a few records: retention deletes whole segments only.`,
  );

  // ---- retention.ms ---------------------------------------------------------------------------------------
  await ctx.step(`Create a topic with retention.ms=${RETENTION_MS} (one minute)`);
  await ctx.sh(
    `bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${timeTopic} --replica-assignment ${broker} ${topicConfig} --config retention.ms=${RETENTION_MS}`,
  );
  const timeDir = path.join(ctx.brokerDataDir(broker), `${timeTopic}-0`);

  await ctx.step('Produce 20 records stamped one hour ago, then 20 records stamped now');
  ctx.say("A producer sets each record's CreateTime; here the first 20 carry a time one hour in the past, as if old data were replayed.");
  const producer = ctx.kafka('retention-lesson').producer();
  await producer.connect();
  const hourAgo = Date.now() - 3600_000;
  const old = Array.from({ length: 20 }, (_, i) => ({ key: `old-${i}`, value: `stamped an hour ago ${'x'.repeat(60)}`, timestamp: String(hourAgo + i) }));
  // Five records per request, so they land in several batches and segments.
  for (let i = 0; i < old.length; i += 5) await producer.send({ topic: timeTopic, acks: -1, messages: old.slice(i, i + 5) });
  ctx.say('kafkajs producer.send({ topic, messages: [{ key, value, timestamp: <an hour ago> }, ...] }) x 4');
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${timeTopic} -K: -X batch.num.messages=5 -X linger.ms=5`, {
    input: Array.from({ length: 20 }, (_, i) => `new-${i}:stamped now ${'x'.repeat(60)}`).join('\n') + '\n',
  });
  await producer.disconnect();

  await ctx.step('Within a check interval the old segments are gone');
  // The segment holding offset 20, the first record stamped now, is kept; every segment before it holds only old records.
  const keepFrom = Math.max(
    ...segmentFiles(timeDir)
      .map((f) => Number(f.slice(0, 20)))
      .filter((base) => base <= 20),
  );
  const timeStart = await waitForRetention(ctx, timeTopic, `the log to start at offset ${keepFrom}`, checkIntervalMs, (low) => low === keepFrom);
  await ctx.sh(`ls -l ${timeDir}`);
  const earliest = await offsetAt(ctx, timeTopic, 'earliest');
  const latest = await offsetAt(ctx, timeTopic, 'latest');
  ctx.check(earliest === timeStart, `the log start offset moved again: ${timeStart} then ${earliest}`);
  ctx.check(latest === 40, `the log end offset should stay 40, it is ${latest}`);
  ctx.check(earliest <= 20, `records stamped now were deleted: the log starts at ${earliest}, after the first new record at 20`);
  const read = await ctx.sh(`kcat -b ${ctx.bootstrap} -C -t ${timeTopic} -o beginning -e -q -f '%o %k\\n'`, { timeoutMs: 30_000 });
  const keys = read.stdout.trim().split('\n');
  ctx.check(keys.length === 40 - earliest, `a consumer from the beginning should read offsets ${earliest}..39, it read ${keys.length} records`);
  ctx.check(keys[0]?.startsWith(`${earliest} `), `the first record read is not at the log start offset ${earliest}: ${keys[0]}`);
  ctx.check(
    Array.from({ length: 20 }, (_, i) => `new-${i}`).every((k) => keys.some((l) => l.endsWith(` ${k}`))),
    'a record stamped now is missing',
  );
  ctx.say(
    `Segments whose newest record was older than retention.ms went; the log now starts at offset ${earliest}. ` +
      (earliest < 20 ? `Offsets ${earliest}..19 are old records that share a segment with new ones: retention keeps or deletes whole segments. ` : '') +
      'Offsets are never reused: the log end offset is still 40.',
  );

  // ---- retention.bytes ------------------------------------------------------------------------------------
  await ctx.step(`Create a topic with retention.bytes=${RETENTION_BYTES} (per partition)`);
  await ctx.sh(
    `bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${bytesTopic} --replica-assignment ${broker} ${topicConfig} --config retention.bytes=${RETENTION_BYTES}`,
  );
  const bytesDir = path.join(ctx.brokerDataDir(broker), `${bytesTopic}-0`);
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${bytesTopic} -K: -X batch.num.messages=5 -X linger.ms=5`, {
    input: Array.from({ length: 60 }, (_, i) => `key-${i}:record ${i} ${'x'.repeat(60)}`).join('\n') + '\n',
  });

  await ctx.step('The oldest segments go until the log is within retention.bytes');
  const bytesStart = await waitForRetention(ctx, bytesTopic, 'retention.bytes to delete the oldest segments', checkIntervalMs, (low) => {
    const logs = segmentFiles(bytesDir);
    const sizes = logs.map((f) => fs.statSync(path.join(bytesDir, f)).size);
    return Number(logs[0].slice(0, 20)) === low && sizes.reduce((a, b) => a + b, 0) - sizes[0] < RETENTION_BYTES;
  });
  await ctx.sh(`ls -l ${bytesDir}`);
  const marked = fs.readdirSync(bytesDir).filter((f) => f.endsWith('.deleted'));
  if (marked.length > 0)
    ctx.say(`The *.deleted files are segments already out of the log, removed after file.delete.delay.ms (${DELETE_DELAY_MS} ms here, 1 minute by default).`);
  await ctx.waitFor('the *.deleted files to be removed', async () => fs.readdirSync(bytesDir).every((f) => !f.endsWith('.deleted')), 30_000);
  await ctx.sh(`ls -l ${bytesDir}`);
  const logs = segmentFiles(bytesDir);
  const sizes = logs.map((f) => fs.statSync(path.join(bytesDir, f)).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const start = await offsetAt(ctx, bytesTopic, 'earliest');
  ctx.check(start === bytesStart, `the log start offset moved again: ${bytesStart} then ${start}`);
  ctx.check(Number(logs[0].slice(0, 20)) === start, `the first remaining segment ${logs[0]} does not start at the log start offset ${start}`);
  ctx.check(total >= RETENTION_BYTES, `retention deleted too much: ${total} bytes left, retention.bytes=${RETENTION_BYTES}`);
  ctx.check(
    total - sizes[0] < RETENTION_BYTES,
    `retention should delete the oldest segment while the log stays at least retention.bytes without it: ${total} bytes, oldest ${sizes[0]}`,
  );
  ctx.say(
    `${logs.length} segments, ${total} bytes, start at offset ${start}: deleting the oldest (${sizes[0]} bytes) would leave less than retention.bytes=${RETENTION_BYTES}, ` +
      'so it stays. retention.bytes bounds each partition, not the topic.',
  );
}
