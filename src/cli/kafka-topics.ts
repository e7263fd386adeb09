/**
 * kafka-topics (Kafka's TopicCommand): --list, --create, --describe (with the under-replicated /
 * unavailable / min-ISR filters and --topics-with-overrides), --alter --partitions, --delete, through the
 * Admin API (kafkajs) with --bootstrap-server, or through ZooKeeper directly with the legacy --zookeeper
 * flag that Kafka 2.x still had (see TopicCommandZk). Output lines are Kafka 3.7's.
 */
import { Command } from 'commander';
import { Admin, ConfigResourceTypes, ITopicConfig } from 'kafkajs';
import * as Topic from '../admin/Topic';
import { Uuid } from '../common/Uuid';
import { CreatePartitionsApi } from '../protocol/apis/37-create-partitions';
import { errorInfo } from '../protocol/errors';
import { describeTopics, listPartitionReassignments, sendToController } from './AdminRequests';
import { CommandError, brokerList, collect, createKafka, fail, loadProps, runTool } from './CommandUtils';
import { runZkTopicCommand } from './TopicCommandZk';
import {
  PartitionInfo,
  TopicInfo,
  TopicOpts,
  describeFilters,
  topicFilter,
  parseReplicaAssignment,
  parseTopicConfigs,
  printPartition,
  printTopic,
  checkTopicArgs,
} from './TopicCommandOptions';

function buildProgram(): Command {
  return new Command('kafka-topics')
    .description('Create, delete, describe, or change a topic.')
    .option('--bootstrap-server <server to connect to>', 'REQUIRED: The Kafka server to connect to.')
    .option('--zookeeper <hosts>', 'DEPRECATED (Kafka 2.x): The connection string for the zookeeper connection in the form host:port.')
    .option('--command-config <command config property file>', 'Property file containing configs to be passed to Admin Client.')
    .option('--list', 'List all available topics.')
    .option('--create', 'Create a new topic.')
    .option('--delete', 'Delete a topic')
    .option('--alter', 'Alter the number of partitions and replica assignment.')
    .option('--describe', 'List details for the given topics.')
    .option('--topic <topic>', 'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option.')
    .option('--topic-id <topic-id>', 'The topic-id to describe.')
    .option('--partitions <Integer: # of partitions>', 'The number of partitions for the topic being created or altered.')
    .option('--replication-factor <Integer: replication factor>', 'The replication factor for each partition in the topic being created.')
    .option(
      '--replica-assignment <broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , ...>',
      'A list of manual partition-to-broker assignments for the topic being created or altered.',
    )
    .option('--config <name=value>', 'A topic configuration override for the topic being created.', collect, [])
    .option('--delete-config <name>', 'A topic configuration override to be removed for an existing topic (ZooKeeper mode only).', collect, [])
    .option('--if-exists', 'if set when altering or deleting or describing topics, the action will only execute if the topic exists.')
    .option('--if-not-exists', 'if set when creating topics, the action will only execute if the topic does not already exist.')
    .option('--exclude-internal', 'exclude internal topics when running list or describe command.')
    .option('--under-replicated-partitions', 'if set when describing topics, only show under replicated partitions')
    .option('--unavailable-partitions', 'if set when describing topics, only show partitions whose leader is not available')
    .option('--under-min-isr-partitions', 'if set when describing topics, only show partitions whose isr count is less than the configured minimum.')
    .option('--at-min-isr-partitions', 'if set when describing topics, only show partitions whose isr count is equal to the configured minimum.')
    .option('--topics-with-overrides', 'if set when describing topics, only show topics that have overridden configs')
    .option('--version', 'Display Kafka version.');
}

async function describeConfigs(admin: Admin, topics: string[]): Promise<Map<string, Map<string, { value: string; isDefault: boolean }>>> {
  const out = new Map<string, Map<string, { value: string; isDefault: boolean }>>();
  if (topics.length === 0) return out;
  try {
    const res = await admin.describeConfigs({ resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })), includeSynonyms: false });
    for (const r of res.resources) {
      const m = new Map<string, { value: string; isDefault: boolean }>();
      for (const e of r.configEntries) m.set(e.configName, { value: e.configValue, isDefault: e.isDefault });
      out.set(r.resourceName, m);
    }
  } catch {
    // A broker without DescribeConfigs: Kafka's tool would fail; we show the topic without configs.
  }
  return out;
}

async function listReassignments(bootstrap: string[], topics: string[]): Promise<Map<string, { adding: number[]; removing: number[]; replicas: number[] }>> {
  const out = new Map<string, { adding: number[]; removing: number[]; replicas: number[] }>();
  try {
    for (const r of await listPartitionReassignments(bootstrap)) {
      if (topics.includes(r.topic)) out.set(`${r.topic}-${r.partition}`, { adding: r.adding, removing: r.removing, replicas: r.replicas });
    }
  } catch {
    // Kafka ignores UnsupportedVersion/ClusterAuthorization here (TopicService.listAllReassignments).
  }
  return out;
}

async function getTopics(admin: Admin, opts: TopicOpts): Promise<string[]> {
  const all = (await admin.listTopics()).sort();
  return topicFilter(all, opts.topic, !!opts.excludeInternal);
}

function ensureTopicExists(found: string[], requested: string | undefined, requireExists: boolean): void {
  if (requested && requireExists && found.length === 0) fail(`Error while executing topic command : Topic '${requested}' does not exist as expected`);
}

async function create(admin: Admin, opts: TopicOpts): Promise<void> {
  const name = opts.topic!;
  if (Topic.hasCollisionChars(name)) {
    console.log(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.",
    );
  }
  const rf = opts.replicationFactor !== undefined ? Number(opts.replicationFactor) : undefined;
  const partitions = opts.partitions !== undefined ? Number(opts.partitions) : undefined;
  if (rf !== undefined && (rf > 32767 || rf < 1)) fail('The replication factor must be between 1 and 32767 inclusive');
  if (partitions !== undefined && partitions < 1) fail('The partitions must be greater than 0');
  const configs = parseTopicConfigs(opts.config ?? []);
  const spec: ITopicConfig = { topic: name, configEntries: [...configs].map(([n, value]) => ({ name: n, value })) };
  if (opts.replicaAssignment) {
    const a = parseReplicaAssignment(opts.replicaAssignment);
    spec.replicaAssignment = [...a].map(([partition, replicas]) => ({ partition, replicas }));
  } else {
    spec.numPartitions = partitions ?? -1;
    spec.replicationFactor = rf ?? -1;
  }
  try {
    const created = await admin.createTopics({ topics: [spec], waitForLeaders: false });
    if (!created) throw new Error(`Topic '${name}' already exists.`);
    console.log(`Created topic ${name}.`);
  } catch (e) {
    const err = e as { type?: string; message?: string; errors?: { type?: string; message?: string }[] };
    const inner = err.errors?.[0] ?? err;
    const exists = inner.type === 'TOPIC_ALREADY_EXISTS' || /already exists/.test(inner.message ?? '');
    if (exists && opts.ifNotExists) return;
    throw new CommandError(`Error while executing topic command : ${exists ? `Topic '${name}' already exists.` : (inner.message ?? String(e))}`);
  }
}

/**
 * TopicService.describeTopic: the topics named by --topic (a regular expression), or the one whose id is --topic-id
 * (which wins over --topic), described with their ids (TopicDescription.printDescription prints "TopicId: <id>").
 */
async function describe(admin: Admin, opts: TopicOpts, bootstrap: string[]): Promise<void> {
  let inputTopicId: Uuid | null = null;
  if (opts.topicId !== undefined) {
    try {
      inputTopicId = Uuid.fromString(opts.topicId);
    } catch (e) {
      fail(`Error while executing topic command : ${(e as Error).message}`);
    }
    if (inputTopicId.equals(Uuid.ZERO_UUID)) inputTopicId = null;
  }
  let topics: string[];
  if (inputTopicId !== null) {
    // getTopicIds: the listed topics' ids (internal ones unless --exclude-internal) that equal --topic-id.
    const all = await describeTopics(bootstrap, null);
    const id = inputTopicId.toBytes();
    topics = all.topics.filter((t) => t.name !== null && t.topicId?.equals(id) && !(opts.excludeInternal && t.isInternal)).map((t) => t.name!);
    if (topics.length === 0 && !opts.ifExists) fail(`Error while executing topic command : TopicId '${opts.topicId}' does not exist as expected`);
  } else {
    topics = await getTopics(admin, opts);
    ensureTopicExists(topics, opts.topic, !opts.ifExists);
  }
  if (topics.length === 0) return;
  const md = await describeTopics(bootstrap, topics);
  const configs = await describeConfigs(admin, topics);
  const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const reassignments = await listReassignments(bootstrap, topics);
  const filters = describeFilters(opts, live);
  const byName = new Map(md.topics.map((t) => [t.name, t]));
  for (const name of topics) {
    const t = byName.get(name);
    if (!t || t.errorCode !== 0) continue;
    const cfg = configs.get(name) ?? new Map<string, { value: string; isDefault: boolean }>();
    const overrides = [...cfg].filter(([, v]) => !v.isDefault).map(([k, v]) => `${k}=${v.value}`);
    const parts: PartitionInfo[] = t.partitions
      .map((p) => {
        const ra = reassignments.get(`${name}-${p.partitionIndex}`);
        return { partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, adding: ra?.adding, removing: ra?.removing };
      })
      .sort((a, b) => a.partition - b.partition);
    if (parts.length === 0) continue;
    const minIsr = Number(cfg.get('min.insync.replicas')?.value ?? 1);
    const topicId = t.topicId ? Uuid.fromBytes(t.topicId).toString() : null;
    const info: TopicInfo = { name, topicId, configs: overrides, partitions: parts, minIsr, markedForDeletion: false };
    if (filters.describeConfigs && (!opts.topicsWithOverrides || overrides.length > 0)) printTopic(info);
    if (filters.describePartitions) for (const p of parts) if (filters.shouldPrint(p, minIsr)) printPartition(name, p, false);
  }
}

async function alter(admin: Admin, bootstrap: string[], opts: TopicOpts): Promise<void> {
  const topics = await getTopics(admin, opts);
  ensureTopicExists(topics, opts.topic, !opts.ifExists);
  if (topics.length === 0) return;
  const count = Number(opts.partitions);
  const md = await admin.fetchTopicMetadata({ topics });
  const assignment = opts.replicaAssignment ? parseReplicaAssignment(opts.replicaAssignment) : null;
  const topicPartitions = md.topics.map((t) => {
    const existing = t.partitions.length;
    const assignments = assignment ? [...assignment].filter(([p]) => p >= existing).map(([, r]) => r) : undefined;
    return { topic: t.name, count, assignments };
  });
  // KafkaAdminClient.createPartitions sends CreatePartitions to the controller and fails with the result's error
  // message (ApiError(code, message)): kafkajs keeps only the code's default text, so the request is ours.
  const res = await sendToController(bootstrap, CreatePartitionsApi, 3, {
    topics: topicPartitions.map((t) => ({
      name: t.topic,
      count: t.count,
      assignments: t.assignments && t.assignments.length > 0 ? t.assignments.map((brokerIds) => ({ brokerIds })) : null,
    })),
    timeoutMs: 30000,
    validateOnly: false,
  });
  const failed = res.results.find((r) => r.errorCode !== 0);
  if (failed) throw new CommandError(`Error while executing topic command : ${failed.errorMessage ?? errorInfo(failed.errorCode).message}`);
}

async function remove(admin: Admin, opts: TopicOpts): Promise<void> {
  const topics = await getTopics(admin, opts);
  ensureTopicExists(topics, opts.topic, !opts.ifExists);
  if (topics.length === 0) return;
  const internal = topics.filter((t) => Topic.isInternal(t));
  if (internal.length > 0)
    fail(`Error while executing topic command : Topic ${internal[0]} is a kafka internal topic and is not allowed to be marked for deletion.`);
  try {
    await admin.deleteTopics({ topics });
  } catch (e) {
    throw new CommandError(`Error while executing topic command : ${(e as Error).message}`);
  }
}

async function execute(program: Command): Promise<number> {
  const opts = program.opts<TopicOpts>();
  if (opts.version) {
    console.log('3.7.0 (kafka-zk-ts)');
    return 0;
  }
  checkTopicArgs(opts);
  if (opts.zookeeper) return runZkTopicCommand(opts);
  const props = loadProps(opts.commandConfig);
  const bootstrap = brokerList(opts.bootstrapServer ?? props.get('bootstrap.servers'));
  const kafka = createKafka(bootstrap, { clientId: 'kafka-topics', props });
  const admin = kafka.admin();
  try {
    await admin.connect();
    if (opts.create) await create(admin, opts);
    else if (opts.list) {
      // Kafka prints the joined list with println, so an empty cluster gives one empty line.
      console.log((await getTopics(admin, opts)).join('\n'));
    } else if (opts.describe) await describe(admin, opts, bootstrap);
    else if (opts.alter) await alter(admin, bootstrap, opts);
    else if (opts.delete) await remove(admin, opts);
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function main(): void {
  runTool(buildProgram(), execute, 'Error while executing topic command : ');
}

if (require.main === module) main();
