/**
 * The log-directory half of kafka-reassign-partitions (ReassignPartitionsCommand's executeMoves,
 * alterReplicaLogDirs and findLogDirMoveStates): a reassignment file's `log_dirs` ask each broker, through
 * AlterReplicaLogDirs, to keep a replica in a given directory; DescribeLogDirs tells where each replica and
 * its future copy are. A replica is named as Kafka's TopicPartitionReplica prints it: `topic-partition-broker`.
 */
import { AlterReplicaLogDirsApi, DescribeLogDirsApi } from '../protocol/apis';
import { ErrorCode, errorInfo } from '../protocol/errors';
import { describeCluster, sendTo } from './AdminRequests';
import { CommandError } from './CommandUtils';

export interface ReplicaDir {
  topic: string;
  partition: number;
  broker: number;
  dir: string;
}

type MoveState =
  | { kind: 'missingReplica' }
  | { kind: 'missingLogDir' }
  | { kind: 'active'; current: string; future: string }
  | { kind: 'cancelled'; current: string }
  | { kind: 'completed' };

export const replicaName = (r: { topic: string; partition: number; broker: number }): string => `${r.topic}-${r.partition}-${r.broker}`;

/** compareTopicPartitionReplicas: by broker, then topic, then partition. */
function byReplica(a: ReplicaDir, b: ReplicaDir): number {
  if (a.broker !== b.broker) return a.broker - b.broker;
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/**
 * Admin.alterReplicaLogDirs, one request per broker: the replicas whose move started. REPLICA_NOT_AVAILABLE (the
 * replica is not on that broker yet) is left for the next round; any other error fails the command.
 */
async function alterReplicaLogDirs(bootstrap: string[], moves: ReplicaDir[]): Promise<ReplicaDir[]> {
  const brokers = new Map((await describeCluster(bootstrap)).brokers.map((b) => [b.id, b]));
  const started: ReplicaDir[] = [];
  for (const brokerId of [...new Set(moves.map((m) => m.broker))]) {
    const mine = moves.filter((m) => m.broker === brokerId);
    const node = brokers.get(brokerId);
    if (!node) continue; // not alive: AdminClient fails the futures with a retriable error, retried by the caller
    const dirs = new Map<string, Map<string, number[]>>();
    for (const m of mine) {
      const topics = dirs.get(m.dir) ?? new Map<string, number[]>();
      topics.set(m.topic, [...(topics.get(m.topic) ?? []), m.partition]);
      dirs.set(m.dir, topics);
    }
    const res = await sendTo(node, AlterReplicaLogDirsApi, 2, {
      dirs: [...dirs].map(([path, topics]) => ({ path, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) })),
    });
    for (const t of res.results) {
      for (const p of t.partitions) {
        const m = mine.find((x) => x.topic === t.topicName && x.partition === p.partitionIndex)!;
        if (!m || p.errorCode === ErrorCode.REPLICA_NOT_AVAILABLE) continue;
        if (p.errorCode !== ErrorCode.NONE) throw new CommandError(`Failed to alter dir for ${replicaName(m)}: ${errorInfo(p.errorCode).message}`);
        started.push(m);
      }
    }
  }
  return started;
}

/** ReassignPartitionsCommand.executeMoves: retries every 100 ms until each move started or timeoutMs passed. */
export async function executeMoves(bootstrap: string[], moves: ReplicaDir[], timeoutMs: number): Promise<void> {
  const start = Date.now();
  let pending = [...moves];
  for (;;) {
    const started = await alterReplicaLogDirs(bootstrap, pending);
    if (started.length > 0) {
      const names = [...started].sort(byReplica).map(replicaName);
      console.log(`Successfully started log directory move${names.length === 1 ? '' : 's'} for: ${names.join(',')}`);
    }
    pending = pending.filter((m) => !started.includes(m));
    if (pending.length === 0) return;
    if (Date.now() >= start + timeoutMs) {
      const names = [...pending].sort(byReplica).map(replicaName);
      throw new CommandError(`Timed out before log directory move${names.length === 1 ? '' : 's'} could be started for: ${names.join(',')}`);
    }
    // A replica reassigned to a new broker exists there only once the controller has created it.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Admin.describeReplicaLogDirs + findLogDirMoveStates: where each replica is and where its future copy goes. */
async function findLogDirMoveStates(bootstrap: string[], moves: ReplicaDir[]): Promise<Map<ReplicaDir, MoveState>> {
  const brokers = new Map((await describeCluster(bootstrap)).brokers.map((b) => [b.id, b]));
  const states = new Map<ReplicaDir, MoveState>();
  for (const brokerId of [...new Set(moves.map((m) => m.broker))]) {
    const mine = moves.filter((m) => m.broker === brokerId);
    const node = brokers.get(brokerId);
    // Admin.describeReplicaLogDirs answers every replica of a broker that answered, with null dirs where it has none.
    const info = new Map<ReplicaDir, { current: string | null; future: string | null }>();
    if (node) {
      const topics = new Map<string, number[]>();
      for (const m of mine) topics.set(m.topic, [...(topics.get(m.topic) ?? []), m.partition]);
      const res = await sendTo(node, DescribeLogDirsApi, 4, { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
      for (const m of mine) info.set(m, { current: null, future: null });
      for (const dir of res.results) {
        // An offline dir answers KAFKA_STORAGE_ERROR: the replica is then "not found in any live log dir".
        if (dir.errorCode !== ErrorCode.NONE) continue;
        for (const t of dir.topics) {
          for (const p of t.partitions) {
            const m = mine.find((x) => x.topic === t.name && x.partition === p.partitionIndex);
            if (!m) continue;
            const i = info.get(m)!;
            if (p.isFutureKey) i.future = dir.logDir;
            else i.current = dir.logDir;
          }
        }
      }
    }
    for (const m of mine) {
      const i = info.get(m);
      if (!i) states.set(m, { kind: 'missingReplica' });
      else if (i.current === null) states.set(m, { kind: 'missingLogDir' });
      else if (i.future === null) states.set(m, i.current === m.dir ? { kind: 'completed' } : { kind: 'cancelled', current: i.current });
      else states.set(m, { kind: 'active', current: i.current, future: i.future });
    }
  }
  return states;
}

/** replicaMoveStatesToString, one line per replica in Kafka's order; and whether any move is still going on. */
export async function verifyReplicaMoves(bootstrap: string[], moves: ReplicaDir[]): Promise<{ text: string; ongoing: boolean }> {
  const states = await findLogDirMoveStates(bootstrap, moves);
  const lines = [...states.keys()].sort(byReplica).map((r) => {
    const s = states.get(r)!;
    const tp = `${r.topic}-${r.partition}`;
    switch (s.kind) {
      case 'missingLogDir':
        return `Partition ${tp} is not found in any live log dir on broker ${r.broker}. There is likely an offline log directory on the broker.`;
      case 'missingReplica':
        return `Partition ${tp} cannot be found in any live log directory on broker ${r.broker}.`;
      case 'active':
        return s.future === r.dir
          ? `Reassignment of replica ${replicaName(r)} is still in progress.`
          : `Partition ${tp} on broker ${r.broker} is being moved to log dir ${s.future} instead of ${r.dir}.`;
      case 'cancelled':
        return `Partition ${tp} on broker ${r.broker} is not being moved from log dir ${s.current} to ${r.dir}.`;
      case 'completed':
        return `Reassignment of replica ${replicaName(r)} completed successfully.`;
    }
  });
  // LogDirMoveState.done: everything but an active move.
  return { text: lines.join('\n'), ongoing: [...states.values()].some((s) => s.kind === 'active') };
}

/** cancelAssignment's second half: the active moves of these replicas go back to the directory they are in. */
export async function cancelMoves(bootstrap: string[], moves: ReplicaDir[], timeoutMs: number): Promise<void> {
  const states = await findLogDirMoveStates(bootstrap, moves);
  const back: ReplicaDir[] = [];
  for (const [r, s] of states) if (s.kind === 'active') back.push({ ...r, dir: s.current });
  if (back.length === 0) process.stdout.write('None of the specified partition moves are active.');
  else await executeMoves(bootstrap, back, timeoutMs);
}
