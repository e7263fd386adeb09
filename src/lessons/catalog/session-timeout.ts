/**
 * session-timeout: a consumer that dies without leaving (SIGKILL: no LeaveGroup) stays a member until the
 * coordinator has heard no heartbeat for session.timeout.ms; only then is it evicted and its partitions move.
 * (GroupCoordinator's heartbeat expiration: a member's deadline is its last heartbeat + its session timeout.)
 */
import { BackgroundCommand, Lesson, LessonContext } from '../Lesson';
import { describeGroup, formatAssignment, waitForStableAssignment } from '../groups';

const SESSION_MS = 6000; // group.min.session.timeout.ms: the shortest the broker accepts
const HEARTBEAT_MS = 1000;

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.bootstrap.split(',')[0];
  const topic = `sensors-${ctx.runId}`;
  const group = `sensor-readers-${ctx.runId}`;
  const describe = `bin/kafka-consumer-groups --bootstrap-server ${b} --describe --group ${group} --members`;
  const admin = ctx.kafka('lesson-admin').admin();
  let survivor: BackgroundCommand | undefined;
  await admin.connect();
  try {
    await ctx.step('Create a topic with 2 partitions');
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${b} --create --topic ${topic} --partitions 2 --replication-factor 1`);

    await ctx.step(`Two kcat consumers in one group, each in its own terminal, session.timeout.ms=${SESSION_MS}`);
    // Both are librdkafka consumers: a group's members must share an assignor (librdkafka's range/roundrobin).
    const kcatCmd = (id: string): string =>
      `kcat -b ${b} -G ${group} -X session.timeout.ms=${SESSION_MS} -X heartbeat.interval.ms=${HEARTBEAT_MS} -X client.id=${id} ${topic}`;
    const kcat = ctx.background(kcatCmd('doomed'));
    survivor = ctx.background(kcatCmd('survivor'));
    const two = await waitForStableAssignment(ctx, admin, group, topic, 2, 2);
    await ctx.sh(describe);
    ctx.say(`Assignment: ${formatAssignment(two)}`);
    ctx.check(
      two.members.every((m) => m.partitions.length === 1),
      `each consumer should own one partition, got ${formatAssignment(two)}`,
    );

    await ctx.step(`kill -9 the consumer "doomed": no LeaveGroup, the coordinator must notice the silence`);
    ctx.say(`$ kill -9 ${kcat.pid}`);
    ctx.watch(`group ${group}: the killed consumer stays a member for about ${SESSION_MS / 1000} s, then the group rebalances`);
    const killedAt = Date.now();
    kcat.signal('SIGKILL');
    await kcat.exited;
    const stillThere = await describeGroup(admin, group, topic);
    await ctx.sh(describe);
    ctx.check(
      stillThere.members.some((m) => m.clientId === 'doomed'),
      `right after the kill doomed should still be a member (its session has not expired): ${formatAssignment(stillThere)}`,
    );
    const evictedAfter = await ctx.waitFor(
      'the coordinator to evict the killed consumer',
      async () => ((await describeGroup(admin, group, topic)).members.some((m) => m.clientId === 'doomed') ? null : Date.now() - killedAt),
      SESSION_MS + 20_000,
    );
    ctx.say(`doomed was evicted ${(evictedAfter / 1000).toFixed(1)} s after the kill (session.timeout.ms=${SESSION_MS}, heartbeats every ${HEARTBEAT_MS} ms).`);
    // Its last heartbeat was at most one interval before the kill, so the deadline fell at least SESSION - HEARTBEAT after it.
    ctx.check(
      evictedAfter >= SESSION_MS - HEARTBEAT_MS - 250,
      `doomed was evicted after ${evictedAfter} ms, before its session of ${SESSION_MS} ms could have expired`,
    );
    ctx.check(evictedAfter <= SESSION_MS + 15_000, `doomed was evicted only after ${evictedAfter} ms, long after session.timeout.ms=${SESSION_MS}`);

    await ctx.step('The survivor now owns both partitions');
    const one = await waitForStableAssignment(ctx, admin, group, topic, 1, 2);
    await ctx.sh(describe);
    ctx.check(one.members[0].clientId === 'survivor', `the remaining member should be the survivor: ${formatAssignment(one)}`);
    ctx.say('A short session.timeout.ms notices dead consumers sooner but evicts slow-heartbeating live ones too.');
  } finally {
    survivor?.signal('SIGTERM');
    await survivor?.exited;
    await admin.disconnect().catch(() => undefined);
  }
}

export const lesson: Lesson = {
  name: 'session-timeout',
  description: 'a SIGKILLed consumer is evicted after session.timeout.ms, not before',
  cluster: { brokers: 3 },
  run,
};
