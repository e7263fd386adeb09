/**
 * The data side of kafka-consumer-groups (Kafka's ConsumerGroupCommand.ConsumerGroupService): group
 * descriptions with decoded member assignments, committed offsets, log-end offsets, and the offset
 * computations of --reset-offsets (to-earliest/-latest/-current/-offset, shift-by, to-datetime,
 * by-duration, from-file), clamped to [log start, log end] as Kafka's checkOffsetsRange does.
 */
import * as fs from 'fs';
import { Admin, AssignerProtocol } from 'kafkajs';
import { fail } from './CommandUtils';

interface MemberState {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partition: number }[];
}

export interface GroupState {
  groupId: string;
  state: string;
  protocol: string;
  protocolType: string;
  members: MemberState[];
}

export interface ResetOpts {
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
}

export type Tp = { topic: string; partition: number };
export const tpKey = (t: string, p: number): string => `${t}-${p}`;

export async function describeGroups(admin: Admin, groupIds: string[]): Promise<GroupState[]> {
  const res = await admin.describeGroups(groupIds);
  return res.groups.map((g) => ({
    groupId: g.groupId,
    state: g.state || 'Dead',
    protocol: g.protocol,
    protocolType: g.protocolType,
    members: g.members.map((m) => {
      const assignment: Tp[] = [];
      if (g.protocolType === 'consumer' && m.memberAssignment && m.memberAssignment.length > 0) {
        try {
          const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          for (const [topic, parts] of Object.entries(a?.assignment ?? {})) for (const p of parts) assignment.push({ topic, partition: p });
        } catch {
          // a non-consumer or malformed assignment: shown without partitions, as Kafka does
        }
      }
      assignment.sort((x, y) => (x.topic === y.topic ? x.partition - y.partition : x.topic < y.topic ? -1 : 1));
      return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
    }),
  }));
}

/** Committed offsets of a group: "topic-partition" → offset (partitions without a commit are left out). */
export async function committedOffsets(admin: Admin, groupId: string, topics?: string[]): Promise<Map<string, Tp & { offset: number }>> {
  const res = await admin.fetchOffsets(topics ? { groupId, topics } : { groupId });
  const out = new Map<string, Tp & { offset: number }>();
  for (const t of res) {
    for (const p of t.partitions) {
      const offset = Number(p.offset);
      if (offset >= 0) out.set(tpKey(t.topic, p.partition), { topic: t.topic, partition: p.partition, offset });
    }
  }
  return out;
}

/** Log start and end offsets of every partition of the given topics. */
export async function logOffsets(admin: Admin, topics: Iterable<string>): Promise<Map<string, { low: number; high: number }>> {
  const out = new Map<string, { low: number; high: number }>();
  for (const topic of new Set(topics)) {
    for (const p of await admin.fetchTopicOffsets(topic)) out.set(tpKey(topic, p.partition), { low: Number(p.low), high: Number(p.high) });
  }
  return out;
}

/** ISO-8601 durations as Java's Duration.parse: PnDTnHnMn.nS. */
function parseDuration(s: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:\.\d+)?)S)?)?$/i.exec(s.trim());
  if (!m || s.trim().toUpperCase().endsWith('T')) fail(`Text cannot be parsed to a Duration: ${s}`);
  const ms = (Number(m[2] ?? 0) * 86400 + Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/** Utils.getDateTime: yyyy-MM-dd'T'HH:mm:ss.SSS with an optional zone (Z, +hh:mm); local time otherwise. */
function parseDateTime(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) fail(`Error parsing timestamp '${s}': expected format yyyy-MM-dd'T'HH:mm:ss.SSS`);
  const zone = m[2] ? (m[2] === 'Z' ? 'Z' : m[2].length === 5 ? `${m[2].substring(0, 3)}:${m[2].substring(3)}` : m[2]) : '';
  const t = Date.parse(m[1] + zone);
  if (Number.isNaN(t)) fail(`Error parsing timestamp '${s}'`);
  return t;
}

/** ConsumerGroupService.prepareOffsetsToReset for one group: "topic-partition" → new offset. */
export async function offsetsToReset(admin: Admin, groupId: string, partitions: Tp[], o: ResetOpts): Promise<Map<string, Tp & { offset: number }>> {
  const out = new Map<string, Tp & { offset: number }>();
  if (o.fromFile) {
    // --from-file: CSV lines "topic,partition,offset" (or "group,topic,partition,offset" for several groups)
    const text = fs.readFileSync(o.fromFile, 'utf8');
    for (const line of text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)) {
      const f = line.split(',');
      const [g, topic, part, off] = f.length === 4 ? f : [groupId, f[0], f[1], f[2]];
      if (g !== groupId || topic === undefined || part === undefined || off === undefined) continue;
      out.set(tpKey(topic, Number(part)), { topic, partition: Number(part), offset: Number(off) });
    }
    return out;
  }
  const ranges = await logOffsets(
    admin,
    partitions.map((p) => p.topic),
  );
  const clamp = (tp: Tp, offset: number) => {
    const r = ranges.get(tpKey(tp.topic, tp.partition));
    if (!r) return offset;
    return offset > r.high ? r.high : offset < r.low ? r.low : offset;
  };
  const committed = o.toCurrent || o.shiftBy !== undefined ? await committedOffsets(admin, groupId) : new Map<string, Tp & { offset: number }>();
  let byTime: Map<string, number> | null = null;
  if (o.toDatetime !== undefined || o.byDuration !== undefined) {
    const ts = o.toDatetime !== undefined ? parseDateTime(o.toDatetime) : Date.now() - parseDuration(o.byDuration!);
    byTime = new Map();
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      for (const e of await admin.fetchTopicOffsetsByTimestamp(topic, ts)) byTime.set(tpKey(topic, e.partition), Number(e.offset));
    }
  }
  for (const tp of partitions) {
    const k = tpKey(tp.topic, tp.partition);
    const r = ranges.get(k) ?? { low: 0, high: 0 };
    let offset: number;
    if (o.toEarliest) offset = r.low;
    else if (o.toLatest) offset = r.high;
    else if (o.toOffset !== undefined) offset = clamp(tp, Number(o.toOffset));
    else if (o.toCurrent) offset = committed.get(k)?.offset ?? r.high;
    else if (o.shiftBy !== undefined) {
      const cur = committed.get(k);
      if (!cur) fail(`Error: Executing consumer group command failed due to Cannot shift offset for partition ${k} since there is no current committed offset`);
      offset = clamp(tp, cur.offset + Number(o.shiftBy));
    } else if (byTime) {
      const t = byTime.get(k);
      offset = t === undefined || t < 0 ? r.high : t;
    } else {
      fail(
        'Option "[reset-offsets]" takes one of these options: [to-datetime], [by-duration], [to-earliest], [to-latest], [shift-by], [from-file], [to-current], [to-offset]',
      );
    }
    out.set(k, { ...tp, offset });
  }
  return out;
}
