/**
 * kafka-topics --zookeeper: Kafka 2.x's ZookeeperTopicService, reading and writing the znodes directly
 * (AdminZkClient.createTopic / addPartitions, /admin/delete_topics/<t> for deletion) with 2.x's output:
 * " - marked for deletion" in --list, "Adding partitions succeeded!", "Topic t is marked for deletion.".
 */
import * as AdminUtils from '../admin/AdminUtils';
import * as Topic from '../admin/Topic';
import { configureLogging } from '../common/logger';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import * as D from '../zk/ZkData';
import { CommandError, fail } from './CommandUtils';
import {
  PartitionInfo,
  TopicOpts,
  describeFilters,
  parseReplicaAssignment,
  parseTopicConfigs,
  printPartition,
  printTopic,
  topicFilter,
} from './TopicCommandOptions';

const PREFIX = 'Error while executing topic command : ';

async function connect(connectString: string): Promise<KafkaZkClient> {
  try {
    return await KafkaZkClient.create(connectString, 30000, 10000, '[kafka-topics] ');
  } catch (e) {
    throw new CommandError(`${PREFIX}Timed out waiting for connection while in state: CONNECTING (${connectString}: ${(e as Error).message})`);
  }
}

async function getTopics(zk: KafkaZkClient, opts: TopicOpts): Promise<string[]> {
  return topicFilter((await zk.getAllTopicsInCluster()).sort(), opts.topic, !!opts.excludeInternal);
}

function ensureExists(found: string[], opts: TopicOpts): void {
  if (opts.topic && !opts.ifExists && found.length === 0) fail(`${PREFIX}Topic '${opts.topic}' does not exist as expected`);
}

async function create(zk: KafkaZkClient, opts: TopicOpts): Promise<void> {
  const name = opts.topic!;
  try {
    Topic.validate(name);
  } catch (e) {
    fail(PREFIX + (e as Error).message);
  }
  if (Topic.hasCollisionChars(name)) {
    console.log(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.",
    );
  }
  const existing = await zk.getAllTopicsInCluster();
  if (existing.includes(name)) {
    if (opts.ifNotExists) return;
    fail(`${PREFIX}Topic '${name}' already exists.`);
  }
  const colliding = existing.filter((t) => t !== name && Topic.hasCollision(t, name));
  if (colliding.length > 0) fail(`${PREFIX}Topic '${name}' collides with existing topics: ${colliding.join(', ')}`);
  const configs = Object.fromEntries(parseTopicConfigs(opts.config ?? []));
  let assignment: Map<number, number[]>;
  if (opts.replicaAssignment) {
    assignment = parseReplicaAssignment(opts.replicaAssignment);
    const live = new Set(await zk.getSortedBrokerList());
    for (const [p, replicas] of assignment) {
      const missing = replicas.filter((b) => !live.has(b));
      if (missing.length > 0) fail(`${PREFIX}Unknown broker(s) in replica assignment of partition ${p}: ${missing.join(', ')}.`);
    }
  } else {
    if (opts.partitions === undefined) fail('Missing required argument "[partitions]"');
    if (opts.replicationFactor === undefined) fail('Missing required argument "[replication-factor]"');
    const brokers = (await zk.getAllBrokersInCluster()).map((b) => ({ id: b.info.id, rack: b.info.rack ?? undefined })).sort((a, b) => a.id - b.id);
    try {
      assignment = AdminUtils.assignReplicasToBrokers(brokers, Number(opts.partitions), Number(opts.replicationFactor));
    } catch (e) {
      fail(PREFIX + (e as Error).message);
    }
  }
  try {
    await zk.createTopicWithConfig(name, D.randomTopicId(), assignment, configs);
  } catch (e) {
    if (/already exists/.test((e as Error).message) && opts.ifNotExists) return;
    fail(PREFIX + (e as Error).message);
  }
  console.log(`Created topic ${name}.`);
}

async function list(zk: KafkaZkClient, opts: TopicOpts): Promise<void> {
  const topics = await getTopics(zk, opts);
  const lines: string[] = [];
  for (const t of topics) lines.push((await zk.isTopicMarkedForDeletion(t)) ? `${t} - marked for deletion` : t);
  if (lines.length > 0) console.log(lines.join('\n'));
}

async function describe(zk: KafkaZkClient, opts: TopicOpts): Promise<void> {
  const topics = await getTopics(zk, opts);
  ensureExists(topics, opts);
  const live = new Set(await zk.getSortedBrokerList());
  const filters = describeFilters(opts, live);
  const assignments = await zk.getReplicaAssignmentAndTopicIds(topics);
  for (const name of topics) {
    const a = assignments.get(name);
    if (!a || a.partitions.size === 0) continue;
    const marked = await zk.isTopicMarkedForDeletion(name);
    const config = await zk.getTopicConfig(name);
    const ids = [...a.partitions.keys()].sort((x, y) => x - y);
    const states = await zk.getTopicPartitionStates(ids.map((partition) => ({ topic: name, partition })));
    const parts: PartitionInfo[] = ids.map((partition) => {
      const s = states.get(`${name}-${partition}`)?.leaderAndIsr;
      const leader = s?.leader ?? -1;
      const adding = a.adding.get(partition);
      const removing = a.removing.get(partition);
      return {
        partition,
        leader,
        replicas: a.partitions.get(partition) ?? [],
        isr: s?.isr ?? [],
        ...(adding || removing ? { adding: adding ?? [], removing: removing ?? [] } : {}),
      };
    });
    const overrides = Object.entries(config).map(([k, v]) => `${k}=${v}`);
    const minIsr = Number(config['min.insync.replicas'] ?? 1);
    if (filters.describeConfigs && (!opts.topicsWithOverrides || overrides.length > 0)) {
      printTopic({ name, topicId: a.topicId, configs: overrides, partitions: parts, minIsr, markedForDeletion: marked });
    }
    if (filters.describePartitions) for (const p of parts) if (filters.shouldPrint(p, minIsr)) printPartition(name, p, marked);
  }
}

async function alter(zk: KafkaZkClient, opts: TopicOpts): Promise<void> {
  const topics = await getTopics(zk, opts);
  ensureExists(topics, opts);
  for (const name of topics) {
    if (Topic.isInternal(name)) fail(`${PREFIX}The number of partitions for the internal topics${name} cannot be changed.`);
    if ((opts.config?.length ?? 0) > 0 || (opts.deleteConfig?.length ?? 0) > 0) {
      // 2.x's deprecated --alter --config path (AdminZkClient.changeTopicConfig): rewrite /config/topics/<t>, then
      // a /config/changes notification so that every running broker applies it at once.
      const current = await zk.getTopicConfig(name);
      for (const [k, v] of parseTopicConfigs(opts.config ?? [])) current[k] = v;
      for (const k of opts.deleteConfig ?? []) delete current[k.trim()];
      console.log('WARNING: Altering topic configuration from this script has been deprecated and may be removed in future releases.');
      console.log('         Going forward, please use kafka-configs.sh for this functionality');
      await zk.setOrCreateEntityConfigs(D.ConfigType.Topic, name, current);
      await zk.createConfigChangeNotification(`${D.ConfigType.Topic}/${name}`);
      console.log(`Updated config for topic ${name}.`);
    }
    if (opts.partitions === undefined) continue;
    const target = Number(opts.partitions);
    const a = (await zk.getReplicaAssignmentAndTopicIds([name])).get(name)!;
    const existing = a.partitions.size;
    if (target <= existing)
      fail(
        `${PREFIX}The number of partitions for a topic can only be increased. Topic ${name} currently has ${existing} partitions, ${target} would not be an increase.`,
      );
    console.log('WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected');
    const next = new Map(a.partitions);
    if (opts.replicaAssignment) {
      for (const [p, r] of parseReplicaAssignment(opts.replicaAssignment)) if (p >= existing) next.set(p, r);
      if (next.size !== target) fail(`${PREFIX}Increasing the number of partitions by ${target - existing} but ${next.size - existing} assignments provided.`);
    } else {
      // AdminZkClient.addPartitions: new partitions start after partition 0's preferred leader.
      const brokers = (await zk.getAllBrokersInCluster()).map((b) => ({ id: b.info.id, rack: b.info.rack ?? undefined })).sort((x, y) => x.id - y.id);
      const p0 = a.partitions.get(0) ?? [];
      const start = Math.max(
        0,
        brokers.findIndex((b) => b.id >= (p0[0] ?? 0)),
      );
      const added = AdminUtils.assignReplicasToBrokers(brokers, target - existing, p0.length, start, existing);
      for (const [p, r] of added) next.set(p, r);
    }
    await zk.setTopicAssignment(name, { ...a, partitions: next });
    console.log('Adding partitions succeeded!');
  }
}

async function remove(zk: KafkaZkClient, opts: TopicOpts): Promise<void> {
  const topics = await getTopics(zk, opts);
  ensureExists(topics, opts);
  for (const name of topics) {
    if (Topic.isInternal(name)) fail(`${PREFIX}Topic ${name} is a kafka internal topic and is not allowed to be marked for deletion.`);
    if (await zk.isTopicMarkedForDeletion(name)) {
      console.log(`Topic ${name} is already marked for deletion.`);
      continue;
    }
    await zk.createDeleteTopicPath(name);
    console.log(`Topic ${name} is marked for deletion.`);
    console.log('Note: This will have no impact if delete.topic.enable is not set to true.');
  }
}

export async function runZkTopicCommand(opts: TopicOpts): Promise<number> {
  // Tools log only warnings, to stderr (Kafka's tools-log4j.properties).
  configureLogging({ level: 'ERROR', files: false, stream: process.stderr });
  const zk = await connect(opts.zookeeper!);
  try {
    if (opts.create) await create(zk, opts);
    else if (opts.list) await list(zk, opts);
    else if (opts.describe) await describe(zk, opts);
    else if (opts.alter) await alter(zk, opts);
    else if (opts.delete) await remove(zk, opts);
    return 0;
  } finally {
    await zk.close().catch(() => undefined);
  }
}
