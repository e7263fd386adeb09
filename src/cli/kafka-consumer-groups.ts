/**
 * kafka-consumer-groups (Kafka 3.7's ConsumerGroupCommand): --list [--state], --describe with --offsets
 * (default), --members [--verbose] or --state, --reset-offsets (dry run by default, --execute, --export;
 * refused while the group has members), --delete, --delete-offsets. Tables use Kafka's column formats
 * (minimum widths of 15 grown to the widest value; "-" for a missing value).
 */
import { Command } from 'commander';
import { Admin } from 'kafkajs';
import { OffsetDeleteApi } from '../protocol/apis';
import { errorInfo } from '../protocol/errors';
import { findCoordinator, sendToCoordinator } from './AdminRequests';
import { CommandError, brokerList, collect, createKafka, fail, loadProps, runTool } from './CommandUtils';
import { GroupState, ResetOpts, Tp, committedOffsets, describeGroups, logOffsets, offsetsToReset, tpKey } from './ConsumerGroupService';

interface GroupOpts extends ResetOpts {
  bootstrapServer?: string;
  commandConfig?: string;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  deleteOffsets?: boolean;
  resetOffsets?: boolean;
  group: string[];
  allGroups?: boolean;
  topic: string[];
  allTopics?: boolean;
  members?: boolean;
  verbose?: boolean;
  offsets?: boolean;
  state?: string | boolean;
  dryRun?: boolean;
  execute?: boolean;
  export?: boolean;
  timeout: string;
}

const MISSING = '-';
const fmt = (widths: number[], cells: (string | number)[]) => cells.map((c, i) => (i < widths.length ? String(c).padEnd(widths[i]) : String(c))).join(' ');
const printError = (msg: string) => console.log(`\nError: ${msg}`);

function buildProgram(): Command {
  return new Command('kafka-consumer-groups')
    .description('This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.')
    .option('--bootstrap-server <String: server to connect to>', 'REQUIRED: The server(s) to connect to.')
    .option('--command-config <String: command config property file>', 'Property file containing configs to be passed to Admin Client and Consumer.')
    .option('--list', 'List all consumer groups.')
    .option('--describe', 'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.')
    .option('--delete', 'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group.')
    .option('--delete-offsets', 'Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.')
    .option('--reset-offsets', 'Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive.')
    .option('--group <String: consumer group>', 'The consumer group we wish to act on.', collect, [])
    .option('--all-groups', 'Apply to all consumer groups.')
    .option(
      '--topic <String: topic>',
      'The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process (topic or topic:0,1,2).',
      collect,
      [],
    )
    .option('--all-topics', 'Consider all topics assigned to a group in the `reset-offsets` process.')
    .option('--members', 'Describe members of the group.')
    .option('--verbose', 'Provide additional information, if any, when describing the group.')
    .option('--offsets', 'Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action.')
    .option(
      '--state [String]',
      "When specified with '--describe', includes the state of the group. When specified with '--list', display the state of all groups (optionally filtered).",
    )
    .option('--to-earliest', 'Reset offsets to earliest offset.')
    .option('--to-latest', 'Reset offsets to latest offset.')
    .option('--to-current', 'Reset offsets to current offset.')
    .option('--to-offset <Long: offset>', 'Reset offsets to a specific offset.')
    .option('--shift-by <Long: number-of-offsets>', "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative.")
    .option('--to-datetime <String: datetime>', "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'")
    .option('--by-duration <String: duration>', "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'")
    .option('--from-file <String: path to CSV file>', 'Reset offsets to values defined in CSV file.')
    .option('--dry-run', 'Only show results without executing changes on Consumer Groups.')
    .option('--execute', 'Execute operation.')
    .option('--export', 'Export operation execution to a CSV file.')
    .option('--timeout <Long: timeout (ms)>', 'The timeout that can be set for some use cases.', '5000');
}

function checkArgs(o: GroupOpts): void {
  const actions = [o.list, o.describe, o.delete, o.resetOffsets, o.deleteOffsets].filter(Boolean).length;
  if (actions !== 1) fail('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  if (!o.bootstrapServer) fail('Missing required argument "[bootstrap-server]"');
  if ((o.describe || o.delete) && o.group.length === 0 && !o.allGroups)
    fail(`Option [${o.describe ? 'describe' : 'delete'}] takes one of these options: [all-groups], [group]`);
  if (o.deleteOffsets && (o.group.length !== 1 || o.topic.length === 0)) fail('Option [delete-offsets] takes the following options: [group], [topic]');
  if (o.resetOffsets) {
    if (o.group.length === 0 && !o.allGroups) fail('Option [reset-offsets] takes one of these options: [all-groups], [group]');
    if (o.topic.length === 0 && !o.allTopics && !o.fromFile) fail('One of the reset scopes should be defined: --all-topics, --topic.');
    const scenarios = [o.toEarliest, o.toLatest, o.toCurrent, o.toOffset, o.shiftBy, o.toDatetime, o.byDuration, o.fromFile].filter(
      (x) => x !== undefined && x !== false,
    ).length;
    if (scenarios !== 1)
      fail(
        'Option [reset-offsets] takes exactly one of these options: [to-datetime], [by-duration], [to-earliest], [to-latest], [shift-by], [from-file], [to-current], [to-offset]',
      );
    if (o.dryRun && o.execute) fail('Option [reset-offsets] only accepts one of [execute], [dry-run]');
  }
  if ((o.members || o.offsets || (o.state && !o.list)) && !o.describe) fail('Option [members], [offsets] and [state] are only valid with [describe]');
  if ([o.members, o.offsets, o.state && o.describe].filter(Boolean).length > 1)
    fail('Option [describe] takes at most one of these options: [members], [offsets], [state]');
}

/** ConsumerGroupCommand.shouldPrintMemberState. */
function shouldPrint(g: GroupState, rows: number): boolean {
  switch (g.state) {
    case 'Dead':
      printError(`Consumer group '${g.groupId}' does not exist.`);
      process.exitCode = 1;
      return false;
    case 'Empty':
      process.stderr.write(`\nConsumer group '${g.groupId}' has no active members.\n`);
      break;
    case 'PreparingRebalance':
    case 'CompletingRebalance':
      process.stderr.write(`\nWarning: Consumer group '${g.groupId}' is rebalancing.\n`);
      break;
  }
  return rows > 0;
}

async function describeOffsets(admin: Admin, g: GroupState): Promise<void> {
  const committed = await committedOffsets(admin, g.groupId);
  type Row = { topic: string; partition: string; offset: string; leo: string; lag: string; consumerId: string; host: string; clientId: string };
  const assigned: (Tp & { m: GroupState['members'][number] | null })[] = [];
  const seen = new Set<string>();
  for (const m of [...g.members].sort((a, b) => b.assignment.length - a.assignment.length)) {
    for (const tp of m.assignment) {
      assigned.push({ ...tp, m });
      seen.add(tpKey(tp.topic, tp.partition));
    }
  }
  for (const c of [...committed.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))) {
    if (!seen.has(tpKey(c.topic, c.partition))) assigned.push({ topic: c.topic, partition: c.partition, m: null });
  }
  const ends = await logOffsets(
    admin,
    assigned.map((a) => a.topic),
  );
  const rows: Row[] = assigned.map((a) => {
    const k = tpKey(a.topic, a.partition);
    const off = committed.get(k)?.offset;
    const leo = ends.get(k)?.high;
    return {
      topic: a.topic,
      partition: String(a.partition),
      offset: off !== undefined ? String(off) : MISSING,
      leo: leo !== undefined ? String(leo) : MISSING,
      lag: off !== undefined && leo !== undefined ? String(leo - off) : MISSING,
      consumerId: a.m?.memberId ?? MISSING,
      host: a.m?.host ?? MISSING,
      clientId: a.m?.clientId ?? MISSING,
    };
  });
  // Members without partitions still get a row (Kafka's rowsWithConsumer with no topic).
  for (const m of g.members)
    if (m.assignment.length === 0)
      rows.push({
        topic: MISSING,
        partition: MISSING,
        offset: MISSING,
        leo: MISSING,
        lag: MISSING,
        consumerId: m.memberId,
        host: m.host,
        clientId: m.clientId,
      });
  if (!shouldPrint(g, rows.length)) return;
  const w = [
    Math.max(15, g.groupId.length),
    Math.max(15, ...rows.map((r) => r.topic.length)),
    10,
    15,
    15,
    15,
    Math.max(15, ...rows.map((r) => r.consumerId.length)),
    Math.max(15, ...rows.map((r) => r.host.length)),
  ];
  console.log('\n' + fmt(w, ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']));
  for (const r of rows) console.log(fmt(w, [g.groupId, r.topic, r.partition, r.offset, r.leo, r.lag, r.consumerId, r.host, r.clientId]));
}

function describeMembers(g: GroupState, verbose: boolean): void {
  if (!shouldPrint(g, g.members.length)) return;
  const w = [
    Math.max(15, g.groupId.length),
    Math.max(15, ...g.members.map((m) => m.memberId.length)),
    Math.max(15, ...g.members.map((m) => m.host.length)),
    Math.max(15, ...g.members.map((m) => m.clientId.length)),
    15,
  ];
  const line = (cells: string[], extra: string | null) => fmt(w, cells) + ' ' + (extra ?? '');
  console.log('\n' + line(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], verbose ? 'ASSIGNMENT' : null));
  for (const m of g.members) {
    let assignment: string | null = null;
    if (verbose) {
      const byTopic = new Map<string, number[]>();
      for (const tp of m.assignment) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
      assignment =
        byTopic.size === 0
          ? MISSING
          : [...byTopic]
              .map(([t, ps]) => `${t}(${ps.sort((a, b) => a - b).join(',')})`)
              .sort()
              .join(',');
    }
    console.log(line([g.groupId, m.memberId, m.host, m.clientId, String(m.assignment.length)], assignment));
  }
}

async function describeState(bootstrap: string[], g: GroupState): Promise<void> {
  if (!shouldPrint(g, 1)) return;
  const c = await findCoordinator(bootstrap, g.groupId);
  const coordinator = `${c.host}:${c.port} (${c.id})`;
  // Kafka sizes the first (GROUP) column with the coordinator's width.
  const w = [Math.max(25, coordinator.length), 25, 20, 15];
  process.stdout.write('\n' + fmt(w, ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']));
  process.stdout.write('\n' + fmt(w, [g.groupId, coordinator, g.protocol, g.state, String(g.members.length)]) + '\n');
}

async function resetOffsets(admin: Admin, o: GroupOpts, groups: string[]): Promise<void> {
  if (!o.dryRun && !o.execute && !o.export) {
    console.log(
      'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.',
    );
  }
  const results = new Map<string, Map<string, Tp & { offset: number }>>();
  for (const g of await describeGroups(admin, groups)) {
    if (g.state !== 'Empty' && g.state !== 'Dead') {
      printError(`Assignments can only be reset if the group '${g.groupId}' is inactive, but the current state is ${g.state}.`);
      process.exitCode = 1;
      results.set(g.groupId, new Map());
      continue;
    }
    let partitions: Tp[] = [];
    if (o.allTopics) {
      partitions = [...(await committedOffsets(admin, g.groupId)).values()].map((c) => ({ topic: c.topic, partition: c.partition }));
    } else {
      for (const spec of o.topic) {
        const [topic, list] = spec.split(':');
        if (list) partitions.push(...list.split(',').map((p) => ({ topic, partition: Number(p) })));
        else {
          const md = await admin
            .fetchTopicMetadata({ topics: [topic] })
            .catch(() => fail(`Error: Executing consumer group command failed due to This server does not host this topic-partition. (topic ${topic})`));
          partitions.push(...md.topics[0].partitions.map((p) => ({ topic, partition: p.partitionId })).sort((a, b) => a.partition - b.partition));
        }
      }
    }
    const offsets = await offsetsToReset(admin, g.groupId, partitions, o);
    if (o.execute) {
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const x of offsets.values()) byTopic.set(x.topic, [...(byTopic.get(x.topic) ?? []), { partition: x.partition, offset: String(x.offset) }]);
      for (const [topic, ps] of byTopic) await admin.setOffsets({ groupId: g.groupId, topic, partitions: ps });
    }
    results.set(g.groupId, offsets);
  }
  if (o.export) {
    const lines: string[] = [];
    for (const [gid, m] of results)
      for (const x of m.values()) lines.push(groups.length > 1 ? `${gid},${x.topic},${x.partition},${x.offset}` : `${x.topic},${x.partition},${x.offset}`);
    console.log(lines.join('\n'));
    return;
  }
  const w = [30, 30, 10];
  if (results.size > 0) console.log('\n' + fmt(w, ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'.padEnd(15)]));
  for (const [gid, m] of results) for (const x of m.values()) console.log(fmt(w, [gid, x.topic, String(x.partition), String(x.offset).padEnd(15)]));
}

async function deleteGroups(admin: Admin, groups: string[]): Promise<void> {
  const failed = new Map<string, string>();
  const ok: string[] = [];
  try {
    const res = await admin.deleteGroups(groups);
    for (const r of res) {
      if (r.errorCode && r.errorCode !== 0) failed.set(r.groupId, errorInfo(r.errorCode).message);
      else ok.push(r.groupId);
    }
  } catch (e) {
    const err = e as { groups?: { groupId: string; error?: { message: string }; errorCode?: number }[]; message: string };
    if (!err.groups) throw e;
    for (const r of err.groups) {
      if (r.error || (r.errorCode ?? 0) !== 0) failed.set(r.groupId, r.error?.message ?? errorInfo(r.errorCode!).message);
      else ok.push(r.groupId);
    }
  }
  if (failed.size === 0) {
    console.log(`Deletion of requested consumer groups (${ok.map((g) => `'${g}'`).join(', ')}) was successful.`);
    return;
  }
  printError('Deletion of some consumer groups failed:');
  for (const [g, m] of failed) console.log(`* Group '${g}' could not be deleted due to: ${m}`);
  if (ok.length > 0) console.log(`\nThese consumer groups were deleted successfully: ${ok.map((g) => `'${g}'`).join(', ')}`);
  process.exitCode = 1;
}

async function deleteOffsets(admin: Admin, bootstrap: string[], groupId: string, topicSpecs: string[]): Promise<void> {
  const topics: { name: string; partitions: number[] }[] = [];
  for (const spec of topicSpecs) {
    const [name, list] = spec.split(':');
    if (list) topics.push({ name, partitions: list.split(',').map(Number) });
    else {
      const md = await admin.fetchTopicMetadata({ topics: [name] }).catch(() => null);
      topics.push({ name, partitions: md ? md.topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b) : [-1] });
    }
  }
  const res = await sendToCoordinator(bootstrap, groupId, OffsetDeleteApi, 0, {
    groupId,
    topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.filter((p) => p >= 0).map((partitionIndex) => ({ partitionIndex })) })),
  });
  const name = errorInfo(res.errorCode).name;
  const partitionErrors = res.topics.some((t) => t.partitions.some((p) => p.errorCode !== 0));
  if (res.errorCode === 0 && !partitionErrors) console.log(`Request succeed for deleting offsets with topic ${topicSpecs.join(', ')} group ${groupId}`);
  else if (name === 'INVALID_GROUP_ID') printError(`'${groupId}' is not valid.`);
  else if (name === 'GROUP_ID_NOT_FOUND') printError(`'${groupId}' does not exist.`);
  else if (name === 'NON_EMPTY_GROUP') printError(`Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`);
  else if (res.errorCode === 0 || ['GROUP_SUBSCRIBED_TO_TOPIC', 'UNKNOWN_TOPIC_OR_PARTITION'].includes(name))
    printError('Encounter some partition level error, see the follow-up details:');
  else printError(`Encounter some unknown error: ${name}`);
  if (res.errorCode !== 0 || partitionErrors) process.exitCode = 1;
  const rows = res.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode })));
  if (res.errorCode !== 0 && rows.length === 0)
    for (const t of topics) for (const p of t.partitions) rows.push({ topic: t.name, partition: p, errorCode: res.errorCode });
  rows.sort((a, b) => (a.topic + a.partition < b.topic + b.partition ? -1 : 1));
  let out = '\n' + fmt([30, 15], ['TOPIC', 'PARTITION', 'STATUS'.padEnd(15)]);
  for (const r of rows)
    out +=
      '\n' +
      fmt(
        [30, 15],
        [
          r.topic,
          r.partition >= 0 ? String(r.partition) : 'Not Provided',
          (r.errorCode !== 0 ? `Error: ${errorInfo(r.errorCode).message}` : 'Successful').padEnd(15),
        ],
      );
  console.log(out);
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<GroupOpts>();
  checkArgs(o);
  const props = loadProps(o.commandConfig);
  const bootstrap = brokerList(o.bootstrapServer);
  const admin = createKafka(bootstrap, { clientId: 'kafka-consumer-groups', props, timeoutMs: Math.max(5000, Number(o.timeout)) }).admin();
  await admin.connect();
  try {
    const allGroups = async () =>
      (await admin.listGroups()).groups
        .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
        .map((g) => g.groupId)
        .sort();
    if (o.list) {
      const ids = await allGroups();
      if (o.state === undefined) {
        if (ids.length > 0) console.log(ids.join('\n'));
        return 0;
      }
      const filter = typeof o.state === 'string' ? o.state.split(',').map((s) => s.trim().toLowerCase()) : null;
      const states = ids.length > 0 ? await describeGroups(admin, ids) : [];
      const shown = states.filter((g) => !filter || filter.includes(g.state.toLowerCase()));
      const w = [Math.max(15, ...shown.map((g) => g.groupId.length))];
      console.log(fmt(w, ['GROUP', 'STATE']));
      for (const g of shown) console.log(fmt(w, [g.groupId, g.state]));
      return 0;
    }
    const groups = o.allGroups ? await allGroups() : o.group;
    if (o.describe) {
      for (const g of await describeGroups(admin, groups)) {
        if (o.members) describeMembers(g, !!o.verbose);
        else if (o.state) await describeState(bootstrap, g);
        else await describeOffsets(admin, g);
      }
    } else if (o.resetOffsets) await resetOffsets(admin, o, groups);
    else if (o.delete) await deleteGroups(admin, groups);
    else if (o.deleteOffsets) await deleteOffsets(admin, bootstrap, o.group[0], o.topic);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommandError) throw e;
    throw new CommandError(`\nError: Executing consumer group command failed due to ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function main(): void {
  runTool(buildProgram(), execute, '\nError: Executing consumer group command failed due to ');
}

if (require.main === module) main();
