/**
 * kafka-consumer-perf-test (Kafka's ConsumerPerformance): consumes --messages records of --topic in a
 * group (perf-consumer-<random> by default) and prints Kafka's CSV-like summary
 * (start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
 * fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec), with --show-detailed-stats every --reporting-interval.
 */
import { Command } from 'commander';
import { brokerList, createKafka, fail, loadProps, runTool } from './CommandUtils';

interface Opts {
  bootstrapServer?: string;
  brokerList?: string;
  topic?: string;
  messages?: string;
  group?: string;
  fromLatest?: boolean;
  reportingInterval: string;
  showDetailedStats?: boolean;
  timeout: string;
  hideHeader?: boolean;
  dateFormat: string;
  fetchSize: string;
}

/** SimpleDateFormat subset: yyyy MM dd HH mm ss SSS. */
function formatDate(ms: number, pattern: string): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return pattern.replace(
    /yyyy|MM|dd|HH|mm|ss|SSS/g,
    (t) =>
      ({
        yyyy: String(d.getFullYear()),
        MM: p(d.getMonth() + 1),
        dd: p(d.getDate()),
        HH: p(d.getHours()),
        mm: p(d.getMinutes()),
        ss: p(d.getSeconds()),
        SSS: p(d.getMilliseconds(), 3),
      })[t] ?? t,
  );
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  const cfgFile = program.opts()['consumer.config'] as string | undefined;
  const props = loadProps(cfgFile);
  const bootstrap = o.bootstrapServer ?? o.brokerList ?? props.get('bootstrap.servers');
  if (!bootstrap) fail('Missing required argument "[bootstrap-server]"');
  if (!o.topic) fail('Missing required argument "[topic]"');
  if (o.messages === undefined) fail('Missing required argument "[messages]"');
  const total = Number(o.messages);
  const timeoutMs = Number(o.timeout);
  const interval = Number(o.reportingInterval);
  const groupId = o.group ?? props.get('group.id') ?? `perf-consumer-${Math.floor(Math.random() * 100000)}`;
  const consumer = createKafka(brokerList(bootstrap), { clientId: props.get('client.id') ?? 'perf-consumer-client', props, role: 'consumer' }).consumer({
    groupId,
    maxBytesPerPartition: Number(o.fetchSize),
    maxWaitTimeInMs: 500,
    heartbeatInterval: 1000,
    sessionTimeout: 10000,
  });
  const header =
    'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
  if (!o.hideHeader)
    console.log(
      o.showDetailedStats
        ? 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
        : header,
    );
  let messages = 0;
  let bytes = 0;
  const startMs = Date.now();
  let joinStart = startMs;
  let joinTime = 0;
  let lastConsumed = Date.now();
  let lastReport = { time: Date.now(), messages: 0, bytes: 0 };
  consumer.on(consumer.events.REBALANCING, () => {
    joinStart = Date.now();
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinTime += Date.now() - joinStart;
    lastConsumed = Date.now();
  });
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  await consumer.connect();
  let timedOut = false;
  const watchdog = setInterval(() => {
    if (Date.now() - lastConsumed > timeoutMs) {
      timedOut = true;
      resolveDone();
    }
  }, 100);
  try {
    await consumer.subscribe({ topic: o.topic, fromBeginning: !o.fromLatest });
    await consumer.run({
      autoCommit: true,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (messages >= total) break;
          messages++;
          bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
        }
        lastConsumed = Date.now();
        if (o.showDetailedStats && lastConsumed - lastReport.time >= interval) {
          const el = lastConsumed - lastReport.time;
          const mb = (bytes - lastReport.bytes) / (1024 * 1024);
          const n = messages - lastReport.messages;
          console.log(
            `${formatDate(lastConsumed, o.dateFormat)}, 0, ${(bytes / 1048576).toFixed(4)}, ${((1000 * mb) / el).toFixed(4)}, ${messages}, ${((1000 * n) / el).toFixed(4)}, ${joinTime}, ${el - joinTime}, ${((1000 * mb) / el).toFixed(4)}, ${((1000 * n) / el).toFixed(4)}`,
          );
          lastReport = { time: lastConsumed, messages, bytes };
        }
        if (messages >= total) resolveDone();
      },
    });
    await done;
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect().catch(() => undefined);
  }
  const endMs = Date.now();
  if (timedOut && messages < total) {
    console.log(
      `WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`,
    );
  }
  const elapsed = Math.max(1, endMs - startMs);
  const mb = bytes / (1024 * 1024);
  const fetchTime = Math.max(1, elapsed - joinTime);
  if (!o.showDetailedStats) {
    console.log(
      `${formatDate(startMs, o.dateFormat)}, ${formatDate(endMs, o.dateFormat)}, ${mb.toFixed(4)}, ${((1000 * mb) / elapsed).toFixed(4)}, ${messages}, ${((1000 * messages) / elapsed).toFixed(4)}, ${joinTime}, ${elapsed - joinTime}, ${((1000 * mb) / fetchTime).toFixed(4)}, ${((1000 * messages) / fetchTime).toFixed(4)}`,
    );
  }
  return 0;
}

export function main(): void {
  const program = new Command('kafka-consumer-perf-test')
    .description('This tool helps in performance test for the full zookeeper consumer')
    .option('--bootstrap-server <String: server to connect to>', 'REQUIRED unless --broker-list(deprecated) is specified.')
    .option('--broker-list <String: broker-list>', 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.')
    .option('--topic <String: topic>', 'REQUIRED: The topic to consume from.')
    .option('--messages <Long: count>', 'REQUIRED: The number of messages to send or consume')
    .option('--group <String: gid>', 'The group id to consume on. (default: perf-consumer-<random>)')
    .option('--fetch-size <Integer: size>', 'The amount of data to fetch in a single request.', '1048576')
    .option(
      '--from-latest',
      'If the consumer does not already have an established offset to consume from, start with the latest message present in the log rather than the earliest message.',
    )
    .option('--reporting-interval <Integer: interval_ms>', 'Interval in milliseconds at which to print progress info.', '5000')
    .option('--show-detailed-stats', 'If set, stats are reported for each reporting interval as configured by reporting-interval')
    .option('--timeout <Long: milliseconds>', 'The maximum allowed time in milliseconds between returned records.', '10000')
    .option('--hide-header', 'If set, skips printing the header for the stats')
    .option('--date-format <String: date format>', 'The date format to use for formatting the time field.', 'yyyy-MM-dd HH:mm:ss:SSS')
    .option('--consumer.config <String: config file>', 'Consumer config properties file.')
    .option('--print-metrics', 'Print out the metrics.');
  runTool(program, execute);
}

if (require.main === module) main();
