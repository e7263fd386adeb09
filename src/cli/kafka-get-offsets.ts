/**
 * kafka-get-offsets (Kafka's GetOffsetShell): "topic:partition:offset" lines for the partitions chosen by
 * --topic-partitions or --topic/--partitions, at --time latest (-1), earliest (-2), max-timestamp (-3, the offset of
 * the record with the largest timestamp, KIP-734), -4 (EARLIEST_LOCAL_TIMESTAMP, which Kafka 3.7's tool passes to
 * the admin client as a plain timestamp) or a timestamp. Partitions without an offset are not printed (the admin
 * client's UNKNOWN_OFFSET); a partition whose leader answers an error is skipped with a line on stderr.
 */
import { Command } from 'commander';
import { ListOffsetsApi, MetadataApi } from '../protocol/apis';
import { errorInfo } from '../protocol/errors';
import { sendTo, sendToAny } from './AdminRequests';
import { CommandError, brokerList, createKafka, errorMessage, fail, loadProps, runTool } from './CommandUtils';
import { topicFilter } from './TopicCommandOptions';

interface Opts {
  bootstrapServer?: string;
  brokerList?: string;
  topicPartitions?: string;
  topic?: string;
  partitions?: string;
  time: string;
  commandConfig?: string;
  excludeInternalTopics?: boolean;
}

function buildProgram(): Command {
  return new Command('kafka-get-offsets')
    .description('An interactive shell for getting topic-partition offsets.')
    .option('--bootstrap-server <String: HOST1:PORT1,...,HOST3:PORT3>', 'REQUIRED. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2.')
    .option('--broker-list <String: HOST1:PORT1,...,HOST3:PORT3>', 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.')
    .option(
      '--topic-partitions <String: topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3>',
      "Comma separated list of topic-partition patterns to get the offsets for, with the format of '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?'.",
    )
    .option(
      '--topic <String: topic>',
      'The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried.',
    )
    .option(
      '--partitions <String: partition ids>',
      'Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried.',
    )
    .option('--time <String: <timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp>', 'timestamp of the offsets before that.', 'latest')
    .option('--command-config <String: config file>', 'Property file containing configs to be passed to Admin Client.')
    .option('--exclude-internal-topics', 'By default, internal topics are included. If specified, internal topics are excluded.');
}

type Pattern = { topic: string; from: number; to: number };

function parsePatterns(o: Opts): Pattern[] {
  if (o.topicPartitions) {
    if (o.topic || o.partitions) fail('--topic-partitions cannot be used with --topic or --partitions');
    return o.topicPartitions.split(',').map((spec) => {
      const m = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/.exec(spec.trim());
      if (!m) fail(`Invalid topic-partition pattern: ${spec}`);
      if (m[2] !== undefined && m[2] !== '') return { topic: m[1], from: Number(m[2]), to: Number(m[2]) };
      if (m[3] !== undefined || m[4] !== undefined) return { topic: m[1], from: m[3] ? Number(m[3]) : 0, to: m[4] ? Number(m[4]) - 1 : Infinity };
      return { topic: m[1], from: 0, to: Infinity };
    });
  }
  const parts = o.partitions
    ? o.partitions.split(',').map((p) => {
        if (!/^\d+$/.test(p.trim())) fail(`Invalid partition '${p}' specified`);
        return Number(p);
      })
    : null;
  const topic = o.topic ?? '.*';
  return parts ? parts.map((p) => ({ topic, from: p, to: p })) : [{ topic, from: 0, to: Infinity }];
}

const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL_TIMESTAMP = -4;

/**
 * ListOffsets v8 to each partition's leader for what kafkajs cannot ask (MAX_TIMESTAMP needs v7, -4 v8), as the
 * Java admin client does (KafkaAdminClient.listOffsets: Metadata for the leaders, one request per leader).
 */
async function listOffsetsV8(bootstrap: string[], topic: string, timestamp: number): Promise<Array<{ partition: number; offset: string }>> {
  const md = await sendToAny(bootstrap, MetadataApi, 1, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  const t = md.topics.find((x) => x.name === topic);
  if (!t || t.errorCode !== 0) throw new CommandError(`Error occurred: ${errorInfo(t?.errorCode ?? 3).message}`);
  const byLeader = new Map<number, number[]>();
  for (const p of t.partitions) byLeader.set(p.leaderId, [...(byLeader.get(p.leaderId) ?? []), p.partitionIndex]);
  const out: Array<{ partition: number; offset: string }> = [];
  for (const [leader, partitions] of byLeader) {
    const node = md.brokers.find((b) => b.nodeId === leader);
    if (!node) {
      for (const p of partitions) console.error(`Skip getting offsets for topic-partition ${topic}-${p} due to error: ${errorInfo(5).message}`);
      continue;
    }
    const res = await sendTo(node, ListOffsetsApi, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp, maxNumOffsets: 1 })) }],
    });
    for (const p of res.topics.flatMap((x) => x.partitions)) {
      if (p.errorCode !== 0) {
        console.error(`Skip getting offsets for topic-partition ${topic}-${p.partitionIndex} due to error: ${errorInfo(p.errorCode).message}`);
        continue;
      }
      out.push({ partition: p.partitionIndex, offset: String(p.offset) });
    }
  }
  return out;
}

function parseTime(s: string): number {
  switch (s.trim().toLowerCase()) {
    case 'latest':
    case '-1':
      return -1;
    case 'earliest':
    case '-2':
      return -2;
    case 'max-timestamp':
    case '-3':
      return MAX_TIMESTAMP;
    default:
      if (s.trim() === '-4') return EARLIEST_LOCAL_TIMESTAMP;
      if (!/^\d+$/.test(s.trim()))
        fail(`Malformed time argument ${s}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp, or a specified long format timestamp`);
      return Number(s);
  }
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const props = loadProps(o.commandConfig);
  const bootstrap = brokerList(o.bootstrapServer ?? o.brokerList);
  const patterns = parsePatterns(o);
  const time = parseTime(o.time);
  const admin = createKafka(bootstrap, { clientId: 'GetOffsetShell', props }).admin();
  await admin.connect();
  try {
    const all = (await admin.listTopics()).sort();
    const chosen = new Map<string, Pattern[]>();
    for (const p of patterns) {
      for (const t of topicFilter(all, p.topic === '' ? '.*' : p.topic, !!o.excludeInternalTopics)) chosen.set(t, [...(chosen.get(t) ?? []), p]);
    }
    const lines: { topic: string; partition: number; offset: string }[] = [];
    for (const [topic, ranges] of chosen) {
      const inRange = (p: number) => ranges.some((r) => p >= r.from && p <= r.to);
      const offsets =
        time === MAX_TIMESTAMP || time === EARLIEST_LOCAL_TIMESTAMP
          ? await listOffsetsV8(bootstrap, topic, time)
          : time >= 0
            ? await admin.fetchTopicOffsetsByTimestamp(topic, time)
            : await admin.fetchTopicOffsets(topic);
      for (const e of offsets) {
        if (!inRange(e.partition)) continue;
        const withRange = e as { partition: number; offset: string; low?: string; high?: string };
        const offset = time === -2 ? withRange.low! : time === -1 ? withRange.high! : withRange.offset;
        // No offset (UNKNOWN_OFFSET -1: a timestamp after the last record, max-timestamp of an empty partition):
        // GetOffsetShell prints nothing for it.
        if (time !== -1 && time !== -2 && Number(offset) < 0) continue;
        lines.push({ topic, partition: e.partition, offset });
      }
    }
    if (lines.length === 0) fail('Error occurred: Could not match any topic-partitions with the specified filters');
    lines.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    console.log(lines.map((l) => `${l.topic}:${l.partition}:${l.offset}`).join('\n'));
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function main(): void {
  // GetOffsetShell prints every failure as "Error occurred: ..." on stderr.
  runTool(buildProgram(), (program) =>
    execute(program).catch((e: unknown) => {
      if (e instanceof CommandError) throw e;
      throw new CommandError(`Error occurred: ${errorMessage(e)}`);
    }),
  );
}

if (require.main === module) main();
