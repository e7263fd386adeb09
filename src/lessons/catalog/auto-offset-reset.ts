/**
 * auto-offset-reset: where a group without a committed offset starts. earliest: the log start (old messages too);
 * latest: the log end (only what is produced afterwards); none: no position at all, the consumer gets an error
 * (Java's NoOffsetForPartitionException; librdkafka's auto.offset.reset=error, shown here with kcat).
 */
import { Lesson, LessonContext } from '../Lesson';

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.bootstrap.split(',')[0];
  const topic = `events-${ctx.runId}`;
  const consume = (group: string, reset: string): string =>
    `bin/kafka-console-consumer --bootstrap-server ${b} --topic ${topic} --group ${group} --consumer-property auto.offset.reset=${reset} --timeout-ms 4000`;

  await ctx.step('Create a topic and produce 5 messages before any consumer exists');
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --create --topic ${topic} --partitions 1 --replication-factor 1`);
  await ctx.sh(`bin/kafka-console-producer --bootstrap-server ${b} --topic ${topic}`, { input: 'old-0\nold-1\nold-2\nold-3\nold-4\n' });

  await ctx.step('auto.offset.reset=earliest: a new group starts at the beginning');
  const earliest = await ctx.sh(consume(`from-earliest-${ctx.runId}`, 'earliest'));
  ctx.check(
    lines(earliest.stdout).join(',') === 'old-0,old-1,old-2,old-3,old-4',
    `earliest should read old-0..old-4, read: ${lines(earliest.stdout).join(',')}`,
  );

  await ctx.step('auto.offset.reset=latest: a new group starts at the end and sees nothing old');
  const latestGroup = `from-latest-${ctx.runId}`;
  const latest = await ctx.sh(consume(latestGroup, 'latest'));
  ctx.check(lines(latest.stdout).length === 0, `latest should read nothing of the old messages, read: ${lines(latest.stdout).join(',')}`);
  await ctx.sh(`bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${latestGroup}`);
  ctx.say('The group now has a position (5, the log end) although it read nothing; new messages are read from there.');
  await ctx.sh(`bin/kafka-console-producer --bootstrap-server ${b} --topic ${topic}`, { input: 'new-0\nnew-1\n' });
  const after = await ctx.sh(consume(latestGroup, 'latest'));
  ctx.check(lines(after.stdout).join(',') === 'new-0,new-1', `the latest group should read only new-0,new-1, read: ${lines(after.stdout).join(',')}`);

  await ctx.step('auto.offset.reset=none: no committed offset is an error, not a guess');
  ctx.say("The Java consumer throws NoOffsetForPartitionException; librdkafka's equivalent setting is auto.offset.reset=error.");
  const none = await ctx.sh(`kcat -b ${b} -G from-none-${ctx.runId} -X auto.offset.reset=error -e ${topic}`, { timeoutMs: 15_000, allowFailure: true });
  const text = none.stdout + none.stderr;
  ctx.check(
    /no previously committed offset available|auto[._ ]offset[._ ]reset/i.test(text),
    `kcat with auto.offset.reset=error should report that there is no committed offset, printed: ${text.trim().slice(0, 300)}`,
  );
  ctx.check(!/old-0|new-0/.test(none.stdout), `with auto.offset.reset=error nothing should be read, read: ${none.stdout.trim()}`);
}

export const lesson: Lesson = {
  name: 'auto-offset-reset',
  description: 'earliest, latest and none for a group without committed offsets',
  cluster: { brokers: 3 },
  run,
};
