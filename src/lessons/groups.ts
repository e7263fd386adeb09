/**
 * What the consumer-group lessons share: kafkajs consumers that join a group the way a learner's would (but with
 * short heartbeats and fetch waits, so a rebalance is noticed within a second, as KIP-62's background heartbeat
 * makes it in the Java client), and the group's state and assignment as DescribeGroups reports it.
 */
import { Admin, AssignerProtocol, Consumer, EachMessagePayload } from 'kafkajs';
import { LessonContext } from './Lesson';

export interface MemberView {
  memberId: string;
  clientId: string;
  /** Partitions of the lesson's topic assigned to the member (sorted). */
  partitions: number[];
}

export interface GroupView {
  state: string;
  members: MemberView[];
}

/** DescribeGroups: the state and each member's assignment of `topic` (a member mid-rebalance has none yet). */
export async function describeGroup(admin: Admin, groupId: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  const members = (g?.members ?? []).map((m) => {
    const decoded = m.memberAssignment && m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    const partitions = [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
    return { memberId: m.memberId, clientId: m.clientId, partitions };
  });
  members.sort((a, b) => a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId));
  return { state: g?.state ?? 'Dead', members };
}

/** The partition counts per member, e.g. "consumer-1: [0,1]  consumer-2: [2]". */
export function formatAssignment(view: GroupView): string {
  return view.members.map((m) => `${m.clientId}: [${m.partitions.join(',')}]`).join('  ');
}

/**
 * Waits until the group is Stable with exactly `members` members whose assignments together cover partitions
 * 0..partitions-1 once each; returns that view.
 */
export async function waitForStableAssignment(
  ctx: LessonContext,
  admin: Admin,
  groupId: string,
  topic: string,
  members: number,
  partitions: number,
  timeoutMs = 45_000,
): Promise<GroupView> {
  return ctx.waitFor(
    `group ${groupId} to be Stable with ${members} member(s) sharing ${partitions} partition(s)`,
    async () => {
      const view = await describeGroup(admin, groupId, topic);
      if (view.state !== 'Stable' || view.members.length !== members) return null;
      const all = view.members.flatMap((m) => m.partitions).sort((a, b) => a - b);
      const want = Array.from({ length: partitions }, (_, i) => i);
      return all.length === want.length && all.every((p, i) => p === want[i]) ? view : null;
    },
    timeoutMs,
  );
}

export interface LessonConsumerOptions {
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  fromBeginning?: boolean;
  autoCommit?: boolean;
  onMessage?: (p: EachMessagePayload) => Promise<void> | void;
}

/** A kafkajs consumer named `clientId` in `groupId`, subscribed to `topic` and running (consuming). */
export async function startConsumer(ctx: LessonContext, groupId: string, topic: string, clientId: string, opts: LessonConsumerOptions = {}): Promise<Consumer> {
  const consumer = ctx.kafka(clientId).consumer({
    groupId,
    sessionTimeout: opts.sessionTimeout ?? 10_000,
    rebalanceTimeout: opts.rebalanceTimeout ?? 10_000,
    heartbeatInterval: opts.heartbeatInterval ?? 500,
    // kafkajs heartbeats between fetches: a short fetch wait lets a member notice a rebalance quickly.
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({ autoCommit: opts.autoCommit ?? true, eachMessage: async (p) => void (await opts.onMessage?.(p)) });
  return consumer;
}

/** Disconnects every consumer (LeaveGroup), ignoring the ones already gone. */
export async function stopAll(consumers: Array<Consumer | undefined>): Promise<void> {
  await Promise.all(consumers.map((c) => c?.disconnect().catch(() => undefined)));
}

/** Java's String.hashCode (UTF-16 code units, 32-bit overflow), as GroupMetadataManager hashes a group id. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** GroupMetadataManager.partitionFor: Utils.abs(groupId.hashCode) % offsets.topic.num.partitions (Utils.abs maps MIN_VALUE to 0). */
export function offsetsPartitionFor(groupId: string, partitions = 50): number {
  const h = javaStringHashCode(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

/** The group's committed offset of topic/partition (admin OffsetFetch), or -1. */
export async function committedOffset(admin: Admin, groupId: string, topic: string, partition: number): Promise<number> {
  const res = await admin.fetchOffsets({ groupId, topics: [topic] });
  const p = res.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === partition);
  return p ? Number(p.offset) : -1;
}
