/**
 * TopicCommand's option checks (TopicCommandOptions.checkArgs), parsers (replica assignment, --config) and
 * the describe output (TopicDescription / PartitionDescription.printDescription), shared by the Admin-API
 * and the ZooKeeper mode of kafka-topics.
 */
import * as Topic from '../admin/Topic';
import { fail } from './CommandUtils';

export interface TopicOpts {
  bootstrapServer?: string;
  zookeeper?: string;
  commandConfig?: string;
  list?: boolean;
  create?: boolean;
  delete?: boolean;
  alter?: boolean;
  describe?: boolean;
  topic?: string;
  topicId?: string;
  partitions?: string;
  replicationFactor?: string;
  replicaAssignment?: string;
  config?: string[];
  deleteConfig?: string[];
  ifExists?: boolean;
  ifNotExists?: boolean;
  excludeInternal?: boolean;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
  underMinIsrPartitions?: boolean;
  atMinIsrPartitions?: boolean;
  topicsWithOverrides?: boolean;
  version?: boolean;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when the partition has no leader */
  leader: number;
  replicas: number[];
  isr: number[];
  adding?: number[];
  removing?: number[];
}

export interface TopicInfo {
  name: string;
  topicId: string | null;
  configs: string[];
  partitions: PartitionInfo[];
  minIsr: number;
  markedForDeletion: boolean;
}

const ACTIONS = ['create', 'list', 'alter', 'describe', 'delete'] as const;

function checkInvalid(opts: TopicOpts, used: keyof TopicOpts, flag: string, allowed: (typeof ACTIONS)[number][]): void {
  const v = opts[used];
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return;
  const bad = ACTIONS.find((a) => opts[a] && !allowed.includes(a));
  if (bad) fail(`Option "[${flag}]" can't be used with option "[${bad}]"`);
}

/** TopicCommandOptions.checkArgs, with the messages of Kafka 3.7. */
export function checkTopicArgs(opts: TopicOpts): void {
  const actions = ACTIONS.filter((a) => opts[a]).length;
  if (actions !== 1) fail('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  if (!opts.bootstrapServer && !opts.zookeeper && !opts.commandConfig) fail('--bootstrap-server must be specified');
  if (opts.bootstrapServer && opts.zookeeper) fail('Only one of --bootstrap-server or --zookeeper must be specified');
  if (!opts.list && !opts.describe && !opts.topic) fail('Missing required argument "[topic]"');
  if (opts.describe && opts.ifExists && !opts.topic && !opts.topicId) fail('--topic or --topic-id is required to describe a topic');
  if (opts.alter && !opts.partitions && !(opts.zookeeper && ((opts.config?.length ?? 0) > 0 || (opts.deleteConfig?.length ?? 0) > 0))) {
    fail('Missing required argument "[partitions]"');
  }
  if (opts.alter && !opts.zookeeper && (opts.config?.length ?? 0) > 0) {
    fail('Option "[config]" can\'t be used with option "[alter]" (to alter topic configurations use kafka-configs.sh)');
  }
  checkInvalid(opts, 'config', 'config', ['alter', 'create']);
  checkInvalid(opts, 'partitions', 'partitions', ['alter', 'create']);
  checkInvalid(opts, 'replicationFactor', 'replication-factor', ['create']);
  checkInvalid(opts, 'replicaAssignment', 'replica-assignment', ['alter', 'create']);
  if (opts.create && opts.replicaAssignment && (opts.partitions || opts.replicationFactor)) {
    fail(`Option "[replica-assignment]" can't be used with option "[${opts.partitions ? 'partitions' : 'replication-factor'}]"`);
  }
  checkInvalid(opts, 'ifExists', 'if-exists', ['alter', 'delete', 'describe']);
  checkInvalid(opts, 'ifNotExists', 'if-not-exists', ['create']);
  for (const [k, flag] of [
    ['underReplicatedPartitions', 'under-replicated-partitions'],
    ['unavailablePartitions', 'unavailable-partitions'],
    ['underMinIsrPartitions', 'under-min-isr-partitions'],
    ['atMinIsrPartitions', 'at-min-isr-partitions'],
    ['topicsWithOverrides', 'topics-with-overrides'],
  ] as const) {
    checkInvalid(opts, k, flag, ['describe']);
  }
  for (const [k, flag] of [
    ['partitions', 'partitions'],
    ['replicationFactor', 'replication-factor'],
  ] as const) {
    const v = opts[k];
    if (v !== undefined && !/^-?\d+$/.test(v)) fail(`Cannot parse argument '${v}' of option ${flag}`);
  }
}

/** Kafka's IncludeList: the --topic value is a regular expression matched against the whole name. */
export function topicFilter(all: string[], include: string | undefined, excludeInternal: boolean): string[] {
  if (!include) return all.filter((t) => !(Topic.isInternal(t) && excludeInternal));
  const raw = include
    .trim()
    .replace(/,/g, '|')
    .replace(/ /g, '')
    .replace(/^["']+/, '')
    .replace(/["']+$/, '');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${raw})$`);
  } catch {
    fail(`${include} is an invalid regex.`);
  }
  return all.filter((t) => re.test(t) && !(Topic.isInternal(t) && excludeInternal));
}

/** TopicCommand.parseReplicaAssignment: "1:2,2:3" → partition → replicas. */
export function parseReplicaAssignment(list: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  list.split(',').forEach((part, i) => {
    const brokers = part.split(':').map((s) => {
      const n = Number(s.trim());
      if (!/^\d+$/.test(s.trim())) fail(`For input string: "${s.trim()}"`);
      return n;
    });
    const dups = brokers.filter((b, j) => brokers.indexOf(b) !== j);
    if (dups.length > 0) fail(`Partition replica lists may not contain duplicate entries: ${[...new Set(dups)].join(',')}`);
    out.set(i, brokers);
    if (brokers.length !== out.get(0)!.length) fail(`Partition ${i} has different replication factor: [${brokers.join(', ')}]`);
  });
  return out;
}

/** TopicCommand.parseTopicConfigsToBeAdded: each --config must be key=val. */
export function parseTopicConfigs(items: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const kv = item.split(/\s*=\s*/);
    if (kv.length !== 2) fail('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".');
    out.set(kv[0].trim(), kv[1].trim());
  }
  return out;
}

/** TopicCommand.DescribeOptions: which topic header lines and which partition lines to print. */
export function describeFilters(opts: TopicOpts, liveBrokers: ReadonlySet<number>) {
  const describeConfigs = !opts.unavailablePartitions && !opts.underReplicatedPartitions && !opts.underMinIsrPartitions && !opts.atMinIsrPartitions;
  const describePartitions = !opts.topicsWithOverrides;
  const replicationFactor = (p: PartitionInfo) =>
    (p.adding && p.adding.length > 0) || (p.removing && p.removing.length > 0) ? p.replicas.length - (p.adding?.length ?? 0) : p.replicas.length;
  const hasLeader = (p: PartitionInfo) => p.leader >= 0;
  const shouldPrint = (p: PartitionInfo, minIsr: number): boolean =>
    describeConfigs ||
    (!!opts.underReplicatedPartitions && replicationFactor(p) - p.isr.length > 0) ||
    (!!opts.unavailablePartitions && (!hasLeader(p) || !liveBrokers.has(p.leader))) ||
    (!!opts.underMinIsrPartitions && (!hasLeader(p) || p.isr.length < minIsr)) ||
    (!!opts.atMinIsrPartitions && p.isr.length === minIsr);
  return { describeConfigs, describePartitions, shouldPrint, replicationFactor };
}

/** TopicDescription.printDescription. */
export function printTopic(t: TopicInfo): void {
  const p0 = t.partitions[0];
  const rf = p0 ? ((p0.adding?.length ?? 0) > 0 || (p0.removing?.length ?? 0) > 0 ? p0.replicas.length - (p0.adding?.length ?? 0) : p0.replicas.length) : 0;
  let line = `Topic: ${t.name}`;
  if (t.topicId && t.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA') line += `\tTopicId: ${t.topicId}`;
  line += `\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${t.configs.join(',')}`;
  if (t.markedForDeletion) line += '\tMarkedForDeletion: true';
  console.log(line);
}

/** PartitionDescription.printDescription. */
export function printPartition(topic: string, p: PartitionInfo, markedForDeletion: boolean): void {
  let line = `\tTopic: ${topic}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`;
  if (p.adding !== undefined || p.removing !== undefined) {
    line += `\tAdding Replicas: ${(p.adding ?? []).join(',')}\tRemoving Replicas: ${(p.removing ?? []).join(',')}`;
  }
  if (markedForDeletion) line += '\tMarkedForDeletion: true';
  console.log(line);
}
