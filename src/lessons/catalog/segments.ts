/**
 * segments: a partition's log is a folder of segments. Each segment is a .log file of record batches plus an
 * offset index (.index: relative offset -> file position, one entry per index.interval.bytes of log) and a time
 * index (.timeindex), all named after the segment's base offset, zero-padded to 20 digits (Kafka's
 * LogFileUtils.filenamePrefixFromOffset). A segment rolls when the next batch would not fit in segment.bytes
 * (LogSegment.shouldRoll); a batch is never split across segments.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Lesson, LessonContext } from '../Lesson';
import { DumpedBatch, parseBatches, parseIndexEntries } from './support/DumpLog';

const SEGMENT_BYTES = 2048;
const INDEX_INTERVAL_BYTES = 256;
const RECORDS = 60;

export const lesson: Lesson = {
  name: 'segments',
  description: 'a small segment.bytes rolls .log, .index and .timeindex files named by base offset; kafka-dump-log shows the batches',
  cluster: { brokers: 3 },
  run,
};

async function run(ctx: LessonContext): Promise<void> {
  const topic = `segments-demo-${ctx.runId}`;
  const broker = ctx.brokerIds[0];
  const dir = path.join(ctx.brokerDataDir(broker), `${topic}-0`);

  await ctx.step(`Create a topic with segment.bytes=${SEGMENT_BYTES} on broker ${broker}`);
  ctx.say(`The default is 1 GiB (log.segment.bytes); ${SEGMENT_BYTES} bytes makes a segment roll every few batches.`);
  await ctx.sh(
    `bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${broker} ` +
      `--config segment.bytes=${SEGMENT_BYTES} --config index.interval.bytes=${INDEX_INTERVAL_BYTES}`,
  );
  await ctx.waitFor(`the partition folder ${dir}`, async () => fs.existsSync(dir));
  await ctx.sh(`ls -l ${dir}`);
  ctx.say('One empty segment, base offset 0. Its index files are preallocated (segment.index.bytes, 10 MiB) while it is the active segment.');

  await ctx.step(`Produce ${RECORDS} records in batches of 5`);
  const lines = Array.from({ length: RECORDS }, (_, i) => `key-${String(i).padStart(2, '0')}:value-${String(i).padStart(2, '0')}-${'x'.repeat(40)}`);
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} -K: -X batch.num.messages=5 -X linger.ms=5`, { input: lines.join('\n') + '\n' });
  await ctx.sh(`bin/kafka-get-offsets --bootstrap-server ${ctx.bootstrap} --topic ${topic}`);

  await ctx.step('The partition folder: one .log, .index and .timeindex per segment, named by base offset');
  await ctx.sh(`ls -l ${dir}`);
  const files = fs.readdirSync(dir).sort();
  const logs = files.filter((f) => f.endsWith('.log'));
  ctx.check(logs.length >= 3, `expected at least 3 segments after ${RECORDS} records with segment.bytes=${SEGMENT_BYTES}, found ${logs.length}: ${logs}`);
  for (const log of logs) {
    const base = log.slice(0, -'.log'.length);
    ctx.check(/^\d{20}$/.test(base), `segment file ${log} is not named by a 20-digit base offset`);
    ctx.check(files.includes(`${base}.index`) && files.includes(`${base}.timeindex`), `segment ${base} lacks its .index or .timeindex`);
  }
  for (const log of logs.slice(0, -1)) {
    const size = fs.statSync(path.join(dir, log)).size;
    ctx.check(size <= SEGMENT_BYTES, `rolled segment ${log} holds ${size} bytes, more than segment.bytes=${SEGMENT_BYTES}`);
  }

  await ctx.step('kafka-dump-log shows the batches in each segment');
  const dump = await ctx.sh(`bin/kafka-dump-log --files ${logs.map((l) => path.join(dir, l)).join(',')}`);
  const batches = parseBatches(dump.stdout);
  let expected = 0;
  for (const log of logs) {
    const inFile = batches.filter((b) => b.file.endsWith(log));
    ctx.check(inFile.length > 0, `kafka-dump-log showed no batch in ${log}`);
    ctx.check(inFile[0].baseOffset === Number(log.slice(0, 20)), `${log} starts with offset ${inFile[0].baseOffset}, not the offset in its name`);
    for (const b of inFile) {
      ctx.check(b.baseOffset === expected, `offsets are not contiguous: batch at ${b.baseOffset}, expected ${expected} (${log})`);
      expected = b.lastOffset + 1;
    }
  }
  ctx.check(expected === RECORDS, `the segments hold offsets 0..${expected - 1}, expected ${RECORDS} records`);
  ctx.say(
    `Each file's name is the offset of its first batch, and the next segment starts right after the last offset of the previous one. ` +
      `Offsets 0..${RECORDS - 1} in ${batches.length} batches across ${logs.length} segments.`,
  );

  await ctx.step('The indexes of the first segment');
  const first = path.join(dir, logs[0].slice(0, 20));
  await ctx.sh(`bin/kafka-dump-log --files ${first}.log --print-data-log`);
  const idx = await ctx.sh(`bin/kafka-dump-log --files ${first}.index,${first}.timeindex`);
  const entries = parseIndexEntries(idx.stdout);
  ctx.check(entries.length > 0, `the offset index of ${logs[0]} has no entries with index.interval.bytes=${INDEX_INTERVAL_BYTES}`);
  const firstBatches = batches.filter((b) => b.file.endsWith(logs[0]));
  for (const e of entries) {
    ctx.check(
      firstBatches.some((b: DumpedBatch) => b.position === e.position && e.offset >= b.baseOffset && e.offset <= b.lastOffset),
      `index entry offset ${e.offset} -> position ${e.position} does not point at the batch holding that offset`,
    );
  }
  ctx.say(
    `About every ${INDEX_INTERVAL_BYTES} bytes of log the offset index records an offset and the byte position of its batch: a fetch at ` +
      'offset N looks up the last entry at or below N and scans the .log from there. The time index maps timestamps to offsets the same way ' +
      '(used by offsetsForTimes and time-based retention). Rolled segments have their index files trimmed to their entries.',
  );
}
