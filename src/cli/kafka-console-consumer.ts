/**
 * kafka-console-consumer (Kafka 3.7's ConsoleConsumer): prints records of a topic (or --include regex)
 * through a formatter. kafkajs has no assign-only consumer, so without --group it joins a generated
 * group "console-consumer-<random>" with auto-commit off, as Kafka's tool does; --partition then uses an
 * assignor that gives this single member just that partition, and --offset seeks it.
 */
import { Command } from 'commander';
import { Consumer, PartitionAssigner, AssignerProtocol } from 'kafkajs';
import { CommandError, brokerList, collect, createKafka, fail, loadProps, parseKeyValues, runTool } from './CommandUtils';
import { createFormatter } from './MessageFormatters';

interface ConsumerOpts {
  bootstrapServer?: string;
  topic?: string;
  include?: string;
  whitelist?: string;
  partition?: string;
  offset: string;
  fromBeginning?: boolean;
  group?: string;
  maxMessages?: string;
  timeoutMs?: string;
  skipMessageOnError?: boolean;
  property: string[];
  consumerProperty: string[];
  formatter?: string;
  formatterConfig?: string;
  isolationLevel: string;
}

function buildProgram(): Command {
  return new Command('kafka-console-consumer')
    .description('This tool helps to read data from Kafka topics and outputs it to standard output.')
    .option('--bootstrap-server <String: server to connect to>', 'REQUIRED: The server(s) to connect to.')
    .option('--topic <String: topic>', 'The topic to consume on.')
    .option('--include <String: Java regex (String)>', 'Regular expression specifying list of topics to include for consumption.')
    .option('--whitelist <String: Java regex (String)>', 'DEPRECATED, use --include instead.')
    .option(
      '--partition <Integer: partition>',
      "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.",
    )
    .option(
      '--offset <String: consume offset>',
      "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end",
      'latest',
    )
    .option(
      '--from-beginning',
      'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.',
    )
    .option('--group <String: consumer group id>', 'The consumer group id of the consumer.')
    .option('--max-messages <Integer: num_messages>', 'The maximum number of messages to consume before exiting. If not set, consumption is continual.')
    .option('--timeout-ms <Integer: timeout_ms>', 'If specified, exit if no message is available for consumption for the specified interval.')
    .option('--skip-message-on-error', 'If there is an error when processing a message, skip it instead of halt.')
    .option(
      '--property <String: prop>',
      'The properties to initialize the message formatter (print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal).',
      collect,
      [],
    )
    .option('--consumer-property <String: consumer_prop>', 'A mechanism to pass user-defined properties in the form key=value to the consumer.', collect, [])
    .option('--consumer.config <String: config file>', 'Consumer config properties file. Note that [consumer-property] takes precedence over this config.')
    .option('--formatter <String: class>', 'The name of a class to use for formatting kafka messages for display.', 'kafka.tools.DefaultMessageFormatter')
    .option(
      '--formatter-config <String: config file>',
      'Config properties file to initialize the message formatter. Note that [property] takes precedence over this config.',
    )
    .option(
      '--isolation-level <String>',
      'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages.',
      'read_uncommitted',
    );
}

/** An assignor for the tool's own single-member group: exactly the requested partition. */
function singlePartitionAssigner(topic: string, partition: number): PartitionAssigner {
  return () => ({
    name: 'ConsoleConsumerAssign',
    version: 0,
    async assign({ members }) {
      return members.map((m, i) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: i === 0 ? { [topic]: [partition] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return { name: 'ConsoleConsumerAssign', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

function checkArgs(o: ConsumerOpts): void {
  const include = o.include ?? o.whitelist;
  if ((o.topic ? 1 : 0) + (include ? 1 : 0) !== 1) fail('Exactly one of include/topic is required.');
  if (o.partition !== undefined && !o.topic) fail('The topic is required when partition is specified.');
  if (o.fromBeginning && o.partition !== undefined && process.argv.includes('--offset'))
    fail('Options from-beginning and offset cannot be specified together.');
  if (process.argv.includes('--offset') && o.partition === undefined) fail('The partition is required when offset is specified.');
  if (o.group && o.partition !== undefined) fail('Options group and partition cannot be specified together.');
  if (!['earliest', 'latest'].includes(o.offset) && !/^\d+$/.test(o.offset)) {
    fail("The provided offset value is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.");
  }
  if (o.partition !== undefined && !/^\d+$/.test(o.partition)) fail(`Cannot parse argument '${o.partition}' of option partition`);
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<ConsumerOpts>();
  checkArgs(o);
  const consumerProps = new Map([...loadProps(program.opts()['consumer.config'] as string | undefined), ...parseKeyValues(o.consumerProperty)]);
  const formatter = createFormatter(o.formatter, new Map([...loadProps(o.formatterConfig), ...parseKeyValues(o.property)]));
  const groupGiven = o.group ?? consumerProps.get('group.id');
  // ConsoleConsumer: "console-consumer-" + new Random().nextInt(100000), with auto-commit off.
  const groupId = groupGiven ?? `console-consumer-${Math.floor(Math.random() * 100000)}`;
  const autoCommit = groupGiven ? consumerProps.get('enable.auto.commit') !== 'false' : false;
  const resetEarliest = o.fromBeginning || consumerProps.get('auto.offset.reset') === 'earliest' || (o.partition !== undefined && o.offset === 'earliest');
  const maxMessages = o.maxMessages !== undefined ? Number(o.maxMessages) : -1;
  const timeoutMs = o.timeoutMs !== undefined ? Number(o.timeoutMs) : -1;
  const partition = o.partition !== undefined ? Number(o.partition) : undefined;

  const kafka = createKafka(brokerList(o.bootstrapServer ?? consumerProps.get('bootstrap.servers')), {
    clientId: consumerProps.get('client.id') ?? 'console-consumer',
    props: consumerProps,
  });
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: Number(consumerProps.get('session.timeout.ms') ?? 10000),
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 500,
    readUncommitted: o.isolationLevel !== 'read_committed',
    ...(partition !== undefined && o.topic ? { partitionAssigners: [singlePartitionAssigner(o.topic, partition)] } : {}),
  });
  let count = 0;
  let done: (err?: Error) => void = () => undefined;
  const finished = new Promise<Error | undefined>((resolve) => {
    done = (err) => resolve(err);
  });
  let idleTimer: NodeJS.Timeout | null = null;
  const armIdle = () => {
    if (timeoutMs < 0) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => done(new Error('org.apache.kafka.common.errors.TimeoutException')), timeoutMs);
  };
  const stopSignal = () => done();
  process.once('SIGINT', stopSignal);
  process.once('SIGTERM', stopSignal);
  let stopped = false;
  try {
    await consumer.connect();
    const include = o.include ?? o.whitelist;
    await consumer.subscribe({ topics: [o.topic !== undefined ? o.topic : new RegExp(`^(?:${include!.replace(/,/g, '|')})$`)], fromBeginning: resetEarliest });
    if (partition !== undefined && o.topic && /^\d+$/.test(o.offset)) {
      const topic = o.topic;
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition, offset: o.offset }));
    }
    armIdle();
    await consumer.run({
      autoCommit,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
        for (const m of batch.messages) {
          if (stopped) break;
          const text = formatter.format({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: m.key,
            value: m.value,
            headers: m.headers,
          });
          if (text) process.stdout.write(text);
          resolveOffset(m.offset);
          count++;
          if (maxMessages >= 0 && count >= maxMessages) {
            stopped = true;
            break;
          }
        }
        armIdle();
        if (autoCommit) await commitOffsetsIfNecessary();
        await heartbeat();
        if (stopped) done();
      },
    });
    if (maxMessages === 0) done();
    const err = await finished;
    stopped = true;
    if (err) {
      process.stderr.write(
        `[${new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ',')}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\n${err.message}\n`,
      );
    }
  } catch (e) {
    if (e instanceof CommandError) throw e;
    throw new CommandError(`Unknown error when running consumer: ${(e as Error).message}`);
  } finally {
    if (idleTimer) clearTimeout(idleTimer);
    await consumer.disconnect().catch(() => undefined);
    process.stderr.write(`Processed a total of ${count} messages\n`);
  }
  return 0;
}

export function main(): void {
  runTool(buildProgram(), execute);
}

if (require.main === module) main();
