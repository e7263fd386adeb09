/**
 * org.apache.kafka.admin.AdminUtils: Kafka's replica assignment for new topics and partitions
 * (zk-mode.md §6.4), rack-unaware and rack-aware, with Kafka's validation messages; plus the broker order
 * Kafka feeds it on CreateTopics (the metadata cache's scala.collection.mutable.LongMap iteration order).
 */
import { ErrorCode, KafkaError } from '../protocol/errors';

interface BrokerMetadata {
  id: number;
  rack?: string | null;
}

/** org.apache.kafka.common.errors.InvalidPartitionsException */
export class InvalidPartitionsError extends KafkaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_PARTITIONS, message);
  }
}

/** org.apache.kafka.common.errors.InvalidReplicationFactorException */
export class InvalidReplicationFactorError extends KafkaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_REPLICATION_FACTOR, message);
  }
}

/** AdminOperationException from the assignment (incomplete rack information); reported as a bad assignment. */
export class InvalidReplicaAssignmentError extends KafkaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  }
}

/**
 * AdminUtils.assignReplicasToBrokers. Broker order matters (Kafka passes the metadata cache's order).
 * `fixedStartIndex` >= 0 fixes both the start index and the replica shift (CreatePartitions, tests);
 * otherwise each is `random()`-drawn in [0, #brokers) like Java's Random.nextInt.
 * @returns partition id → replica list (first = preferred leader), in partition order.
 */
export function assignReplicasToBrokers(
  brokers: ReadonlyArray<BrokerMetadata>,
  nPartitions: number,
  replicationFactor: number,
  fixedStartIndex = -1,
  startPartitionId = -1,
  random: () => number = Math.random,
): Map<number, number[]> {
  if (nPartitions <= 0) throw new InvalidPartitionsError('Number of partitions must be larger than 0.');
  if (replicationFactor <= 0) throw new InvalidReplicationFactorError('Replication factor must be larger than 0.');
  if (replicationFactor > brokers.length) {
    throw new InvalidReplicationFactorError(`Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`);
  }
  const hasRack = (b: BrokerMetadata) => b.rack !== undefined && b.rack !== null;
  const nextInt = (n: number) => Math.floor(random() * n);
  if (!brokers.some(hasRack)) {
    return assignRackUnaware(
      nPartitions,
      replicationFactor,
      brokers.map((b) => b.id),
      fixedStartIndex,
      startPartitionId,
      nextInt,
    );
  }
  if (!brokers.every(hasRack)) {
    throw new InvalidReplicaAssignmentError('Not all brokers have rack information for replica rack aware assignment.');
  }
  return assignRackAware(nPartitions, replicationFactor, brokers, fixedStartIndex, startPartitionId, nextInt);
}

function assignRackUnaware(
  nPartitions: number,
  replicationFactor: number,
  brokerArray: number[],
  fixedStartIndex: number,
  startPartitionId: number,
  nextInt: (n: number) => number,
): Map<number, number[]> {
  const ret = new Map<number, number[]>();
  const n = brokerArray.length;
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : nextInt(n);
  let currentPartitionId = Math.max(0, startPartitionId);
  let nextReplicaShift = fixedStartIndex >= 0 ? fixedStartIndex : nextInt(n);
  for (let i = 0; i < nPartitions; i++) {
    if (currentPartitionId > 0 && currentPartitionId % n === 0) nextReplicaShift += 1;
    const firstReplicaIndex = (currentPartitionId + startIndex) % n;
    const replicas = [brokerArray[firstReplicaIndex]];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokerArray[replicaIndex(firstReplicaIndex, nextReplicaShift, j, n)]);
    }
    ret.set(currentPartitionId, replicas);
    currentPartitionId += 1;
  }
  return ret;
}

function assignRackAware(
  nPartitions: number,
  replicationFactor: number,
  brokers: ReadonlyArray<BrokerMetadata>,
  fixedStartIndex: number,
  startPartitionId: number,
  nextInt: (n: number) => number,
): Map<number, number[]> {
  const brokerRackMap = new Map<number, string>(brokers.map((b) => [b.id, b.rack as string]));
  const numRacks = new Set(brokerRackMap.values()).size;
  const arranged = getRackAlternatedBrokerList(brokerRackMap);
  const numBrokers = arranged.length;
  const ret = new Map<number, number[]>();
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : nextInt(numBrokers);
  let currentPartitionId = Math.max(0, startPartitionId);
  let nextReplicaShift = fixedStartIndex >= 0 ? fixedStartIndex : nextInt(numBrokers);
  for (let i = 0; i < nPartitions; i++) {
    if (currentPartitionId > 0 && currentPartitionId % numBrokers === 0) nextReplicaShift += 1;
    const firstReplicaIndex = (currentPartitionId + startIndex) % numBrokers;
    const leader = arranged[firstReplicaIndex];
    const replicas = [leader];
    const racksWithReplicas = new Set([brokerRackMap.get(leader)]);
    const brokersWithReplicas = new Set([leader]);
    let k = 0;
    for (let j = 0; j < replicationFactor - 1; j++) {
      let done = false;
      while (!done) {
        const broker = arranged[replicaIndex(firstReplicaIndex, nextReplicaShift * numRacks, k, numBrokers)];
        const rack = brokerRackMap.get(broker);
        // Skip a broker whose rack already holds a replica while some rack has none, or a broker that already
        // holds one while some broker has none.
        if (
          (!racksWithReplicas.has(rack) || racksWithReplicas.size === numRacks) &&
          (!brokersWithReplicas.has(broker) || brokersWithReplicas.size === numBrokers)
        ) {
          replicas.push(broker);
          racksWithReplicas.add(rack);
          brokersWithReplicas.add(broker);
          done = true;
        }
        k += 1;
      }
    }
    ret.set(currentPartitionId, replicas);
    currentPartitionId += 1;
  }
  return ret;
}

/**
 * AdminUtils.getRackAlternatedBrokerList: racks sorted by name, brokers of each rack sorted by id, then taken
 * one per rack in turn (rack1: 0,1,2; rack2: 3,4,5; rack3: 6,7,8 → 0,3,6,1,4,7,2,5,8).
 */
export function getRackAlternatedBrokerList(brokerRackMap: ReadonlyMap<number, string>): number[] {
  const byRack = new Map<string, number[]>();
  for (const [id, rack] of brokerRackMap) {
    const list = byRack.get(rack) ?? [];
    list.push(id);
    byRack.set(rack, list);
  }
  const racks = [...byRack.keys()].sort();
  const iterators = racks.map((r) => (byRack.get(r) as number[]).sort((a, b) => a - b)[Symbol.iterator]());
  const result: number[] = [];
  let rackIndex = 0;
  while (result.length < brokerRackMap.size) {
    const next = iterators[rackIndex].next();
    if (!next.done) result.push(next.value);
    rackIndex = (rackIndex + 1) % racks.length;
  }
  return result;
}

/** AdminUtils.replicaIndex: the follower's index, shifted so followers of one leader spread over the others. */
function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, replicaIdx: number, nBrokers: number): number {
  const shift = 1 + ((secondReplicaShift + replicaIdx) % (nBrokers - 1));
  return (firstReplicaIndex + shift) % nBrokers;
}

/**
 * The iteration order of Kafka's metadata-cache alive brokers, a scala.collection.mutable.LongMap filled with
 * `ids` in that order (the UpdateMetadata live-broker order) and created with `initialBufferSize` (Kafka passes
 * the previous snapshot's broker count). Emulates LongMap: key 0 is held outside the table and iterated first;
 * other keys go to slot `toIndex(k)` (MurmurHash3 finalizer bits), colliding keys probe
 * `e = (e + 2*(x+1)*x - 3) & mask`; the table grows (repack) when size + vacant > mask/2.
 * Examples (zk-mode.md §6.4): {0,1,2} → 0,2,1; {1,2,3} → 2,3,1; {0..4} → 0,1,4,2,3.
 */
export function metadataCacheBrokerOrder(ids: readonly number[], initialBufferSize = ids.length): number[] {
  const table = new LongMapKeys(initialBufferSize);
  for (const id of ids) table.add(id);
  return table.keys();
}

/** The key set of a mutable.LongMap (values are irrelevant to the order); no removals. */
class LongMapKeys {
  private mask: number;
  private slots: Array<number | null>;
  private size = 0;
  private hasZero = false;

  constructor(n: number) {
    // LongMap.defaultInitialize: next power of two ≥ n (Java's int shift wraps 1 << 32 to 1), at least 8 slots.
    this.mask = n < 0 ? 0x7 : (((1 << (32 - Math.clz32(n - 1))) - 1) & 0x3fffffff) | 0x7;
    this.slots = new Array<number | null>(this.mask + 1).fill(null);
  }

  add(k: number): void {
    if (k === 0) {
      this.hasZero = true;
      return;
    }
    if (this.slots.includes(k)) return;
    this.slots[this.seekEmpty(k)] = k;
    this.size += 1;
    if (this.size > 0.5 * this.mask) this.repack();
  }

  keys(): number[] {
    const out = this.hasZero ? [0] : [];
    for (const k of this.slots) if (k !== null) out.push(k);
    return out;
  }

  private toIndex(k: number): number {
    // ((k ^ (k >>> 32)) & 0xFFFFFFFF).toInt for ids that fit in an int, then the MurmurHash3 finalizer steps.
    const h = k | 0;
    const x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (x ^ (x >>> 13)) & this.mask;
  }

  private seekEmpty(k: number): number {
    let e = this.toIndex(k);
    let x = 0;
    while (this.slots[e] !== null) {
      x += 1;
      e = (e + 2 * (x + 1) * x - 3) & this.mask;
    }
    return e;
  }

  /** LongMap.repack(): double when half full (no vacancies here), then re-insert in slot order. */
  private repack(): void {
    let m = this.mask;
    if (this.size >= 0.5 * this.mask) m = ((m << 1) + 1) & 0x3fffffff;
    while (m > 8 && 8 * this.size < m) m >>>= 1;
    const old = this.slots;
    this.mask = m;
    this.slots = new Array<number | null>(m + 1).fill(null);
    for (const k of old) if (k !== null) this.slots[this.seekEmpty(k)] = k;
  }
}
