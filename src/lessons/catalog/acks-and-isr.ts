/**
 * acks-and-isr: what a producer's acks means against the in-sync replica set. acks=0 does not wait at all,
 * acks=1 waits for the leader's own write, acks=all waits for every replica in the ISR, and with
 * min.insync.replicas=2 the leader refuses an acks=all write outright (NOT_ENOUGH_REPLICAS, error 19) when the
 * ISR is smaller than that (Kafka's Partition.appendRecordsToLeader), while acks=0 and acks=1 still go through.
 */
import { Lesson, LessonContext } from '../Lesson';
import { liveBootstrap } from './support/Brokers';
import { QuietZk, partitionStatePath, parseState } from './support/QuietZk';

export const lesson: Lesson = {
  name: 'acks-and-isr',
  description: 'acks 0, 1 and all with min.insync.replicas=2: NOT_ENOUGH_REPLICAS once two brokers are down',
  cluster: { brokers: 3 },
  run,
};

async function run(ctx: LessonContext): Promise<void> {
  const zk = new QuietZk(ctx.zookeeper);
  try {
    await acksAndIsr(ctx, zk);
  } finally {
    zk.close();
  }
}

/** The Kafka error name of a failed kafkajs send (its own error or the one it wraps after retries). */
function kafkaErrorType(err: unknown): string | undefined {
  for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.type) return e.type;
  return undefined;
}

async function acksAndIsr(ctx: LessonContext, zk: QuietZk): Promise<void> {
  const topic = `acks-demo-${ctx.runId}`;
  const alive = await zk.brokerIds();
  ctx.check(alive.length >= 3, `the lesson needs 3 live brokers, /brokers/ids lists [${alive}]`);
  const waitIsr = (size: number): Promise<unknown> =>
    ctx.waitFor(`the ISR to have ${size} replica(s)`, async () => (await zk.partitionState(topic, 0))?.isr.length === size, 60_000);

  await ctx.step('Create a topic with three replicas and min.insync.replicas=2');
  // The leader is the controller, so stopping the two followers never moves the controller or the leader.
  const controller = await ctx.controllerId();
  const followers = alive.filter((id) => id !== controller).slice(0, 2);
  const replicas = [controller, ...followers];
  await ctx.sh(
    `bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${replicas.join(':')} --config min.insync.replicas=2`,
  );
  await waitIsr(3);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
  ctx.say(
    'acks=0: the producer does not wait for any answer. acks=1: the leader answers once it wrote the record to its own log. ' +
      'acks=all (-1): the leader answers once every replica in the ISR has it, and refuses the write while the ISR is smaller than min.insync.replicas.',
  );

  await ctx.step('All three replicas in sync: every acks setting works');
  for (const acks of ['0', '1', 'all']) {
    await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} -X acks=${acks}`, { input: `written with acks=${acks} and 3 replicas in sync\n` });
  }
  const first = await ctx.sh(`kcat -b ${ctx.bootstrap} -C -t ${topic} -o beginning -e -q -f '%o %s\\n'`, { timeoutMs: 30_000 });
  ctx.check(first.stdout.trim().split('\n').length === 3, `expected the three records in the log, read:\n${first.stdout}`);

  await ctx.step(`Stop follower ${followers[0]}: the ISR shrinks to two, still enough for acks=all`);
  await ctx.stopBroker(followers[0]);
  await waitIsr(2);
  parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
  const bootstrap1 = await liveBootstrap(ctx, [followers[0]]);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${bootstrap1} --describe --topic ${topic} --at-min-isr-partitions`);
  await ctx.sh(`bin/kafka-console-producer --bootstrap-server ${bootstrap1} --topic ${topic} --producer-property acks=all`, {
    input: 'written with acks=all and 2 replicas in sync\n',
  });
  ctx.say('The partition is at its minimum ISR: one more failure and acks=all writes are refused.');

  await ctx.step(`Stop follower ${followers[1]} too: only the leader is in sync`);
  await ctx.stopBroker(followers[1]);
  await waitIsr(1);
  const shrunk = parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
  ctx.check(shrunk.leader === controller && shrunk.isr.length === 1, `expected leader ${controller} alone in the ISR, state: ${JSON.stringify(shrunk)}`);
  const bootstrap2 = await liveBootstrap(ctx, followers);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${bootstrap2} --describe --topic ${topic} --under-min-isr-partitions`);

  await ctx.step('acks=all is refused with NOT_ENOUGH_REPLICAS; acks=1 and acks=0 still succeed');
  const refused = await ctx.sh(
    `bin/kafka-console-producer --bootstrap-server ${bootstrap2} --topic ${topic} --producer-property acks=all --producer-property retries=0`,
    { input: 'written with acks=all and 1 replica in sync\n', allowFailure: true },
  );
  ctx.check(
    /fewer in-sync replicas than required/.test(refused.stdout + refused.stderr),
    `kafka-console-producer with acks=all should report NOT_ENOUGH_REPLICAS, it printed: ${(refused.stdout + refused.stderr).trim()}`,
  );
  // The same through a client library, to see the error code itself (kafkajs names Kafka's error codes).
  const producer = ctx.kafka('acks-demo').producer({ retry: { retries: 0 } });
  await producer.connect();
  let errorType: string | undefined;
  try {
    await producer.send({ topic: topic, acks: -1, messages: [{ value: 'written by kafkajs with acks=all and 1 replica in sync' }] });
  } catch (e) {
    errorType = kafkaErrorType(e);
  }
  ctx.say(`kafkajs producer.send({ acks: -1 }): ${errorType ?? 'succeeded'}`);
  ctx.check(errorType === 'NOT_ENOUGH_REPLICAS', `the acks=all send should fail with NOT_ENOUGH_REPLICAS, got ${errorType ?? 'success'}`);
  const one = await producer.send({ topic: topic, acks: 1, messages: [{ value: 'written by kafkajs with acks=1 and 1 replica in sync' }] });
  ctx.say(`kafkajs producer.send({ acks: 1 }): offset ${one[0].baseOffset}, errorCode ${one[0].errorCode}`);
  await producer.disconnect();
  ctx.check(one[0].errorCode === 0, `the acks=1 send should succeed, errorCode ${one[0].errorCode}`);
  await ctx.sh(`kcat -b ${bootstrap2} -P -t ${topic} -X acks=0`, { input: 'written with acks=0 and 1 replica in sync\n' });
  const log = await ctx.sh(`kcat -b ${bootstrap2} -C -t ${topic} -o beginning -e -q -f '%o %s\\n'`, { timeoutMs: 30_000 });
  const values = log.stdout.trim().split('\n');
  ctx.check(!values.some((v) => /acks=all and 1 replica/.test(v)), 'a refused acks=all record is in the log');
  ctx.check(
    values.some((v) => /acks=1 and 1 replica/.test(v)) && values.some((v) => /acks=0 and 1 replica/.test(v)),
    `the acks=1 and acks=0 records should be in the log, read:\n${log.stdout}`,
  );
  ctx.say(
    'The refused records never reached the log. The acks=1 and acks=0 ones did, but only on the leader: had it died now, they would be lost. ' +
      'That is the trade acks=all with min.insync.replicas=2 refuses to make.',
  );

  await ctx.step('Restart both followers: they catch up and the ISR is full again');
  for (const id of followers) await ctx.startBroker(id);
  await waitIsr(3);
  parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} -X acks=all`, { input: 'written with acks=all and 3 replicas in sync again\n' });
  ctx.say('The followers copied what the leader wrote alone before they rejoined the ISR; acks=all writes are accepted again.');
}
