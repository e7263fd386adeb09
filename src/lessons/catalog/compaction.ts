/**
 * compaction: with cleanup.policy=compact the log cleaner keeps the latest record of every key, at the offset
 * it was written at, and drops the older ones (Kafka's LogCleaner). It never touches the active segment, and it
 * picks a log once its dirty part reaches min.cleanable.dirty.ratio. A tombstone (a key with a null value)
 * deletes its key: it is kept delete.retention.ms after the clean that first sees it (KIP-534's delete horizon,
 * stamped in the batch), so that a consumer reading behind learns about the delete, and dropped by a later clean.
 * Where the cleaner has got to is in the log dir's cleaner-offset-checkpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Lesson, LessonContext } from '../Lesson';

const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5'];
const VERSIONS = 6;
const DELETED = 'k3';
const DELETE_RETENTION_MS = 10_000;
const SEGMENT_BYTES = 1024;

export const lesson: Lesson = {
  name: 'compaction',
  description: 'the latest value per key survives with its offset; tombstones vanish after delete.retention.ms',
  cluster: { brokers: 3, brokerConfig: { 'log.cleaner.backoff.ms': '500' } },
  run,
};

interface Rec {
  offset: number;
  key: string;
  value: string | null;
}

/** kcat's `-f '%o %k %s\n' -Z` lines: offset, key, value (NULL for a tombstone). */
function parseRecords(stdout: string): Rec[] {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [offset, key, ...rest] = l.split(' ');
      const value = rest.join(' ');
      return { offset: Number(offset), key, value: value === 'NULL' ? null : value };
    });
}

/** The cleaner's position for topic-0 in cleaner-offset-checkpoint (`<topic> <partition> <offset>` lines). */
function cleanedUpTo(logDir: string, topic: string): number {
  const file = path.join(logDir, 'cleaner-offset-checkpoint');
  if (!fs.existsSync(file)) return -1;
  const line = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${topic} 0 `));
  return line ? Number(line.split(' ')[2]) : -1;
}

/** Base offset of the active (last) segment of the partition folder. */
function activeSegmentBase(dir: string): number {
  const logs = fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
  return logs.length > 0 ? Number(logs[logs.length - 1].slice(0, 20)) : -1;
}

async function run(ctx: LessonContext): Promise<void> {
  const topic = `compaction-demo-${ctx.runId}`;
  const broker = ctx.brokerIds[0];
  const logDir = ctx.brokerDataDir(broker);
  const dir = path.join(logDir, `${topic}-0`);
  const readAll = (): Promise<{ stdout: string }> =>
    ctx.sh(`kcat -b ${ctx.bootstrap} -C -t ${topic} -o beginning -e -q -Z -f '%o %k %s\\n'`, { timeoutMs: 30_000 });
  const markers = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `marker:traffic ${from + i} ${'x'.repeat(40)}`).join('\n') + '\n';

  await ctx.step('Create a topic, still with cleanup.policy=delete, and write several versions of five keys');
  await ctx.sh(
    `bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${broker} ` +
      `--config segment.bytes=${SEGMENT_BYTES} --config min.cleanable.dirty.ratio=0.01 --config delete.retention.ms=${DELETE_RETENTION_MS}`,
  );
  const input: string[] = [];
  for (let v = 1; v <= VERSIONS; v++) for (const k of KEYS) input.push(`${k}:${k} version ${v} ${'x'.repeat(40)}`);
  input.push(`${DELETED}:`);
  ctx.say(
    `${VERSIONS} versions of ${KEYS.join(', ')}, then a tombstone for ${DELETED} (kcat -Z sends an empty value as null), then traffic on a "marker" key so that all of it leaves the active segment.`,
  );
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} -K: -Z -X batch.num.messages=5 -X linger.ms=5`, { input: input.join('\n') + '\n' + markers(1, 20) });
  const before = parseRecords((await readAll()).stdout);
  ctx.check(before.length === input.length + 20, `expected ${input.length + 20} records before compaction, read ${before.length}`);
  const tombstone = before.find((r) => r.key === DELETED && r.value === null);
  ctx.check(!!tombstone, `the tombstone for ${DELETED} is not in the log`);
  ctx.check(activeSegmentBase(dir) > tombstone!.offset, `the tombstone at offset ${tombstone!.offset} is still in the active segment, which is never cleaned`);
  await ctx.sh(`ls -l ${dir}`);

  await ctx.step('Switch the topic to cleanup.policy=compact');
  await ctx.sh(`bin/kafka-configs --bootstrap-server ${ctx.bootstrap} --entity-type topics --entity-name ${topic} --alter --add-config cleanup.policy=compact`);
  ctx.say(
    'The cleaner (log.cleaner.backoff.ms=500 here, 15 s by default) finds a compacted log whose dirty ratio is above min.cleanable.dirty.ratio and cleans it.',
  );
  const activeBase = activeSegmentBase(dir);
  await ctx.waitFor('the cleaner to clean the log up to the active segment', async () => cleanedUpTo(logDir, topic) >= activeBase, 60_000);
  const firstCleanSeen = Date.now();
  await ctx.sh(`cat ${path.join(logDir, 'cleaner-offset-checkpoint')}`);

  await ctx.step('Only the latest value of each key is left, at its original offset; the tombstone is still there');
  const after = parseRecords((await readAll()).stdout);
  const latest = new Map<string, Rec>();
  for (const r of before) latest.set(r.key, r);
  for (const k of KEYS.filter((key) => key !== DELETED)) {
    const kept = after.filter((r) => r.key === k);
    ctx.check(kept.length === 1, `key ${k} should have exactly one record after compaction, it has ${kept.length}`);
    const want = latest.get(k)!;
    ctx.check(
      kept[0].offset === want.offset && kept[0].value === want.value,
      `key ${k}: kept offset ${kept[0].offset} "${kept[0].value}", the latest was offset ${want.offset} "${want.value}"`,
    );
  }
  const deleted = after.filter((r) => r.key === DELETED);
  ctx.check(
    deleted.length === 1 && deleted[0].value === null && deleted[0].offset === tombstone!.offset,
    `key ${DELETED} should be down to its tombstone at offset ${tombstone!.offset}, read ${JSON.stringify(deleted)}`,
  );
  ctx.check(after.length < before.length, `compaction removed nothing: ${before.length} records before, ${after.length} after`);
  ctx.say(
    `${before.length} records became ${after.length}. Offsets are kept, so they now have gaps: a consumer simply skips them. ` +
      `The tombstone stays for delete.retention.ms (${DELETE_RETENTION_MS} ms here, 1 day by default) so that a consumer behind sees the delete.`,
  );
  await ctx.sh(`ls -l ${dir}`);

  await ctx.step(`After delete.retention.ms a later clean drops the tombstone`);
  await ctx.waitFor(
    `delete.retention.ms (${DELETE_RETENTION_MS} ms) to pass since the first clean`,
    async () => Date.now() - firstCleanSeen > DELETE_RETENTION_MS,
    30_000,
  );
  ctx.say('More traffic on the marker key makes the log dirty again, so the cleaner runs once more.');
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} -K: -X batch.num.messages=5 -X linger.ms=5`, { input: markers(21, 20) });
  const activeBase2 = activeSegmentBase(dir);
  ctx.check(activeBase2 > activeBase, 'the new traffic did not roll a new segment');
  await ctx.waitFor('the cleaner to clean the new traffic', async () => cleanedUpTo(logDir, topic) >= activeBase2, 60_000);
  await ctx.sh(`cat ${path.join(logDir, 'cleaner-offset-checkpoint')}`);
  const final = parseRecords((await readAll()).stdout);
  ctx.check(
    !final.some((r) => r.key === DELETED),
    `key ${DELETED} should be gone with its tombstone, read ${JSON.stringify(final.filter((r) => r.key === DELETED))}`,
  );
  for (const k of KEYS.filter((key) => key !== DELETED)) {
    const kept = final.filter((r) => r.key === k);
    ctx.check(kept.length === 1 && kept[0].offset === latest.get(k)!.offset, `key ${k} should still be its latest record at offset ${latest.get(k)!.offset}`);
  }
  ctx.say(`${DELETED} is gone entirely; the other keys keep their latest values. A compacted topic is a table: one row per live key.`);
}
