/**
 * `npm run chaos -- --rounds N`: the must-hold property of replication under failures. A 3-broker cluster
 * (min.insync.replicas=2, unclean.leader.election.enable=false), a topic with replication factor 3, an
 * idempotent acks=all kafkajs producer and a kafkajs group consumer running throughout; each round SIGKILLs a
 * random broker, keeps it down while the producer is acknowledged by the two survivors, restarts it once
 * ZooKeeper dropped its registration and waits for full ISRs. At the end every acknowledged record must be in
 * the log exactly once and in order, the group consumer must have read the whole log, and every replica's
 * log files must be byte-identical. Exit code 1 if any of that fails.
 *
 * test/integration/replication/chaos.test.ts runs a short, deterministic version of the same scenario.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { TestCluster } from '../test/helpers/cluster';
import { waitFor } from '../test/helpers/ports';
import { readFromLeader } from '../test/helpers/readAll';
import { ZkReader } from '../test/helpers/zkRead';

export const CHAOS_TOPIC = 'chaos';
export const CHAOS_BROKERS = [1, 2, 3];

export interface ChaosOptions {
  rounds: number;
  partitions: number;
  /** Acknowledged sends the producer must get from the survivors before the killed broker restarts. */
  acksWhileDown: number;
  /** Which broker round `round` kills; random by default. */
  victim?: (round: number, leaders: number[]) => number;
  log?: (line: string) => void;
}

export interface ChaosPartitionResult {
  partition: number;
  acknowledged: number;
  inLog: number;
  duplicates: string[];
  missing: string[];
  outOfOrder: string[];
  neverSent: string[];
  consumed: number;
  consumerMismatches: number;
}

export interface ChaosResult {
  rounds: number;
  acknowledged: number;
  readBack: number;
  duplicates: number;
  losses: number;
  outOfOrder: number;
  consumedDistinct: number;
  consumerRedeliveries: number;
  consumerMismatches: number;
  producerFailures: number;
  replicasIdentical: boolean;
  durationMs: number;
  partitions: ChaosPartitionResult[];
}

export function chaosClusterOverrides(): Record<string, string> {
  return { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false', 'auto.leader.rebalance.enable': 'false' };
}

interface StateZnode {
  leader: number;
  isr: number[];
}

/** Runs the scenario on a started 3-broker cluster (overrides from chaosClusterOverrides()). */
export async function runChaos(cluster: TestCluster, opts: ChaosOptions): Promise<ChaosResult> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const zk = await ZkReader.connect(cluster.connectString);
  const kafka = new Kafka({
    clientId: 'chaos',
    brokers: CHAOS_BROKERS.map((id) => `127.0.0.1:${cluster.broker(id).port}`),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const state = async (p: number): Promise<StateZnode> =>
    JSON.parse((await zk.get(`/brokers/topics/${CHAOS_TOPIC}/partitions/${p}/state`)).data!) as StateZnode;
  const fullIsr = async () => {
    for (let p = 0; p < opts.partitions; p++) if ((await state(p)).isr.length !== CHAOS_BROKERS.length) return false;
    return true;
  };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic: CHAOS_TOPIC,
        replicaAssignment: Array.from({ length: opts.partitions }, (_, p) => ({
          partition: p,
          replicas: CHAOS_BROKERS.map((_, i) => CHAOS_BROKERS[(p + i) % CHAOS_BROKERS.length]),
        })),
      },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();

  // The group consumer: offset -> value per partition as delivered (redeliveries after a rebalance or a
  // coordinator move are counted, not errors: the group's committed offset lags what was processed).
  const consumed: Array<Map<number, string>> = Array.from({ length: opts.partitions }, () => new Map());
  let redeliveries = 0;
  let consumerMismatches = 0;
  let consumer: Consumer | null = null;
  let consumerStopped = false;
  const startConsumer = async (): Promise<void> => {
    const c = kafka.consumer({ groupId: 'chaos-group', retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    consumer = c;
    c.on(c.events.CRASH, (e) => {
      // kafkajs restarts itself after retriable errors; after anything else start a fresh member.
      if (!e.payload.restart && !consumerStopped)
        void c
          .disconnect()
          .catch(() => undefined)
          .then(() => (consumerStopped ? undefined : startConsumer()));
    });
    await c.connect();
    await c.subscribe({ topic: CHAOS_TOPIC, fromBeginning: true });
    await c.run({
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const value = message.value?.toString('utf8') ?? '';
        const seen = consumed[partition].get(offset);
        if (seen === undefined) consumed[partition].set(offset, value);
        else if (seen === value) redeliveries++;
        else consumerMismatches++;
      },
    });
  };
  await startConsumer();

  const acked: string[][] = Array.from({ length: opts.partitions }, () => []);
  const attempted = new Set<string>();
  let ackCount = 0;
  let failures = 0;
  let producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let stop = false;
  const loop = (async () => {
    for (let n = 0; !stop; n++) {
      const partition = n % opts.partitions;
      const values = [`v-${n}-a`, `v-${n}-b`];
      values.forEach((v) => attempted.add(v));
      try {
        await producer.send({ topic: CHAOS_TOPIC, acks: -1, timeout: 5000, messages: values.map((value) => ({ value, partition })) });
        acked[partition].push(...values);
        ackCount++;
      } catch {
        // Retries exhausted: the outcome is unknown. A fresh producer id keeps later batches from being
        // mistaken for this one (same sequence number) if it did reach the log.
        failures++;
        await producer.disconnect().catch(() => undefined);
        producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect().catch(() => undefined);
      }
    }
  })();
  const moreAcks = async (what: string, n: number) => {
    const from = ackCount;
    await waitFor(`${n} acknowledged sends ${what}`, async () => ackCount - from >= n, 60000);
  };

  try {
    await moreAcks('before the first kill', opts.acksWhileDown);
    for (let round = 1; round <= opts.rounds; round++) {
      const leaders = await Promise.all(Array.from({ length: opts.partitions }, async (_, p) => (await state(p)).leader));
      const id = opts.victim ? opts.victim(round, leaders) : CHAOS_BROKERS[Math.floor(Math.random() * CHAOS_BROKERS.length)];
      const roundStart = Date.now();
      await cluster.stopBroker(id, 'SIGKILL');
      await waitFor(`registration of broker ${id} expired`, async () => !(await zk.exists(`/brokers/ids/${id}`)), 30000);
      await moreAcks(`from the survivors of broker ${id}`, opts.acksWhileDown);
      await cluster.startBroker(id);
      await waitFor(`full ISRs after restarting broker ${id}`, fullIsr, 60000);
      log(
        `round ${round}/${opts.rounds}: killed broker ${id}${leaders.includes(id) ? ` (leader of ${leaders.flatMap((l, p) => (l === id ? [p] : [])).join(',')})` : ''}, back in ${Date.now() - roundStart} ms; ${ackCount} sends acknowledged, ${failures} failed`,
      );
    }
    await moreAcks('after the last round', opts.acksWhileDown);
  } finally {
    stop = true;
    await loop;
    await producer.disconnect().catch(() => undefined);
  }

  const partitions: ChaosPartitionResult[] = [];
  let identical = true;
  for (let p = 0; p < opts.partitions; p++) {
    const { values } = await readFromLeader(cluster, CHAOS_TOPIC, p, 60000);
    const pos = new Map<string, number>();
    const res: ChaosPartitionResult = {
      partition: p,
      acknowledged: acked[p].length,
      inLog: values.length,
      duplicates: [],
      missing: [],
      outOfOrder: [],
      neverSent: [],
      consumed: 0,
      consumerMismatches: 0,
    };
    values.forEach((v, i) => {
      if (pos.has(v)) res.duplicates.push(v);
      if (!attempted.has(v)) res.neverSent.push(v);
      pos.set(v, i);
    });
    let last = -1;
    for (const v of acked[p]) {
      const at = pos.get(v);
      if (at === undefined) res.missing.push(v);
      else if (at <= last) res.outOfOrder.push(v);
      else last = at;
    }
    // No compaction and no transactions: offsets are contiguous from 0, so a value's index is its offset.
    await waitFor(`the group consumer to read ${CHAOS_TOPIC}-${p} to offset ${values.length}`, async () => consumed[p].size >= values.length, 60000).catch(
      (e: Error) => log(e.message),
    );
    res.consumed = consumed[p].size;
    values.forEach((v, i) => {
      if (consumed[p].get(i) !== v) res.consumerMismatches++;
    });
    partitions.push(res);
    const logBytes = (broker: number): Buffer => {
      const dir = path.join(cluster.broker(broker).dataDir, `${CHAOS_TOPIC}-${p}`);
      return Buffer.concat(
        fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .sort()
          .map((f) => fs.readFileSync(path.join(dir, f))),
      );
    };
    const same = await waitFor(
      `replicas of ${CHAOS_TOPIC}-${p} identical`,
      async () => {
        const logs = CHAOS_BROKERS.map(logBytes);
        return logs.every((l) => l.equals(logs[0]));
      },
      30000,
    ).catch(() => false);
    identical &&= same;
  }
  consumerStopped = true;
  await (consumer as Consumer | null)?.disconnect().catch(() => undefined);
  zk.close();

  const sum = (f: (r: ChaosPartitionResult) => number) => partitions.reduce((n, r) => n + f(r), 0);
  return {
    rounds: opts.rounds,
    acknowledged: sum((r) => r.acknowledged),
    readBack: sum((r) => r.inLog),
    duplicates: sum((r) => r.duplicates.length),
    losses: sum((r) => r.missing.length),
    outOfOrder: sum((r) => r.outOfOrder.length),
    consumedDistinct: sum((r) => r.consumed),
    consumerRedeliveries: redeliveries,
    consumerMismatches: consumerMismatches + sum((r) => r.consumerMismatches),
    producerFailures: failures,
    replicasIdentical: identical,
    durationMs: Date.now() - started,
    partitions,
  };
}

/** Whether the run upheld every property (records acknowledged exactly once in order, consumer complete, replicas equal). */
export function chaosHeld(r: ChaosResult): boolean {
  return (
    r.duplicates === 0 &&
    r.losses === 0 &&
    r.outOfOrder === 0 &&
    r.consumerMismatches === 0 &&
    r.partitions.every((p) => p.neverSent.length === 0) &&
    r.replicasIdentical
  );
}

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

async function main(): Promise<void> {
  const cmd = new Command('chaos')
    .description('SIGKILL and restart random brokers under an idempotent acks=all producer and a group consumer, then check every acknowledged record')
    .option('--rounds <n>', 'kill/restart rounds', positiveInt, 10)
    .option('--partitions <n>', 'partitions of the RF=3 topic', positiveInt, 2)
    .option('--acks-while-down <n>', 'acknowledged sends required from the survivors before a restart', positiveInt, 10)
    .parse(process.argv);
  const o = cmd.opts<{ rounds: number; partitions: number; acksWhileDown: number }>();
  const log = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);
  const cluster = await TestCluster.start({ brokers: CHAOS_BROKERS.length, overrides: chaosClusterOverrides() });
  log(`cluster up in ${cluster.root}`);
  let ok = false;
  try {
    const r = await runChaos(cluster, { rounds: o.rounds, partitions: o.partitions, acksWhileDown: o.acksWhileDown, log });
    ok = chaosHeld(r);
    console.log(`rounds: ${r.rounds}`);
    console.log(`records acknowledged: ${r.acknowledged} (${r.producerFailures} sends with unknown outcome)`);
    console.log(`records read back: ${r.readBack}`);
    console.log(`duplicates: ${r.duplicates}`);
    console.log(`losses: ${r.losses}`);
    console.log(`out of order: ${r.outOfOrder}`);
    console.log(`group consumer: ${r.consumedDistinct} distinct offsets, ${r.consumerRedeliveries} redeliveries, ${r.consumerMismatches} mismatches`);
    console.log(`replicas identical: ${r.replicasIdentical ? 'yes' : 'NO'}`);
    console.log(`duration: ${(r.durationMs / 1000).toFixed(1)} s`);
    for (const p of r.partitions) {
      const bad = [
        ...p.duplicates.map((v) => `duplicate ${v}`),
        ...p.missing.map((v) => `missing ${v}`),
        ...p.outOfOrder.map((v) => `out of order ${v}`),
        ...p.neverSent.map((v) => `never sent ${v}`),
      ];
      if (bad.length > 0) console.log(`${CHAOS_TOPIC}-${p.partition}: ${bad.slice(0, 20).join(', ')}${bad.length > 20 ? ', ...' : ''}`);
    }
    console.log(ok ? 'RESULT: OK' : 'RESULT: FAILED');
  } catch (e) {
    console.error(`chaos run failed: ${(e as Error).stack}`);
    console.error(cluster.dumpLogs());
  } finally {
    await cluster.stop();
  }
  process.exit(ok ? 0 : 1);
}

if (require.main === module) void main();
