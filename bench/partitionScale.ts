/**
 * Partition-scale figures of issue 17 (`npm run bench`): a 3-broker cluster creates one topic of many
 * partitions with replication factor 3; how long until every partition has a leader, and each broker's RSS
 * after an idle period; and the failover bench at 10,000 partitions (election after a broker SIGKILL).
 *
 * Interface pinned for bench/aims.ts; the scale work fills it in.
 */

export interface PartitionScaleOptions {
  partitions: number;
  /** Seconds to wait idle before reading each broker's RSS. */
  idleSeconds: number;
  timeout: number;
}

export interface PartitionScaleResult {
  lines: string[];
  ok: boolean;
  /** ms from sending CreateTopics until every partition has a live leader in Metadata. */
  ledMs?: number;
  /** Each broker's RSS in MiB after the idle period, in broker id order. */
  rssMb?: number[];
}

export async function runPartitionScaleBench(opts: PartitionScaleOptions, log: (line: string) => void): Promise<PartitionScaleResult> {
  log(`partition scale bench (${opts.partitions} partitions): not built yet`);
  return { lines: ['Partition scale: not built yet'], ok: false };
}

export interface FailoverAimOptions {
  partitions: number;
  timeout: number;
}

export interface FailoverAimResult {
  lines: string[];
  ok: boolean;
  /** ms from the controller learning of the dead broker (its /brokers/ids znode gone) until every partition it led has a new leader. */
  electionMs?: number;
  /** The controller failover phases, as the failover bench names them, with their ms. */
  phases?: Array<{ name: string; ms?: number }>;
}

export async function runFailoverAim(opts: FailoverAimOptions, log: (line: string) => void): Promise<FailoverAimResult> {
  log(`failover aim (${opts.partitions} partitions): not built yet`);
  return { lines: ['Failover at scale: not built yet'], ok: false };
}
