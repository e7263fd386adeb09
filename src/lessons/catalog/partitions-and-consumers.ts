/**
 * partitions-and-consumers: a group's consumers share a topic's partitions, each partition to exactly one member.
 * With 3 partitions, 2 members split them 2/1, a third makes it 1/1/1, and a fourth gets nothing: it stays idle
 * (Kafka's RangeAssignor/RoundRobinAssignor never give one partition to two members of a group).
 */
import { Consumer } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';
import { formatAssignment, startConsumer, stopAll, waitForStableAssignment } from '../groups';

async function run(ctx: LessonContext): Promise<void> {
  const topic = `orders-${ctx.runId}`;
  const group = `order-processors-${ctx.runId}`;
  const describe = `bin/kafka-consumer-groups --bootstrap-server ${ctx.bootstrap.split(',')[0]} --describe --group ${group} --members`;
  const admin = ctx.kafka('lesson-admin').admin();
  const consumers: Consumer[] = [];
  await admin.connect();
  try {
    await ctx.step('Create a topic with 3 partitions');
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap.split(',')[0]} --create --topic ${topic} --partitions 3 --replication-factor 1`);
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap.split(',')[0]} --describe --topic ${topic}`);

    await ctx.step('Start two consumers in one group');
    ctx.say(`Two consumer instances (consumer-1, consumer-2) join group ${group} and subscribe to ${topic}.`);
    ctx.watch(`group ${group}: its members and which partitions each one owns`);
    consumers.push(await startConsumer(ctx, group, topic, 'consumer-1'));
    consumers.push(await startConsumer(ctx, group, topic, 'consumer-2'));
    const two = await waitForStableAssignment(ctx, admin, group, topic, 2, 3);
    await ctx.sh(describe);
    ctx.say(`Assignment: ${formatAssignment(two)}`);
    const twoCounts = two.members.map((m) => m.partitions.length).sort();
    ctx.check(twoCounts.join('/') === '1/2', `2 consumers on 3 partitions should split 2/1, got ${formatAssignment(two)}`);
    ctx.say('Three partitions cannot split evenly over two members: one owns two partitions, the other one.');

    await ctx.step('A third consumer joins: one partition each');
    consumers.push(await startConsumer(ctx, group, topic, 'consumer-3'));
    const three = await waitForStableAssignment(ctx, admin, group, topic, 3, 3);
    await ctx.sh(describe);
    ctx.say(`Assignment: ${formatAssignment(three)}`);
    ctx.check(
      three.members.every((m) => m.partitions.length === 1),
      `3 consumers on 3 partitions should own one partition each, got ${formatAssignment(three)}`,
    );

    await ctx.step('A fourth consumer joins: it stays idle');
    consumers.push(await startConsumer(ctx, group, topic, 'consumer-4'));
    const four = await waitForStableAssignment(ctx, admin, group, topic, 4, 3);
    await ctx.sh(describe);
    ctx.say(`Assignment: ${formatAssignment(four)}`);
    const idle = four.members.filter((m) => m.partitions.length === 0);
    ctx.check(
      idle.length === 1 && four.members.filter((m) => m.partitions.length === 1).length === 3,
      `4 consumers on 3 partitions should leave exactly one idle, got ${formatAssignment(four)}`,
    );
    ctx.say(
      `${idle[0].clientId} has no partition (#PARTITIONS 0 above): a partition goes to one member of a group only, so members beyond the partition count wait as standbys.`,
    );
  } finally {
    await stopAll(consumers);
    await admin.disconnect().catch(() => undefined);
  }
}

export const lesson: Lesson = {
  name: 'partitions-and-consumers',
  description: '3 partitions and 2 consumers in one group split 2/1; a third takes one; a fourth stays idle',
  cluster: { brokers: 3 },
  run,
};
