/**
 * kafka-verifiable-consumer (Kafka's VerifiableConsumer): consumes in a group and prints one JSON event
 * per line: startup_complete, partitions_assigned / partitions_revoked, records_consumed (count and
 * per-partition count/minOffset/maxOffset), record_data with --verbose, offsets_committed (offsets,
 * success), shutdown_complete. Without --enable-autocommit it commits after every batch, as Kafka's does.
 */
import { Command } from 'commander';
import { brokerList, createKafka, fail, loadProps, runTool } from './CommandUtils';
import { printJson } from './kafka-verifiable-producer';

interface Opts {
  bootstrapServer?: string;
  brokerList?: string;
  topic?: string;
  groupId?: string;
  groupInstanceId?: string;
  maxMessages: string;
  sessionTimeout: string;
  enableAutocommit?: boolean;
  resetPolicy: string;
  verbose?: boolean;
}

type Tp = { topic: string; partition: number };

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const props = loadProps(program.opts()['consumer.config'] as string | undefined);
  if (!o.topic) fail('argument --topic is required');
  if (!o.groupId) fail('argument --group-id is required');
  const bootstrap = o.bootstrapServer ?? o.brokerList;
  if (!bootstrap) fail('one of the arguments --bootstrap-server --broker-list is required');
  const max = Number(o.maxMessages);
  const consumer = createKafka(brokerList(bootstrap), { clientId: props.get('client.id') ?? 'verifiable-consumer', props, role: 'consumer' }).consumer({
    groupId: o.groupId,
    sessionTimeout: Number(o.sessionTimeout),
    heartbeatInterval: Math.min(3000, Math.floor(Number(o.sessionTimeout) / 3)),
    maxWaitTimeInMs: 500,
  });
  let assigned: Tp[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const a = e.payload.memberAssignment;
    assigned = Object.entries(a).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
    printJson({ name: 'partitions_assigned', partitions: assigned });
  });
  consumer.on(consumer.events.REBALANCING, () => {
    if (assigned.length > 0) printJson({ name: 'partitions_revoked', partitions: assigned });
    assigned = [];
  });
  let consumed = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  process.once('SIGTERM', () => finish());
  process.once('SIGINT', () => finish());
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: o.resetPolicy === 'earliest' });
  printJson({ name: 'startup_complete' });
  await consumer.run({
    autoCommit: !!o.enableAutocommit,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      let count = 0;
      let min = -1;
      let last = -1;
      for (const m of batch.messages) {
        if (max >= 0 && consumed >= max) break;
        const off = Number(m.offset);
        if (min < 0) min = off;
        last = off;
        count++;
        consumed++;
        resolveOffset(m.offset);
        if (o.verbose) {
          printJson({
            name: 'record_data',
            key: m.key?.toString('utf8') ?? null,
            value: m.value?.toString('utf8') ?? null,
            topic: batch.topic,
            partition: batch.partition,
            offset: off,
          });
        }
      }
      if (count === 0) return;
      printJson({ name: 'records_consumed', count, partitions: [{ topic: batch.topic, partition: batch.partition, count, minOffset: min, maxOffset: last }] });
      if (!o.enableAutocommit) {
        const offsets = [{ topic: batch.topic, partition: batch.partition, offset: String(last + 1) }];
        try {
          await consumer.commitOffsets(offsets);
          printJson({ name: 'offsets_committed', offsets: offsets.map((x) => ({ topic: x.topic, partition: x.partition, offset: last + 1 })), success: true });
        } catch (e) {
          printJson({
            name: 'offsets_committed',
            offsets: offsets.map((x) => ({ topic: x.topic, partition: x.partition, offset: last + 1 })),
            error: (e as Error).message,
            success: false,
          });
        }
      }
      if (max >= 0 && consumed >= max) finish();
    },
  });
  await done;
  await consumer.disconnect().catch(() => undefined);
  if (assigned.length > 0) printJson({ name: 'partitions_revoked', partitions: assigned });
  printJson({ name: 'shutdown_complete' });
  return 0;
}

export function main(): void {
  const program = new Command('kafka-verifiable-consumer')
    .description(
      'This tool consumes messages from a specific topic and emits consumer events (e.g. group rebalances, received messages, and offsets committed) as JSON objects to STDOUT.',
    )
    .option('--bootstrap-server <HOST1:PORT1[,HOST2:PORT2[...]]>', 'REQUIRED: The server(s) to connect to.')
    .option('--broker-list <HOST1:PORT1[,HOST2:PORT2[...]]>', 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.')
    .option('--topic <TOPIC>', 'Consumes messages from this topic.')
    .option('--group-id <GROUP_ID>', 'The groupId shared among members of the consumer group')
    .option('--group-instance-id <GROUP_INSTANCE_ID>', 'A unique identifier of the consumer instance (not supported by kafkajs; ignored)')
    .option(
      '--max-messages <MAX-MESSAGES>',
      'Consume this many messages. If -1 (the default), the consumer will consume until the process is killed externally',
      '-1',
    )
    .option('--session-timeout <TIMEOUT_MS>', "Set the consumer's session timeout", '30000')
    .option('--verbose', 'Enable to log individual consumed records')
    .option('--enable-autocommit', 'Enable offset auto-commit on consumer')
    .option('--reset-policy <RESETPOLICY>', "Set reset policy (must be either 'earliest', 'latest', or 'none'", 'earliest')
    .option('--assignment-strategy <ASSIGNMENTSTRATEGY>', 'Set assignment strategy (e.g. org.apache.kafka.clients.consumer.RoundRobinAssignor)')
    .option('--consumer.config <CONFIG_FILE>', 'Consumer config properties file (config options shared with command line parameters will be overridden).');
  runTool(program, execute);
}

if (require.main === module) main();
