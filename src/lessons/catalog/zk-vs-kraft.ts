/**
 * zk-vs-kraft: the same broker failure in both modes, side by side. A partition leader is SIGKILLed in a
 * ZooKeeper-mode cluster and in a KRaft cluster at the same moment.
 *  - ZooKeeper mode: the dead broker's ZooKeeper session expires (zookeeper.session.timeout.ms), its ephemeral
 *    /brokers/ids/<id> goes, the controller (a broker that won /controller) elects a new leader, writes the
 *    partition's state znode and sends LeaderAndIsr/UpdateMetadata requests to the brokers.
 *  - KRaft mode: the broker stops heartbeating; once broker.session.timeout.ms passes the active controller (a
 *    separate controller node, leader of the Raft quorum) fences it and appends a PartitionChangeRecord (new
 *    leader, smaller ISR) to the __cluster_metadata log, which every broker replicates and applies.
 * Both brokers are started again at the end, so a learner's clusters are left as they were. With --check the lesson
 * starts both clusters itself; otherwise it runs on `npm start` (ZooKeeper mode, brokers killed and started through
 * the observatory) and `npm start -- --kraft --broker-port 9192` (through that launcher's process control, --kraft-control).
 */
import { Kafka, logLevel } from 'kafkajs';
import { Lesson, LessonContext } from '../Lesson';
import { partitionStatePath, parseState } from './support/QuietZk';

/** With --check, the same failure-detection time in both modes: KRaft's broker.session.timeout.ms default is 9 s. */
const SESSION_TIMEOUT_MS = 9000;

export const lesson: Lesson = {
  name: 'zk-vs-kraft',
  description: 'the same broker failure in ZooKeeper mode and in KRaft mode, side by side',
  cluster: { brokers: 3, kraft: true, brokerConfig: { 'zookeeper.session.timeout.ms': String(SESSION_TIMEOUT_MS) } },
  run,
};

interface PartitionView {
  leader: number;
  isr: number[];
}

/** Partition 0 as a client sees it (Metadata), or undefined while no broker answers. */
async function partitionView(kafka: Kafka, topic: string): Promise<PartitionView | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const p = md.topics[0]?.partitions.find((x) => x.partitionId === 0);
    return p ? { leader: p.leader, isr: [...p.isr].sort((a, b) => a - b) } : undefined;
  } finally {
    await admin.disconnect();
  }
}

/** `Key: value` lines of kafka-metadata-quorum describe --status. */
function quorumField(stdout: string, key: string): number {
  return Number(new RegExp(`^${key}:\\s+(-?\\d+)`, 'm').exec(stdout)?.[1]);
}

async function run(ctx: LessonContext): Promise<void> {
  const kraft = ctx.kraft;
  ctx.check(!!kraft, 'zk-vs-kraft needs a KRaft cluster next to the ZooKeeper one: `npm start -- --kraft --broker-port 9192`, or --check');
  await sideBySide(ctx, kraft!);
}

async function sideBySide(ctx: LessonContext, kraft: NonNullable<LessonContext['kraft']>): Promise<void> {
  const topic = `zk-vs-kraft-${ctx.runId}`;
  const zkKafka = new Kafka({ clientId: 'zk-vs-kraft', brokers: ctx.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const kraftKafka = new Kafka({ clientId: 'zk-vs-kraft', brokers: kraft.bootstrap.split(','), logLevel: logLevel.NOTHING });

  await ctx.step('Two clusters: who is in charge?');
  ctx.say('ZooKeeper mode: one of the brokers is the controller, the one that created /controller.');
  const zkController = JSON.parse(await ctx.zkGet('/controller')) as { brokerid: number };
  ctx.say(
    `KRaft mode: the controller is the leader of the Raft quorum of controller nodes (${kraft.controllers}); brokers ${kraft.brokerIds} only follow the metadata log.`,
  );
  const q1 = await ctx.sh(`bin/kafka-metadata-quorum --bootstrap-controller ${kraft.controllers} describe --status`);
  const activeController = quorumField(q1.stdout, 'LeaderId');
  ctx.check(
    Number.isInteger(activeController) && !kraft.brokerIds.includes(activeController),
    `the KRaft active controller should be a controller node, not a broker: LeaderId ${activeController}`,
  );

  await ctx.step('The same topic in both: one partition, three replicas, led by a broker that is not the controller');
  const zkReplicas = [...ctx.brokerIds.filter((id) => id !== zkController.brokerid).slice(0, 2), zkController.brokerid];
  const kraftReplicas = kraft.brokerIds.slice(0, 3);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${zkReplicas.join(':')}`);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${kraft.bootstrap} --create --topic ${topic} --replica-assignment ${kraftReplicas.join(':')}`);
  const full = async (kafka: Kafka, leader: number): Promise<boolean> => {
    const v = await partitionView(kafka, topic);
    return !!v && v.leader === leader && v.isr.length === 3;
  };
  await ctx.waitFor(
    'both partitions to have their leader and three in-sync replicas',
    async () => (await full(zkKafka, zkReplicas[0])) && full(kraftKafka, kraftReplicas[0]),
    60_000,
  );
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
  await ctx.sh(`bin/kafka-topics --bootstrap-server ${kraft.bootstrap} --describe --topic ${topic}`);
  const zkBefore = parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
  const hwBefore = quorumField(
    (await ctx.sh(`bin/kafka-metadata-quorum --bootstrap-controller ${kraft.controllers} describe --status`)).stdout,
    'HighWatermark',
  );
  ctx.say('ZooKeeper mode keeps the partition state in a znode; KRaft mode keeps it as records in the metadata log, whose high watermark the quorum reports.');

  await ctx.step(`SIGKILL both leaders at once: broker ${zkReplicas[0]} (ZooKeeper mode) and broker ${kraftReplicas[0]} (KRaft mode)`);
  ctx.watch(`broker ${zkReplicas[0]} turn grey, then the partition's leader move and its ISR shrink (ZooKeeper mode only: the observatory reads ZooKeeper)`);
  const killedAt = Date.now();
  await Promise.all([ctx.killBroker(zkReplicas[0]), kraft.killBroker(kraftReplicas[0])]);
  try {
    ctx.say(
      "ZooKeeper mode notices when the broker's ZooKeeper session expires (zookeeper.session.timeout.ms: Kafka's default 18000, " +
        `${SESSION_TIMEOUT_MS} in --check's private cluster); KRaft mode when the broker has not heartbeated to the active controller ` +
        'for broker.session.timeout.ms (9000, the default).',
    );
    const moved = (kafka: Kafka, dead: number) => async (): Promise<PartitionView | undefined> => {
      const v = await partitionView(kafka, topic);
      return v && v.leader >= 0 && v.leader !== dead && !v.isr.includes(dead) ? v : undefined;
    };
    const timed = async (what: string, fn: () => Promise<PartitionView | undefined>): Promise<{ view: PartitionView; seconds: number }> => {
      const view = await ctx.waitFor(what, fn, 60_000);
      return { view, seconds: (Date.now() - killedAt) / 1000 };
    };
    const [zkAfter, kraftAfter] = await Promise.all([
      timed('a new leader in the ZooKeeper-mode cluster', moved(zkKafka, zkReplicas[0])),
      timed('a new leader in the KRaft cluster', moved(kraftKafka, kraftReplicas[0])),
    ]);

    await ctx.step('ZooKeeper mode: the controller rewrote the state znode');
    await ctx.zkLs('/brokers/ids');
    const zkState = parseState(await ctx.zkGet(partitionStatePath(topic, 0)));
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
    ctx.check(zkState.leader !== zkReplicas[0] && zkState.leader >= 0, `ZooKeeper mode: the state znode still names leader ${zkState.leader}`);
    ctx.check(zkState.leader_epoch > zkBefore.leader_epoch, `ZooKeeper mode: leader_epoch did not rise (${zkBefore.leader_epoch} -> ${zkState.leader_epoch})`);
    ctx.check(zkState.isr.length === 2, `ZooKeeper mode: the ISR should be the two live replicas, it is [${zkState.isr}]`);

    await ctx.step('KRaft mode: the active controller appended the change to the metadata log');
    const q2 = await ctx.sh(`bin/kafka-metadata-quorum --bootstrap-controller ${kraft.controllers} describe --status`);
    const hwAfter = quorumField(q2.stdout, 'HighWatermark');
    const describe = await ctx.sh(`bin/kafka-topics --bootstrap-server ${kraft.bootstrap} --describe --topic ${topic}`);
    const line = /Partition: 0\s+Leader: (\S+)\s+Replicas: (\S+)\s+Isr: (\S+)/.exec(describe.stdout);
    ctx.check(!!line, `kafka-topics --describe printed no partition line: ${describe.stdout.trim()}`);
    ctx.check(Number(line![1]) === kraftAfter.view.leader, `KRaft mode: kafka-topics shows leader ${line![1]}, metadata said ${kraftAfter.view.leader}`);
    ctx.check(line![3].split(',').length === 2, `KRaft mode: the ISR should be the two live replicas, it is ${line![3]}`);
    ctx.check(hwAfter > hwBefore, `KRaft mode: the metadata log's high watermark did not move (${hwBefore} -> ${hwAfter})`);
    ctx.say(
      `The metadata log grew from ${hwBefore} to ${hwAfter}: the fencing of broker ${kraftReplicas[0]} (a BrokerRegistrationChangeRecord) and the new ` +
        'leader and ISR (a PartitionChangeRecord) are among those records; the rest are the NoOpRecords the active controller appends while idle (KIP-835).',
    );

    await ctx.step('Side by side');
    ctx.say(`${''.padEnd(22)} ${'ZooKeeper mode'.padEnd(40)} KRaft mode`);
    ctx.say(`${'who decides'.padEnd(22)} ${`controller = broker ${zkController.brokerid}`.padEnd(40)} active controller = node ${activeController}`);
    ctx.say(`${'how it notices'.padEnd(22)} ${'ZooKeeper session expiry'.padEnd(40)} missed heartbeats (broker fenced)`);
    ctx.say(`${'where state lives'.padEnd(22)} ${'znodes in ZooKeeper'.padEnd(40)} records in __cluster_metadata`);
    ctx.say(
      `${'new leader'.padEnd(22)} ${`broker ${zkAfter.view.leader}, ISR [${zkAfter.view.isr}]`.padEnd(40)} broker ${kraftAfter.view.leader}, ISR [${kraftAfter.view.isr}]`,
    );
    ctx.say(`${'seen by a client after'.padEnd(22)} ${`${zkAfter.seconds.toFixed(1)} s`.padEnd(40)} ${kraftAfter.seconds.toFixed(1)} s`);
    ctx.check(kraftReplicas.includes(kraftAfter.view.leader), `KRaft mode: the new leader ${kraftAfter.view.leader} is not a replica [${kraftReplicas}]`);
    ctx.check(zkReplicas.includes(zkAfter.view.leader), `ZooKeeper mode: the new leader ${zkAfter.view.leader} is not a replica [${zkReplicas}]`);
    ctx.say('Both modes move leadership to an in-sync replica and shrink the ISR; what differs is who detects the failure and where the decision is written.');

    await ctx.step(`Start both brokers again: broker ${zkReplicas[0]} (ZooKeeper mode) and broker ${kraftReplicas[0]} (KRaft mode)`);
    ctx.say(
      'ZooKeeper mode: the broker registers a new /brokers/ids znode and the controller sends it LeaderAndIsr; KRaft mode: it registers ' +
        'with the active controller, catches up on the metadata log and is unfenced. Both then fetch what they missed and rejoin the ISR.',
    );
    await Promise.all([ctx.startBroker(zkReplicas[0]), kraft.startBroker(kraftReplicas[0])]);
    const rejoined = async (kafka: Kafka, id: number): Promise<boolean> => !!(await partitionView(kafka, topic))?.isr.includes(id);
    await ctx.waitFor(
      `brokers ${zkReplicas[0]} and ${kraftReplicas[0]} back in their partition's ISR`,
      async () => (await rejoined(zkKafka, zkReplicas[0])) && rejoined(kraftKafka, kraftReplicas[0]),
      60_000,
    );
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --describe --topic ${topic}`);
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${kraft.bootstrap} --describe --topic ${topic}`);
    ctx.say('Both clusters are whole again; the leaders stay where the failure put them until a preferred leader election moves them back.');
  } catch (e) {
    // A lesson that fails half-way still leaves a learner's clusters as they were: both killed brokers start again
    // (one that already did refuses, which is fine).
    ctx.say(`Starting brokers ${zkReplicas[0]} (ZooKeeper mode) and ${kraftReplicas[0]} (KRaft mode) again, so both clusters are as they were.`);
    await Promise.allSettled([ctx.startBroker(zkReplicas[0]), kraft.startBroker(kraftReplicas[0])]);
    throw e;
  }
}
