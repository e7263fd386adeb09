/**
 * consumer-offsets: a group's committed offsets are records in the internal topic __consumer_offsets, keyed by
 * [group, topic, partition], in the one partition that belongs to the group: Utils.abs(groupId.hashCode) %
 * offsets.topic.num.partitions (GroupMetadataManager.partitionFor; 50 by default). The coordinator of the group is
 * that partition's leader. The offsets formatter of the console consumer prints them.
 */
import { Lesson, LessonContext } from '../Lesson';
import { committedOffset, javaStringHashCode, offsetsPartitionFor } from '../groups';

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.bootstrap.split(',')[0];
  const topic = `payments-${ctx.runId}`;
  const group = `billing-${ctx.runId}`;
  const admin = ctx.kafka('lesson-admin').admin();
  await admin.connect();
  try {
    await ctx.step('Create a topic and produce 10 messages');
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --create --topic ${topic} --partitions 1 --replication-factor 1`);
    const input = Array.from({ length: 10 }, (_, i) => `payment-${i}`).join('\n') + '\n';
    await ctx.sh(`bin/kafka-console-producer --bootstrap-server ${b} --topic ${topic}`, { input });

    await ctx.step(`Consume them in group ${group}: the group commits offset 10`);
    const consumed = await ctx.sh(`bin/kafka-console-consumer --bootstrap-server ${b} --topic ${topic} --group ${group} --from-beginning --max-messages 10`);
    ctx.check(consumed.stdout.trim().split('\n').length === 10, `the console consumer should print 10 messages, printed: ${consumed.stdout.trim()}`);
    const committed = await ctx.waitFor(
      `group ${group} to have committed offset 10`,
      async () => (await committedOffset(admin, group, topic, 0)) === 10,
      20_000,
    );
    ctx.check(committed, 'no committed offset 10');
    await ctx.sh(`bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${group}`);

    await ctx.step('Which partition of __consumer_offsets holds the group?');
    const hash = javaStringHashCode(group);
    const partition = offsetsPartitionFor(group);
    ctx.say(`"${group}".hashCode() = ${hash}; abs(${hash}) % 50 = ${partition}`);
    ctx.say(`The group's coordinator is the leader of __consumer_offsets-${partition}, and every commit of the group is a record there.`);
    const desc = await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --describe --topic __consumer_offsets | grep -E 'Partition: ${partition}\\s'`);
    const leader = /Leader: (\d+)/.exec(desc.stdout)?.[1];
    const state = await ctx.sh(`bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${group} --state`);
    const coordinator = /\((\d+)\)/.exec(state.stdout)?.[1];
    ctx.check(
      leader !== undefined && leader === coordinator,
      `the group's coordinator (${coordinator}) should be the leader of __consumer_offsets-${partition} (${leader})`,
    );
    ctx.say(`COORDINATOR (ID) ${coordinator} above is the leader of __consumer_offsets-${partition}.`);

    await ctx.step(`Read the committed offsets straight from __consumer_offsets-${partition}`);
    const formatter = `'kafka.coordinator.group.GroupMetadataManager$OffsetsMessageFormatter'`;
    const res = await ctx.sh(
      `bin/kafka-console-consumer --bootstrap-server ${b} --topic __consumer_offsets --partition ${partition} --offset earliest --formatter ${formatter} --timeout-ms 5000`,
    );
    const ours = res.stdout.split('\n').filter((l) => l.startsWith(`[${group},${topic},0]::`));
    ctx.check(ours.length > 0, `no [${group},${topic},0] offset record in __consumer_offsets-${partition}`);
    ctx.check(/OffsetAndMetadata\(offset=10,/.test(ours[ours.length - 1]), `the latest offset record should say offset=10: ${ours[ours.length - 1]}`);
    ctx.say(`The key is [group,topic,partition] and the value the committed offset: the consumer resumes from offset 10 after a restart.`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export const lesson: Lesson = {
  name: 'consumer-offsets',
  description: "a group's committed offsets read straight from __consumer_offsets, in partition abs(hash(group)) % 50",
  cluster: { brokers: 3 },
  run,
};
