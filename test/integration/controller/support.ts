/**
 * Shared helpers for the controller failover tests: ZooKeeper reads of the controller's znodes (as zkCli.sh
 * would show them) and kafkajs clients bound to the brokers that are currently alive.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/** /brokers/topics/<t>/partitions/<p>/state, parsed, plus the raw JSON and the znode's dataVersion. */
export interface PartitionStateZnode {
  controller_epoch: number;
  leader: number;
  version: number;
  leader_epoch: number;
  isr: number[];
  leader_recovery_state?: number;
  raw: string;
  dataVersion: number;
}

export async function partitionState(zk: ZkReader, topic: string, partition: number): Promise<PartitionStateZnode> {
  const { data, stat } = await zk.get(`/brokers/topics/${topic}/partitions/${partition}/state`);
  if (data === null) throw new Error(`empty state znode for ${topic}-${partition}`);
  return { ...(JSON.parse(data) as Omit<PartitionStateZnode, 'raw' | 'dataVersion'>), raw: data, dataVersion: stat.version };
}

export async function partitionStates(zk: ZkReader, topic: string, partitions: number): Promise<PartitionStateZnode[]> {
  return Promise.all(Array.from({ length: partitions }, (_, p) => partitionState(zk, topic, p)));
}

/** Replica assignment from /brokers/topics/<t>: partition -> replicas (first = preferred leader). */
export async function assignment(zk: ZkReader, topic: string): Promise<Map<number, number[]>> {
  const { data } = await zk.get(`/brokers/topics/${topic}`);
  const parsed = JSON.parse(data ?? '{}') as { partitions: Record<string, number[]> };
  return new Map(Object.entries(parsed.partitions).map(([p, r]) => [Number(p), r]));
}

/** The broker id in /controller, or null when no controller is registered. */
export async function controllerId(zk: ZkReader): Promise<number | null> {
  try {
    const { data } = await zk.get('/controller');
    return (JSON.parse(data ?? '{}') as { brokerid: number }).brokerid;
  } catch (e) {
    if ((e as { name?: string }).name === 'NO_NODE') return null;
    throw e;
  }
}

export async function controllerEpoch(zk: ZkReader): Promise<{ epoch: number; dataVersion: number }> {
  const { data, stat } = await zk.get('/controller_epoch');
  return { epoch: Number(data), dataVersion: stat.version };
}

/** The broker epoch Kafka uses: the czxid of /brokers/ids/<id>, or null when the broker is not registered. */
export async function brokerEpoch(zk: ZkReader, id: number): Promise<bigint | null> {
  try {
    const { stat } = await zk.get(`/brokers/ids/${id}`);
    return stat.czxid.readBigInt64BE(0);
  } catch (e) {
    if ((e as { name?: string }).name === 'NO_NODE') return null;
    throw e;
  }
}

/** A kafkajs client on the brokers whose processes are running (never a SIGSTOPped one: callers pick). */
export function kafkaFor(cluster: TestCluster, clientId: string, brokerIds?: number[], retries = 10): Kafka {
  const brokers = brokerIds ? brokerIds.map((id) => `127.0.0.1:${cluster.broker(id).port}`) : cluster.bootstrap;
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 200, maxRetryTime: 2000 } });
}

/** Creates a topic through kafkajs Admin (CreateTopics goes to the controller) and waits for its leaders. */
export async function createTopic(
  kafka: Kafka,
  topic: string,
  opts: { numPartitions?: number; replicationFactor?: number; replicaAssignment?: Array<{ partition: number; replicas: number[] }> },
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: opts.replicaAssignment
        ? [{ topic, replicaAssignment: opts.replicaAssignment }]
        : [{ topic, numPartitions: opts.numPartitions ?? 1, replicationFactor: opts.replicationFactor ?? 1 }],
      waitForLeaders: true,
      timeout: 10000,
    });
    if (!created) throw new Error(`topic ${topic} already existed`);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the listed broker ids are live in ZooKeeper and every one of them answers Metadata listing them all. */
export async function waitForConvergence(cluster: TestCluster, zk: ZkReader, ids: number[], timeoutMs = 30000): Promise<void> {
  await waitFor(
    `/brokers/ids = ${ids.join(',')}`,
    async () => {
      const children = (await zk.children('/brokers/ids')).map(Number).sort((a, b) => a - b);
      return children.join(',') === [...ids].sort((a, b) => a - b).join(',');
    },
    timeoutMs,
    100,
  );
  await cluster.waitForBrokers(ids, timeoutMs);
}

/** Restarts a broker killed earlier, first waiting (as Kafka must) for ZooKeeper to drop its old registration. */
export async function restartBroker(cluster: TestCluster, zk: ZkReader, id: number): Promise<void> {
  if (cluster.broker(id).proc) return;
  await waitFor(`old /brokers/ids/${id} to vanish`, async () => !(await zk.exists(`/brokers/ids/${id}`)), 20000, 100);
  await cluster.startBroker(id);
}

/** kafkajs errors carry the Kafka error type on themselves or, after retries, on originalError / cause. */
export function kafkaErrorTypes(e: unknown): string[] {
  const out: string[] = [];
  let cur = e as { type?: string; originalError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; cur && depth < 5; depth++) {
    if (cur.type) out.push(cur.type);
    cur = (cur.originalError ?? cur.cause) as typeof cur;
  }
  return out;
}

// ------------------------------------------------------------------ shared scenario steps

export const SESSION_TIMEOUT_MS = 6000;
export const ALL = [1, 2, 3];
/** Partitions of every RF=3 test topic: two led by each broker at creation. */
export const PARTITIONS = 6;

export interface FailoverEnv {
  cluster: TestCluster;
  zk: ZkReader;
}

export const others = (...ids: number[]): number[] => ALL.filter((b) => !ids.includes(b));

/** The non-controller broker that leads the most partitions of the topic (zk state znodes). */
export async function busiestNonController({ zk }: FailoverEnv, topic: string): Promise<number> {
  const ctl = await controllerId(zk);
  const states = await partitionStates(zk, topic, PARTITIONS);
  const led = (b: number) => states.filter((s) => s.leader === b).length;
  const victim = others(ctl ?? -1).sort((a, b) => led(b) - led(a))[0];
  expect(led(victim), `broker ${victim} leads partitions of ${topic}`).to.be.greaterThan(0);
  return victim;
}

/** Waits until no state znode of the topic names `dead` as leader or ISR member. */
export async function waitForStatesWithout({ zk }: FailoverEnv, topic: string, dead: number, timeoutMs = 15000): Promise<void> {
  await waitFor(
    `${topic} state znodes without broker ${dead}`,
    async () => {
      const states = await partitionStates(zk, topic, PARTITIONS);
      return states.every((s) => s.leader !== dead && !s.isr.includes(dead));
    },
    timeoutMs,
    100,
  );
}

/**
 * Kafka's outcome for every partition of an RF=3 topic after broker `dead` went away while it was in
 * every ISR (zk-mode.md §4.1, §4.4): the dead broker leaves the ISR, a partition it led gets the first
 * live ISR member of the assignment (offline election), each partition's leader epoch and zkVersion move
 * by exactly one (one conditional write), stamped with the current controller epoch. Every live broker's
 * metadata cache then agrees, listing the dead broker as an offline replica (Metadata v5).
 */
export async function expectFailedOver(env: FailoverEnv, topic: string, before: PartitionStateZnode[], dead: number, epoch: number): Promise<void> {
  const { cluster, zk } = env;
  const assign = await assignment(zk, topic);
  const after = await partitionStates(zk, topic, PARTITIONS);
  for (let p = 0; p < PARTITIONS; p++) {
    const b = before[p];
    const a = after[p];
    const expectedLeader = b.leader === dead ? assign.get(p)!.find((r) => r !== dead && b.isr.includes(r))! : b.leader;
    expect(a.leader, `${topic}-${p} leader (was ${b.leader}, isr ${b.isr})`).to.equal(expectedLeader);
    expect(a.isr, `${topic}-${p} isr`).to.deep.equal(b.isr.filter((r) => r !== dead));
    expect(a.leader_epoch, `${topic}-${p} leader_epoch`).to.equal(b.leader_epoch + 1);
    expect(a.controller_epoch, `${topic}-${p} controller_epoch`).to.equal(epoch);
    expect(a.dataVersion, `${topic}-${p} zkVersion`).to.equal(b.dataVersion + 1);
  }
  for (const id of others(dead)) {
    await waitFor(
      `broker ${id} metadata for ${topic} to match the state znodes`,
      async () => {
        const md = await cluster.metadata(id, [topic], 5);
        const parts = md.topics[0].partitions;
        return (
          parts.length === PARTITIONS &&
          parts.every(
            (mp) =>
              mp.errorCode === 0 &&
              mp.leaderId === after[mp.partitionIndex].leader &&
              mp.isrNodes.join(',') === after[mp.partitionIndex].isr.join(',') &&
              mp.replicaNodes.join(',') === assign.get(mp.partitionIndex)!.join(',') &&
              mp.offlineReplicas.join(',') === String(dead),
          )
        );
      },
      10000,
    );
  }
}

/** kafkajs (acks=-1, its default) sends one message to every partition; returns the values sent. */
export async function produceToAll({ cluster }: FailoverEnv, topic: string, brokerIds: number[], tag: string): Promise<string[]> {
  const producer = kafkaFor(cluster, `it-${tag}`, brokerIds).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const values = Array.from({ length: PARTITIONS }, (_, p) => `${tag}-${p}`);
    const res = await producer.send({ topic, messages: values.map((value, partition) => ({ value, partition })) });
    expect(res.map((r) => r.errorCode)).to.deep.equal(res.map(() => 0));
    expect(res.map((r) => r.partition).sort()).to.deep.equal(values.map((_, p) => p));
    return values;
  } finally {
    await producer.disconnect();
  }
}
