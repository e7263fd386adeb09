/**
 * Consumer-group benchmark (part of `npm run bench`): group consumption throughput with librdkafka (the C
 * harness's `group` mode: subscribe, JoinGroup/SyncGroup, auto commit) and with kafkajs (eachBatch), and the
 * time of a rebalance from 2 to 3 kafkajs members, on a 3-broker cluster of its own.
 */
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { findRepoRoot, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { kafkaClient, kafkajsConsume } from './kafkajsBench';
import { buildHarness, runHarness, shellQuote } from './rdkafkaHarness';

export interface GroupBenchOptions {
  records: number;
  recordSize: number;
  partitions: number;
  timeout: number;
  heartbeatIntervalMs: number;
}

export const defaultGroupBenchOptions: GroupBenchOptions = { records: 1_000_000, recordSize: 100, partitions: 6, timeout: 120, heartbeatIntervalMs: 500 };

/**
 * Resolves when every listed consumer has joined a generation after `since` in which it owns
 * `partitionsEach` partitions (so a late join of an earlier generation is not counted).
 */
function joinedAfter(consumers: Consumer[], since: number, timeoutMs: number, partitionsEach: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const seen = new Map<Consumer, number>();
    const timer = setTimeout(() => reject(new Error(`rebalance did not complete within ${timeoutMs} ms`)), timeoutMs);
    for (const c of consumers) {
      c.on(c.events.GROUP_JOIN, (e) => {
        const now = Date.now();
        const owned = Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0);
        if (now < since || owned !== partitionsEach) return;
        seen.set(c, now);
        if (seen.size === consumers.length) {
          clearTimeout(timer);
          resolve(Math.max(...seen.values()));
        }
      });
    }
  });
}

export async function runGroupBench(opts: GroupBenchOptions, log: (line: string) => void): Promise<{ lines: string[]; ok: boolean }> {
  const rootDir = findRepoRoot();
  const harness = buildHarness(rootDir, log);
  const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers: 3, rootDir, brokerProps: { 'group.initial.rebalance.delay.ms': '0' } });
  const cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 });
  const lines: string[] = [`Consumer groups (3 brokers, ${opts.partitions} partitions, ${opts.recordSize}-byte records):`];
  const commands: string[] = [];
  let ok = true;
  try {
    await cluster.start();
    const bootstrap = cluster.bootstrapServers;
    const kafka = kafkaClient(bootstrap.split(','), 'kafka-ts-group-bench');
    const id = Date.now().toString(36);
    const topic = `bench-groups-${id}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, timeout: 30000, topics: [{ topic, numPartitions: opts.partitions, replicationFactor: 1 }] });
    } finally {
      await admin.disconnect();
    }
    const produceArgs = ['produce', '-b', bootstrap, '-t', topic, '-n', String(opts.records), '-s', String(opts.recordSize), '-T', String(opts.timeout)];
    commands.push([harness, ...produceArgs].map(shellQuote).join(' '));
    await runHarness(harness, produceArgs, (opts.timeout + 30) * 1000);

    const groupArgs = ['group', '-b', bootstrap, '-t', topic, '-n', String(opts.records), '-T', String(opts.timeout)];
    commands.push([harness, ...groupArgs].map(shellQuote).join(' '));
    try {
      const r = await runHarness(harness, groupArgs, (opts.timeout + 30) * 1000);
      lines.push(
        `  librdkafka group consume              ${Math.round(r.records_per_sec).toLocaleString('en-US')} records/s, ${r.mb_per_sec.toFixed(1)} MB/s (${r.records} records)`,
      );
    } catch (e) {
      ok = false;
      lines.push(`  librdkafka group consume              FAILED ${(e as Error).message.split('\n')[0]}`);
    }

    const kjsRecords = Math.min(opts.records, 500_000);
    commands.push(`kafkajs consumer (group bench-groups-kjs-${id}) subscribe fromBeginning, eachBatch, until ${kjsRecords} records`);
    try {
      const m = await kafkajsConsume(kafka, { topic, count: kjsRecords, groupId: `bench-groups-kjs-${id}`, timeoutMs: opts.timeout * 1000 });
      lines.push(
        `  kafkajs group consume                 ${Math.round(m.records / m.seconds).toLocaleString('en-US')} records/s, ${(m.bytes / 1048576 / m.seconds).toFixed(1)} MB/s (${m.records} records)`,
      );
    } catch (e) {
      ok = false;
      lines.push(`  kafkajs group consume                 FAILED ${(e as Error).message}`);
    }

    // Rebalance 2 -> 3: members heartbeat every heartbeatIntervalMs, which bounds how fast they learn of it.
    const quiet = new Kafka({ clientId: 'kafka-ts-group-bench-rebalance', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    const groupId = `bench-rebalance-${id}`;
    // kafkajs finishes its in-flight long-poll fetch before rejoining: keep max wait as short as the heartbeat.
    const make = () =>
      quiet.consumer({
        groupId,
        heartbeatInterval: opts.heartbeatIntervalMs,
        maxWaitTimeInMs: opts.heartbeatIntervalMs,
        sessionTimeout: 10000,
        rebalanceTimeout: 10000,
      });
    const members = [make(), make(), make()];
    commands.push(
      `kafkajs: 2 consumers in ${groupId} (heartbeatInterval and maxWaitTimeInMs ${opts.heartbeatIntervalMs} ms), then a 3rd joins; time until all 3 report GROUP_JOIN`,
    );
    try {
      const firstTwo = joinedAfter(members.slice(0, 2), 0, 30000, opts.partitions / 2);
      for (const c of members.slice(0, 2)) {
        await c.connect();
        await c.subscribe({ topics: [topic], fromBeginning: false });
        await c.run({ eachBatch: async () => undefined });
      }
      await firstTwo;
      // Members learn of a rebalance on their next heartbeat: join at a random phase of their heartbeat cycle.
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * opts.heartbeatIntervalMs));
      const t0 = Date.now();
      const all = joinedAfter(members, t0, 30000, opts.partitions / 3);
      await members[2].connect();
      await members[2].subscribe({ topics: [topic], fromBeginning: false });
      await members[2].run({ eachBatch: async () => undefined });
      const t1 = await all;
      lines.push(
        `  rebalance 2 -> 3 members (kafkajs)    ${t1 - t0} ms (existing members rejoin on their next heartbeat, every ${opts.heartbeatIntervalMs} ms)`,
      );
    } catch (e) {
      ok = false;
      lines.push(`  rebalance 2 -> 3 members (kafkajs)    FAILED ${(e as Error).message}`);
    } finally {
      for (const c of members) await c.disconnect().catch(() => undefined);
    }
  } finally {
    await cluster.stop();
  }
  lines.push('Commands:', ...commands.map((c) => `  ${c}`));
  return { lines, ok };
}

if (require.main === module) {
  runGroupBench(defaultGroupBenchOptions, (l) => console.log(l)).then(
    (r) => {
      console.log(r.lines.join('\n'));
      process.exit(r.ok ? 0 : 1);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
