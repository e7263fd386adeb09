/**
 * Kafka 3.7's org.apache.kafka.metadata.placement.StripedReplicaPlacer: replicas go round-robin over racks (a
 * random starting rack, advancing one per partition: the "striped" pattern) and round-robin within each rack
 * (a random starting broker), unfenced brokers first; the first replica (the leader) is always unfenced. After as
 * many partitions as there are unfenced brokers, racks and brokers are shuffled to avoid repeating assignments.
 * Brokers in controlled shutdown are not usable (ClusterControlManager.usableBrokers).
 */
import { ErrorCode } from '../../protocol/errors';
import { apiException } from './ControllerResult';

export interface UsableBroker {
  id: number;
  rack: string | null;
  fenced: boolean;
}

/** java.util.Random's nextInt(bound) as the placer uses it; injectable for deterministic tests. */
export interface PlacerRandom {
  nextInt(bound: number): number;
}

export const MATH_RANDOM: PlacerRandom = { nextInt: (bound) => Math.floor(Math.random() * bound) };

function shuffle<T>(list: T[], random: PlacerRandom): void {
  // Collections.shuffle: Fisher-Yates from the end.
  for (let i = list.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
}

class BrokerList {
  readonly brokers: number[] = [];
  private index = 0;
  private offset = 0;
  private epoch = 0;

  initialize(random: PlacerRandom): void {
    if (this.brokers.length > 0) {
      this.brokers.sort((a, b) => a - b);
      this.offset = random.nextInt(this.brokers.length);
    }
  }

  shuffle(random: PlacerRandom): void {
    shuffle(this.brokers, random);
  }

  /** The next broker of this iteration epoch, or -1 when the list is exhausted for it. */
  next(epoch: number): number {
    if (this.brokers.length === 0) return -1;
    if (this.epoch !== epoch) {
      this.epoch = epoch;
      this.index = 0;
      this.offset = (this.offset + 1) % this.brokers.length;
    }
    if (this.index >= this.brokers.length) return -1;
    const broker = this.brokers[(this.index + this.offset) % this.brokers.length];
    this.index++;
    return broker;
  }
}

class Rack {
  readonly fenced = new BrokerList();
  readonly unfenced = new BrokerList();

  next(epoch: number): number {
    const r = this.unfenced.next(epoch);
    return r >= 0 ? r : this.fenced.next(epoch);
  }
}

function invalidReplicationFactor(message: string): Error {
  return apiException(ErrorCode.INVALID_REPLICATION_FACTOR, message);
}

function checkPlacement(replicationFactor: number, numTotal: number, numUnfenced: number): void {
  if (replicationFactor <= 0) throw invalidReplicationFactor(`Invalid replication factor ${replicationFactor}: the replication factor must be positive.`);
  if (numUnfenced === 0) throw invalidReplicationFactor('All brokers are currently fenced.');
  if (replicationFactor > numTotal) {
    throw invalidReplicationFactor(
      `The target replication factor of ${replicationFactor} cannot be reached because only ${numTotal} broker(s) are registered.`,
    );
  }
}

class RackList {
  private readonly racks = new Map<string, Rack>();
  private readonly rackNames: string[] = [];
  readonly numTotalBrokers: number;
  readonly numUnfencedBrokers: number;
  private epoch = 0;
  private offset: number;

  constructor(
    private readonly random: PlacerRandom,
    brokers: Iterable<UsableBroker>,
  ) {
    let total = 0;
    let unfenced = 0;
    for (const b of brokers) {
      const key = b.rack ?? '';
      let rack = this.racks.get(key);
      if (!rack) {
        rack = new Rack();
        this.racks.set(key, rack);
        this.rackNames.push(key);
      }
      if (b.fenced) rack.fenced.brokers.push(b.id);
      else {
        unfenced++;
        rack.unfenced.brokers.push(b.id);
      }
      total++;
    }
    for (const rack of this.racks.values()) {
      rack.fenced.initialize(random);
      rack.unfenced.initialize(random);
    }
    // OptionalStringComparator: the empty rack (no rack) first, then by name.
    this.rackNames.sort();
    this.numTotalBrokers = total;
    this.numUnfencedBrokers = unfenced;
    this.offset = this.rackNames.length === 0 ? 0 : random.nextInt(this.rackNames.length);
  }

  place(replicationFactor: number): number[] {
    checkPlacement(replicationFactor, this.numTotalBrokers, this.numUnfencedBrokers);
    if (this.epoch === this.numUnfencedBrokers && this.numUnfencedBrokers > 1) {
      shuffle(this.rackNames, this.random);
      for (const rack of this.racks.values()) {
        rack.fenced.shuffle(this.random);
        rack.unfenced.shuffle(this.random);
      }
      this.epoch = 0;
    }
    if (this.offset === this.rackNames.length) this.offset = 0;
    const brokers: number[] = [];
    let firstRackIndex = this.offset;
    for (;;) {
      const result = this.racks.get(this.rackNames[firstRackIndex])!.unfenced.next(this.epoch);
      if (result >= 0) {
        brokers.push(result);
        break;
      }
      firstRackIndex++;
      if (firstRackIndex === this.rackNames.length) firstRackIndex = 0;
    }
    let rackIndex = this.offset;
    for (let replica = 1; replica < replicationFactor; replica++) {
      let result = -1;
      do {
        if (rackIndex === firstRackIndex) firstRackIndex = -1;
        else result = this.racks.get(this.rackNames[rackIndex])!.next(this.epoch);
        rackIndex++;
        if (rackIndex === this.rackNames.length) rackIndex = 0;
      } while (result < 0);
      brokers.push(result);
    }
    this.epoch++;
    this.offset++;
    return brokers;
  }
}

export class StripedReplicaPlacer {
  constructor(private readonly random: PlacerRandom = MATH_RANDOM) {}

  /** The replicas of `numPartitions` new partitions; INVALID_REPLICATION_FACTOR (Kafka's messages) when impossible. */
  place(numPartitions: number, replicationFactor: number, brokers: Iterable<UsableBroker>): number[][] {
    const rackList = new RackList(this.random, brokers);
    checkPlacement(replicationFactor, rackList.numTotalBrokers, rackList.numUnfencedBrokers);
    const out: number[][] = [];
    for (let p = 0; p < numPartitions; p++) out.push(rackList.place(replicationFactor));
    return out;
  }
}
