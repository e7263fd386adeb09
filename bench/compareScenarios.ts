/**
 * The scenarios of `npm run compare`, written once against ClusterDriver and run on both modes, each timed from the
 * outside (DescribeQuorum or /controller, Metadata polled from every live broker, CreateTopics answers):
 *  - metadata propagation: CreateTopics of the bench topic (--partitions, replication 3) until every broker's
 *    Metadata lists all its partitions with a leader (ZooKeeper: the controller's UpdateMetadata fan-out; KRaft:
 *    each broker replaying the committed records from the metadata log);
 *  - create 1,000 partitions: CreateTopics of a 1,000-partition topic until the controller answers (ZooKeeper:
 *    znode writes; KRaft: one batch of records appended to the quorum), then deleted again;
 *  - broker failure: SIGKILL of a broker leading partitions (never the ZooKeeper-mode controller) until every
 *    broker reports a new live leader for each (session expiry vs missed heartbeats: zookeeper.session.timeout.ms
 *    vs broker.session.timeout.ms);
 *  - controlled shutdown: SIGTERM of such a broker until its process exits (ControlledShutdown request vs the
 *    heartbeat's wantShutDown);
 *  - controller failover: SIGKILL of the active controller until a new one serves, i.e. answers a CreateTopics
 *    (ZooKeeper: /controller's session expires, a broker wins the election and loads everything from ZooKeeper;
 *    KRaft: a standby controller, already caught up on the log, wins a Raft election).
 * Between scenarios the victim is restarted and the cluster waited for, untimed.
 */
import { ClusterDriver, createTopic, deleteTopic } from './compareDrivers';
import { allLeadersLive, leaderMap, pollMetadataUntil, sleep, topicPartitions } from './failoverProbes';

export type ScenarioId = 'failover' | 'brokerFailure' | 'controlledShutdown' | 'create' | 'propagation';

export interface Figure {
  /** Milliseconds; undefined when the scenario failed. */
  ms?: number;
  error?: string;
  /** Secondary facts for the report (victim, epochs...). */
  notes: string[];
}

export interface ScenarioSpec {
  id: ScenarioId;
  label: string;
}

/** A row's label; the create row names the partition count it ran with ("create 1,000 partitions" by default). */
export function scenarioLabel(s: ScenarioSpec, createPartitions = 1000): string {
  return s.id === 'create' ? `create ${createPartitions.toLocaleString('en-US')} partitions` : s.label;
}

/** The rows of the table, in the order they run. */
export const SCENARIOS: readonly ScenarioSpec[] = [
  { id: 'propagation', label: 'metadata propagation' },
  { id: 'create', label: 'create 1,000 partitions' },
  { id: 'brokerFailure', label: 'broker failure' },
  { id: 'controlledShutdown', label: 'controlled shutdown' },
  { id: 'failover', label: 'controller failover' },
];

export interface CompareContext {
  driver: ClusterDriver;
  topic: string;
  partitions: number;
  createPartitions: number;
  /** Per-step limit. */
  timeoutMs: number;
  log: (line: string) => void;
}

/**
 * Waits until every partition of the topic has all its replicas in sync (as a live broker reports it): a broker
 * stopped while it is the only in-sync replica leaves its partitions without a leader in both modes (no unclean
 * election), which would measure nothing.
 */
async function waitFullIsr(ctx: CompareContext): Promise<void> {
  const d = ctx.driver;
  const deadline = Date.now() + ctx.timeoutMs;
  let shrunk = -1;
  for (;;) {
    const via = d.brokerIds.find((id) => d.alive(id))!;
    try {
      const parts = topicPartitions(await d.probe(via).fetch(ctx.topic), ctx.topic);
      shrunk = parts.filter((p) => p.isrNodes.length < p.replicaNodes.length).length;
      if (parts.length === ctx.partitions && shrunk === 0) return;
    } catch {
      /* the broker is busy: ask again */
    }
    if (Date.now() > deadline) throw new Error(`${shrunk} partition(s) of ${ctx.topic} still had a shrunk ISR after ${ctx.timeoutMs} ms`);
    await sleep(100);
  }
}

/** A broker that leads at least one partition of the topic and is not the controller (ZooKeeper mode's controller is a broker). */
async function pickLeader(ctx: CompareContext): Promise<{ victim: number; led: number[] }> {
  const d = ctx.driver;
  await waitFullIsr(ctx);
  const controller = await d.activeController();
  const via = d.brokerIds.find((id) => d.alive(id))!;
  const leaders = leaderMap(await d.probe(via).fetch(ctx.topic), ctx.topic);
  for (const id of [...d.brokerIds].reverse()) {
    if (id === controller) continue;
    const led = [...leaders.entries()].filter(([, l]) => l === id).map(([p]) => p);
    if (led.length > 0) return { victim: id, led };
  }
  throw new Error(`no broker other than the controller (${controller}) leads a partition of ${ctx.topic}`);
}

/** Waits until every live broker but `gone` reports a live leader other than `gone` for every partition. */
async function leadersMovedOff(ctx: CompareContext, gone: number): Promise<number> {
  const d = ctx.driver;
  const probes = d.brokerIds.filter((id) => id !== gone && d.alive(id)).map((id) => d.probe(id));
  const seen = await pollMetadataUntil(probes, ctx.topic, (res) => allLeadersLive(res, ctx.topic, ctx.partitions, [gone]), ctx.timeoutMs, 20);
  const times = [...seen.values()];
  if (times.some((t) => t === undefined)) throw new Error(`leaders did not move off broker ${gone} within ${ctx.timeoutMs} ms`);
  return Math.max(...(times as number[]));
}

async function restartAndWait(ctx: CompareContext, id: number): Promise<void> {
  ctx.driver.restart(id);
  await ctx.driver.waitAllBack(ctx.topic, ctx.partitions, ctx.timeoutMs * 2);
}

async function propagation(ctx: CompareContext): Promise<Figure> {
  const d = ctx.driver;
  const t0 = Date.now();
  const answered = await createTopic(d, ctx.topic, ctx.partitions, 3, ctx.timeoutMs);
  const probes = d.brokerIds.map((id) => d.probe(id));
  const seen = await pollMetadataUntil(probes, ctx.topic, (res) => allLeadersLive(res, ctx.topic, ctx.partitions, []), ctx.timeoutMs, 20);
  const times = [...seen.values()];
  if (times.some((t) => t === undefined)) throw new Error(`not every broker saw ${ctx.topic} within ${ctx.timeoutMs} ms`);
  const last = Math.max(...(times as number[]));
  return { ms: last - t0, notes: [`CreateTopics answered after ${answered - t0} ms`, `${ctx.partitions} partitions x 3 replicas`] };
}

async function create(ctx: CompareContext): Promise<Figure> {
  const topic = `${ctx.topic}-create`;
  const t0 = Date.now();
  const answered = await createTopic(ctx.driver, topic, ctx.createPartitions, 3, ctx.timeoutMs * 2);
  const ms = answered - t0;
  // Back to the bench topic alone, so the next scenarios move the same number of leaders in both modes.
  await deleteTopic(ctx.driver, topic, ctx.timeoutMs);
  return { ms, notes: [`${ctx.createPartitions} partitions x 3 replicas, until the CreateTopics answer`] };
}

/** When the live brokers' Metadata stopped listing `gone` (ZooKeeper: /brokers/ids/<id> expired; KRaft: fenced). */
async function unlisted(ctx: CompareContext, gone: number): Promise<number | undefined> {
  const d = ctx.driver;
  const probes = d.brokerIds.filter((id) => id !== gone && d.alive(id)).map((id) => d.probe(id));
  const seen = await pollMetadataUntil(probes, ctx.topic, (res) => !res.brokers.some((b) => b.nodeId === gone), ctx.timeoutMs, 20);
  const times = [...seen.values()];
  return times.some((t) => t === undefined) ? undefined : Math.max(...(times as number[]));
}

async function brokerFailure(ctx: CompareContext): Promise<Figure> {
  const { victim, led } = await pickLeader(ctx);
  const t0 = Date.now();
  ctx.driver.kill(victim);
  const [done, gone] = await Promise.all([leadersMovedOff(ctx, victim), unlisted(ctx, victim)]);
  await restartAndWait(ctx, victim);
  const dropped = gone === undefined ? 'still listed' : `unlisted after ${gone - t0} ms`;
  return { ms: done - t0, notes: [`SIGKILL broker ${victim}, leader of ${led.length} partition(s); ${dropped}`] };
}

async function controlledShutdown(ctx: CompareContext): Promise<Figure> {
  const { victim, led } = await pickLeader(ctx);
  const t0 = Date.now();
  const moved = leadersMovedOff(ctx, victim).catch(() => undefined);
  const exited = await ctx.driver.terminate(victim, ctx.timeoutMs * 2);
  const movedAt = await moved;
  await restartAndWait(ctx, victim);
  const leaders = movedAt === undefined ? 'its leaderships did not move' : `its leaderships moved after ${movedAt - t0} ms`;
  return { ms: exited - t0, notes: [`SIGTERM broker ${victim}, leader of ${led.length} partition(s), until it exited; ${leaders}`] };
}

async function failover(ctx: CompareContext): Promise<Figure> {
  const d = ctx.driver;
  await waitFullIsr(ctx);
  const old = await d.activeController();
  if (old < 0) throw new Error('no active controller to kill');
  const t0 = Date.now();
  d.kill(old);
  const deadline = t0 + ctx.timeoutMs;
  let next = -1;
  while ((next = await d.activeController()) < 0 || next === old) {
    if (Date.now() > deadline) throw new Error(`no new controller within ${ctx.timeoutMs} ms of killing ${old}`);
    await sleep(20);
  }
  const elected = Date.now();
  const served = await createTopic(d, `${ctx.topic}-failover`, 1, Math.min(3, d.brokerIds.filter((id) => d.alive(id)).length), ctx.timeoutMs);
  await restartAndWait(ctx, old);
  return {
    ms: served - t0,
    notes: [`SIGKILL controller ${old}; ${next} elected after ${elected - t0} ms, first CreateTopics answered after ${served - t0} ms`],
  };
}

const RUN: Record<ScenarioId, (ctx: CompareContext) => Promise<Figure>> = { propagation, create, brokerFailure, controlledShutdown, failover };

/** Runs every scenario in order; a failed one is reported and the rest still run when the cluster allows. */
export async function runScenarios(ctx: CompareContext): Promise<Map<ScenarioId, Figure>> {
  const out = new Map<ScenarioId, Figure>();
  for (const s of SCENARIOS) {
    ctx.log(`  ${ctx.driver.mode}: ${scenarioLabel(s, ctx.createPartitions)}...`);
    try {
      const f = await RUN[s.id](ctx);
      out.set(s.id, f);
      ctx.log(`  ${ctx.driver.mode}: ${scenarioLabel(s, ctx.createPartitions)}: ${formatMs(f.ms)}${f.notes.length ? ` (${f.notes.join('; ')})` : ''}`);
    } catch (e) {
      out.set(s.id, { error: (e as Error).message, notes: [] });
      ctx.log(`  ${ctx.driver.mode}: ${scenarioLabel(s, ctx.createPartitions)}: FAILED: ${(e as Error).message}`);
      // The topic must exist for the others; without it nothing else can be measured.
      if (s.id === 'propagation') {
        for (const rest of SCENARIOS.slice(1)) out.set(rest.id, { error: 'skipped: the bench topic was not created', notes: [] });
        return out;
      }
      // Bring back whatever the failed scenario stopped, so the next one starts from a whole cluster.
      for (const id of ctx.driver.nodeIds) if (!ctx.driver.alive(id)) ctx.driver.restart(id);
      await ctx.driver.waitAllBack(ctx.topic, ctx.partitions, ctx.timeoutMs * 2).catch(() => undefined);
    }
  }
  return out;
}

/** "850 ms" below 10 s, "12.3 s" above. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
