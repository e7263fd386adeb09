/**
 * kafka-metadata-quorum (Kafka 3.7's org.apache.kafka.tools.MetadataQuorumCommand):
 *   --bootstrap-server B | --bootstrap-controller C  [--command-config F]  describe --status | --replication [--human-readable]
 * --status prints the quorum summary (ClusterId from DescribeCluster, as 3.7's admin client gets it, then the
 * DescribeQuorum fields); --replication prints one row per voter and observer with ToolsUtils.prettyPrintTable's
 * padding (every cell padded to its column's width, each followed by a tab). Errors follow mainNoExit: a
 * TerseException's message alone on stderr, anything else its message and the exception line; exit 1.
 */
import * as fs from 'fs';
import { ApiVersionsApi, DescribeClusterApi, DescribeQuorumApi } from '../protocol/apis';
import type { DescribeQuorumPartition, DescribeQuorumResponse, QuorumReplicaState } from '../protocol/apis/55-describe-quorum';
import type { ApiCodec } from '../protocol/apis/types';
import { errorInfo } from '../protocol/errors';
import { sendTo } from './AdminRequests';
import { CommandError, loadProps, useClientSecurity } from './CommandUtils';

/** Topic and partition of the metadata log (Topic.CLUSTER_METADATA_TOPIC_NAME, partition 0). */
const CLUSTER_METADATA_TOPIC = '__cluster_metadata';

/** MetadataQuorumCommand's TerseException: printed alone on stderr. */
export class TerseException extends Error {}

/** A Kafka error from a response, named as the Java client's exception class would be. */
export class KafkaApiException extends Error {
  constructor(
    readonly code: number,
    message?: string | null,
    /** The Java class when it is not the error code's (the admin client's own TimeoutException). */
    private readonly javaClass?: string,
  ) {
    super(message || errorInfo(code).message);
  }
  get javaName(): string {
    if (this.javaClass) return `org.apache.kafka.common.errors.${this.javaClass}`;
    return `org.apache.kafka.common.errors.${errorInfo(this.code)
      .name.toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')}Exception`;
  }
}

type Out = (line: string) => void;

/** QuorumInfo as the admin client builds it: -1 timestamps become "absent". */
export interface QuorumInfo {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: QuorumReplicaState[];
  observers: QuorumReplicaState[];
}

/** KafkaAdminClient.describeMetadataQuorum's handleResponse checks, with its messages. */
export function quorumInfoFromResponse(res: DescribeQuorumResponse): QuorumInfo {
  if (res.errorCode !== 0) throw new KafkaApiException(res.errorCode);
  if (res.topics.length !== 1) throw new KafkaApiException(-1, `DescribeMetadataQuorum received ${res.topics.length} topics when 1 was expected`);
  const topic = res.topics[0];
  if (topic.topicName !== CLUSTER_METADATA_TOPIC)
    throw new KafkaApiException(-1, `DescribeMetadataQuorum received a topic with name ${topic.topicName} when ${CLUSTER_METADATA_TOPIC} was expected`);
  if (topic.partitions.length !== 1)
    throw new KafkaApiException(
      -1,
      `DescribeMetadataQuorum received a topic ${topic.topicName} with ${topic.partitions.length} partitions when 1 was expected`,
    );
  const p: DescribeQuorumPartition = topic.partitions[0];
  if (p.partitionIndex !== 0)
    throw new KafkaApiException(-1, `DescribeMetadataQuorum received a single partition with index ${p.partitionIndex} when 0 was expected`);
  if (p.errorCode !== 0) throw new KafkaApiException(p.errorCode);
  return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, highWatermark: p.highWatermark, voters: p.currentVoters, observers: p.observers };
}

function leaderOf(q: QuorumInfo): QuorumReplicaState {
  const leader = q.voters.find((v) => v.replicaId === q.leaderId);
  // Java's Optional.get() on an empty stream: the quorum has no leader right now.
  if (!leader) throw new Error(`No value present (the quorum has no leader: leader id ${q.leaderId})`);
  return leader;
}

/** handleDescribeStatus's eight lines. */
export function formatStatus(clusterId: string, q: QuorumInfo): string[] {
  const leader = leaderOf(q);
  // Stream.min keeps the first of equal elements: the voter with the lowest log end offset, in response order.
  let maxLag = q.voters[0];
  for (const v of q.voters) if (v.logEndOffset < maxLag.logEndOffset) maxLag = v;
  const maxFollowerLag = leader.logEndOffset - maxLag.logEndOffset;
  let maxFollowerLagTimeMs: number;
  if (leader === maxLag) maxFollowerLagTimeMs = 0;
  else if (leader.lastCaughtUpTimestamp !== -1 && maxLag.lastCaughtUpTimestamp !== -1)
    maxFollowerLagTimeMs = leader.lastCaughtUpTimestamp - maxLag.lastCaughtUpTimestamp;
  else maxFollowerLagTimeMs = -1;
  const ids = (rs: QuorumReplicaState[]): string => `[${rs.map((r) => r.replicaId).join(',')}]`;
  return [
    `ClusterId:              ${clusterId}`,
    `LeaderId:               ${q.leaderId}`,
    `LeaderEpoch:            ${q.leaderEpoch}`,
    `HighWatermark:          ${q.highWatermark}`,
    `MaxFollowerLag:         ${maxFollowerLag}`,
    `MaxFollowerLagTimeMs:   ${maxFollowerLagTimeMs}`,
    `CurrentVoters:          ${ids(q.voters)}`,
    `CurrentObservers:       ${ids(q.observers)}`,
  ];
}

/** MetadataQuorumCommand.relativeTimeMs: refuses timestamps before the epoch or in the future (clock drift). */
export function relativeTimeMs(timestampMs: number, desc: string, now: number = Date.now()): number {
  if (!(timestampMs > 0 && timestampMs <= now)) {
    throw new Error(`Error while computing relative time, possible drift in system clock.\nCurrent timestamp is ${now}, ${desc} timestamp is ${timestampMs}`);
  }
  return now - timestampMs;
}

/** ToolsUtils.prettyPrintTable: each cell padded to its column's width and followed by a tab. */
export function prettyPrintTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i]) + '\t').join('');
  return [line(headers), ...rows.map(line)];
}

/** handleDescribeReplication: the leader, then the other voters, then the observers, in response order. */
export function formatReplication(q: QuorumInfo, humanReadable: boolean, now: number = Date.now()): string[] {
  const leader = leaderOf(q);
  const rows = (infos: QuorumReplicaState[], status: string): string[][] =>
    infos.map((info) => {
      const ts = (t: number, desc: string): string => (t === -1 ? '-1' : humanReadable ? `${relativeTimeMs(t, desc, now)} ms ago` : String(t));
      return [
        String(info.replicaId),
        String(info.logEndOffset),
        String(leader.logEndOffset - info.logEndOffset),
        ts(info.lastFetchTimestamp, 'last fetch'),
        ts(info.lastCaughtUpTimestamp, 'last caught up'),
        status,
      ];
    });
  return prettyPrintTable(
    ['NodeId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'],
    [
      ...rows([leader], 'Leader'),
      ...rows(
        q.voters.filter((v) => v.replicaId !== q.leaderId),
        'Follower',
      ),
      ...rows(q.observers, 'Observer'),
    ],
  );
}

// ---- argument parsing (argparse4j's layout and messages) ------------------------------------------------------

const USAGE =
  'usage: kafka-metadata-quorum [-h] (--bootstrap-server BOOTSTRAP_SERVER | --bootstrap-controller BOOTSTRAP_CONTROLLER) [--command-config COMMAND_CONFIG] {describe} ...';
const DESCRIBE_USAGE = 'usage: kafka-metadata-quorum describe [-h] [--status] [--replication] [--human-readable]';

const HELP = [
  USAGE,
  '',
  'This tool describes kraft metadata quorum status.',
  '',
  'positional arguments:',
  '  {describe}',
  '    describe               Describe the metadata quorum info',
  '',
  'named arguments:',
  '  -h, --help             show this help message and exit',
  '  --bootstrap-server BOOTSTRAP_SERVER',
  '                         A comma-separated list of host:port pairs to use for establishing the connection to the Kafka cluster.',
  '  --bootstrap-controller BOOTSTRAP_CONTROLLER',
  '                         A comma-separated list of host:port pairs to use for establishing the connection to the Kafka controllers.',
  '  --command-config COMMAND_CONFIG',
  '                         Property file containing configs to be passed to Admin Client.',
];

class UsageError extends Error {
  constructor(
    readonly usage: string,
    message: string,
  ) {
    super(message);
  }
}

export interface QuorumArgs {
  bootstrapServer?: string;
  bootstrapController?: string;
  commandConfig?: string;
  command: 'describe';
  status: boolean;
  replication: boolean;
  humanReadable: boolean;
  help?: boolean;
}

export function parseArgs(argv: readonly string[]): QuorumArgs {
  const args: Partial<QuorumArgs> = { status: false, replication: false, humanReadable: false };
  let i = 0;
  const value = (name: string, usage: string): string => {
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(usage, `argument ${name}: expected one argument`);
    return v;
  };
  for (; i < argv.length && args.command === undefined; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { ...(args as QuorumArgs), help: true };
    else if (a === '--bootstrap-server') args.bootstrapServer = value(a, USAGE);
    else if (a === '--bootstrap-controller') args.bootstrapController = value(a, USAGE);
    else if (a === '--command-config') args.commandConfig = value(a, USAGE);
    else if (a === 'describe') args.command = 'describe';
    else if (a.startsWith('-')) throw new UsageError(USAGE, `unrecognized arguments: '${a}'`);
    else throw new UsageError(USAGE, `argument command: invalid choice: '${a}' (choose from 'describe')`);
  }
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--status') args.status = true;
    else if (a === '--replication') args.replication = true;
    else if (a === '--human-readable') args.humanReadable = true;
    else if (a === '-h' || a === '--help') return { ...(args as QuorumArgs), help: true };
    else throw new UsageError(DESCRIBE_USAGE, `unrecognized arguments: '${argv.slice(i).join(' ')}'`);
  }
  if (args.bootstrapServer !== undefined && args.bootstrapController !== undefined) {
    throw new UsageError(USAGE, 'argument --bootstrap-controller: not allowed with argument --bootstrap-server');
  }
  if (args.bootstrapServer === undefined && args.bootstrapController === undefined) {
    throw new UsageError(USAGE, 'one of the arguments --bootstrap-server --bootstrap-controller is required');
  }
  if (args.command === undefined) throw new UsageError(USAGE, 'too few arguments');
  return args as QuorumArgs;
}

// ---- the admin calls -----------------------------------------------------------------------------------------

function addresses(list: string): Array<{ host: string; port: number }> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((hp) => {
      const i = hp.lastIndexOf(':');
      const port = Number(hp.substring(i + 1));
      if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new KafkaApiException(-1, `Invalid url in bootstrap.servers: ${hp}`);
      return { host: hp.substring(0, i).replace(/^\[|\]$/g, ''), port };
    });
}

interface AdminTarget {
  /** --bootstrap-controller: DescribeCluster asks for controllers (EndpointType 2) and requests go to the active one. */
  controllers: boolean;
  nodes: Array<{ host: string; port: number }>;
  deadline: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One admin call as KafkaAdminClient makes it: to a node that answers, retrying retriable errors (a broker still
 * catching up, a controller that just lost the leadership) until default.api.timeout.ms.
 */
async function call<Req, Res>(
  t: AdminTarget,
  name: string,
  codec: ApiCodec<Req, Res>,
  version: number,
  req: Req,
  check: (res: Res) => void,
  pick: () => Promise<Array<{ host: string; port: number }>> = async () => t.nodes,
): Promise<Res> {
  let last: unknown = null;
  while (Date.now() < t.deadline) {
    let nodes: Array<{ host: string; port: number }> = t.nodes;
    try {
      nodes = await pick();
    } catch (e) {
      last = e;
    }
    for (const node of nodes) {
      try {
        await checkSupported(node, codec.apiKey, name);
        const res = await sendTo(node, codec, version, req, Math.max(1000, Math.min(30000, t.deadline - Date.now())));
        check(res);
        return res;
      } catch (e) {
        last = e;
        if (e instanceof KafkaApiException && !errorInfo(e.code).retriable) throw e;
      }
    }
    await sleep(200);
  }
  if (last instanceof KafkaApiException) throw last;
  throw new KafkaApiException(7, `Timed out waiting for a node assignment. Call: ${name}`, 'TimeoutException');
}

/** ApiKeys names of the two APIs the tool sends, for NetworkClient's UnsupportedVersionException message. */
const API_NAMES: Record<number, string> = { 55: 'DESCRIBE_QUORUM', 60: 'DESCRIBE_CLUSTER' };
const supported = new Map<string, Set<number>>();

/**
 * The admin client checks a node's ApiVersions before it sends: a ZooKeeper-mode broker has no metadata quorum
 * and does not list DescribeQuorum, so the tool stops with UnsupportedVersionException instead of waiting.
 */
async function checkSupported(node: { host: string; port: number }, apiKey: number, call: string): Promise<void> {
  const key = `${node.host}:${node.port}`;
  let keys = supported.get(key);
  if (!keys) {
    const res = await sendTo(node, ApiVersionsApi, 3, { clientSoftwareName: 'kafka-metadata-quorum', clientSoftwareVersion: '3.7.0' }, 10000);
    keys = new Set(res.apiKeys.map((a) => a.apiKey));
    supported.set(key, keys);
  }
  if (!keys.has(apiKey)) {
    throw new KafkaApiException(35, `The node does not support ${API_NAMES[apiKey] ?? apiKey}. Call: ${call}`, 'UnsupportedVersionException');
  }
}

async function describeClusterId(
  t: AdminTarget,
): Promise<{ clusterId: string; controllerId: number; nodes: Array<{ id: number; host: string; port: number }> }> {
  const res = await call(
    t,
    'describeCluster',
    DescribeClusterApi,
    t.controllers ? 1 : 0,
    { includeClusterAuthorizedOperations: false, endpointType: t.controllers ? 2 : 1 },
    (r) => {
      if (r.errorCode !== 0) throw new KafkaApiException(r.errorCode, r.errorMessage);
    },
  );
  return { clusterId: res.clusterId, controllerId: res.controllerId, nodes: res.brokers.map((b) => ({ id: b.brokerId, host: b.host, port: b.port })) };
}

async function describeQuorum(t: AdminTarget): Promise<QuorumInfo> {
  let info: QuorumInfo | null = null;
  // LeastLoadedBrokerOrActiveKController: any broker (it forwards to the controller), or the active controller.
  const pick = async (): Promise<Array<{ host: string; port: number }>> => {
    if (!t.controllers) return t.nodes;
    const c = await describeClusterId(t);
    const active = c.nodes.find((n) => n.id === c.controllerId);
    return active ? [active] : t.nodes;
  };
  await call(
    t,
    'describeMetadataQuorum',
    DescribeQuorumApi,
    1,
    { topics: [{ topicName: CLUSTER_METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }] },
    (res) => {
      info = quorumInfoFromResponse(res);
    },
    pick,
  );
  return info!;
}

/** MetadataQuorumCommand.mainNoExit: returns the exit code. */
export async function run(argv: readonly string[], out: Out, err: Out, timeoutMs = 60000): Promise<number> {
  let args: QuorumArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.usage);
      err(`kafka-metadata-quorum: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  if (args.help) {
    for (const l of HELP) out(l);
    return 0;
  }
  try {
    if (args.commandConfig !== undefined && !fs.existsSync(args.commandConfig)) {
      throw new TerseException(`Properties file ${args.commandConfig} does not exists!`);
    }
    try {
      useClientSecurity(loadProps(args.commandConfig));
    } catch (e) {
      if (e instanceof CommandError) throw new TerseException(e.message);
      throw e;
    }
    if (args.status && args.replication) throw new TerseException('Only one of --status or --replication should be specified with describe sub-command');
    if (!args.replication && !args.status) throw new TerseException('One of --status or --replication must be specified with describe sub-command');
    if (args.status && args.humanReadable) throw new TerseException('The option --human-readable is only supported along with --replication');
    const t: AdminTarget = {
      controllers: args.bootstrapController !== undefined,
      nodes: addresses(args.bootstrapController ?? args.bootstrapServer!),
      deadline: Date.now() + timeoutMs,
    };
    if (args.replication) {
      for (const l of formatReplication(await describeQuorum(t), args.humanReadable)) out(l);
    } else {
      const { clusterId } = await describeClusterId(t);
      for (const l of formatStatus(clusterId, await describeQuorum(t))) out(l);
    }
    return 0;
  } catch (e) {
    if (e instanceof TerseException) {
      err(e.message);
      return 1;
    }
    // Kafka prints the ExecutionException's message (the cause's class and message), then the stack trace.
    if (e instanceof KafkaApiException) err(`${e.javaName}: ${e.message}`);
    else err((e as Error).message);
    return 1;
  }
}

export function main(argv: string[] = process.argv): void {
  void run(
    argv.slice(2),
    (l) => process.stdout.write(`${l}\n`),
    (l) => process.stderr.write(`${l}\n`),
  ).then((code) => {
    process.exitCode = code;
  });
}
