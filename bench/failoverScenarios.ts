/**
 * The three failover scenarios, each timed from the moment we signal a broker:
 *  (a) SIGKILL of a partition leader that is not the controller: ZooKeeper expires its session after
 *      zookeeper.session.timeout.ms, the controller's /brokers/ids watch fires (broker_removed) and it
 *      runs an offline election for the partitions that broker led (Kafka's onBrokerFailure);
 *  (b) SIGTERM of such a leader: the broker sends ControlledShutdown and the controller moves its
 *      leaderships (controlled-shutdown election) before the broker closes its session and exits;
 *  (c) SIGKILL of the controller: /controller vanishes with its session, another broker wins the
 *      election (election_won) and runs onControllerFailover (read ZooKeeper, elect, write, send).
 * Times come from controller-events.jsonl (ms ISO timestamps), the log4j files (ms) and Metadata
 * polled every 20 ms straight from each live broker.
 */
import * as path from 'path';
import { BenchCluster } from './failoverCluster';
import { allLeadersLive, ControllerEvents, FileTail, findLogLine, lastNewLeader, leaderMap, pollMetadataUntil, sleep } from './failoverProbes';

export interface Phase {
  name: string;
  /** undefined = did not happen within the limit. */
  ms: number | undefined;
  /** A secondary figure, printed in brackets (not part of the total). */
  info?: boolean;
}

export interface ScenarioResult {
  id: 'a' | 'b' | 'c';
  title: string;
  victim: number;
  phases: Phase[];
  notes: string[];
  ok: boolean;
}

export interface ScenarioContext {
  cluster: BenchCluster;
  events: ControllerEvents;
  topic: string;
  partitions: number;
  sessionTimeoutMs: number;
}

export type ScenarioId = ScenarioResult['id'];

function diff(to: number | undefined, from: number | undefined): number | undefined {
  return to === undefined || from === undefined || !Number.isFinite(to) || !Number.isFinite(from) ? undefined : to - from;
}

/** Partition -> leader as the controller's broker reports it, and the broker (not `exclude`) leading most. */
async function pickLeader(ctx: ScenarioContext, exclude: number[]): Promise<{ victim: number; led: number[]; controller: number }> {
  const { cluster, topic } = ctx;
  const controller = await cluster.controllerId();
  if (controller < 0) throw new Error('no controller registered in /controller');
  const leaders = leaderMap(await cluster.probe(controller).fetch(topic), topic);
  const count = new Map<number, number[]>();
  for (const [p, l] of leaders) count.set(l, [...(count.get(l) ?? []), p]);
  const candidates = cluster.aliveIds().filter((id) => !exclude.includes(id) && id !== controller);
  let victim = -1;
  for (const id of candidates) if ((count.get(id)?.length ?? 0) > (count.get(victim)?.length ?? 0)) victim = id;
  if (victim < 0) throw new Error(`no broker other than the controller (${controller}) leads a partition of ${topic}`);
  return { victim, led: count.get(victim) ?? [], controller };
}

const waitNewLeaders = (ctx: ScenarioContext, led: number[], gone: number[], timeoutMs: number): Promise<number | undefined> =>
  ctx.events.waitFor((es) => {
    const r = lastNewLeader(es, ctx.topic, led, gone);
    return r.missing.length === 0 ? r.ts : undefined;
  }, timeoutMs);

function missingNote(ctx: ScenarioContext, led: number[], gone: number[]): string {
  const r = lastNewLeader(ctx.events.events, ctx.topic, led, gone);
  return `${r.missing.length} of ${led.length} partitions got no partition_state event with a live leader (e.g. ${r.missing
    .slice(0, 5)
    .map((p) => `${ctx.topic}-${p}`)
    .join(', ')})`;
}

/** Final check: every live broker's Metadata gives every partition a live leader. */
async function verifyLeaders(ctx: ScenarioContext, gone: number[]): Promise<string> {
  const parts: string[] = [];
  let ok = true;
  for (const probe of ctx.cluster.liveProbes(gone)) {
    try {
      const res = await probe.fetch(ctx.topic);
      const good = allLeadersLive(res, ctx.topic, ctx.partitions, gone);
      ok &&= good;
      parts.push(
        `broker ${probe.brokerId}: ${good ? 'all' : 'NOT all'} ${ctx.partitions} partitions have a live leader, live brokers [${res.brokers.map((b) => b.nodeId).sort()}]`,
      );
    } catch (e) {
      ok = false;
      parts.push(`broker ${probe.brokerId}: Metadata failed (${(e as Error).message})`);
    }
  }
  return `${ok ? 'verified' : 'VERIFICATION FAILED'} with Metadata: ${parts.join('; ')}`;
}

function metaPhase(name: string, seen: Map<number, number | undefined>, t0: number): Phase {
  const times = [...seen.values()];
  const ms = times.every((t) => t !== undefined) ? Math.max(...(times as number[])) - t0 : undefined;
  return { name, ms, info: true };
}

// ------------------------------------------------------------------ (a)

export async function killLeader(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { cluster, events, topic, partitions, sessionTimeoutMs } = ctx;
  const { victim, led, controller } = await pickLeader(ctx, []);
  const notes: string[] = [`controller is broker ${controller}`];
  const others = cluster.liveProbes([victim]);
  events.mark();
  const t0 = Date.now();
  cluster.signal(victim, 'SIGKILL');
  const metaP = pollMetadataUntil(others, topic, (r) => allLeadersLive(r, topic, partitions, [victim]), sessionTimeoutMs + 45_000);
  const removed = await events.waitFor((es) => es.find((e) => e.event === 'broker_removed' && e.brokerId === victim)?.ts, sessionTimeoutMs + 20_000);
  if (removed === undefined) notes.push(`no broker_removed event for broker ${victim} within ${(sessionTimeoutMs + 20_000) / 1000} s`);
  const elected = await waitNewLeaders(ctx, led, [victim], removed === undefined ? 1000 : 30_000);
  if (elected === undefined) notes.push(missingNote(ctx, led, [victim]));
  const seen = await metaP;
  notes.push(await verifyLeaders(ctx, [victim]));
  return {
    id: 'a',
    title: `SIGKILL broker ${victim} (leads ${led.length})`,
    victim,
    phases: [
      { name: 'detection: kill -> broker_removed event', ms: diff(removed, t0) },
      { name: 'election: broker_removed -> last partition_state with a new leader', ms: diff(elected, removed) },
      { name: 'total: kill -> every partition has a live leader', ms: diff(elected, t0) },
      metaPhase(`kill -> Metadata of brokers ${others.map((p) => p.brokerId)} shows live leaders (20 ms poll)`, seen, t0),
    ],
    notes,
    ok: elected !== undefined,
  };
}

// ------------------------------------------------------------------ (b)

export async function controlledShutdown(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { cluster, events, topic, partitions } = ctx;
  const { victim, led, controller } = await pickLeader(ctx, []);
  const notes: string[] = [`controller is broker ${controller}`];
  const proc = cluster.proc(victim)!;
  const serverLog = new FileTail(path.join(cluster.brokerLogDir(victim), 'server.log'), true);
  const controllerLog = new FileTail(path.join(cluster.brokerLogDir(controller), 'controller.log'), true);
  const others = cluster.liveProbes([victim]);
  events.mark();
  let exitAt: number | undefined;
  void proc.exited.then(() => {
    exitAt = Date.now();
  });
  const t0 = Date.now();
  cluster.signal(victim, 'SIGTERM');
  const metaP = pollMetadataUntil(others, topic, (r) => allLeadersLive(r, topic, partitions, [victim]), 60_000);
  const moved = await waitNewLeaders(ctx, led, [victim], 60_000);
  if (moved === undefined) notes.push(missingNote(ctx, led, [victim]));
  const exitDeadline = Date.now() + 60_000;
  while (exitAt === undefined && Date.now() < exitDeadline) await sleep(20);
  if (exitAt === undefined) {
    notes.push(`broker ${victim} did not exit within 60 s of SIGTERM: SIGKILLed it`);
    cluster.signal(victim, 'SIGKILL');
    await proc.exited;
  } else {
    notes.push(`broker ${victim} ${proc.describeExit()}`);
  }
  const removed = await events.waitFor((es) => es.find((e) => e.event === 'broker_removed' && e.brokerId === victim)?.ts, 10_000);
  const seen = await metaP;
  const sLines = serverLog.readNew();
  const started = findLogLine(sLines, 'Starting controlled shutdown', t0);
  const acked = findLogLine(sLines, 'Controlled shutdown request returned successfully', t0);
  const received = findLogLine(controllerLog.readNew(), `Shutting down broker ${victim}`, t0);
  if (!acked) {
    const tried = sLines.filter((l) => /controlled shutdown/i.test(l)).slice(-3);
    notes.push(`no "Controlled shutdown request returned successfully" in broker ${victim}'s server.log${tried.length ? `; last: ${tried.join(' | ')}` : ''}`);
  }
  notes.push(await verifyLeaders(ctx, [victim]));
  return {
    id: 'b',
    title: `SIGTERM broker ${victim} (leads ${led.length})`,
    victim,
    phases: [
      { name: 'SIGTERM -> "Starting controlled shutdown" (server.log)', ms: diff(started?.ts, t0), info: true },
      { name: 'SIGTERM -> controller "Shutting down broker" (controller.log)', ms: diff(received?.ts, t0), info: true },
      { name: 'leaders moved: SIGTERM -> last partition_state with a new leader', ms: diff(moved, t0) },
      { name: 'SIGTERM -> "Controlled shutdown request returned successfully"', ms: diff(acked?.ts, t0), info: true },
      { name: 'process exit: SIGTERM -> exit', ms: diff(exitAt, t0) },
      { name: 'SIGTERM -> broker_removed event (session closed)', ms: diff(removed, t0), info: true },
      metaPhase(`SIGTERM -> Metadata of brokers ${others.map((p) => p.brokerId)} shows new leaders (20 ms poll)`, seen, t0),
    ],
    notes,
    ok: moved !== undefined && exitAt !== undefined,
  };
}

// ------------------------------------------------------------------ (c)

export async function killController(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { cluster, events, topic, partitions, sessionTimeoutMs } = ctx;
  const C = await cluster.controllerId();
  if (C < 0) throw new Error('no controller registered in /controller');
  const leaders = leaderMap(await cluster.probe(C).fetch(topic), topic);
  const led = [...leaders].filter(([, l]) => l === C).map(([p]) => p);
  const notes: string[] = [];
  const survivors = cluster.aliveIds().filter((id) => id !== C);
  const logs = new Map(survivors.map((id) => [id, new FileTail(path.join(cluster.brokerLogDir(id), 'controller.log'), true)]));
  const stateLogs = new Map(survivors.map((id) => [id, new FileTail(path.join(cluster.brokerLogDir(id), 'state-change.log'), true)]));
  const others = cluster.liveProbes([C]);
  events.mark();
  const t0 = Date.now();
  cluster.signal(C, 'SIGKILL');
  const metaP = pollMetadataUntil(others, topic, (r) => allLeadersLive(r, topic, partitions, [C]), sessionTimeoutMs + 45_000);
  const won = await events.waitFor((es) => es.find((e) => e.event === 'election_won' && e.broker !== C), sessionTimeoutMs + 20_000);
  let elected: number | undefined;
  let initLine: { ts: number } | undefined;
  let sendLine: { ts: number } | undefined;
  let ready: { ts: number } | undefined;
  let firstSend: { ts: number } | undefined;
  if (!won) {
    notes.push(`no election_won event within ${(sessionTimeoutMs + 20_000) / 1000} s of killing controller ${C}`);
  } else {
    notes.push(`broker ${won.broker} won the election (controller epoch ${won.epoch ?? '?'})`);
    elected = led.length === 0 ? won.ts : await waitNewLeaders(ctx, led, [C], 30_000);
    if (elected === undefined) notes.push(missingNote(ctx, led, [C]));
    // "Ready to serve" is the last line of onControllerFailover; wait for it, then read the earlier ones.
    const lines: string[] = [];
    const tail = logs.get(won.broker)!;
    const deadline = Date.now() + 30_000;
    while (!ready && Date.now() < deadline) {
      lines.push(...tail.readNew());
      ready = findLogLine(lines, 'Ready to serve as the new controller', t0);
      if (!ready) await sleep(20);
    }
    initLine = findLogLine(lines, 'Initializing controller context', t0);
    sendLine = findLogLine(lines, 'Sending update metadata request', t0);
    if (!ready) notes.push(`no "Ready to serve as the new controller" in broker ${won.broker}'s controller.log within 30 s`);
    // The first LeaderAndIsr the new controller sends: its state-change.log "Sending LeaderAndIsr request to broker" line.
    firstSend = findLogLine(
      stateLogs.get(won.broker)!.readNew(),
      `[Controller id=${won.broker} epoch=${won.epoch ?? ''}] Sending LeaderAndIsr request to broker`,
      t0,
    );
    if (!firstSend) notes.push(`no "Sending LeaderAndIsr request to broker" line in broker ${won.broker}'s state-change.log: "write" ends at "Ready to serve"`);
    if (initLine && won)
      notes.push(
        `election_won -> "Initializing controller context" ${initLine.ts - won.ts} ms (feature znode, handlers); then reading brokers, topics, assignments, partition states`,
      );
  }
  const seen = await metaP;
  const times = [...seen.values()];
  const propagated = times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
  notes.push(await verifyLeaders(ctx, [C]));
  return {
    id: 'c',
    title: `SIGKILL controller ${C} (leads ${led.length})`,
    victim: C,
    phases: [
      { name: 'detection: kill -> election_won event', ms: diff(won?.ts, t0) },
      { name: 'read ZooKeeper: election_won -> "Sending update metadata request"', ms: diff(sendLine?.ts, won?.ts) },
      { name: 'elect: -> last partition_state with a new leader (after its ZK write)', ms: diff(elected, sendLine?.ts) },
      { name: 'write: -> first LeaderAndIsr sent (ISR shrink writes of the dead replica)', ms: diff((firstSend ?? ready)?.ts, elected) },
      { name: `propagate: -> Metadata of brokers ${others.map((p) => p.brokerId)} shows new leaders`, ms: diff(propagated, (firstSend ?? ready)?.ts) },
      { name: 'total: kill -> new leaders visible on every live broker', ms: diff(propagated, t0) },
      { name: 'kill -> "Ready to serve as the new controller" (controller.log)', ms: diff(ready?.ts, t0), info: true },
    ],
    notes,
    ok: won !== undefined && elected !== undefined && propagated !== undefined,
  };
}

export const SCENARIOS: Record<ScenarioId, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  a: killLeader,
  b: controlledShutdown,
  c: killController,
};
