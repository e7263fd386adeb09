/**
 * The observatory's model: pure functions that flag partitions the way Kafka's metrics count them and turn
 * two successive snapshots of the cluster into timeline lines ("broker 2 gone", "t-0 leader 2 -> 3, ISR
 * [1,2,3] -> [2,3]"), so the page tells what changed in the words Kafka's own logs and tools use.
 */
import type { ClusterSnapshot, GroupView, PartitionView, TimelineEvent, TopicView } from './types';

/**
 * UnderReplicatedPartitions counts a partition whose ISR is smaller than its replica set
 * (Partition.isUnderReplicated); OfflinePartitionsCount one whose leader is none (-1) or not a live broker
 * (PartitionStateMachine's offline state).
 */
export function partitionView(
  partition: number,
  s: { leader: number; leaderEpoch: number; isr: number[] },
  replicas: number[],
  live: Set<number>,
): PartitionView {
  return {
    partition,
    leader: s.leader,
    leaderEpoch: s.leaderEpoch,
    replicas,
    isr: s.isr,
    underReplicated: s.isr.length < replicas.length,
    offline: s.leader < 0 || !live.has(s.leader),
  };
}

/** A partition whose state znode the controller has not written yet (no leader epoch, empty ISR). */
const hasState = (p: PartitionView): boolean => p.leaderEpoch >= 0 || p.isr.length > 0;
const list = (ids: number[]): string => `[${ids.join(',')}]`;
const sameList = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function partitionChange(topic: string, a: PartitionView, b: PartitionView): string | null {
  const parts: string[] = [];
  if (a.leader !== b.leader) parts.push(`leader ${a.leader} -> ${b.leader}`);
  if (!sameList(a.isr, b.isr)) parts.push(`ISR ${list(a.isr)} -> ${list(b.isr)}`);
  if (!sameList(a.replicas, b.replicas)) parts.push(`replicas ${list(a.replicas)} -> ${list(b.replicas)}`);
  if (parts.length === 0) return null;
  const flags = b.offline ? ' (offline)' : b.underReplicated ? ' (under-replicated)' : '';
  return `${topic}-${b.partition} ${parts.join(', ')}, leader epoch ${b.leaderEpoch}${flags}`;
}

/** Per topic and change, more partition lines than this are told in one line (a broker's failure moves dozens). */
const MAX_PARTITION_LINES = 6;

function summary(topic: string, changes: Array<{ old: PartitionView; now: PartitionView }>): string {
  const count = (f: (c: { old: PartitionView; now: PartitionView }) => boolean): number => changes.filter(f).length;
  const parts = [
    [count((c) => c.old.leader !== c.now.leader), 'leader moved'],
    [count((c) => c.now.isr.length < c.old.isr.length), 'ISR shrank'],
    [count((c) => c.now.isr.length > c.old.isr.length), 'ISR expanded'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${what} on ${n}`);
  const under = count((c) => c.now.underReplicated);
  const offline = count((c) => c.now.offline);
  const flags = [under ? `${under} under-replicated` : '', offline ? `${offline} offline` : ''].filter(Boolean).join(', ');
  return `${topic}: ${changes.length} partitions changed (${parts.join(', ')})${flags ? `, ${flags}` : ''}`;
}

function groupLine(g: GroupView): string {
  const gen = g.generation !== undefined ? ` generation ${g.generation},` : '';
  return `group ${g.groupId}${gen} ${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}`;
}

/** Not connected without an error is the first connection attempt: neither up nor down yet. */
function zkStatus(s: ClusterSnapshot): 'up' | 'down' | 'connecting' {
  return s.zookeeper.connected ? 'up' : s.zookeeper.error ? 'down' : 'connecting';
}

const EMPTY: ClusterSnapshot = {
  zookeeper: { connectString: '', connected: true },
  brokers: [],
  controller: { brokerId: null, epoch: null },
  topics: [],
  groups: [],
  bootstrapServers: '',
  canControl: false,
};

/**
 * Timeline lines for what changed from `prev` to `next` (prev null: the first look, told as if from an empty
 * cluster, so the timeline starts with the brokers, the controller, the topics and groups already there).
 */
export function diffSnapshots(prev: ClusterSnapshot | null, next: ClusterSnapshot, now: number = Date.now()): TimelineEvent[] {
  const p = prev ?? EMPTY;
  const out: TimelineEvent[] = [];
  const add = (kind: TimelineEvent['kind'], text: string): void => void out.push({ ts: now, kind, text });

  const z0 = zkStatus(p);
  const z1 = zkStatus(next);
  if (z1 === 'down' && z0 !== 'down') add('zookeeper', `ZooKeeper unreachable (${next.zookeeper.error ?? next.zookeeper.connectString})`);
  if (z1 === 'up' && z0 === 'down') add('zookeeper', `ZooKeeper reachable again (${next.zookeeper.connectString})`);

  const before = new Map(p.brokers.map((b) => [b.id, b]));
  for (const b of next.brokers) {
    const a = before.get(b.id);
    if (b.up && !a?.up) add('broker', `broker ${b.id} registered at ${b.host}:${b.port} (/brokers/ids/${b.id})`);
    if (!b.up && a?.up) add('broker', `broker ${b.id} gone (/brokers/ids/${b.id} deleted)`);
  }
  for (const a of p.brokers) if (a.up && !next.brokers.some((b) => b.id === a.id)) add('broker', `broker ${a.id} gone (/brokers/ids/${a.id} deleted)`);

  const c0 = p.controller;
  const c1 = next.controller;
  if (c1.brokerId !== null && (c1.brokerId !== c0.brokerId || c1.epoch !== c0.epoch)) {
    add('controller', `broker ${c1.brokerId} elected controller (epoch ${c1.epoch ?? '?'})`);
  } else if (c1.brokerId === null && c0.brokerId !== null) {
    add('controller', `no controller: broker ${c0.brokerId} resigned or is gone (/controller deleted)`);
  }

  const topicsBefore = new Map<string, TopicView>(p.topics.map((t) => [t.name, t]));
  const topicsAfter = new Set(next.topics.map((t) => t.name));
  for (const t of next.topics) {
    const a = topicsBefore.get(t.name);
    if (!a) {
      add('topic', `topic ${t.name} created, ${t.partitions.length} partition${t.partitions.length === 1 ? '' : 's'}`);
      continue;
    }
    if (t.markedForDeletion && !a.markedForDeletion) add('topic', `topic ${t.name} marked for deletion (/admin/delete_topics/${t.name})`);
    const parts = new Map(a.partitions.map((x) => [x.partition, x]));
    const firstStates: PartitionView[] = [];
    const changes: Array<{ old: PartitionView; now: PartitionView; line: string }> = [];
    for (const q of t.partitions) {
      const old = parts.get(q.partition);
      if (!old) {
        add('partition', `${t.name}-${q.partition} created, leader ${q.leader}, ISR ${list(q.isr)}`);
        continue;
      }
      if (!hasState(old) && hasState(q)) {
        firstStates.push(q);
        continue;
      }
      const line = partitionChange(t.name, old, q);
      if (line) changes.push({ old, now: q, line });
    }
    if (changes.length <= MAX_PARTITION_LINES) for (const c of changes) add('partition', c.line);
    else add('partition', summary(t.name, changes));
    // A new topic's partitions get their first state together (the controller's NewPartition -> OnlinePartition): one line.
    if (firstStates.length > 0) {
      const leaders = firstStates.length <= 6 ? `: ${firstStates.map((q) => `${t.name}-${q.partition} leader ${q.leader} ISR ${list(q.isr)}`).join(', ')}` : '';
      add('partition', `${t.name}: ${firstStates.length} partition${firstStates.length === 1 ? '' : 's'} online${leaders}`);
    }
  }
  for (const a of p.topics) if (!topicsAfter.has(a.name)) add('topic', `topic ${a.name} deleted`);

  const groupsBefore = new Map(p.groups.map((g) => [g.groupId, g]));
  for (const g of next.groups) {
    const a = groupsBefore.get(g.groupId);
    if (!a || a.state !== g.state || a.members !== g.members || a.generation !== g.generation) add('group', groupLine(g));
  }
  // A group the coordinator forgot (deleted, or expired offsets): Kafka calls that state Dead.
  const groupsAfter = new Set(next.groups.map((g) => g.groupId));
  if (!next.groupsError) for (const a of p.groups) if (!groupsAfter.has(a.groupId)) add('group', `group ${a.groupId} Dead (no longer listed)`);
  return out;
}
