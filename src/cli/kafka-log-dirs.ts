/**
 * kafka-log-dirs (Kafka 3.7's tools LogDirsCommand): `--describe` asks each chosen broker for its log dirs
 * (DescribeLogDirs v4, every partition, as the admin client's describeLogDirs) and prints
 *   Querying brokers for log directories information
 *   Received log directory information from brokers 1,2
 *   {"brokers":[{"broker":1,"logDirs":[{"partitions":[{"partition":"t-0","size":0,"offsetLag":0,"isFuture":false}],"error":null,"logDir":"/d"}]}],"version":1}
 * The JSON is Jackson writing Java HashMaps, so keys and lists come in Java hash order (JavaHashMapOrder);
 * --topic-list filters partitions on the client side, as LogDirsCommand does.
 */
import { Command } from 'commander';
import { DescribeClusterApi, DescribeLogDirsApi } from '../protocol/apis';
import type { DescribeLogDirsResponse } from '../protocol/apis/35-describe-log-dirs';
import { errorInfo } from '../protocol/errors';
import { sendTo, sendToAny } from './AdminRequests';
import { CommandError, brokerList, fail, loadProps, runTool, useClientSecurity } from './CommandUtils';
import { javaHashMapJson, javaHashMapOrder, javaStringHash, javaTopicPartitionHash } from './JavaHashMapOrder';

interface Opts {
  bootstrapServer?: string;
  commandConfig?: string;
  describe?: boolean;
  topicList: string;
  brokerList: string;
}

interface ReplicaInfo {
  topic: string;
  partition: number;
  size: number;
  offsetLag: number;
  isFuture: boolean;
}

interface LogDirDescription {
  logDir: string;
  /** The Java exception class of the dir's error code, null for NONE (Errors.exception()). */
  error: string | null;
  replicas: ReplicaInfo[];
}

/** The exception class Errors.forCode(code).exception() gives for the codes a log dir can carry; null for NONE. */
const EXCEPTION_CLASSES: Record<number, string> = {
  [-1]: 'UnknownServerException',
  31: 'ClusterAuthorizationException',
  56: 'KafkaStorageException',
  57: 'LogDirNotFoundException',
};

function exceptionClass(code: number): string | null {
  if (code === 0) return null;
  return `org.apache.kafka.common.errors.${EXCEPTION_CLASSES[code] ?? 'UnknownServerException'}`;
}

function buildProgram(): Command {
  return new Command('kafka-log-dirs')
    .description('This tool helps to query log directory usage on the specified brokers.')
    .option('--bootstrap-server <String: The server(s) to use for bootstrapping>', 'REQUIRED: the server(s) to use for bootstrapping')
    .option('--command-config <String: Admin client property file>', 'Property file containing configs to be passed to Admin Client.')
    .option('--describe', 'Describe the specified log directories on the specified brokers.')
    .option(
      '--topic-list <String: Topic list>',
      'The list of topics to be queried in the form "topic1,topic2,topic3". All topics will be queried if no topic list is specified',
      '',
    )
    .option(
      '--broker-list <String: Broker list>',
      'The list of brokers to be queried in the form "0,1,2". All brokers in the cluster will be queried if no broker list is specified',
      '',
    );
}

function splitNonEmpty(s: string): string[] {
  return s.split(',').filter((x) => x.length > 0);
}

/** KafkaAdminClient.logDirDescriptions: the response's dirs in a HashMap sized to their count. */
function logDirDescriptions(res: DescribeLogDirsResponse): LogDirDescription[] {
  const dirs = res.results.map((d) => {
    const replicas = d.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey })),
    );
    return { logDir: d.logDir, error: exceptionClass(d.errorCode), replicas: javaHashMapOrder(replicas, (x) => javaTopicPartitionHash(x.topic, x.partition)) };
  });
  return javaHashMapOrder(dirs, (d) => javaStringHash(d.logDir), res.results.length);
}

function formatAsJson(byBroker: Array<{ broker: number; dirs: LogDirDescription[] }>, topics: Set<string>): string {
  const partitionsJson = (replicas: ReplicaInfo[]) =>
    `[${javaHashMapOrder(
      replicas.filter((x) => topics.size === 0 || topics.has(x.topic)),
      (x) => javaTopicPartitionHash(x.topic, x.partition),
    )
      .map((x) =>
        javaHashMapJson([
          ['partition', JSON.stringify(`${x.topic}-${x.partition}`)],
          ['size', String(x.size)],
          ['offsetLag', String(x.offsetLag)],
          ['isFuture', String(x.isFuture)],
        ]),
      )
      .join(',')}]`;
  const brokersJson = byBroker.map(({ broker, dirs }) =>
    javaHashMapJson([
      ['broker', String(broker)],
      [
        'logDirs',
        `[${dirs
          .map((d) =>
            javaHashMapJson([
              ['logDir', JSON.stringify(d.logDir)],
              ['error', d.error === null ? 'null' : JSON.stringify(d.error)],
              ['partitions', partitionsJson(d.replicas)],
            ]),
          )
          .join(',')}]`,
      ],
    ]),
  );
  return javaHashMapJson([
    ['version', '1'],
    ['brokers', `[${brokersJson.join(',')}]`],
  ]);
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  useClientSecurity(loadProps(o.commandConfig));
  const bootstrap = brokerList(o.bootstrapServer);
  if (!o.describe) fail('Missing required argument "[describe]"');
  const topics = new Set(splitNonEmpty(o.topicList));
  const inputBrokers = splitNonEmpty(o.brokerList).map((b) => {
    if (!/^-?\d+$/.test(b)) fail(`For input string: "${b}"`);
    return Number(b);
  });
  const cluster = await sendToAny(bootstrap, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
  if (cluster.errorCode !== 0) throw new CommandError(cluster.errorMessage ?? errorInfo(cluster.errorCode).message);
  const clusterBrokers = cluster.brokers.map((b) => b.brokerId);
  // HashSet<Integer> copies (capacity max(n / .75 + 1, 16)): the broker ids print in their hash order.
  const asHashSet = (ids: number[]) => javaHashMapOrder([...new Set(ids)], (id) => id, Math.max(Math.floor(new Set(ids).size / 0.75) + 1, 16));
  const nonExisting = asHashSet(inputBrokers.filter((b) => !clusterBrokers.includes(b)));
  if (nonExisting.length > 0) {
    fail(
      `ERROR: The given brokers do not exist from --broker-list: ${nonExisting.join(',')}. Current existent brokers: ${asHashSet(clusterBrokers).join(',')}`,
    );
  }
  const existing = asHashSet(inputBrokers.length === 0 ? clusterBrokers : inputBrokers.filter((b) => clusterBrokers.includes(b)));
  console.log('Querying brokers for log directories information');
  const answers = await Promise.all(
    existing.map(async (id) => {
      const b = cluster.brokers.find((x) => x.brokerId === id)!;
      const res = await sendTo(b, DescribeLogDirsApi, 4, { topics: null }, 30000);
      const dirs = logDirDescriptions(res);
      // KafkaAdminClient.describeLogDirs: no dir at all is an error (CLUSTER_AUTHORIZATION_FAILED before v3).
      if (dirs.length === 0) throw new CommandError(errorInfo(res.errorCode === 0 ? 31 : res.errorCode).message);
      return { broker: id, dirs };
    }),
  );
  console.log(`Received log directory information from brokers ${existing.join(',')}`);
  const byBroker = javaHashMapOrder(answers, (a) => a.broker, existing.length);
  console.log(formatAsJson(byBroker, topics));
  return 0;
}

export function main(): void {
  runTool(buildProgram(), execute);
}

if (require.main === module) main();
