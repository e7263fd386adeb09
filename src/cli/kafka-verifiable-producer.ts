/**
 * kafka-verifiable-producer (Kafka's VerifiableProducer, used by Kafka's system tests): produces values
 * "0", "1", ... (or "<prefix>.<n>") and prints one JSON event per line: startup_complete,
 * producer_send_success (key, value, topic, partition, offset), producer_send_error, shutdown_complete and
 * tool_data (sent, acked, target_throughput, avg_throughput), with Kafka's field order.
 */
import { Command } from 'commander';
import { brokerList, createKafka, fail, loadProps, runTool } from './CommandUtils';

interface Opts {
  topic?: string;
  bootstrapServer?: string;
  brokerList?: string;
  maxMessages: string;
  throughput: string;
  acks: string;
  messageCreateTime?: string;
  valuePrefix?: string;
  repeatingKeys?: string;
}

export function printJson(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ timestamp: Date.now(), ...event }) + '\n');
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const props = loadProps(program.opts()['producer.config'] as string | undefined);
  if (!o.topic) fail('argument --topic is required');
  const bootstrap = o.bootstrapServer ?? o.brokerList;
  if (!bootstrap) fail('one of the arguments --bootstrap-server --broker-list is required');
  const max = Number(o.maxMessages);
  const throughput = Number(o.throughput);
  const acks = Number(props.get('acks') ?? o.acks);
  const createTime = o.messageCreateTime !== undefined ? Number(o.messageCreateTime) : -1;
  const repeating = o.repeatingKeys !== undefined ? Number(o.repeatingKeys) : null;
  const producer = createKafka(brokerList(bootstrap), { clientId: props.get('client.id') ?? 'verifiable-producer', props, role: 'producer' }).producer({
    allowAutoTopicCreation: true,
    idempotent: props.get('enable.idempotence') === 'true',
  });
  await producer.connect();
  let stop = false;
  process.once('SIGTERM', () => (stop = true));
  process.once('SIGINT', () => (stop = true));
  const start = Date.now();
  let sent = 0;
  let acked = 0;
  printJson({ name: 'startup_complete' });
  const pending: Promise<void>[] = [];
  for (let i = 0; (max < 0 || i < max) && !stop; i++) {
    if (throughput > 0) {
      const ahead = (sent / throughput) * 1000 - (Date.now() - start);
      if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
    }
    const value = o.valuePrefix !== undefined ? `${o.valuePrefix}.${i}` : String(i);
    const key = repeating !== null ? String(i % repeating) : null;
    sent++;
    const p = producer
      .send({
        topic: o.topic,
        acks,
        messages: [{ key, value, ...(createTime >= 0 ? { timestamp: String(createTime + (Date.now() - start)) } : {}) }],
      })
      .then(
        (meta) => {
          acked++;
          const m = meta[0];
          printJson({ name: 'producer_send_success', key, value, topic: m.topicName, partition: m.partition, offset: Number(m.baseOffset ?? m.offset ?? -1) });
        },
        (e: Error) => printJson({ name: 'producer_send_error', exception: `class ${e.name}`, message: e.message, topic: o.topic, key, value }),
      );
    pending.push(p);
    if (pending.length >= 100) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await producer.disconnect().catch(() => undefined);
  printJson({ name: 'shutdown_complete' });
  const avg = (1000 * acked) / Math.max(1, Date.now() - start);
  printJson({ name: 'tool_data', sent, acked, target_throughput: throughput, avg_throughput: avg });
  return 0;
}

export function main(): void {
  const program = new Command('kafka-verifiable-producer')
    .description(
      'This tool produces increasing integers to the specified topic and prints JSON metadata to stdout on each "send" request, making externally visible which messages have been acked and which have not.',
    )
    .option('--topic <TOPIC>', 'Produce messages to this topic.')
    .option('--bootstrap-server <HOST1:PORT1[,HOST2:PORT2[...]]>', 'REQUIRED: The server(s) to connect to.')
    .option('--broker-list <HOST1:PORT1[,HOST2:PORT2[...]]>', 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.')
    .option('--max-messages <MAX-MESSAGES>', 'Produce this many messages. If -1, produce messages until the process is killed externally.', '-1')
    .option('--throughput <THROUGHPUT>', 'If set >= 0, throttle maximum message throughput to *approximately* THROUGHPUT messages/sec.', '-1')
    .option('--acks <ACKS>', 'Acks required on each produced message. See Kafka docs on acks for details.', '-1')
    .option('--producer.config <CONFIG_FILE>', 'Producer config properties file.')
    .option('--message-create-time <CREATETIME>', 'Send messages with creation time starting at the arguments value, in milliseconds since epoch')
    .option('--value-prefix <VALUE-PREFIX>', 'If specified, each produced value will have this prefix with a dot separator')
    .option(
      '--repeating-keys <REPEATING-KEYS>',
      'If specified, each produced record will have a key starting at 0 increment by 1 up to the number specified (exclusive), then the key is set to 0 again',
    );
  runTool(program, execute);
}

if (require.main === module) main();
