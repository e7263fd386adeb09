import { MockTime } from '../MockTime';
import { TransactionCoordinator } from '../../../../src/coordinator/transaction/TransactionCoordinator';
import {
  BrokerNode,
  TransactionMarkerChannelManager,
  TxnMarkerEntry,
  TxnMarkerPartitionResult,
  TxnMarkerTransport,
} from '../../../../src/coordinator/transaction/TransactionMarkerChannelManager';
import { TransactionStateManager, TransactionTopicAccess } from '../../../../src/coordinator/transaction/TransactionStateManager';
import { readInt64, writeInt64 } from '../../../../src/protocol/records/RecordBatch';
import { iterateRecords } from '../../../../src/protocol/records/RecordBatch';
import { readTxnRecordKey, readTxnRecordValue, TxnLogValue } from '../../../../src/coordinator/transaction/TransactionLog';

/** __transaction_state as in-memory batches per partition (offsets patched like a leader append). */
export class FakeTxnTopic implements TransactionTopicAccess {
  readonly logs = new Map<number, Buffer[]>();
  appendError = 0;
  appends = 0;
  constructor(public partitions = 5) {}
  partitionCount(): number {
    return this.partitions;
  }
  private end(log: Buffer[]): number {
    return log.length === 0 ? 0 : readInt64(log[log.length - 1], 0) + log[log.length - 1].readInt32BE(23) + 1;
  }
  async append(partition: number, batch: Buffer): Promise<number> {
    this.appends++;
    if (this.appendError) return this.appendError;
    const log = this.logs.get(partition) ?? [];
    const copy = Buffer.from(batch);
    writeInt64(copy, 0, this.end(log));
    log.push(copy);
    this.logs.set(partition, log);
    return 0;
  }
  read(partition: number, offset: number): { batches: Buffer[]; logEndOffset: number; logStartOffset: number } {
    const log = this.logs.get(partition) ?? [];
    const from = offset < 0 ? 0 : offset;
    return { batches: log.filter((b) => readInt64(b, 0) >= from), logEndOffset: this.end(log), logStartOffset: 0 };
  }
  /** Every record of a partition, decoded: [transactionalId, value or null]. */
  records(partition: number): Array<[string, TxnLogValue | null]> {
    const out: Array<[string, TxnLogValue | null]> = [];
    for (const b of this.logs.get(partition) ?? []) {
      for (const r of iterateRecords(b)) out.push([readTxnRecordKey(r.key!).transactionalId, readTxnRecordValue(r.value)]);
    }
    return out;
  }
}

/** Marker sends recorded; each partition answered with `errorFor(tp)` (NONE by default) unless `hold` is set. */
export class FakeMarkerTransport implements TxnMarkerTransport {
  readonly sent: Array<{ node: BrokerNode; markers: TxnMarkerEntry[] }> = [];
  leaders = new Map<string, BrokerNode | null>();
  errorFor: (topic: string, partition: number) => number = () => 0;
  disconnect = false;
  leaderFor(topic: string, partition: number): BrokerNode | null {
    const k = `${topic}-${partition}`;
    return this.leaders.has(k) ? this.leaders.get(k)! : { id: 1, host: 'localhost', port: 9092 };
  }
  async send(node: BrokerNode, markers: TxnMarkerEntry[]): Promise<Map<number, TxnMarkerPartitionResult[]>> {
    this.sent.push({ node, markers });
    if (this.disconnect) throw new Error('disconnected');
    const out = new Map<number, TxnMarkerPartitionResult[]>();
    for (const m of markers) {
      const l = out.get(m.producerId) ?? [];
      for (const tp of m.partitions) l.push({ topic: tp.topic, partition: tp.partition, errorCode: this.errorFor(tp.topic, tp.partition) });
      out.set(m.producerId, l);
    }
    return out;
  }
}

export class FakeProducerIds {
  next = 1000;
  async generateProducerId(): Promise<number> {
    return this.next++;
  }
}

export interface Harness {
  time: MockTime;
  topic: FakeTxnTopic;
  transport: FakeMarkerTransport;
  coordinator: TransactionCoordinator;
  manager: TransactionStateManager;
  markers: TransactionMarkerChannelManager;
}

export function makeTxnCoordinator(opts: { topic?: FakeTxnTopic; time?: MockTime; transport?: FakeMarkerTransport; expirationMs?: number } = {}): Harness {
  const time = opts.time ?? new MockTime();
  const topic = opts.topic ?? new FakeTxnTopic();
  const transport = opts.transport ?? new FakeMarkerTransport();
  const manager = new TransactionStateManager(
    {
      brokerId: 1,
      transactionalIdExpirationMs: opts.expirationMs ?? 7 * 24 * 3600 * 1000,
      transactionMaxTimeoutMs: 900000,
      transactionLogLoadBufferSize: 1 << 20,
      abortTimedOutTransactionsIntervalMs: 10000,
      removeExpiredTransactionalIdsIntervalMs: 3600000,
      requestTimeoutMs: 30000,
    },
    topic,
    time,
  );
  const markers = new TransactionMarkerChannelManager(1, manager, transport, time, 100);
  const coordinator = new TransactionCoordinator(1, 10000, new FakeProducerIds(), manager, markers, time);
  coordinator.startup();
  return { time, topic, transport, coordinator, manager, markers };
}

/** Lets promise chains and setImmediate callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Loads every partition of the fake topic as leader at this coordinator epoch. */
export async function electAll(h: Harness, epoch = 0): Promise<void> {
  for (let p = 0; p < h.topic.partitions; p++) await h.coordinator.onElection(p, epoch);
}
