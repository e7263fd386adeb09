/**
 * kafka-cluster (Kafka 3.7's tools ClusterTool): `cluster-id` prints "Cluster ID: <id>" from the admin client's
 * describeCluster (DescribeCluster v1 to a bootstrap broker); `unregister --id N` asks for UnregisterBroker,
 * a KRaft-only API (a KRaft broker forwards it to the active controller, which removes the registration and
 * answers BROKER_ID_NOT_REGISTERED for an unknown id): a ZooKeeper-mode broker does not offer it, so the tool prints
 * ClusterTool's "The target cluster does not support the broker unregistration API." and exits 0, as Kafka's does.
 */
import { Argument, Command, Option } from 'commander';
import { ApiVersionsApi, DescribeClusterApi } from '../protocol/apis';
import { UnregisterBrokerApi } from '../protocol/apis/64-unregister-broker';
import { errorInfo } from '../protocol/errors';
import { sendToAny } from './AdminRequests';
import { CommandError, brokerList, fail, loadProps, runTool, useClientSecurity } from './CommandUtils';

interface Opts {
  bootstrapServer?: string;
  bootstrapController?: string;
  config?: string;
  id?: string;
}

/** ApiKeys.UNREGISTER_BROKER: served by KRaft controllers (and forwarded by KRaft brokers) only. */
const UNREGISTER_BROKER = 64;
const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;

function buildProgram(): Command {
  return new Command('kafka-cluster')
    .description('The Kafka cluster tool.')
    .addArgument(
      new Argument('<command>', 'cluster-id: Get information about the ID of a cluster. unregister: Unregister a broker.').choices([
        'cluster-id',
        'unregister',
      ]),
    )
    .option('-b, --bootstrap-server <BOOTSTRAP_SERVER>', 'A list of host/port pairs to use for establishing the connection to the Kafka cluster.')
    .option('-C, --bootstrap-controller <BOOTSTRAP_CONTROLLER>', 'A list of host/port pairs to use for establishing the connection to the KRaft controllers.')
    .option('-c, --config <CONFIG>', 'A property file containing configurations for the Admin client.')
    .addOption(new Option('-i, --id <ID>', 'The ID of the broker to unregister.'));
}

/** The admin client's bootstrap: brokers (-b) or, KRaft only, controllers (-C); exactly one of them (argparse4j's mutually exclusive group). */
function bootstrapOf(o: Opts): { servers: string[]; endpointType: number } {
  if (o.bootstrapServer && o.bootstrapController) {
    fail('argument --bootstrap-controller/-C: not allowed with argument --bootstrap-server/-b');
  }
  if (o.bootstrapServer) return { servers: brokerList(o.bootstrapServer), endpointType: ENDPOINT_BROKER };
  if (o.bootstrapController) return { servers: brokerList(o.bootstrapController, 'bootstrap-controller'), endpointType: ENDPOINT_CONTROLLER };
  return fail('one of the arguments --bootstrap-server/-b --bootstrap-controller/-C is required');
}

async function clusterId(servers: string[], endpointType: number): Promise<void> {
  // Admin.describeCluster: DescribeCluster with the endpoint type of the bootstrap kind; a broker asked for a
  // controller answers MISMATCHED_ENDPOINT_TYPE, which the admin client throws.
  const res = await sendToAny(servers, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType });
  if (res.errorCode !== 0) throw new CommandError(res.errorMessage ?? errorInfo(res.errorCode).message);
  console.log(res.clusterId ? `Cluster ID: ${res.clusterId}` : 'No cluster ID found. The Kafka version is probably too old.');
}

async function unregister(servers: string[], id: number): Promise<void> {
  const versions = await sendToAny(servers, ApiVersionsApi, 3, { clientSoftwareName: 'kafka-zk-ts-cli', clientSoftwareVersion: '3.7.0' });
  if (!versions.apiKeys.some((k) => k.apiKey === UNREGISTER_BROKER)) {
    // The admin client fails with UnsupportedVersionException, which ClusterTool.unregisterCommand prints so.
    console.log('The target cluster does not support the broker unregistration API.');
    return;
  }
  // KafkaAdminClient.unregisterBroker: UnregisterBroker v0 to any node (a broker forwards it to the active
  // controller). An error fails the future with Errors.exception() (the code's default message); ClusterTool
  // rethrows it and its main prints the ExecutionException's message, exit code 1.
  const res = await sendToAny(servers, UnregisterBrokerApi, 0, { brokerId: id }, 30000);
  if (res.errorCode !== 0) {
    const info = errorInfo(res.errorCode);
    throw new CommandError(`${javaExceptionClass(info.name)}: ${info.message}`);
  }
  console.log(`Broker ${id} is no longer registered.`);
}

/** "BROKER_ID_NOT_REGISTERED" -> "org.apache.kafka.common.errors.BrokerIdNotRegisteredException" (Errors' exception classes). */
function javaExceptionClass(errorName: string): string {
  const camel = errorName
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `org.apache.kafka.common.errors.${camel.endsWith('Exception') ? camel : `${camel}Exception`}`;
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const command = program.args[0];
  useClientSecurity(loadProps(o.config));
  const { servers, endpointType } = bootstrapOf(o);
  if (command === 'cluster-id') {
    await clusterId(servers, endpointType);
    return 0;
  }
  if (o.id === undefined) fail('argument --id/-i is required');
  if (!/^-?\d+$/.test(o.id)) fail(`argument --id/-i: could not convert '${o.id}' to Integer`);
  await unregister(servers, Number(o.id));
  return 0;
}

export function main(): void {
  runTool(buildProgram(), execute);
}

if (require.main === module) main();
