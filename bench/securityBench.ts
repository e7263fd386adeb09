/**
 * Listener security benchmark (part of `npm run bench`, skipped with --no-security): produce/consume throughput of
 * the librdkafka harness over PLAINTEXT, SSL and SASL_SSL (PLAIN) listeners of one broker, in one run, so the cost
 * of TLS (Node's tls in the broker) and of SASL (only at connection time) shows side by side.
 */
import { findRepoRoot, freePort, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { createTestPki } from '../test/helpers/tls';
import { createTopics, kafkaClient } from './kafkajsBench';
import { buildHarness, runHarness, shellQuote } from './rdkafkaHarness';

export interface SecurityBenchOptions {
  records: number;
  recordSize: number;
  partitions: number;
  timeout: number;
}

export const defaultSecurityBenchOptions: SecurityBenchOptions = { records: 500_000, recordSize: 100, partitions: 1, timeout: 120 };

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export async function runSecurityBench(opts: SecurityBenchOptions, log: (line: string) => void): Promise<{ ok: boolean; lines: string[] }> {
  const rootDir = findRepoRoot();
  const harness = buildHarness(rootDir, log);
  const pki = createTestPki();
  const layout = await tempClusterLayout({
    zookeeperNodes: 1,
    brokers: 1,
    rootDir,
    brokerProps: {
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_bench="bench-secret";',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': pki.broker.p12,
      'ssl.keystore.password': pki.password,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': pki.caPem,
    },
  });
  const b = layout.brokers[0];
  const sslPort = await freePort();
  const saslSslPort = await freePort();
  const listeners = `PLAINTEXT://127.0.0.1:${b.port},SSL://127.0.0.1:${sslPort},SASL_SSL://127.0.0.1:${saslSslPort}`;
  b.overrides.push(`listeners=${listeners}`, `advertised.listeners=${listeners}`);
  const cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 });
  const ssl = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${pki.caPem}`];
  const variants: Array<{ name: string; bootstrap: string; conf: string[] }> = [
    { name: 'PLAINTEXT', bootstrap: `127.0.0.1:${b.port}`, conf: [] },
    { name: 'SSL', bootstrap: `127.0.0.1:${sslPort}`, conf: ssl },
    {
      name: 'SASL_SSL',
      bootstrap: `127.0.0.1:${saslSslPort}`,
      conf: [
        '-X',
        'security.protocol=SASL_SSL',
        '-X',
        `ssl.ca.location=${pki.caPem}`,
        '-X',
        'sasl.mechanisms=PLAIN',
        '-X',
        'sasl.username=bench',
        '-X',
        'sasl.password=bench-secret',
      ],
    },
  ];
  const lines: string[] = [
    `Listener security (librdkafka harness, 1 broker, ${opts.partitions} partition(s), ${opts.records} x ${opts.recordSize}-byte records, acks=1):`,
    '  listener    produce records/s   MB/s   consume records/s   MB/s',
  ];
  let ok = true;
  try {
    await cluster.start();
    const kafka = kafkaClient([`127.0.0.1:${b.port}`], 'kafka-ts-security-bench');
    const id = Date.now().toString(36);
    // The controller may not be elected yet when the port opens: retry until the topics are created (30 s).
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await createTopics(
          kafka,
          variants.map((v) => ({ topic: `bench-sec-${v.name.toLowerCase()}-${id}`, partitions: opts.partitions })),
        );
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        log(`Creating the bench topics: ${(e as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    // Warm-up (not counted): the broker's JIT and page cache would otherwise favour whichever listener runs last.
    const warm = [
      'produce',
      '-b',
      `127.0.0.1:${b.port}`,
      '-t',
      `bench-sec-warmup-${id}`,
      '-n',
      String(opts.records),
      '-s',
      String(opts.recordSize),
      '-T',
      String(opts.timeout),
    ];
    await runHarness(harness, warm, (opts.timeout + 30) * 1000).catch((e: Error) => log(`Warm-up failed: ${e.message}`));
    for (const v of variants) {
      const topic = `bench-sec-${v.name.toLowerCase()}-${id}`;
      const common = ['-b', v.bootstrap, '-t', topic, ...v.conf];
      const produceArgs = ['produce', ...common, '-n', String(opts.records), '-s', String(opts.recordSize), '-T', String(opts.timeout)];
      const consumeArgs = ['consume', ...common, '-n', String(opts.records), '-T', String(opts.timeout)];
      log(`Running: ${[harness, ...produceArgs].map(shellQuote).join(' ')}`);
      try {
        const p = await runHarness(harness, produceArgs, (opts.timeout + 30) * 1000);
        const c = await runHarness(harness, consumeArgs, (opts.timeout + 30) * 1000);
        lines.push(
          `  ${v.name.padEnd(10)} ${fmt(p.records_per_sec).padStart(17)} ${p.mb_per_sec.toFixed(1).padStart(6)} ${fmt(c.records_per_sec).padStart(19)} ${c.mb_per_sec.toFixed(1).padStart(6)}`,
        );
      } catch (e) {
        ok = false;
        lines.push(`  ${v.name.padEnd(10)} FAILED ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await cluster.stop();
    pki.cleanup();
  }
  return { ok, lines };
}

/** `node dist/bench/securityBench.js [records]`: this benchmark alone. */
if (require.main === module) {
  const records = Number(process.argv[2] ?? defaultSecurityBenchOptions.records);
  runSecurityBench({ ...defaultSecurityBenchOptions, records }, (l) => console.log(l)).then(
    (r) => {
      for (const l of r.lines) console.log(l);
      process.exitCode = r.ok ? 0 : 1;
    },
    (e: Error) => {
      console.error(e.message);
      process.exitCode = 1;
    },
  );
}
