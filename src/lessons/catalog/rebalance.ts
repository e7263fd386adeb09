/**
 * rebalance: every change of a group's membership is a rebalance that ends in a new generation. Members join
 * and leave; each time the coordinator bumps the generation id, the leader assigns the partitions again and the
 * coordinator stores the group (GroupMetadata: generation and members) in __consumer_offsets.
 */
import { Consumer } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';
import { formatAssignment, offsetsPartitionFor, startConsumer, stopAll, waitForStableAssignment } from '../groups';

interface GroupRecord {
  generation: number;
  members: number;
}

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.bootstrap.split(',')[0];
  const topic = `clicks-${ctx.runId}`;
  const group = `click-counters-${ctx.runId}`;
  const describe = `bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${group} --members --verbose`;
  const admin = ctx.kafka('lesson-admin').admin();
  const consumers = new Map<string, Consumer>();
  await admin.connect();
  try {
    await ctx.step('Create a topic with 4 partitions');
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --create --topic ${topic} --partitions 4 --replication-factor 1`);
    ctx.watch(`group ${group}: its state goes PreparingRebalance -> CompletingRebalance -> Stable at each change`);

    const expected: number[] = [];
    const change = async (title: string, act: () => Promise<void>, members: number): Promise<void> => {
      await ctx.step(title);
      await act();
      const view = await waitForStableAssignment(ctx, admin, group, topic, members, 4);
      await ctx.sh(describe);
      ctx.say(`Assignment: ${formatAssignment(view)}`);
      expected.push(members);
    };
    const join = (name: string) => async (): Promise<void> => void consumers.set(name, await startConsumer(ctx, group, topic, name));
    await change('consumer-1 joins: it gets all 4 partitions', join('consumer-1'), 1);
    await change('consumer-2 joins: a rebalance splits the partitions 2/2', join('consumer-2'), 2);
    await change('consumer-3 joins: another rebalance', join('consumer-3'), 3);
    await change(
      'consumer-2 leaves (close() sends LeaveGroup): its partitions move at once',
      async () => {
        await consumers.get('consumer-2')!.disconnect();
        consumers.delete('consumer-2');
      },
      2,
    );

    await ctx.step('Each rebalance is a generation: read them from __consumer_offsets');
    const partition = offsetsPartitionFor(group);
    ctx.say(`The group lives in __consumer_offsets-${partition} (abs(hash("${group}")) % 50); the group formatter prints each stored generation.`);
    const formatter = `'kafka.coordinator.group.GroupMetadataManager$GroupMetadataMessageFormatter'`;
    const res = await ctx.sh(
      `bin/kafka-console-consumer --bootstrap-server ${b} --topic __consumer_offsets --partition ${partition} --offset earliest --formatter ${formatter} --timeout-ms 5000`,
    );
    const records: GroupRecord[] = res.stdout
      .split('\n')
      .filter((l) => l.startsWith(`${group}::GroupMetadata(`))
      .map((l) => ({ generation: Number(/generation=(\d+)/.exec(l)?.[1] ?? -1), members: (l.match(/MemberMetadata\(/g) ?? []).length }));
    ctx.say(`Generations stored: ${records.map((r) => `${r.generation} (${r.members} member${r.members === 1 ? '' : 's'})`).join(', ')}`);
    ctx.check(records.length >= 4, `expected a GroupMetadata record per rebalance (4), found ${records.length}`);
    ctx.check(
      records.every((r, i) => i === 0 || r.generation > records[i - 1].generation),
      `generation ids should rise with every rebalance: ${records.map((r) => r.generation).join(', ')}`,
    );
    // The member counts of the stored generations follow the joins and the leave, in order (1, 2, 3, 2).
    let k = 0;
    for (const r of records) if (k < expected.length && r.members === expected[k]) k++;
    ctx.check(k === expected.length, `the stored generations' member counts should go ${expected.join(' -> ')}: ${records.map((r) => r.members).join(' -> ')}`);
    ctx.say('Each generation is a fresh assignment: a member keeps its partitions only as long as the generation lasts.');
  } finally {
    await stopAll([...consumers.values()]);
    await admin.disconnect().catch(() => undefined);
  }
}

export const lesson: Lesson = {
  name: 'rebalance',
  description: 'members join and leave; every rebalance is a new generation id; each assignment printed',
  cluster: { brokers: 3 },
  run,
};
