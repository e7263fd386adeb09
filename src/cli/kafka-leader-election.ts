/**
 * kafka-leader-election (Kafka's LeaderElectionCommand): a PREFERRED or UNCLEAN election for one
 * partition (--topic/--partition), the partitions of a JSON file, or every partition, through
 * ElectLeaders (kafkajs has no such call, so it goes to the controller through our protocol client).
 */
import * as fs from 'fs';
import { Command } from 'commander';
import { ElectLeadersApi } from '../protocol/apis';
import { errorInfo } from '../protocol/errors';
import { sendToController } from './AdminRequests';
import { CommandError, brokerList, fail, loadProps, runTool, useClientSecurity } from './CommandUtils';

interface Opts {
  bootstrapServer?: string;
  electionType?: string;
  topic?: string;
  partition?: string;
  allTopicPartitions?: boolean;
  pathToJsonFile?: string;
}

/** "PREFERRED_LEADER_NOT_AVAILABLE" → "org.apache.kafka.common.errors.PreferredLeaderNotAvailableException". */
export function javaExceptionName(errorName: string): string {
  const camel = errorName
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.substring(1))
    .join('');
  return `org.apache.kafka.common.errors.${camel.endsWith('Exception') ? camel : `${camel}Exception`}`;
}

function partitionsFromJson(file: string): { topic: string; partitions: number[] }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`Unable to parse the JSON file ${file}: ${(e as Error).message}`);
  }
  const list = (parsed as { partitions?: { topic: string; partition: number }[] }).partitions;
  if (!Array.isArray(list)) fail(`Replica election data is missing "partitions" field: ${file}`);
  const seen = new Set<string>();
  const byTopic = new Map<string, number[]>();
  for (const p of list) {
    const k = `${p.topic}-${p.partition}`;
    if (seen.has(k)) fail(`Replica election data contains duplicate partitions: ${k}`);
    seen.add(k);
    byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  if (!o.bootstrapServer) fail('Missing required argument "[bootstrap-server]"');
  useClientSecurity(loadProps(program.opts()['admin.config'] as string | undefined));
  if (!o.electionType) fail('Missing required option(s) [election-type]');
  const type = o.electionType.toUpperCase();
  if (type !== 'PREFERRED' && type !== 'UNCLEAN') fail(`Invalid election-type '${o.electionType}': must be PREFERRED or UNCLEAN`);
  const scopes = [o.allTopicPartitions, o.topic !== undefined, o.pathToJsonFile !== undefined].filter(Boolean).length;
  if (scopes !== 1) fail('One and only one of the following options is required: all-topic-partitions, topic, path-to-json-file');
  if (o.partition !== undefined && o.topic === undefined) fail('Missing required option(s) [topic]');
  if (o.topic !== undefined && o.partition === undefined) fail('Missing required option(s) [partition]');
  const topicPartitions = o.allTopicPartitions
    ? null
    : o.pathToJsonFile
      ? partitionsFromJson(o.pathToJsonFile)
      : [{ topic: o.topic!, partitions: [Number(o.partition)] }];
  const res = await sendToController(brokerList(o.bootstrapServer), ElectLeadersApi, 1, {
    electionType: type === 'PREFERRED' ? 0 : 1,
    topicPartitions,
    timeoutMs: 30000,
  });
  if (res.errorCode !== 0) throw new CommandError(`${javaExceptionName(errorInfo(res.errorCode).name)}: ${errorInfo(res.errorCode).message}`);
  const succeeded: string[] = [];
  const noop: string[] = [];
  const failed: string[] = [];
  for (const t of res.replicaElectionResults) {
    for (const p of t.partitionResult) {
      const tp = `${t.topic}-${p.partitionId}`;
      const info = errorInfo(p.errorCode);
      if (p.errorCode === 0) succeeded.push(tp);
      else if (info.name === 'ELECTION_NOT_NEEDED') noop.push(tp);
      else failed.push(`Error completing leader election (${type}) for partition: ${tp}: ${javaExceptionName(info.name)}: ${p.errorMessage ?? info.message}`);
    }
  }
  if (succeeded.length > 0) console.log(`Successfully completed leader election (${type}) for partitions ${succeeded.join(', ')}`);
  if (noop.length > 0) console.log(`Valid replica already elected for partitions ${noop.join(', ')}`);
  if (failed.length > 0) {
    for (const f of failed) console.log(f);
    throw new CommandError(`${failed.length} replica(s) could not be elected`);
  }
  return 0;
}

export function main(): void {
  const program = new Command('kafka-leader-election')
    .description(
      'This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.',
    )
    .option(
      '--bootstrap-server <String: host:port>',
      'A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED.',
    )
    .option('--admin.config <String: config file>', 'Configuration properties files to pass to the admin client')
    .option(
      '--election-type <[PREFERRED,UNCLEAN]: election type>',
      'Type of election to attempt. Possible values are "preferred" for preferred leader election or "unclean" for unclean leader election.',
    )
    .option(
      '--topic <String: topic name>',
      'Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified.',
    )
    .option('--partition <Integer: partition id>', 'Partition id for which to perform an election. REQUIRED if --topic is specified.')
    .option('--all-topic-partitions', 'Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag).')
    .option('--path-to-json-file <String: Path to JSON file>', 'The JSON file with the list of partition for which leader elections should be performed.');
  runTool(program, execute);
}

if (require.main === module) main();
