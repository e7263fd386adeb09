/**
 * kafka-reassign-partitions (Kafka's ReassignPartitionsCommand): --generate a proposal from a
 * topics-to-move file and a broker list (AdminUtils.assignReplicasToBrokers), --execute a reassignment
 * file through AlterPartitionReassignments (printing the current assignment for rollback), --verify it
 * against ListPartitionReassignments and the metadata, --list the ongoing ones, --cancel them.
 * JSON in and out uses Kafka's shape {"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]};
 * a log dir other than "any" moves that replica into that directory of its broker (ReplicaLogDirMoves).
 */
import * as fs from 'fs';
import { Command } from 'commander';
import { Admin } from 'kafkajs';
import * as AdminUtils from '../admin/AdminUtils';
import { AlterPartitionReassignmentsApi } from '../protocol/apis';
import { errorInfo } from '../protocol/errors';
import { listPartitionReassignments, sendToController } from './AdminRequests';
import { brokerList, createKafka, fail, loadProps, runTool } from './CommandUtils';
import { cancelMoves, executeMoves, ReplicaDir, verifyReplicaMoves } from './ReplicaLogDirMoves';

interface Opts {
  bootstrapServer?: string;
  commandConfig?: string;
  generate?: boolean;
  execute?: boolean;
  verify?: boolean;
  list?: boolean;
  cancel?: boolean;
  topicsToMoveJsonFile?: string;
  brokerList?: string;
  reassignmentJsonFile?: string;
  disableRackAware?: boolean;
  throttle?: string;
  replicaAlterLogDirsThrottle?: string;
  timeout: string;
  additional?: boolean;
  preserveThrottles?: boolean;
}

type Assignment = { topic: string; partition: number; replicas: number[] };

const cmp = (a: Assignment, b: Assignment) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1);

/** ReassignPartitionsCommand.formatAsReassignmentJson. */
function formatAsReassignmentJson(parts: Assignment[]): string {
  const body = [...parts]
    .sort(cmp)
    .map(
      (p) =>
        `{"topic":${JSON.stringify(p.topic)},"partition":${p.partition},"replicas":[${p.replicas.join(',')}],"log_dirs":[${p.replicas.map(() => '"any"').join(',')}]}`,
    );
  return `{"version":1,"partitions":[${body.join(',')}]}`;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`Unable to parse ${file}: ${(e as Error).message}`);
  }
}

/** ReassignPartitionsCommand.parsePartitionReassignmentData: the partitions and the replicas given a log dir. */
function parseReassignment(file: string): { parts: Assignment[]; dirs: ReplicaDir[] } {
  const j = readJson(file) as { version?: number; partitions?: { topic: string; partition: number; replicas: number[]; log_dirs?: string[] }[] };
  if (j.version !== undefined && j.version !== 1) fail(`Not supported version field value ${j.version}`);
  if (!Array.isArray(j.partitions)) fail('Partition reassignment list cannot be empty');
  if (j.partitions.length === 0) fail('Partition reassignment list cannot be empty');
  const seen = new Set<string>();
  const dirs: ReplicaDir[] = [];
  const parts = j.partitions.map((p) => {
    const k = `${p.topic}-${p.partition}`;
    if (seen.has(k)) fail(`Cannot have duplicate partitions in the reassignment list: ${k}`);
    seen.add(k);
    if (new Set(p.replicas).size !== p.replicas.length) fail(`Duplicate replica assignment found: ${k} -> ${p.replicas.join(',')}`);
    const logDirs = p.log_dirs ?? p.replicas.map(() => 'any');
    if (logDirs.length !== p.replicas.length) {
      // Java's List.toString: [1, 2] and [any].
      fail(`Size of replicas list [${p.replicas.join(', ')}] is different from size of log dirs list [${logDirs.join(', ')}] for partition ${k}`);
    }
    logDirs.forEach((dir, i) => {
      if (dir !== 'any') dirs.push({ topic: p.topic, partition: p.partition, broker: p.replicas[i], dir });
    });
    return { topic: p.topic, partition: p.partition, replicas: p.replicas };
  });
  return { parts, dirs };
}

async function currentAssignment(admin: Admin, topics: string[]): Promise<Assignment[]> {
  const all = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !all.has(t));
  if (missing.length > 0) fail(`Topic ${missing[0]} not found`);
  const md = await admin.fetchTopicMetadata({ topics });
  return md.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: p.replicas }))).sort(cmp);
}

async function generate(admin: Admin, o: Opts): Promise<void> {
  if (!o.topicsToMoveJsonFile || !o.brokerList) fail('Missing required argument(s): --topics-to-move-json-file, --broker-list');
  const j = readJson(o.topicsToMoveJsonFile) as { topics?: { topic: string }[] };
  const topics = [...new Set((j.topics ?? []).map((t) => t.topic))];
  if (topics.length === 0) fail('List of topics to reassign contains no topics');
  const brokers = o.brokerList.split(',').map((s) => Number(s.trim()));
  if (new Set(brokers).size !== brokers.length) fail(`Duplicate broker ids in broker list: ${o.brokerList}`);
  const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const unknown = brokers.filter((b) => !live.has(b));
  if (unknown.length > 0) fail(`The following brokers were not found: ${unknown.join(', ')}`);
  const current = await currentAssignment(admin, topics);
  const proposed: Assignment[] = [];
  for (const topic of topics) {
    const parts = current.filter((p) => p.topic === topic);
    const rf = parts[0]?.replicas.length ?? 1;
    const a = AdminUtils.assignReplicasToBrokers(
      brokers.map((id) => ({ id })),
      parts.length,
      rf,
    );
    for (const [partition, replicas] of a) proposed.push({ topic, partition, replicas });
  }
  console.log(`Current partition replica assignment\n${formatAsReassignmentJson(current)}\n`);
  console.log(`Proposed partition reassignment configuration\n${formatAsReassignmentJson(proposed)}`);
}

async function executeReassignment(admin: Admin, o: Opts, bootstrap: string[]): Promise<void> {
  if (!o.reassignmentJsonFile) fail('Missing required argument "[reassignment-json-file]"');
  if (o.throttle !== undefined || o.replicaAlterLogDirsThrottle !== undefined) {
    fail('--throttle needs IncrementalAlterConfigs on leader/follower.replication.throttled.* configs, which these tools do not set yet');
  }
  const { parts: proposed, dirs } = parseReassignment(o.reassignmentJsonFile);
  const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const unknown = [...new Set(proposed.flatMap((p) => p.replicas))].filter((b) => !live.has(b));
  if (unknown.length > 0) fail(`Unknown broker id(s) ${unknown.join(', ')}`);
  const ongoing = await listPartitionReassignments(bootstrap);
  if (ongoing.length > 0 && !o.additional) {
    fail(
      'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.',
    );
  }
  const current = await currentAssignment(admin, [...new Set(proposed.map((p) => p.topic))]);
  const wanted = new Set(proposed.map((p) => `${p.topic}-${p.partition}`));
  const missing = proposed.filter((p) => !current.some((c) => c.topic === p.topic && c.partition === p.partition));
  if (missing.length > 0) fail(`Unable to find partition(s): ${missing.map((p) => `${p.topic}-${p.partition}`).join(', ')}`);
  console.log(
    `Current partition replica assignment\n\n${formatAsReassignmentJson(current.filter((c) => wanted.has(`${c.topic}-${c.partition}`)))}\n\nSave this to use as the --reassignment-json-file option during rollback`,
  );
  const byTopic = new Map<string, { partition: number; replicas: number[] }[]>();
  for (const p of proposed) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partition: p.partition, replicas: p.replicas }]);
  try {
    await admin.alterPartitionReassignments({ topics: [...byTopic].map(([topic, partitionAssignment]) => ({ topic, partitionAssignment })) });
  } catch (e) {
    const err = e as { message: string; errors?: { message?: string }[] };
    fail(`Error reassigning partition(s):\n${err.errors?.map((x) => x.message).join('\n') ?? err.message}`);
  }
  const names = [...proposed].sort(cmp).map((p) => `${p.topic}-${p.partition}`);
  console.log(`Successfully started partition reassignment${names.length === 1 ? '' : 's'} for ${names.join(',')}`);
  if (dirs.length > 0) await executeMoves(bootstrap, dirs, Number(o.timeout));
}

async function verify(admin: Admin, o: Opts, bootstrap: string[]): Promise<void> {
  if (!o.reassignmentJsonFile) fail('Missing required argument "[reassignment-json-file]"');
  const { parts, dirs } = parseReassignment(o.reassignmentJsonFile);
  const proposed = parts.sort(cmp);
  const active = new Set((await listPartitionReassignments(bootstrap)).map((r) => `${r.topic}-${r.partition}`));
  const current = await currentAssignment(admin, [...new Set(proposed.map((p) => p.topic))]);
  console.log('Status of partition reassignment:');
  for (const p of proposed) {
    const k = `${p.topic}-${p.partition}`;
    const cur = current.find((c) => c.topic === p.topic && c.partition === p.partition);
    if (active.has(k)) {
      console.log(`Reassignment of partition ${k} is still in progress.`);
    } else if (cur && cur.replicas.join(',') === p.replicas.join(',')) {
      console.log(`Reassignment of partition ${k} is completed.`);
    } else {
      console.log(
        `There is no active reassignment of partition ${k}, but replica set is ${cur?.replicas.join(',') ?? ''} rather than ${p.replicas.join(',')}.`,
      );
    }
  }
  // verifyReplicaMoves prints its summary whether or not the file named log dirs (an empty line then).
  console.log((await verifyReplicaMoves(bootstrap, dirs)).text);
}

/**
 * ReassignPartitionsCommand.cancelAssignment: the file's partitions still being reassigned get AlterPartitionReassignments
 * with null replicas (revert to the original replicas), then active log-dir moves of the file's replicas are undone.
 */
async function cancel(o: Opts, bootstrap: string[]): Promise<void> {
  if (!o.reassignmentJsonFile) fail('Missing required argument "[reassignment-json-file]"');
  const { parts, dirs } = parseReassignment(o.reassignmentJsonFile);
  const reassigning = (await listPartitionReassignments(bootstrap, parts))
    // Kafka 3.7's filter exactly: a reassignment adding nothing, or removing something. (3.6's Scala tool read "adding
    // something or removing something"; the Java port of 3.7 and 3.8 leaves add-only reassignments running.)
    .filter((r) => r.adding.length === 0 || r.removing.length > 0);
  if (reassigning.length > 0) {
    const topics = [...new Set(reassigning.map((r) => r.topic))];
    const res = await sendToController(bootstrap, AlterPartitionReassignmentsApi, 0, {
      timeoutMs: 60000,
      topics: topics.map((name) => ({
        name,
        partitions: reassigning.filter((r) => r.topic === name).map((r) => ({ partitionIndex: r.partition, replicas: null })),
      })),
    });
    const errors = res.responses.flatMap((t) =>
      t.partitions.filter((p) => p.errorCode !== 0).map((p) => `${t.name}-${p.partitionIndex}: ${p.errorMessage ?? errorInfo(p.errorCode).message}`),
    );
    if (res.errorCode !== 0) errors.unshift(res.errorMessage ?? errorInfo(res.errorCode).message);
    if (errors.length > 0) fail(`Error cancelling partition reassignment${errors.length === 1 ? '' : 's'} for:\n${errors.join('\n')}`);
    const names = reassigning.map((r) => `${r.topic}-${r.partition}`);
    console.log(`Successfully cancelled partition reassignment${names.length === 1 ? '' : 's'} for: ${names.join(',')}`);
  } else {
    console.log('None of the specified partition reassignments are active.');
  }
  await cancelMoves(bootstrap, dirs, Number(o.timeout));
}

async function list(bootstrap: string[]): Promise<void> {
  const rows = await listPartitionReassignments(bootstrap);
  if (rows.length === 0) {
    console.log('No partition reassignments found.');
    return;
  }
  console.log('Current partition reassignments:');
  for (const r of rows) {
    console.log(`${r.topic}-${r.partition}: replicas: ${r.replicas.join(',')}. adding: ${r.adding.join(',')}. removing: ${r.removing.join(',')}.`);
  }
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const actions = [o.generate, o.execute, o.verify, o.list, o.cancel].filter(Boolean).length;
  if (actions !== 1) fail('Command must include exactly one action: --generate, --execute, --verify, --cancel, or --list');
  if (!o.bootstrapServer) fail('Please specify --bootstrap-server');
  const bootstrap = brokerList(o.bootstrapServer);
  const admin = createKafka(bootstrap, { clientId: 'reassign-partitions', props: loadProps(o.commandConfig) }).admin();
  await admin.connect();
  try {
    if (o.generate) await generate(admin, o);
    else if (o.execute) await executeReassignment(admin, o, bootstrap);
    else if (o.verify) await verify(admin, o, bootstrap);
    else if (o.cancel) await cancel(o, bootstrap);
    else if (o.list) await list(bootstrap);
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function main(): void {
  const program = new Command('kafka-reassign-partitions')
    .description('This tool helps to move topic partitions between replicas.')
    .option('--bootstrap-server <String: Server(s) to use for bootstrapping>', 'REQUIRED: the server(s) to use for bootstrapping.')
    .option('--command-config <String: Admin client property file>', 'Property file containing configs to be passed to Admin Client.')
    .option(
      '--generate',
      'Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it.',
    )
    .option('--execute', 'Kick off the reassignment as specified by the --reassignment-json-file option.')
    .option('--verify', 'Verify if the reassignment completed as specified by the --reassignment-json-file option.')
    .option('--list', 'List all active partition reassignments.')
    .option('--cancel', 'Cancel an active reassignment.')
    .option(
      '--topics-to-move-json-file <String: topics to reassign json file path>',
      'Generate a reassignment configuration to move the partitions of the specified topics to the list of brokers specified by the --broker-list option.',
    )
    .option(
      '--broker-list <String: brokerlist>',
      'The list of brokers to which the partitions need to be reassigned in the form "0,1,2". This is required if --topics-to-move-json-file is used to generate reassignment configuration',
    )
    .option('--reassignment-json-file <String: manual assignment json file path>', 'The JSON file with the partition reassignment configuration.')
    .option('--disable-rack-aware', 'Disable rack aware replica assignment')
    .option('--throttle <Long: throttle>', 'The movement of partitions between brokers will be throttled to this value (bytes/sec).')
    .option(
      '--replica-alter-log-dirs-throttle <Long: replicaAlterLogDirsThrottle>',
      'The movement of replicas between log directories on the same broker will be throttled to this value (bytes/sec).',
    )
    .option('--timeout <Long: timeout>', 'The maximum time in ms to wait for log directory replica assignment to begin.', '10000')
    .option('--additional', 'Execute this reassignment in addition to any other ongoing ones.')
    .option('--preserve-throttles', 'Do not modify broker or topic throttles.');
  runTool(program, execute);
}

if (require.main === module) main();
