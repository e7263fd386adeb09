/**
 * kafka-broker-api-versions (Kafka's BrokerApiVersionsCommand): for every broker of the cluster, the
 * ApiVersions it advertises, printed like NodeApiVersions.toString(true) with the "usable" version a
 * Kafka 3.7 client would pick, and UNSUPPORTED for the ZooKeeper-broker APIs it does not list.
 */
import { Command } from 'commander';
import { ApiVersionsApi } from '../protocol/apis';
import { describeCluster, sendTo } from './AdminRequests';
import { brokerList, fail, loadProps, runTool, useClientSecurity } from './CommandUtils';

/** ApiKeys.clientApis() of Kafka 3.7 (zkBroker or broker listeners): name and the latest version the 3.7 client knows. */
const ZK_BROKER_APIS: ReadonlyArray<[number, string, number]> = [
  [0, 'Produce', 10],
  [1, 'Fetch', 16],
  [2, 'ListOffsets', 8],
  [3, 'Metadata', 12],
  [4, 'LeaderAndIsr', 7],
  [5, 'StopReplica', 4],
  [6, 'UpdateMetadata', 8],
  [7, 'ControlledShutdown', 3],
  [8, 'OffsetCommit', 9],
  [9, 'OffsetFetch', 9],
  [10, 'FindCoordinator', 4],
  [11, 'JoinGroup', 9],
  [12, 'Heartbeat', 4],
  [13, 'LeaveGroup', 5],
  [14, 'SyncGroup', 5],
  [15, 'DescribeGroups', 5],
  [16, 'ListGroups', 4],
  [17, 'SaslHandshake', 1],
  [18, 'ApiVersions', 3],
  [19, 'CreateTopics', 7],
  [20, 'DeleteTopics', 6],
  [21, 'DeleteRecords', 2],
  [22, 'InitProducerId', 4],
  [23, 'OffsetForLeaderEpoch', 4],
  [24, 'AddPartitionsToTxn', 4],
  [25, 'AddOffsetsToTxn', 3],
  [26, 'EndTxn', 3],
  [27, 'WriteTxnMarkers', 1],
  [28, 'TxnOffsetCommit', 3],
  [29, 'DescribeAcls', 3],
  [30, 'CreateAcls', 3],
  [31, 'DeleteAcls', 3],
  [32, 'DescribeConfigs', 4],
  [33, 'AlterConfigs', 2],
  [34, 'AlterReplicaLogDirs', 2],
  [35, 'DescribeLogDirs', 4],
  [36, 'SaslAuthenticate', 2],
  [37, 'CreatePartitions', 3],
  [38, 'CreateDelegationToken', 3],
  [39, 'RenewDelegationToken', 2],
  [40, 'ExpireDelegationToken', 2],
  [41, 'DescribeDelegationToken', 3],
  [42, 'DeleteGroups', 2],
  [43, 'ElectLeaders', 2],
  [44, 'IncrementalAlterConfigs', 1],
  [45, 'AlterPartitionReassignments', 0],
  [46, 'ListPartitionReassignments', 0],
  [47, 'OffsetDelete', 0],
  [48, 'DescribeClientQuotas', 1],
  [49, 'AlterClientQuotas', 1],
  [50, 'DescribeUserScramCredentials', 0],
  [51, 'AlterUserScramCredentials', 0],
  [55, 'DescribeQuorum', 1],
  [56, 'AlterPartition', 3],
  [57, 'UpdateFeatures', 1],
  [58, 'Envelope', 0],
  [60, 'DescribeCluster', 1],
  [61, 'DescribeProducers', 0],
  [64, 'UnregisterBroker', 0],
  [65, 'DescribeTransactions', 0],
  [66, 'ListTransactions', 0],
  [67, 'AllocateProducerIds', 0],
  [68, 'ConsumerGroupHeartbeat', 0],
  [69, 'ConsumerGroupDescribe', 0],
  [71, 'GetTelemetrySubscriptions', 0],
  [72, 'PushTelemetry', 0],
  [74, 'ListClientMetricsResources', 0],
];
const BY_KEY = new Map(ZK_BROKER_APIS.map(([k, name, latest]) => [k, { name, latest }]));

/** NodeApiVersions.toString(true). */
function formatApiVersions(apis: ReadonlyArray<{ apiKey: number; minVersion: number; maxVersion: number }>): string {
  const text = new Map<number, string>();
  for (const a of apis) {
    const known = BY_KEY.get(a.apiKey);
    let s = known ? `${known.name}(${a.apiKey}): ` : `UNKNOWN(${a.apiKey}): `;
    s += a.minVersion === a.maxVersion ? `${a.minVersion}` : `${a.minVersion} to ${a.maxVersion}`;
    if (known) {
      if (known.latest < a.minVersion) s += ' [unusable: node too new]';
      else s += ` [usable: ${Math.min(known.latest, a.maxVersion)}]`;
    }
    text.set(a.apiKey, s);
  }
  for (const [k, name] of ZK_BROKER_APIS) if (!text.has(k)) text.set(k, `${name}(${k}): UNSUPPORTED`);
  const ordered = [...text.keys()].sort((a, b) => a - b).map((k) => text.get(k)!);
  return `(\n\t${ordered.join(',\n\t')}\n)`;
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<{ bootstrapServer?: string; commandConfig?: string }>();
  if (!o.bootstrapServer) fail('Missing required argument "[bootstrap-server]"');
  useClientSecurity(loadProps(o.commandConfig));
  const cluster = await describeCluster(brokerList(o.bootstrapServer));
  for (const b of cluster.brokers) {
    try {
      const r = await sendTo(b, ApiVersionsApi, 3, { clientSoftwareName: 'kafka-zk-ts-cli', clientSoftwareVersion: '3.7.0' });
      console.log(`${b.host}:${b.port} (id: ${b.id} rack: null) -> ${formatApiVersions(r.apiKeys)}`);
    } catch (e) {
      console.log(`${b.host}:${b.port} (id: ${b.id} rack: null) -> ERROR: ${(e as Error).message}`);
    }
  }
  return 0;
}

export function main(): void {
  const program = new Command('kafka-broker-api-versions')
    .description('This tool helps to retrieve broker version information.')
    .option('--bootstrap-server <String: server(s) to use for bootstrapping>', 'REQUIRED: The server to connect to.')
    .option('--command-config <String: command config property file>', 'A property file containing configs to be passed to Admin Client.');
  runTool(program, execute);
}

if (require.main === module) main();
