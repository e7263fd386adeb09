/**
 * poll-timeout: a consumer that stops polling (stuck processing a record) for longer than max.poll.interval.ms
 * loses its partitions. The Java consumer sends max.poll.interval.ms as JoinGroup's rebalance timeout, and the
 * coordinator waits at most that long for every member to rejoin a rebalance before it removes the ones that did
 * not (GroupCoordinator.onCompleteJoin). kafkajs calls the same setting rebalanceTimeout.
 */
import { Consumer } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';
import { describeGroup, formatAssignment, startConsumer, stopAll, waitForStableAssignment } from '../groups';

const MAX_POLL_INTERVAL_MS = 8000;
const SESSION_MS = 30_000;

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.bootstrap.split(',')[0];
  const topic = `jobs-${ctx.runId}`;
  const group = `job-workers-${ctx.runId}`;
  const describe = `bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${group} --members`;
  const admin = ctx.kafka('lesson-admin').admin();
  const consumers: Consumer[] = [];
  let release: () => void = () => undefined;
  const stuck = new Promise<void>((resolve) => (release = resolve));
  let processing = false;
  await admin.connect();
  try {
    await ctx.step('Create a topic with 2 partitions');
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --create --topic ${topic} --partitions 2 --replication-factor 1`);

    await ctx.step(`slow-worker joins (max.poll.interval.ms=${MAX_POLL_INTERVAL_MS}, session.timeout.ms=${SESSION_MS})`);
    const slow = await startConsumer(ctx, group, topic, 'slow-worker', {
      sessionTimeout: SESSION_MS,
      rebalanceTimeout: MAX_POLL_INTERVAL_MS,
      onMessage: async () => {
        // Processing this job takes "forever": the consumer does not come back to poll.
        processing = true;
        await stuck;
      },
    });
    consumers.push(slow);
    const first = await waitForStableAssignment(ctx, admin, group, topic, 1, 2);
    const slowMemberId = first.members[0].memberId;
    await ctx.sh(describe);

    await ctx.step('A job arrives and slow-worker gets stuck processing it');
    await ctx.sh(`bin/kafka-console-producer --bootstrap-server ${b} --topic ${topic}`, { input: 'resize-video-42\n' });
    await ctx.waitFor('slow-worker to start processing the job', async () => processing);
    ctx.say('slow-worker is inside its message handler and will not poll again until it returns.');

    await ctx.step('fast-worker joins: the rebalance waits for slow-worker at most max.poll.interval.ms');
    ctx.watch(`group ${group}: it stays in PreparingRebalance until slow-worker is removed`);
    const joinedAt = Date.now();
    consumers.push(await startConsumer(ctx, group, topic, 'fast-worker', { rebalanceTimeout: MAX_POLL_INTERVAL_MS }));
    const alone = await waitForStableAssignment(ctx, admin, group, topic, 1, 2, MAX_POLL_INTERVAL_MS + 25_000);
    const took = Date.now() - joinedAt;
    await ctx.sh(describe);
    ctx.say(`Assignment: ${formatAssignment(alone)} after ${(took / 1000).toFixed(1)} s`);
    ctx.check(alone.members[0].clientId === 'fast-worker', `fast-worker should own both partitions, got ${formatAssignment(alone)}`);
    ctx.check(took >= MAX_POLL_INTERVAL_MS - 1000, `slow-worker was removed after ${took} ms, before max.poll.interval.ms=${MAX_POLL_INTERVAL_MS} had passed`);
    ctx.check(took < SESSION_MS, `slow-worker was removed after ${took} ms: that is its session timeout, not the poll timeout`);
    ctx.say(`slow-worker was removed after about max.poll.interval.ms (${MAX_POLL_INTERVAL_MS} ms), long before its session.timeout.ms (${SESSION_MS} ms).`);

    await ctx.step('slow-worker finally returns: it has lost its partitions and must join again');
    release();
    const back = await waitForStableAssignment(ctx, admin, group, topic, 2, 2, 30_000);
    await ctx.sh(describe);
    ctx.say(`Assignment: ${formatAssignment(back)}`);
    const view = await describeGroup(admin, group, topic);
    ctx.check(
      view.members.some((m) => m.clientId === 'slow-worker' && m.memberId !== slowMemberId),
      `slow-worker should have rejoined with a new member id (its old one, ${slowMemberId}, was removed): ${view.members.map((m) => m.memberId).join(', ')}`,
    );
    ctx.say(`Its member id changed (${slowMemberId} was removed): keep the processing between two polls shorter than max.poll.interval.ms.`);
  } finally {
    release();
    await stopAll(consumers);
    await admin.disconnect().catch(() => undefined);
  }
}

export const lesson: Lesson = {
  name: 'poll-timeout',
  description: 'a consumer that stops polling past max.poll.interval.ms is evicted and its partitions move',
  cluster: { brokers: 3 },
  run,
};
