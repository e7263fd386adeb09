import { MockTime } from './MockTime';
import { GroupCoordinator } from '../../../src/coordinator/group/GroupCoordinator';
import { AppendResult, GroupMetadataManager, OffsetsTopicAccess } from '../../../src/coordinator/group/GroupMetadataManager';
import { readInt64, writeInt64 } from '../../../src/protocol/records/RecordBatch';

/** __consumer_offsets as an in-memory list of batches per partition (offsets patched like a leader append). */
export class FakeOffsetsTopic implements OffsetsTopicAccess {
  readonly logs = new Map<number, Buffer[]>();
  appendError = 0;
  constructor(readonly partitions = 5) {}
  partitionCount(): number {
    return this.partitions;
  }
  async append(partition: number, batch: Buffer): Promise<AppendResult> {
    if (this.appendError) return { errorCode: this.appendError, baseOffset: -1 };
    const log = this.logs.get(partition) ?? [];
    const next = log.length === 0 ? 0 : readInt64(log[log.length - 1], 0) + log[log.length - 1].readInt32BE(23) + 1;
    const copy = Buffer.from(batch);
    writeInt64(copy, 0, next);
    log.push(copy);
    this.logs.set(partition, log);
    return { errorCode: 0, baseOffset: next };
  }
  read(partition: number, offset: number): { batches: Buffer[]; logEndOffset: number; logStartOffset: number } {
    const log = this.logs.get(partition) ?? [];
    const end = log.length === 0 ? 0 : readInt64(log[log.length - 1], 0) + log[log.length - 1].readInt32BE(23) + 1;
    const from = offset < 0 ? 0 : offset;
    return { batches: log.filter((b) => readInt64(b, 0) >= from), logEndOffset: end, logStartOffset: 0 };
  }
}

export function makeCoordinator(topic: FakeOffsetsTopic, time: MockTime, opts: { initialDelay?: number; retentionMs?: number } = {}): GroupCoordinator {
  const manager = new GroupMetadataManager(
    {
      brokerId: 1,
      offsetCommitTimeoutMs: 5000,
      offsetsLoadBufferSize: 1 << 20,
      offsetsRetentionMs: opts.retentionMs ?? 7 * 24 * 3600 * 1000,
      offsetsRetentionCheckIntervalMs: 600000,
    },
    topic,
    time,
  );
  const c = new GroupCoordinator(
    1,
    { groupMinSessionTimeoutMs: 6000, groupMaxSessionTimeoutMs: 1800000, groupInitialRebalanceDelayMs: opts.initialDelay ?? 0, groupMaxSize: 100 },
    manager,
    time,
  );
  c.startup();
  return c;
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Lets promise callbacks run, then fires due timers, repeatedly. */
export async function settle(time: MockTime, ms = 0): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
  time.advance(ms);
  for (let i = 0; i < 5; i++) await tick();
}
