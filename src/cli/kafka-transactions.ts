/**
 * kafka-transactions (Kafka 3.7's org.apache.kafka.tools.TransactionsCommand): analyses the transactional state of
 * producers and recovers from hanging transactions.
 *   kafka-transactions --bootstrap-server B [--command-config F] list | describe --transactional-id T |
 *     describe-producers --topic T --partition P [--broker-id N] |
 *     find-hanging (--broker-id N | --topic T [--partition P]) [--max-transaction-timeout MINUTES] |
 *     abort --topic T --partition P (--start-offset O | --producer-id I --producer-epoch E --coordinator-epoch C)
 * Output is ToolsUtils.prettyPrintTable's (each cell padded to its column, followed by a tab) under the command's
 * headers; failures print printErrorAndExit's "<what failed>: <cause>. Enable debug logging for additional detail."
 * on stderr with exit code 1; argument errors are argparse4j's (usage, then "kafka-transactions: error: ...").
 */
import { loadProps, useClientSecurity } from './CommandUtils';
import { CommandError } from './CommandUtils';
import { prettyPrintTable } from './kafka-metadata-quorum';
import { TransactionsArgs, UsageError, parseTransactionsArgs, transactionsHelp } from './TransactionsCommandArgs';
import {
  AbortTransactionSpec,
  AdminError,
  ProducerState,
  TopicPartition,
  TransactionDescription,
  TransactionsAdmin,
  abortSpecString,
  tpString,
} from './TransactionsAdmin';
import { NetworkTransactionsAdmin } from './TransactionsAdminClient';

type Out = (line: string) => void;

/** TransactionsCommand.printErrorAndExit: stops the command with exit code 1. */
class ExitError extends Error {}

function errorAndExit(message: string, cause?: Error): never {
  if (cause === undefined) throw new ExitError(message);
  throw new ExitError(`${message}: ${cause.message}. Enable debug logging for additional detail.`);
}

async function orExit<T>(p: Promise<T>, message: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AdminError) errorAndExit(message, e);
    throw e;
  }
}

/** Java's String.valueOf of an Optional-mapped value. */
const str = (v: number | null, empty: string): string => (v === null ? empty : String(v));

export const LIST_HEADERS = ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'];
export const DESCRIBE_HEADERS = [
  'CoordinatorId',
  'TransactionalId',
  'ProducerId',
  'ProducerEpoch',
  'TransactionState',
  'TransactionTimeoutMs',
  'CurrentTransactionStartTimeMs',
  'TransactionDurationMs',
  'TopicPartitions',
];
export const DESCRIBE_PRODUCERS_HEADERS = [
  'ProducerId',
  'ProducerEpoch',
  'LatestCoordinatorEpoch',
  'LastSequence',
  'LastTimestamp',
  'CurrentTransactionStartOffset',
];
export const FIND_HANGING_HEADERS = ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)'];

/** FindHangingTransactionsCommand.MAX_BATCH_SIZE: partitions (and topics) asked for per request. */
const MAX_BATCH_SIZE = 500;

async function listCommand(admin: TransactionsAdmin, out: Out): Promise<void> {
  const result = await orExit(admin.listTransactions(), 'Failed to list transactions');
  const rows: string[][] = [];
  // allByBrokerId is a HashMap<Integer, ...>: small broker ids iterate in ascending order.
  for (const [brokerId, listings] of [...result].sort((a, b) => a[0] - b[0])) {
    for (const l of listings) rows.push([l.transactionalId, String(brokerId), String(l.producerId), l.state]);
  }
  prettyPrintTable(LIST_HEADERS, rows).forEach(out);
}

async function describeCommand(admin: TransactionsAdmin, args: TransactionsArgs, out: Out, now: () => number): Promise<void> {
  const id = args.transactionalId!;
  const results = await admin.describeTransactions([id]);
  const d = results.get(id);
  if (d === undefined || d instanceof AdminError) {
    errorAndExit(`Failed to describe transaction state of transactional-id \`${id}\``, d ?? new AdminError('no result'));
  }
  const start = d.transactionStartTimeMs;
  const row = [
    String(d.coordinatorId),
    id,
    String(d.producerId),
    String(d.producerEpoch),
    d.state,
    String(d.transactionTimeoutMs),
    start === null ? 'None' : String(start),
    start === null ? 'None' : String(now() - start),
    // Utils.join(Set<TopicPartition>, ","): a HashSet, whose order the test of a single partition does not see.
    d.topicPartitions.map(tpString).join(','),
  ];
  prettyPrintTable(DESCRIBE_HEADERS, [row]).forEach(out);
}

async function describeProducersCommand(admin: TransactionsAdmin, args: TransactionsArgs, out: Out): Promise<void> {
  const tp = { topic: args.topic!, partition: args.partition! };
  const brokerClause = args.brokerId !== undefined ? `broker ${args.brokerId}` : 'leader';
  const result = await orExit(admin.describeProducers([tp], args.brokerId), `Failed to describe producers for partition ${tpString(tp)} on ${brokerClause}`);
  const rows = (result.get(tpString(tp)) ?? []).map((p) => [
    String(p.producerId),
    String(p.producerEpoch),
    str(p.coordinatorEpoch, '-1'),
    String(p.lastSequence),
    String(p.lastTimestamp),
    str(p.currentTransactionStartOffset, 'None'),
  ]);
  prettyPrintTable(DESCRIBE_PRODUCERS_HEADERS, rows).forEach(out);
}

async function abortCommand(admin: TransactionsAdmin, args: TransactionsArgs): Promise<void> {
  const tp = { topic: args.topic!, partition: args.partition! };
  if (args.startOffset === undefined && args.producerId === undefined) {
    errorAndExit(
      'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)',
    );
  }
  let spec: AbortTransactionSpec;
  if (args.startOffset === undefined) {
    if (args.producerEpoch === undefined) errorAndExit('Missing required argument --producer-epoch');
    if (args.coordinatorEpoch === undefined) errorAndExit('Missing required argument --coordinator-epoch');
    // A transaction started by a new producer id that hangs before its first marker shows coordinator epoch -1
    // in DescribeProducers: Kafka then uses 0, which is <= any coordinator epoch.
    spec = { topicPartition: tp, producerId: args.producerId!, producerEpoch: args.producerEpoch, coordinatorEpoch: Math.max(0, args.coordinatorEpoch) };
  } else {
    const result = await orExit(admin.describeProducers([tp]), `Failed to validate producer state for partition ${tpString(tp)}`);
    const found = (result.get(tpString(tp)) ?? []).find(
      (p) => p.currentTransactionStartOffset !== null && p.currentTransactionStartOffset === args.startOffset,
    );
    if (!found) errorAndExit(`Could not find any open transactions starting at offset ${args.startOffset} on partition ${tpString(tp)}`);
    spec = { topicPartition: tp, producerId: found.producerId, producerEpoch: found.producerEpoch, coordinatorEpoch: found.coordinatorEpoch ?? 0 };
  }
  await orExit(admin.abortTransaction(spec), `Failed to abort transaction ${abortSpecString(spec)}`);
}

interface OpenTransaction {
  topicPartition: TopicPartition;
  producerState: ProducerState;
}

function batches<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** FindHangingTransactionsCommand: open transactions older than the max timeout that their coordinator does not know. */
async function findHangingCommand(admin: TransactionsAdmin, args: TransactionsArgs, out: Out, now: () => number): Promise<void> {
  const brokerId = args.brokerId;
  const topic = args.topic;
  if (topic === undefined && brokerId === undefined) {
    errorAndExit('The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search');
  }
  if (args.partition !== undefined && topic === undefined) errorAndExit('The --partition argument requires --topic to be provided');
  const maxTransactionTimeoutMs = (args.maxTransactionTimeout ?? 15) * 60000;

  // collectTopicPartitionsToSearch
  let partitions: TopicPartition[] = [];
  if (topic !== undefined && args.partition !== undefined) {
    partitions = [{ topic, partition: args.partition }];
  } else {
    const topics = topic !== undefined ? [topic] : await orExit(admin.listTopics(), 'Failed to list topics');
    for (const batch of batches(topics, MAX_BATCH_SIZE)) {
      const descriptions = await orExit(admin.describeTopics(batch), `Failed to describe ${batch.length} topics`);
      for (const [t, infos] of descriptions) {
        for (const info of infos) if (brokerId === undefined || info.replicas.includes(brokerId)) partitions.push({ topic: t, partition: info.partition });
      }
    }
  }

  // collectCandidateOpenTransactions
  const candidates: OpenTransaction[] = [];
  for (const batch of batches(partitions, MAX_BATCH_SIZE)) {
    const byPartition = await orExit(
      admin.describeProducers(batch, brokerId),
      `Failed to describe producers for ${batch.length} partitions on broker ${brokerId === undefined ? 'Optional.empty' : `Optional[${brokerId}]`}`,
    );
    const current = now();
    for (const tp of batch) {
      for (const p of byPartition.get(tpString(tp)) ?? []) {
        if (p.currentTransactionStartOffset !== null && current - p.lastTimestamp > maxTransactionTimeoutMs)
          candidates.push({ topicPartition: tp, producerState: p });
      }
    }
  }

  const hanging: OpenTransaction[] = [];
  if (candidates.length > 0) {
    const byProducerId = new Map<number, OpenTransaction[]>();
    for (const c of candidates) {
      const list = byProducerId.get(c.producerState.producerId) ?? [];
      list.push(c);
      byProducerId.set(c.producerState.producerId, list);
    }
    // lookupTransactionalIds: ListTransactions filtered by these producer ids, on every broker.
    const listings = await orExit(admin.listTransactions([...byProducerId.keys()]), `Failed to list transactions for ${byProducerId.size} producers`);
    const transactionalIds = new Map<number, string>();
    for (const l of [...listings.values()].flat()) if (byProducerId.has(l.producerId)) transactionalIds.set(l.producerId, l.transactionalId);
    const ids = [...new Set(transactionalIds.values())];
    const descriptions = new Map<string, TransactionDescription | null>();
    if (ids.length > 0) {
      const results = await admin.describeTransactions(ids);
      for (const id of ids) {
        const d = results.get(id);
        if (d instanceof AdminError) {
          // TransactionalIdNotFoundException: the coordinator no longer knows the id, so its partitions hang.
          if (d.code === 105) descriptions.set(id, null);
          else errorAndExit(`Failed to describe ${ids.length} transactions`, d);
        } else descriptions.set(id, d ?? null);
      }
    }
    // filterHangingTransactions: a partition the coordinator still lists (Ongoing, or PrepareX awaiting markers)
    // will get its marker; any other open transaction hangs.
    // openTransactionsByProducerId is a HashMap<Long, ...>: small producer ids iterate in ascending order.
    for (const [producerId, open] of [...byProducerId].sort((a, b) => a[0] - b[0])) {
      const id = transactionalIds.get(producerId);
      const d = id === undefined ? null : (descriptions.get(id) ?? null);
      if (d === null) hanging.push(...open);
      else
        hanging.push(
          ...open.filter((o) => !d.topicPartitions.some((tp) => tp.topic === o.topicPartition.topic && tp.partition === o.topicPartition.partition)),
        );
    }
  }
  const current = now();
  const rows = hanging.map((t) => [
    t.topicPartition.topic,
    String(t.topicPartition.partition),
    String(t.producerState.producerId),
    String(t.producerState.producerEpoch),
    str(t.producerState.coordinatorEpoch, '-1'),
    str(t.producerState.currentTransactionStartOffset, '-1'),
    String(t.producerState.lastTimestamp),
    // TimeUnit.MILLISECONDS.toMinutes truncates toward zero.
    String(Math.trunc((current - t.producerState.lastTimestamp) / 60000)),
  ]);
  prettyPrintTable(FIND_HANGING_HEADERS, rows).forEach(out);
}

function bootstrapAddresses(list: string): Array<{ host: string; port: number }> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((hp) => {
      const i = hp.lastIndexOf(':');
      const port = Number(hp.substring(i + 1));
      // ClientUtils.parseAndValidateAddresses: a ConfigException the admin client's constructor throws.
      if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new ExitError(`Invalid url in bootstrap.servers: ${hp}`);
      return { host: hp.substring(0, i).replace(/^\[|\]$/g, ''), port };
    });
}

/** buildAdminClient: --command-config properties (default.api.timeout.ms, request.timeout.ms honoured) + bootstrap. */
function buildAdmin(args: TransactionsArgs): TransactionsAdmin {
  let props: Map<string, string>;
  try {
    props = loadProps(args.commandConfig);
    // TLS and SASL of the admin client (security.protocol, ssl.*, sasl.*) for every request NetworkTransactionsAdmin sends.
    useClientSecurity(props);
  } catch (e) {
    if (e instanceof CommandError) errorAndExit('Failed to load admin client properties', e);
    throw e;
  }
  const timeoutMs = Number(props.get('default.api.timeout.ms') ?? 60000);
  const requestTimeoutMs = Number(props.get('request.timeout.ms') ?? 30000);
  return new NetworkTransactionsAdmin(bootstrapAddresses(args.bootstrapServer!), timeoutMs, Math.min(requestTimeoutMs, timeoutMs));
}

export interface RunOptions {
  adminSupplier?: (args: TransactionsArgs) => TransactionsAdmin;
  now?: () => number;
}

/** TransactionsCommand.execute: returns the exit code. */
export async function run(argv: readonly string[], out: Out, err: Out, opts: RunOptions = {}): Promise<number> {
  let args: TransactionsArgs;
  try {
    args = parseTransactionsArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.usage);
      err(`${e.prog}: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  if (args.help !== undefined) {
    transactionsHelp(args.help).forEach(out);
    return 0;
  }
  if (args.version) {
    out('3.7.0');
    return 0;
  }
  const now = opts.now ?? Date.now;
  let admin: TransactionsAdmin | null = null;
  try {
    admin = (opts.adminSupplier ?? buildAdmin)(args);
    switch (args.command) {
      case 'list':
        await listCommand(admin, out);
        break;
      case 'describe':
        await describeCommand(admin, args, out, now);
        break;
      case 'describe-producers':
        await describeProducersCommand(admin, args, out);
        break;
      case 'abort':
        await abortCommand(admin, args);
        break;
      case 'find-hanging':
        await findHangingCommand(admin, args, out, now);
        break;
    }
    return 0;
  } catch (e) {
    if (e instanceof ExitError) {
      err(e.message);
      return 1;
    }
    err(`Exception in thread "main" ${(e as Error).message}`);
    return 1;
  } finally {
    admin?.close();
  }
}

export function main(argv: string[] = process.argv): void {
  const outLines: string[] = [];
  const errLines: string[] = [];
  void run(
    argv.slice(2),
    (l) => outLines.push(l),
    (l) => errLines.push(l),
  ).then((code) => {
    if (outLines.length) process.stdout.write(outLines.join('\n') + '\n');
    if (errLines.length) process.stderr.write(errLines.join('\n') + '\n');
    process.exitCode = code;
  });
}
