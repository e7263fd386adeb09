/**
 * kafka-delete-records (Kafka's DeleteRecordsCommand): moves the log start offset of the partitions in
 * --offset-json-file ({"partitions":[{"topic","partition","offset"}],"version":1}; offset -1 = high
 * watermark) through DeleteRecords sent to each partition's leader, printing each new low watermark.
 * (kafkajs' deleteTopicRecords does not return the low watermarks, so the requests go through our client.)
 */
import * as fs from 'fs';
import { Command } from 'commander';
import { ApiKey } from '../protocol/apiKeys';
import { ApiVersionsApi, DeleteRecordsApi, MetadataApi } from '../protocol/apis';
import { errorInfo } from '../protocol/errors';
import { describeCluster, sendTo, sendToAny } from './AdminRequests';
import { brokerList, fail, loadProps, runTool, useClientSecurity } from './CommandUtils';
import { javaExceptionName } from './kafka-leader-election';

type Entry = { topic: string; partition: number; offset: number };

function parseOffsetJson(file: string): Entry[] {
  let j: { partitions?: Entry[] };
  try {
    j = JSON.parse(fs.readFileSync(file, 'utf8')) as { partitions?: Entry[] };
  } catch (e) {
    return fail(`Unable to read or parse ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(j.partitions)) fail('The input string is not a valid JSON');
  const seen = new Set<string>();
  for (const p of j.partitions) {
    const k = `${p.topic}-${p.partition}`;
    if (seen.has(k)) fail(`Offset json file contains duplicate topic partitions: ${k}`);
    seen.add(k);
  }
  return j.partitions;
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<{ bootstrapServer?: string; offsetJsonFile?: string; commandConfig?: string }>();
  if (!o.bootstrapServer) fail('Missing required argument "[bootstrap-server]"');
  if (!o.offsetJsonFile) fail('Missing required argument "[offset-json-file]"');
  useClientSecurity(loadProps(o.commandConfig));
  const entries = parseOffsetJson(o.offsetJsonFile);
  const bootstrap = brokerList(o.bootstrapServer);
  const cluster = await describeCluster(bootstrap);
  // Admin.deleteRecords fails with UnsupportedVersionException when the brokers lack the API.
  const versions = await sendToAny(bootstrap, ApiVersionsApi, 0, { clientSoftwareName: '', clientSoftwareVersion: '' });
  if (!versions.apiKeys.some((a) => a.apiKey === ApiKey.DeleteRecords))
    fail('Error: org.apache.kafka.common.errors.UnsupportedVersionException: The broker does not support DELETE_RECORDS');
  const topics = [...new Set(entries.map((e) => e.topic))];
  const md = await sendToAny(bootstrap, MetadataApi, 1, { topics: topics.map((name) => ({ name })), allowAutoTopicCreation: false });
  console.log('Executing records delete operation');
  const byLeader = new Map<number, Entry[]>();
  const results = new Map<string, string>();
  for (const e of entries) {
    const leader = md.topics.find((t) => t.name === e.topic)?.partitions.find((p) => p.partitionIndex === e.partition)?.leaderId ?? -1;
    if (leader < 0)
      results.set(`${e.topic}-${e.partition}`, `error: ${javaExceptionName('UNKNOWN_TOPIC_OR_PARTITION')}: This server does not host this topic-partition.`);
    else byLeader.set(leader, [...(byLeader.get(leader) ?? []), e]);
  }
  for (const [leader, list] of byLeader) {
    const node = cluster.brokers.find((b) => b.id === leader)!;
    const byTopic = new Map<string, { partitionIndex: number; offset: number }[]>();
    for (const e of list) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), { partitionIndex: e.partition, offset: e.offset }]);
    const res = await sendTo(node, DeleteRecordsApi, 1, { topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })), timeoutMs: 30000 });
    for (const t of res.topics) {
      for (const p of t.partitions) {
        const info = errorInfo(p.errorCode);
        results.set(
          `${t.name}-${p.partitionIndex}`,
          p.errorCode === 0 ? `low_watermark: ${p.lowWatermark}` : `error: ${javaExceptionName(info.name)}: ${info.message}`,
        );
      }
    }
  }
  console.log('Records delete operation completed:');
  let failed = false;
  for (const e of entries) {
    const r = results.get(`${e.topic}-${e.partition}`) ?? 'error: no response';
    if (r.startsWith('error')) failed = true;
    console.log(`partition: ${e.topic}-${e.partition}\t${r}`);
  }
  return failed ? 1 : 0;
}

export function main(): void {
  const program = new Command('kafka-delete-records')
    .description('This tool helps to delete records of the given partitions down to the specified offset.')
    .option('--bootstrap-server <String: server(s) to use for bootstrapping>', 'REQUIRED: The server to connect to.')
    .option(
      '--offset-json-file <String: Offset json file path>',
      'REQUIRED: The JSON file with offset per partition. The format to use is:\n{"partitions":\n  [{"topic": "foo", "partition": 1, "offset": 1}],\n "version":1\n}',
    )
    .option('--command-config <String: command config property file path>', 'A property file containing configs to be passed to Admin Client.');
  runTool(program, execute);
}

if (require.main === module) main();
