/**
 * kafka-console-producer (Kafka's ConsoleProducer with its LineMessageReader): one record per stdin line,
 * optional key (parse.key / key.separator) and headers (parse.headers), acks / compression / linger
 * from Kafka's flags. Lines are sent in batches as they arrive, or one by one with --sync.
 */
import * as readline from 'readline';
import { Command } from 'commander';
import { CompressionTypes, IHeaders, Message, Producer } from 'kafkajs';
import { CommandError, brokerList, collect, createKafka, errorMessage, fail, loadProps, parseKeyValues, runTool } from './CommandUtils';

interface ProducerOpts {
  bootstrapServer?: string;
  brokerList?: string;
  topic?: string;
  sync?: boolean;
  compressionCodec?: string | boolean;
  batchSize: string;
  timeout: string;
  requestRequiredAcks: string;
  requestTimeoutMs: string;
  messageSendMaxRetries: string;
  property: string[];
  producerProperty: string[];
  readerConfig?: string;
}

function buildProgram(): Command {
  return new Command('kafka-console-producer')
    .description('This tool helps to read data from standard input and publish it to Kafka.')
    .option('--bootstrap-server <String: server to connect to>', 'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.')
    .option('--broker-list <String: broker-list>', 'DEPRECATED, use --bootstrap-server instead.')
    .option('--topic <String: topic>', 'REQUIRED: The topic id to produce messages to.')
    .option('--sync', 'If set message send requests to the brokers are synchronously, one at a time as they arrive.')
    .option(
      '--compression-codec [String: compression-codec]',
      "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'",
    )
    .option('--batch-size <Integer: size>', 'Number of messages to send in a single batch if they are not being sent synchronously.', '16384')
    .option(
      '--timeout <Long: timeout_ms>',
      'If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size.',
      '1000',
    )
    .option('--request-required-acks <String: request required acks>', 'The required `acks` of the producer requests', '-1')
    .option('--request-timeout-ms <Integer: request timeout ms>', 'The ack timeout of the producer requests. Value must be non-negative and non-zero.', '1500')
    .option('--message-send-max-retries <Integer>', 'Brokers can fail receiving the message for multiple reasons...', '3')
    .option(
      '--property <String: prop>',
      'A mechanism to pass user-defined properties in the form key=value to the message reader (parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error).',
      collect,
      [],
    )
    .option('--producer-property <String: producer_prop>', 'A mechanism to pass user-defined properties in the form key=value to the producer.', collect, [])
    .option('--producer.config <String: config file>', 'Producer config properties file. Note that [producer-property] takes precedence over this config.')
    .option('--reader-config <String: config file>', 'Config properties file for the message reader. Note that [property] takes precedence over this config.');
}

function codecOf(name: string): CompressionTypes {
  switch (name) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
    default:
      fail(`Unknown compression codec '${name}': expected none, gzip, snappy, lz4 or zstd`);
  }
}

/** LineMessageReader: turns one line into a record, or throws Kafka's KafkaException messages. */
class LineMessageReader {
  private lineNumber = 0;
  readonly parseKey: boolean;
  readonly keySeparator: string;
  readonly parseHeaders: boolean;
  readonly headersDelimiter: string;
  readonly headersSeparator: string;
  readonly headersKeySeparator: string;
  readonly nullMarker: string | undefined;
  readonly ignoreError: boolean;

  constructor(props: Map<string, string>) {
    const unescape = (s: string) => s.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
    this.parseKey = props.get('parse.key')?.trim().toLowerCase() === 'true';
    this.keySeparator = unescape(props.get('key.separator') ?? '\t');
    this.parseHeaders = props.get('parse.headers')?.trim().toLowerCase() === 'true';
    this.headersDelimiter = unescape(props.get('headers.delimiter') ?? '\t');
    this.headersSeparator = props.get('headers.separator') ?? ',';
    this.headersKeySeparator = props.get('headers.key.separator') ?? ':';
    this.nullMarker = props.get('null.marker');
    this.ignoreError = props.get('ignore.error')?.trim().toLowerCase() === 'true';
    if (this.nullMarker !== undefined && this.nullMarker === this.keySeparator) {
      fail(`null.marker and key.separator may not be equal: ${this.nullMarker}`);
    }
  }

  private marker(s: string): string | null {
    return this.nullMarker !== undefined && s === this.nullMarker ? null : s;
  }

  read(line: string): Message {
    this.lineNumber++;
    let rest = line;
    let headers: IHeaders | undefined;
    if (this.parseHeaders) {
      const i = rest.indexOf(this.headersDelimiter);
      if (i < 0) {
        if (!this.ignoreError) throw new CommandError(`No headers delimiter found on line number ${this.lineNumber}: '${line}'`);
      } else {
        headers = {};
        const text = rest.substring(0, i);
        rest = rest.substring(i + this.headersDelimiter.length);
        if (text !== this.nullMarker) {
          for (const h of text.split(this.headersSeparator)) {
            const k = h.indexOf(this.headersKeySeparator);
            const key = k < 0 ? h : h.substring(0, k);
            const value = k < 0 ? null : this.marker(h.substring(k + this.headersKeySeparator.length));
            if (key === this.nullMarker)
              throw new CommandError(`Header keys should not be equal to the null marker '${this.nullMarker}' as they can't be null`);
            headers[key] = value === null ? (null as unknown as string) : value;
          }
        }
      }
    }
    let key: string | null = null;
    if (this.parseKey) {
      const i = rest.indexOf(this.keySeparator);
      if (i < 0) {
        if (!this.ignoreError) throw new CommandError(`No key separator found on line number ${this.lineNumber}: '${line}'`);
      } else {
        key = this.marker(rest.substring(0, i));
        rest = rest.substring(i + this.keySeparator.length);
      }
    }
    return { key, value: this.marker(rest), headers };
  }
}

async function execute(program: Command): Promise<number> {
  const opts = program.opts<ProducerOpts>();
  const bootstrap = opts.bootstrapServer ?? opts.brokerList;
  if (!bootstrap) fail('Missing required argument "[bootstrap-server]"');
  if (!opts.topic) fail('Missing required argument "[topic]"');
  const producerProps = new Map([...loadProps(program.opts()['producer.config'] as string | undefined), ...parseKeyValues(opts.producerProperty)]);
  const readerProps = new Map([...loadProps(opts.readerConfig), ...parseKeyValues(opts.property)]);
  const reader = new LineMessageReader(readerProps);
  const codecName = opts.compressionCodec === true ? 'gzip' : opts.compressionCodec || producerProps.get('compression.type') || 'none';
  const compression = codecOf(codecName);
  const acksRaw = producerProps.get('acks') ?? opts.requestRequiredAcks;
  const acks = acksRaw === 'all' ? -1 : Number(acksRaw);
  if (![-1, 0, 1].includes(acks)) fail(`Invalid value ${acksRaw} for configuration acks: String must be one of: all, -1, 0, 1`);
  const timeout = Number(producerProps.get('request.timeout.ms') ?? opts.requestTimeoutMs);
  const batchSize = Math.max(1, Number(opts.batchSize) > 1000 ? 1000 : Number(opts.batchSize));
  const idempotent = producerProps.get('enable.idempotence') === 'true';
  const kafka = createKafka(brokerList(bootstrap), { clientId: producerProps.get('client.id') ?? 'console-producer', props: producerProps, role: 'producer' });
  const producer: Producer = kafka.producer({ idempotent, allowAutoTopicCreation: true, retry: { retries: Number(opts.messageSendMaxRetries) } });
  await producer.connect();
  const topic = opts.topic;
  let pending: Message[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let error: unknown = null;
  const send = (messages: Message[]): void => {
    inFlight = inFlight.then(async () => {
      if (error) return;
      try {
        await producer.send({ topic, messages, acks, timeout, compression });
      } catch (e) {
        // ErrorLoggingCallback: Kafka logs the failed record and carries on; we stop at the first failure.
        error = e;
      }
    });
  };
  const flush = () => {
    if (pending.length > 0) send(pending);
    pending = [];
  };
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  let timer: NodeJS.Timeout | null = null;
  try {
    for await (const line of rl) {
      pending.push(reader.read(line));
      if (opts.sync || pending.length >= batchSize) {
        flush();
        if (opts.sync) await inFlight;
      } else if (!timer) {
        timer = setTimeout(
          () => {
            timer = null;
            flush();
          },
          Math.min(Number(opts.timeout), 100),
        );
      }
      if (error) break;
    }
  } finally {
    if (timer) clearTimeout(timer);
    flush();
    await inFlight;
    await producer.disconnect().catch(() => undefined);
  }
  if (error) {
    throw new CommandError(
      `ERROR Error when sending message to topic ${topic} with error: ${errorMessage(error)} (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)`,
    );
  }
  return 0;
}

export function main(): void {
  runTool(buildProgram(), execute);
}

if (require.main === module) main();
