/**
 * What the failover benchmark reads to time things: the controller's event stream
 * (`$LOG_DIR/controller-events.jsonl`, one JSON object per line with an ISO `ts`), the brokers' log4j-shaped
 * log files (`[yyyy-MM-dd HH:mm:ss,SSS] LEVEL ... (logger)`, local time, ms precision) and Metadata
 * requests sent straight to one broker (so we see that broker's MetadataCache, not a client's merged view).
 */
import * as fs from 'fs';
import { NetworkClient } from '../src/network/NetworkClient';
import { MetadataApi, MetadataResponse, MetadataResponsePartition } from '../src/protocol/apis/03-metadata';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads the lines appended to a file since the last call (a partial last line waits for its newline). */
export class FileTail {
  private offset = 0;
  private rest = '';

  constructor(
    readonly file: string,
    fromEnd = false,
  ) {
    if (fromEnd) this.offset = fileSize(file);
  }

  /** Forget what is there now: the next readNew() returns only lines written after this call. */
  skipToEnd(): void {
    this.offset = fileSize(this.file);
    this.rest = '';
  }

  readNew(): string[] {
    const size = fileSize(this.file);
    if (size < this.offset) {
      this.offset = 0;
      this.rest = '';
    } // truncated or replaced
    if (size === this.offset) return [];
    const buf = Buffer.alloc(size - this.offset);
    const fd = fs.openSync(this.file, 'r');
    try {
      fs.readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      fs.closeSync(fd);
    }
    this.offset = size;
    const text = this.rest + buf.toString('utf8');
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.length > 0);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** One line of controller-events.jsonl with the fields the benchmark uses. */
export interface ControllerEvent {
  ts: number;
  /** The broker whose controller wrote the line. */
  broker: number;
  event: string;
  topic?: string;
  partition?: number;
  leader?: number;
  leaderEpoch?: number;
  /** broker_added / broker_removed */
  brokerId?: number;
  /** election_won */
  epoch?: number;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function parseControllerEvent(line: string): ControllerEvent | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  const ts = typeof r.ts === 'string' ? Date.parse(r.ts) : Number.NaN;
  if (!Number.isFinite(ts) || typeof r.event !== 'string') return null;
  return {
    ts,
    broker: num(r.broker) ?? -1,
    event: r.event,
    topic: typeof r.topic === 'string' ? r.topic : undefined,
    partition: num(r.partition),
    leader: num(r.leader),
    leaderEpoch: num(r.leader_epoch),
    brokerId: num(r.broker_id),
    epoch: num(r.epoch),
  };
}

/** The controller event streams of all brokers, merged; polled every 20 ms while waiting. */
export class ControllerEvents {
  private readonly tails: FileTail[];
  /** Everything read since the last mark(). */
  events: ControllerEvent[] = [];

  constructor(files: string[]) {
    this.tails = files.map((f) => new FileTail(f, true));
  }

  /** Start a new scenario: drop what was read and skip what is in the files now. */
  mark(): void {
    for (const t of this.tails) t.skipToEnd();
    this.events = [];
  }

  poll(): void {
    for (const t of this.tails) {
      for (const line of t.readNew()) {
        const e = parseControllerEvent(line);
        if (e) this.events.push(e);
      }
    }
  }

  /** Polls until `done(events)` returns a value (not undefined) or the deadline passes (then undefined). */
  async waitFor<T>(done: (events: ControllerEvent[]) => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.poll();
      const v = done(this.events);
      if (v !== undefined) return v;
      if (Date.now() >= deadline) return undefined;
      await sleep(20);
    }
  }
}

/**
 * For each partition in `wanted`, the first partition_state event of `topic` whose leader is live
 * (>= 0 and not one of `gone`). Returns the latest of those times once every partition has one.
 */
export function lastNewLeader(events: ControllerEvent[], topic: string, wanted: number[], gone: number[]): { ts: number; missing: number[] } {
  const first = new Map<number, number>();
  for (const e of events) {
    if (e.event !== 'partition_state' || e.topic !== topic || e.partition === undefined) continue;
    if (e.leader === undefined || e.leader < 0 || gone.includes(e.leader)) continue;
    if (!first.has(e.partition)) first.set(e.partition, e.ts);
  }
  let ts = -Infinity;
  const missing: number[] = [];
  for (const p of wanted) {
    const t = first.get(p);
    if (t === undefined) missing.push(p);
    else ts = Math.max(ts, t);
  }
  return { ts, missing };
}

/** `[2024-01-01 12:00:00,123] INFO ...` -> epoch ms (log4j's ISO8601 format is local time). */
export function log4jTime(line: string): number | undefined {
  const m = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})\]/.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

/** First line at or after `since` containing `needle`, with its time. */
export function findLogLine(lines: string[], needle: string, since: number): { ts: number; line: string } | undefined {
  for (const line of lines) {
    if (!line.includes(needle)) continue;
    const ts = log4jTime(line);
    if (ts !== undefined && ts >= since) return { ts, line };
  }
  return undefined;
}

// ------------------------------------------------------------------ Metadata

export class MetadataProbe {
  private readonly client: NetworkClient;

  constructor(
    readonly brokerId: number,
    host: string,
    port: number,
    requestTimeoutMs = 3000,
  ) {
    this.client = new NetworkClient(host, port, `failover-bench-${brokerId}`, requestTimeoutMs, 2000);
  }

  /** Metadata v5 (has offline_replicas; not flexible) for one topic, answered from this broker's cache. */
  fetch(topic: string): Promise<MetadataResponse> {
    return this.client.send(MetadataApi, 5, { topics: [{ name: topic }], allowAutoTopicCreation: false });
  }

  close(): void {
    this.client.close();
  }
}

export function topicPartitions(res: MetadataResponse, topic: string): MetadataResponsePartition[] {
  return res.topics.find((t) => t.name === topic)?.partitions ?? [];
}

/** Partition -> leader, as this Metadata response says. */
export function leaderMap(res: MetadataResponse, topic: string): Map<number, number> {
  return new Map(topicPartitions(res, topic).map((p) => [p.partitionIndex, p.leaderId]));
}

/**
 * True when the response lists `expected` partitions and each has a leader that is >= 0, not one of
 * `gone`, and among the live brokers the response itself lists.
 */
export function allLeadersLive(res: MetadataResponse, topic: string, expected: number, gone: number[]): boolean {
  const parts = topicPartitions(res, topic);
  if (parts.length !== expected) return false;
  const live = new Set(res.brokers.map((b) => b.nodeId));
  return parts.every((p) => p.leaderId >= 0 && !gone.includes(p.leaderId) && live.has(p.leaderId));
}

/**
 * Sends Metadata to each probe every `intervalMs` (one request in flight per broker) until `ok` holds for
 * that broker's answer; resolves with the receive time per broker (undefined when the deadline passed).
 */
export async function pollMetadataUntil(
  probes: MetadataProbe[],
  topic: string,
  ok: (res: MetadataResponse) => boolean,
  timeoutMs: number,
  intervalMs = 20,
): Promise<Map<number, number | undefined>> {
  const deadline = Date.now() + timeoutMs;
  const out = new Map<number, number | undefined>();
  await Promise.all(
    probes.map(async (probe) => {
      for (;;) {
        const start = Date.now();
        try {
          const res = await probe.fetch(topic);
          if (ok(res)) {
            out.set(probe.brokerId, Date.now());
            return;
          }
        } catch {
          /* broker busy or restarting: try again */
        }
        if (Date.now() >= deadline) {
          out.set(probe.brokerId, undefined);
          return;
        }
        const wait = intervalMs - (Date.now() - start);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return out;
}
