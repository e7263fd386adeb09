/**
 * kafka-console-consumer (Kafka 3.7's ConsoleConsumer): prints records of a topic (or --include regex)
 * through a formatter. kafkajs has no assign-only consumer, so without --group it joins a generated
 * group "console-consumer-<random>" with auto-commit off, as Kafka's tool does; --partition then uses an
 * assignor that gives this single member just that partition, and --offset seeks it.
 * In a group (auto-commit on) it ends as Kafka's does: the group keeps the offset after the last record
 * printed per partition, whatever the fetch size or max.poll.records (ConsumedPositions), and the reset
 * position of assigned partitions nothing was printed from (ConsumerResetPositions).
 */
import { FindCoordinatorApi } from '../protocol/apis';
import { ErrorCode } from '../protocol/errors';
import { sendToAny } from './AdminRequests';
import { Command } from 'commander';
import { Consumer, PartitionAssigner, AssignerProtocol } from 'kafkajs';
import { CommandError, brokerList, collect, createKafka, errorMessage, fail, loadProps, parseKeyValues, runTool } from './CommandUtils';
import { ConsumedPositions } from './ConsumedPositions';
import { ConsumerResetPositions } from './ConsumerResetPositions';
import { buildConsumerSettings, isolationLevelOf, log4jLine } from './ConsoleConsumerConfig';
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

/**
 * ConsoleConsumer.ConsumerConfig: the group id may come from --group, --consumer-property or
 * --consumer.config, and all that are given must agree.
 */
function groupIdGiven(o: ConsumerOpts, fileProps: Map<string, string>, cmdProps: Map<string, string>): string | undefined {
  const given = [...new Set([o.group, cmdProps.get('group.id'), fileProps.get('group.id')].filter((g): g is string => g !== undefined))];
  if (given.length > 1) {
    fail(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. " +
        `Detected group ids: ${given.map((g) => `'${g}'`).join(', ')}`,
    );
  }
  return given[0];
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<ConsumerOpts>();
  checkArgs(o);
  const fileProps = loadProps(program.opts()['consumer.config'] as string | undefined);
  const cmdProps = parseKeyValues(o.consumerProperty);
  const consumerProps = new Map([...fileProps, ...cmdProps]);
  const groupGiven = groupIdGiven(o, fileProps, cmdProps);
  // ConsoleConsumer.setAutoOffsetResetValue: --from-beginning and a different auto.offset.reset conflict.
  const resetProp = consumerProps.get('auto.offset.reset');
  if (o.fromBeginning && resetProp !== undefined && resetProp !== 'earliest') {
    fail(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${resetProp}', please remove one option`);
  }
  const settings = buildConsumerSettings(consumerProps);
  for (const w of settings.warnings) process.stderr.write(log4jLine('WARN', w, 'kafka.tools.ConsoleConsumer$'));
  const formatter = createFormatter(o.formatter, new Map([...loadProps(o.formatterConfig), ...parseKeyValues(o.property)]));
  // ConsoleConsumer: without a group, "console-consumer-" + new Random().nextInt(100000), and auto-commit
  // off unless enable.auto.commit is given; with a group, KafkaConsumer's default (on).
  const groupId = groupGiven ?? `console-consumer-${Math.floor(Math.random() * 100000)}`;
  const autoCommitProp = consumerProps.get('enable.auto.commit')?.trim().toLowerCase();
  const autoCommit = autoCommitProp !== undefined ? autoCommitProp === 'true' : groupGiven !== undefined;
  const resetEarliest = o.fromBeginning || resetProp === 'earliest' || (o.partition !== undefined && o.offset === 'earliest');
  const maxMessages = o.maxMessages !== undefined ? Number(o.maxMessages) : -1;
  const timeoutMs = o.timeoutMs !== undefined ? Number(o.timeoutMs) : -1;
  const partition = o.partition !== undefined ? Number(o.partition) : undefined;
  // CommandLineUtils.maybeMergeOptions: --isolation-level wins when given, else the property, else its default.
  const isolation = isolationLevelOf(process.argv.includes('--isolation-level') ? o.isolationLevel : (settings.isolationLevel ?? o.isolationLevel));

  const bootstrapList = brokerList(o.bootstrapServer ?? consumerProps.get('bootstrap.servers'));
  const kafka = createKafka(bootstrapList, {
    clientId: consumerProps.get('client.id') ?? 'console-consumer',
    props: consumerProps,
    role: 'consumer',
  });
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: settings.allowAutoTopicCreation,
    sessionTimeout: settings.sessionTimeout,
    heartbeatInterval: settings.heartbeatInterval,
    ...(settings.rebalanceTimeout !== undefined ? { rebalanceTimeout: settings.rebalanceTimeout } : {}),
    maxWaitTimeInMs: settings.maxWaitTimeInMs,
    ...(settings.minBytes !== undefined ? { minBytes: settings.minBytes } : {}),
    ...(settings.maxBytes !== undefined ? { maxBytes: settings.maxBytes } : {}),
    ...(settings.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: settings.maxBytesPerPartition } : {}),
    readUncommitted: isolation !== 'read_committed',
    ...(partition !== undefined && o.topic ? { partitionAssigners: [singlePartitionAssigner(o.topic, partition)] } : {}),
  });
  const positions = new ConsumedPositions();
  // Only a committing consumer needs the reset positions (never the --partition one: it has no group of its own to keep).
  const resets = autoCommit && partition === undefined ? new ConsumerResetPositions(kafka) : null;
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
  let assignment: Record<string, number[]> | null = null;
  // kafkajs stops a consumer on a non-retriable error (an authorization failure...) and leaves nothing running:
  // end the tool the way KafkaConsumer.poll's exception ends ConsoleConsumer (its count, then the error, exit 1).
  let crash: Error | null = null;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    crash = payload.error;
    done();
  });
  try {
    await consumer.connect();
    const include = o.include ?? o.whitelist;
    const subscription = o.topic !== undefined ? o.topic : new RegExp(`^(?:${include!.replace(/,/g, '|')})$`);
    if (resets) await resets.snapshot(subscription);
    await consumer.subscribe({ topics: [subscription], fromBeginning: resetEarliest });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment = payload.memberAssignment;
      positions.retain(assignment);
    });
    if (partition !== undefined && o.topic && /^\d+$/.test(o.offset)) {
      const topic = o.topic;
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition, offset: o.offset }));
    }
    armIdle();
    await consumer.run({
      autoCommit,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        positions.handedOut(batch.topic, batch.partition, batch.messages.length > 0 ? batch.messages[0].offset : null);
        const last = batch.messages[batch.messages.length - 1];
        for (const m of batch.messages) {
          if (stopped) break;
          // ConsoleConsumer.process counts a record as soon as it is received, before formatting it.
          count++;
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
          // Per record, never per batch: the group must not get offsets of records we did not print.
          // kafkajs resolves the batch's last record to the batch's end, past trailing control records.
          resolveOffset(m.offset);
          positions.printed(batch.topic, batch.partition, (BigInt(m === last ? batch.lastOffset() : m.offset) + 1n).toString());
          if (maxMessages >= 0 && count >= maxMessages) {
            stopped = true;
            break;
          }
        }
        armIdle();
        await heartbeat();
        if (stopped) done();
      },
    });
    if (maxMessages === 0) done();
    const err = await finished;
    stopped = true;
    if (crash) throw new CommandError(await consumerFailure(crash, bootstrapList, groupId, o.topic ?? o.include ?? o.whitelist));
    if (err)
      process.stderr.write(log4jLine('ERROR', 'Error processing message, terminating consumer process: ', 'kafka.tools.ConsoleConsumer$') + err.message + '\n');
    // KafkaConsumer.close() with auto-commit: one synchronous commit of the positions, before leaving the group.
    if (resets && assignment !== null) await resets.fill(groupId, assignment, positions, resetEarliest);
    const offsets = positions.toCommit();
    if (autoCommit && assignment !== null && offsets.length > 0) {
      await consumer.commitOffsets(offsets).catch((e: Error) => {
        const list = offsets.map((p) => `${p.topic}-${p.partition}=OffsetAndMetadata{offset=${p.offset}, leaderEpoch=null, metadata=''}`).join(', ');
        process.stderr.write(
          log4jLine(
            'WARN',
            `Synchronous auto-commit of offsets {${list}} failed: ${e.message}`,
            'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator',
          ),
        );
      });
    }
  } catch (e) {
    if (e instanceof CommandError) throw e;
    throw new CommandError(await consumerFailure(e as Error, bootstrapList, groupId, o.topic ?? o.include ?? o.whitelist));
  } finally {
    if (idleTimer) clearTimeout(idleTimer);
    await resets?.close();
    await consumer.disconnect().catch(() => undefined);
    process.stderr.write(`Processed a total of ${count} messages\n`);
  }
  return 0;
}

/** ConsoleConsumer.main's lines for an exception out of poll(): authentication, or "Unknown error" with Kafka's exception. */
async function consumerFailure(e: Error, bootstrap: string[], groupId: string, topics = ''): Promise<string> {
  let type = (e as { type?: string }).type ?? (e.cause as { type?: string } | undefined)?.type;
  if (e.name === 'KafkaJSGroupCoordinatorNotFound') {
    // kafkajs drops FindCoordinator's error code: ask once more to tell a refused group from an unavailable coordinator.
    const r = await sendToAny(bootstrap, FindCoordinatorApi, 1, { key: groupId, keyType: 0, coordinatorKeys: [] }).catch(() => null);
    if (r?.errorCode === ErrorCode.GROUP_AUTHORIZATION_FAILED) type = 'GROUP_AUTHORIZATION_FAILED';
  }
  if (e.name === 'KafkaJSSASLAuthenticationError') return `Authentication failed: terminating consumer process\n${errorMessage(e)}`;
  if (type === 'GROUP_AUTHORIZATION_FAILED')
    return `Unknown error when running consumer: \norg.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: ${groupId}`;
  if (type === 'TOPIC_AUTHORIZATION_FAILED') {
    // kafkajs's Metadata error names no topic; Kafka's lists the refused ones (here: what the tool subscribed to).
    return `Unknown error when running consumer: \norg.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [${topics}]`;
  }
  return `Unknown error when running consumer: ${errorMessage(e)}`;
}

export function main(): void {
  runTool(buildProgram(), execute);
}

if (require.main === module) main();
