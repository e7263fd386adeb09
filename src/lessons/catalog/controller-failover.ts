/**
 * controller-failover: in ZooKeeper mode one broker is the controller, the one whose ephemeral /controller
 * znode exists (KafkaController.elect: every broker tries to create it, the first one wins). /controller_epoch
 * counts the elections; every request the controller sends carries it, so a zombie controller from an older
 * epoch is ignored. A SIGKILLed controller keeps /controller until its ZooKeeper session expires; a controlled
 * shutdown (SIGTERM) closes the session and the znode goes at once. Either way another broker wins the next
 * election and the epoch rises.
 */
import { Lesson, LessonContext } from '../Lesson';
import { QuietZk, partitionStatePath, parseState } from './support/QuietZk';

/** Short enough for a quick lesson, above ZooKeeper's minimum (2 x tickTime = 4 s). */
const SESSION_TIMEOUT_MS = 6000;

interface ControllerZNode {
  version: number;
  brokerid: number;
  timestamp: string;
}

export const lesson: Lesson = {
  name: 'controller-failover',
  description: 'the controller dies: /controller moves to another broker and /controller_epoch rises',
  cluster: { brokers: 3, brokerConfig: { 'zookeeper.session.timeout.ms': String(SESSION_TIMEOUT_MS) } },
  run,
};

async function run(ctx: LessonContext): Promise<void> {
  const zk = new QuietZk(ctx.zookeeper);
  try {
    await controllerFailover(ctx, zk);
  } finally {
    zk.close();
  }
}

async function showController(ctx: LessonContext): Promise<{ id: number; epoch: number }> {
  const node = JSON.parse(await ctx.zkGet('/controller')) as ControllerZNode;
  const epoch = Number(await ctx.zkGet('/controller_epoch'));
  return { id: node.brokerid, epoch };
}

/** Waits until /controller names a broker other than `old` and returns it with /controller_epoch. */
async function waitForNewController(ctx: LessonContext, zk: QuietZk, old: number): Promise<{ id: number; epoch: number }> {
  await ctx.waitFor(
    `a controller other than broker ${old}`,
    async () => {
      const id = await zk.controller();
      return id !== undefined && id !== old;
    },
    60_000,
  );
  return showController(ctx);
}

async function controllerFailover(ctx: LessonContext, zk: QuietZk): Promise<void> {
  const topic = `controller-demo-${ctx.runId}`;
  const alive = await zk.brokerIds();
  ctx.check(alive.length >= 3, `the lesson needs 3 live brokers, /brokers/ids lists [${alive}]`);

  await ctx.step('Who is the controller?');
  ctx.say('Every broker tries to create the ephemeral znode /controller at start-up; the first one wins and becomes the controller.');
  const first = await showController(ctx);
  ctx.say(`Broker ${first.id} is the controller; /controller_epoch is ${first.epoch} (one per election since the cluster was created).`);
  ctx.watch(`the controller badge on broker ${first.id}`);

  await ctx.step('Create a topic whose partition 0 is led by the controller');
  const others = alive.filter((id) => id !== first.id);
  const assignment = [
    [first.id, others[0], others[1]],
    [others[0], others[1], first.id],
  ];
  await ctx.sh(
    `bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${assignment.map((r) => r.join(':')).join(',')}`,
  );
  await ctx.waitFor('both partitions to have their leaders', async () => {
    const states = await Promise.all([0, 1].map((p) => zk.partitionState(topic, p)));
    return states.every((s, p) => s && s.leader === assignment[p][0] && s.isr.length === 3);
  });
  const before = parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
  ctx.say(`controller_epoch ${before.controller_epoch} in the state znode: the epoch of the controller that last wrote it.`);

  await ctx.step(`SIGKILL the controller, broker ${first.id}`);
  await ctx.killBroker(first.id);
  const killedAt = Date.now();
  const lingering = await zk.controller();
  ctx.say(
    `Right after the kill /controller still names broker ${lingering}: the znode is ephemeral, it lives as long as the dead broker's ` +
      `ZooKeeper session, until zookeeper.session.timeout.ms (${SESSION_TIMEOUT_MS} ms here) passes without a heartbeat.`,
  );
  ctx.check(lingering === first.id, `/controller should still name the killed broker ${first.id} until its session expires, it names ${lingering}`);
  ctx.watch('the controller badge: it stays on the dead broker for a few seconds, then moves');
  const second = await waitForNewController(ctx, zk, first.id);
  const tookS = (Date.now() - killedAt) / 1000;
  ctx.say(`Broker ${second.id} won the election after ${tookS.toFixed(1)} s; /controller_epoch ${first.epoch} -> ${second.epoch}.`);
  ctx.check(second.epoch > first.epoch, `/controller_epoch did not rise: ${first.epoch} -> ${second.epoch}`);
  ctx.check(others.includes(second.id), `the new controller ${second.id} should be one of the live brokers [${others}]`);

  await ctx.step("The new controller moved the dead broker's leadership");
  const moved = await ctx.waitFor(
    `partition 0 to get a new leader from controller epoch ${second.epoch}`,
    async () => {
      const s = await zk.partitionState(topic, 0);
      return s && s.leader !== first.id && s.leader >= 0 && s.controller_epoch === second.epoch ? s : undefined;
    },
    30_000,
  );
  parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
  ctx.check(moved.leader_epoch > before.leader_epoch, `leader_epoch did not rise: ${before.leader_epoch} -> ${moved.leader_epoch}`);
  ctx.say(
    `Partition 0 is now led by broker ${moved.leader} (leader_epoch ${moved.leader_epoch}) and the znode carries controller_epoch ${moved.controller_epoch}: ` +
      'brokers ignore LeaderAndIsr requests from a controller with an older epoch.',
  );

  await ctx.step(`Restart broker ${first.id}: it comes back as an ordinary broker`);
  await ctx.startBroker(first.id);
  await ctx.waitFor(`broker ${first.id} to register again`, async () => (await zk.brokerIds()).includes(first.id), 90_000);
  await ctx.zkLs('/brokers/ids');
  const still = await showController(ctx);
  ctx.check(still.id === second.id, `the controller should stay broker ${second.id} when broker ${first.id} returns, it is ${still.id}`);
  ctx.check(still.epoch === second.epoch, `/controller_epoch should not change when a broker returns: ${second.epoch} -> ${still.epoch}`);
  ctx.say(`/controller exists, so broker ${first.id}'s attempt to create it fails and it does not become controller again.`);

  await ctx.step(`Stop the controller, broker ${second.id}, cleanly (SIGTERM, what bin/kafka-server-stop sends)`);
  const stopStarted = Date.now();
  await ctx.stopBroker(second.id);
  const third = await waitForNewController(ctx, zk, second.id);
  ctx.say(
    `A controlled shutdown closes the ZooKeeper session, so /controller goes at once: broker ${third.id} took over ` +
      `${((Date.now() - stopStarted) / 1000).toFixed(1)} s after the SIGTERM (including the broker's own shutdown); /controller_epoch ${second.epoch} -> ${third.epoch}.`,
  );
  ctx.check(third.epoch > second.epoch, `/controller_epoch did not rise: ${second.epoch} -> ${third.epoch}`);

  await ctx.step(`Restart broker ${second.id}`);
  await ctx.startBroker(second.id);
  await ctx.waitFor(`broker ${second.id} to register again`, async () => (await zk.brokerIds()).includes(second.id), 90_000);
  await ctx.zkLs('/brokers/ids');
  ctx.say('All three brokers are back; the controller stays where the last election put it.');
}
