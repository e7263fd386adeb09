/**
 * Transactions benchmark (part of `npm run bench`), with kafkajs on a 1-broker cluster of its own:
 *  - produce throughput of the same records as idempotent sends and inside transactions of 100 and of 10,000
 *    records (each transaction: InitProducerId once, then AddPartitionsToTxn, Produce, EndTxn and the coordinator's
 *    WriteTxnMarkers per transaction), acks=all for all three (idempotence requires it);
 *  - consume throughput of the transactional topic with read_committed and with read_uncommitted.
 * Records go in sends of `sendSize` (100 for the 100-record transactions, 1000 otherwise, the idempotent run too),
 * so the transaction cost per record is what differs between rows.
 */
import { Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { findRepoRoot, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { createTopics, kafkaClient, kafkajsConsume, Measurement } from './kafkajsBench';

export interface TxnBenchOptions {
  records: number;
  recordSize: number;
  partitions: number;
  timeout: number;
}

export const defaultTxnBenchOptions: TxnBenchOptions = { records: 200_000, recordSize: 100, partitions: 1, timeout: 120 };

interface TxnRow {
  test: string;
  result?: Measurement;
  /** Transactions committed (produce rows of transactional runs). */
  transactions?: number;
  error?: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** `count` records in sends of `sendSize`, each group of `txnSize` records in one transaction (null: idempotent, no transactions). */
async function produce(
  kafka: Kafka,
  opts: { topic: string; count: number; size: number; sendSize: number; txnSize: number | null; transactionalId: string },
): Promise<{ m: Measurement; transactions: number }> {
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    ...(opts.txnSize !== null ? { transactionalId: opts.transactionalId, transactionTimeout: 60000 } : {}),
    // A new transaction's AddPartitionsToTxn meets CONCURRENT_TRANSACTIONS while the coordinator still writes the
    // previous one's markers (as with Kafka); retry it after 20 ms, the Java producer's ADD_PARTITIONS_RETRY_BACKOFF_MS,
    // instead of kafkajs' 300 ms default, so the table shows the broker's cost rather than the client's back-off.
    retry: { initialRetryTime: 20, retries: 20 },
  });
  await producer.connect();
  const value = Buffer.alloc(opts.size, 'x');
  const messages = Array.from({ length: opts.sendSize }, () => ({ value }));
  let transactions = 0;
  const start = process.hrtime.bigint();
  try {
    let sent = 0;
    while (sent < opts.count) {
      if (opts.txnSize === null) {
        const n = Math.min(opts.sendSize, opts.count - sent);
        await producer.send({ topic: opts.topic, acks: -1, messages: n === opts.sendSize ? messages : messages.slice(0, n) });
        sent += n;
        continue;
      }
      const txn = await producer.transaction();
      const end = Math.min(opts.count, sent + opts.txnSize);
      while (sent < end) {
        const n = Math.min(opts.sendSize, end - sent);
        await txn.send({ topic: opts.topic, acks: -1, messages: n === opts.sendSize ? messages : messages.slice(0, n) });
        sent += n;
      }
      await txn.commit();
      transactions++;
    }
  } finally {
    await producer.disconnect();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { m: { records: opts.count, bytes: opts.count * opts.size, seconds }, transactions };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatTxnTable(rows: TxnRow[]): string[] {
  const head = ['test', 'records', 'seconds', 'records/s', 'MB/s', 'txn/s'];
  const body = rows.map((r) => {
    const m = r.result;
    if (!m) return [r.test, '-', '-', 'FAILED', r.error ? r.error.split('\n')[0] : '', ''];
    const s = m.seconds > 0 ? m.seconds : Number.NaN;
    return [
      r.test,
      fmt(m.records),
      m.seconds.toFixed(2),
      fmt(m.records / s),
      (m.bytes / 1048576 / s).toFixed(1),
      r.transactions ? fmt(r.transactions / s) : '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[3] === 'FAILED' && i >= 4 ? 0 : b[i].length))));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : cells[3] === 'FAILED' && i >= 4 ? c : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export async function runTxnBench(opts: TxnBenchOptions, log: (line: string) => void): Promise<{ lines: string[]; ok: boolean }> {
  const rootDir = findRepoRoot();
  const layout = await tempClusterLayout({
    zookeeperNodes: 1,
    brokers: 1,
    rootDir,
    brokerProps: {
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '4',
      'offsets.topic.replication.factor': '1',
      'group.initial.rebalance.delay.ms': '0',
    },
  });
  const cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 });
  const rows: TxnRow[] = [];
  try {
    await cluster.start();
    const kafka = kafkaClient(cluster.bootstrapServers.split(','), 'kafka-ts-txn-bench');
    // The producers' client logs nothing: the expected CONCURRENT_TRANSACTIONS retries would flood the output.
    const quiet = new Kafka({
      clientId: 'kafka-ts-txn-bench',
      brokers: cluster.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 5000,
    });
    const id = Date.now().toString(36);
    const runs: Array<{ test: string; topic: string; txnSize: number | null; sendSize: number }> = [
      { test: 'produce idempotent (no transactions)', topic: `bench-idem-${id}`, txnSize: null, sendSize: 1000 },
      { test: 'produce transactions of 100', topic: `bench-txn100-${id}`, txnSize: 100, sendSize: 100 },
      { test: 'produce transactions of 10,000', topic: `bench-txn10k-${id}`, txnSize: 10_000, sendSize: 1000 },
    ];
    const warmup = `bench-txn-warmup-${id}`;
    // Right after start-up the metadata may not name a controller yet (kafkajs: "Broker -1 not found in the cached
    // metadata"): retry the creation until it goes through or 30 s pass.
    const topics = [...runs.map((r) => ({ topic: r.topic, partitions: opts.partitions })), { topic: warmup, partitions: opts.partitions }];
    for (let deadline = Date.now() + 30_000; ;) {
      try {
        await createTopics(kafka, topics);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        log(`  topic creation failed (${(e as Error).message}), retrying`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    // Unmeasured warm-up of both paths (JIT, connections, the coordinator's first InitProducerId) so the first rows
    // are not penalised: idempotent sends, then transactions of 1000.
    const warmupRecords = Math.min(opts.records, 50_000);
    log(`Warm-up: ${warmupRecords} idempotent records, then ${warmupRecords} in transactions of 1000, to ${warmup}`);
    for (const txnSize of [null, 1000]) {
      await withTimeout(
        produce(quiet, { topic: warmup, count: warmupRecords, size: opts.recordSize, sendSize: 1000, txnSize, transactionalId: `bench-${warmup}` }),
        opts.timeout * 1000,
        'warm-up',
      );
    }
    for (const r of runs) {
      const row: TxnRow = { test: r.test };
      rows.push(row);
      log(`Running: kafkajs ${r.test}: ${opts.records} x ${opts.recordSize} B to ${r.topic}, sends of ${r.sendSize}, acks=all`);
      try {
        const { m, transactions } = await withTimeout(
          produce(quiet, {
            topic: r.topic,
            count: opts.records,
            size: opts.recordSize,
            sendSize: r.sendSize,
            txnSize: r.txnSize,
            transactionalId: `bench-${r.topic}`,
          }),
          opts.timeout * 1000,
          r.test,
        );
        row.result = m;
        if (r.txnSize !== null) row.transactions = transactions;
        log(`  ${fmt(m.records / m.seconds)} records/s${transactions ? `, ${fmt(transactions / m.seconds)} transactions/s` : ''}`);
      } catch (e) {
        row.error = (e as Error).message;
        log(`  FAILED: ${row.error}`);
      }
    }
    // Both isolation levels read the 100-record-transaction topic: one marker per 100 records to skip.
    const source = runs[1];
    if (rows[1].result) {
      for (const readUncommitted of [false, true]) {
        const test = `consume ${readUncommitted ? 'read_uncommitted' : 'read_committed'} (transactions of 100)`;
        const row: TxnRow = { test };
        rows.push(row);
        log(`Running: kafkajs ${test}`);
        try {
          row.result = await kafkajsConsume(kafka, {
            topic: source.topic,
            count: opts.records,
            groupId: `bench-txn-${id}-${readUncommitted ? 'ru' : 'rc'}`,
            timeoutMs: opts.timeout * 1000,
            readUncommitted,
          });
          log(`  ${fmt(row.result.records / row.result.seconds)} records/s`);
        } catch (e) {
          row.error = (e as Error).message;
          log(`  FAILED: ${row.error}`);
        }
      }
    }
  } finally {
    await cluster.stop();
  }
  const lines = [`Transactions (kafkajs, 1 broker, ${opts.partitions} partition(s), ${opts.recordSize}-byte records, acks=all):`, ...formatTxnTable(rows)];
  return { lines, ok: rows.length > 0 && rows.every((r) => r.result) };
}
