/**
 * leader-failover: a partition leader is SIGKILLed. It never tells anyone: ZooKeeper deletes its ephemeral
 * /brokers/ids/<id> once its session times out, the controller (KafkaController.onBrokerFailure) elects a new
 * leader from the ISR, drops the dead broker from the ISR and bumps leader_epoch in the partition's state znode.
 * Messages written with acks=all survive. When the broker comes back it catches up and rejoins the ISR, and a
 * preferred leader election hands leadership back to the first replica.
 */
import { Lesson, LessonContext } from '../Lesson';
import { liveBootstrap } from './support/Brokers';
import { QuietZk, partitionStatePath, parseState } from './support/QuietZk';

const MESSAGES = 20;
/** Short enough for a quick lesson, above ZooKeeper's minimum (2 x tickTime = 4 s). */
const SESSION_TIMEOUT_MS = 6000;

export const lesson: Lesson = {
  name: 'leader-failover',
  description: 'a SIGKILLed leader: the ISR shrinks, leader_epoch rises, no acknowledged message is lost',
  cluster: { brokers: 3, brokerConfig: { 'zookeeper.session.timeout.ms': String(SESSION_TIMEOUT_MS) } },
  run,
};

async function run(ctx: LessonContext): Promise<void> {
  const zk = new QuietZk(ctx.zookeeper);
  try {
    await failover(ctx, zk);
  } finally {
    zk.close();
  }
}

async function failover(ctx: LessonContext, zk: QuietZk): Promise<void> {
  const topic = `failover-demo-${ctx.runId}`;
  const statePath = partitionStatePath(topic, 0);
  const alive = await zk.brokerIds();
  ctx.check(alive.length >= 3, `the lesson needs 3 live brokers, /brokers/ids lists [${alive}]`);

  await ctx.step('Create a topic with one partition on three brokers');
  // The leader is a broker that is not the controller, so that killing it shows a leader failover alone
  // (killing the controller too is the controller-failover lesson).
  const controller = await ctx.controllerId();
  const others = alive.filter((id) => id !== controller);
  const replicas = [others[0], others[1], controller];
  ctx.say(`The controller is broker ${controller}. The first replica listed is the preferred leader: broker ${replicas[0]}.`);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${replicas.join(':')}`);
  await ctx.waitFor('the partition to have a leader and a full ISR', async () => {
    const s = await zk.partitionState(topic, 0);
    return s && s.leader === replicas[0] && s.isr.length === 3;
  });
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
  const before = parseState(await ctx.zkGet(statePath));
  ctx.say(`Leader ${before.leader}, leader_epoch ${before.leader_epoch}, ISR [${before.isr}].`);
  ctx.watch(`the topic ${topic}: partition 0 is led by broker ${before.leader} with all three replicas in sync`);

  await ctx.step(`Produce ${MESSAGES} messages with acks=all`);
  const lines = Array.from({ length: MESSAGES }, (_, i) => `message-${i + 1}`);
  await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} -X acks=all`, { input: lines.join('\n') + '\n' });

  await ctx.step(`SIGKILL the leader, broker ${before.leader}`);
  const leader = before.leader;
  await ctx.killBroker(leader);
  ctx.say(
    `Broker ${leader} died without a controlled shutdown. ZooKeeper deletes its ephemeral /brokers/ids/${leader} only when its ` +
      `session expires (zookeeper.session.timeout.ms=${SESSION_TIMEOUT_MS} here, 18000 by default); until then nobody knows.`,
  );
  ctx.watch(`broker ${leader} turn red, then partition 0 of ${topic} move to another leader`);
  const killedAt = Date.now();
  await ctx.waitFor(`/brokers/ids to drop broker ${leader}`, async () => !(await zk.brokerIds()).includes(leader), 60_000);
  ctx.say(`ZooKeeper dropped /brokers/ids/${leader} after ${((Date.now() - killedAt) / 1000).toFixed(1)} s.`);
  await ctx.zkLs('/brokers/ids');

  await ctx.step('The controller elects a new leader from the ISR and shrinks the ISR');
  const after = await ctx.waitFor(
    'a new leader in the partition state',
    async () => {
      const s = await zk.partitionState(topic, 0);
      return s && s.leader !== leader && s.leader >= 0 && !s.isr.includes(leader) ? s : undefined;
    },
    30_000,
  );
  const shown = parseState(await ctx.zkGet(statePath));
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
  ctx.check(shown.leader === after.leader, `the state znode changed again while being read (leader ${after.leader}, then ${shown.leader})`);
  ctx.check(replicas.includes(after.leader), `the new leader ${after.leader} is not one of the replicas [${replicas}]`);
  ctx.check(after.leader_epoch > before.leader_epoch, `leader_epoch did not rise: ${before.leader_epoch} -> ${after.leader_epoch}`);
  ctx.check(after.isr.length === 2, `the ISR should have shrunk to the two live replicas, it is [${after.isr}]`);
  ctx.say(
    `leader ${before.leader} -> ${after.leader}, leader_epoch ${before.leader_epoch} -> ${after.leader_epoch}, ISR [${before.isr}] -> [${after.isr}]. ` +
      'The epoch tells followers and clients which leader is current: requests from an older epoch are fenced.',
  );

  await ctx.step('Every acknowledged message is still there');
  const consumed = await ctx.sh(`kcat -b ${await liveBootstrap(ctx, [leader])} -C -t ${topic} -o beginning -e -q`, { timeoutMs: 30_000 });
  const got = consumed.stdout.split('\n').filter((l) => l.length > 0);
  ctx.check(got.length === MESSAGES, `expected ${MESSAGES} messages after the failover, read ${got.length}`);
  ctx.check(
    lines.every((l, i) => got[i] === l),
    'the messages read back differ from the ones produced',
  );
  ctx.say('With acks=all every acknowledged message was on every ISR replica, so the new leader has them all.');

  await ctx.step(`Restart broker ${leader}: it catches up and rejoins the ISR`);
  await ctx.startBroker(leader);
  await ctx.waitFor(`broker ${leader} to rejoin the ISR`, async () => (await zk.partitionState(topic, 0))?.isr.includes(leader), 90_000);
  const rejoined = parseState(await ctx.zkGet(statePath));
  ctx.check(rejoined.isr.length === 3, `the ISR should be back to three replicas, it is [${rejoined.isr}]`);
  ctx.check(rejoined.leader === after.leader, `the leader should stay ${after.leader} until a preferred election, it is ${rejoined.leader}`);
  ctx.say(`Broker ${leader} is back in the ISR as a follower; broker ${after.leader} still leads.`);

  await ctx.step('A preferred leader election moves leadership back to the first replica');
  ctx.say('Kafka does this on its own every leader.imbalance.check.interval.seconds (300 s); the tool does it now.');
  await ctx.sh(`bin/kafka-leader-election --bootstrap-server ${ctx.bootstrap} --election-type PREFERRED --topic ${topic} --partition 0`);
  await ctx.waitFor(`broker ${leader} to lead again`, async () => (await zk.partitionState(topic, 0))?.leader === leader, 30_000);
  const back = parseState(await ctx.zkGet(statePath));
  ctx.check(back.leader_epoch > after.leader_epoch, `leader_epoch did not rise again: ${after.leader_epoch} -> ${back.leader_epoch}`);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
  ctx.say(`Leader ${back.leader} again, leader_epoch ${back.leader_epoch}: every leader change, whatever its cause, bumps the epoch.`);
}
