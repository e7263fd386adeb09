/**
 * manual-commit: with enable.auto.commit=false nothing is committed unless the application says so. A consumer
 * that processed 10 messages but committed only after the first 6 reads 6..9 again when it restarts (at-least-once),
 * while a second group, with its own offsets, reads everything from the start.
 */
import { Consumer, EachMessagePayload } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';
import { committedOffset, startConsumer, stopAll } from '../groups';

interface Seen {
  offset: number;
  value: string;
}

function collector(into: Seen[]): (p: EachMessagePayload) => void {
  return (p) => void into.push({ offset: Number(p.message.offset), value: p.message.value?.toString() ?? '' });
}

function show(seen: Seen[]): string {
  return seen.map((s) => `${s.offset}:${s.value}`).join(' ');
}

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.bootstrap.split(',')[0];
  const topic = `invoices-${ctx.runId}`;
  const group = `invoicing-${ctx.runId}`;
  const other = `audit-${ctx.runId}`;
  const admin = ctx.kafka('lesson-admin').admin();
  const consumers: Consumer[] = [];
  await admin.connect();
  try {
    await ctx.step('Create a topic and produce 10 messages');
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --create --topic ${topic} --partitions 1 --replication-factor 1`);
    await ctx.sh(`bin/kafka-console-producer --bootstrap-server ${b} --topic ${topic}`, {
      input: Array.from({ length: 10 }, (_, i) => `invoice-${i}\n`).join(''),
    });

    await ctx.step(`A consumer with enable.auto.commit=false reads all 10 but commits only offset 6`);
    ctx.say(
      `consumer-1 (group ${group}, auto commit off) processes messages; when the first 6 are done it commits offset 6 (commitSync), then it stops before committing more.`,
    );
    const first: Seen[] = [];
    const c1 = await startConsumer(ctx, group, topic, 'consumer-1', { autoCommit: false, onMessage: collector(first) });
    consumers.push(c1);
    await ctx.waitFor('consumer-1 to read 10 messages', async () => first.length >= 10);
    ctx.say(`consumer-1 read: ${show(first)}`);
    // The committed offset is the next one to read: 6 means "0..5 are done".
    await c1.commitOffsets([{ topic, partition: 0, offset: '6' }]);
    await c1.disconnect();
    consumers.pop();
    const committed = await committedOffset(admin, group, topic, 0);
    await ctx.sh(`bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${group}`);
    ctx.check(committed === 6, `group ${group} should have committed offset 6, has ${committed}`);
    ctx.say('CURRENT-OFFSET 6 and LAG 4: the group resumes at 6, whatever consumer-1 read past it.');

    await ctx.step('Restart the consumer in the same group: it reads 6..9 again');
    const again: Seen[] = [];
    consumers.push(await startConsumer(ctx, group, topic, 'consumer-1-restarted', { autoCommit: false, onMessage: collector(again) }));
    await ctx.waitFor('the restarted consumer to read 4 messages', async () => again.length >= 4);
    ctx.say(`consumer-1-restarted read: ${show(again)}`);
    ctx.check(
      again[0].offset === 6 && again.map((s) => s.value).join(',') === 'invoice-6,invoice-7,invoice-8,invoice-9',
      `the restarted consumer should start at offset 6 and read invoice-6..9, read ${show(again)}`,
    );
    ctx.say('Messages 6..9 are processed twice: with manual commits, commit after processing to get at-least-once.');

    await ctx.step(`A second group (${other}) reads the topic independently, from the start`);
    const audit: Seen[] = [];
    consumers.push(await startConsumer(ctx, other, topic, 'auditor', { autoCommit: false, onMessage: collector(audit) }));
    await ctx.waitFor(`group ${other} to read 10 messages`, async () => audit.length >= 10);
    ctx.say(`auditor read: ${show(audit)}`);
    ctx.check(audit.length === 10 && audit[0].offset === 0 && audit[9].offset === 9, `group ${other} should read offsets 0..9 once each, read ${show(audit)}`);
    await stopAll(consumers);
    consumers.length = 0;
    await ctx.sh(`bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${other}`);
    ctx.say(`Each group has its own offsets: ${group}'s commits do not move ${other}, which committed nothing and so lists no offsets.`);
  } finally {
    await stopAll(consumers);
    await admin.disconnect().catch(() => undefined);
  }
}

export const lesson: Lesson = {
  name: 'manual-commit',
  description: 'enable.auto.commit=false: what a restarted consumer reads again, and what two groups read',
  cluster: { brokers: 3 },
  run,
};
