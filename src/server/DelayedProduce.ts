import { ErrorCode } from '../protocol/errors';
import { DelayedOperation } from './DelayedOperation';
import type { Partition } from '../cluster/Partition';

export interface ProducePartitionResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  /** LogValidator's per-record errors (RecordValidationError); Produce v8+ answers them with the message. */
  recordErrors?: Array<{ batchIndex: number; message: string | null }>;
}

/** What a parked produce asks of the replica manager: the partition now, and the topic's min.insync.replicas. */
interface ProducePartitions {
  getPartition(topic: string, partition: number): Partition | undefined;
  minInSyncReplicas(topic: string): number;
}

export interface ProduceWait {
  topic: string;
  partition: number;
  /** The high watermark that acknowledges the append: last offset + 1. */
  requiredOffset: number;
  result: ProducePartitionResult;
  done: boolean;
}

/**
 * acks=all (kafka.server.DelayedProduce): the answer waits until the high watermark passes every appended
 * batch, i.e. every ISR member has it; then NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below
 * min.insync.replicas meanwhile, NOT_LEADER_OR_FOLLOWER if leadership moved, REQUEST_TIMED_OUT at timeout_ms.
 */
export class DelayedProduce extends DelayedOperation {
  constructor(
    timeoutMs: number,
    private readonly waits: ProduceWait[],
    private readonly rm: ProducePartitions,
    private readonly respond: () => void,
  ) {
    super(timeoutMs);
  }

  tryComplete(): boolean {
    for (const w of this.waits) {
      if (w.done) continue;
      const p = this.rm.getPartition(w.topic, w.partition);
      if (!p || !p.isLeader()) {
        w.result.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        w.done = true;
      } else if (p.highWatermark >= w.requiredOffset) {
        if (p.isr.length < this.rm.minInSyncReplicas(w.topic)) w.result.errorCode = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
        w.done = true;
      }
    }
    return this.waits.every((w) => w.done) ? this.forceComplete() : false;
  }

  protected onComplete(): void {
    for (const w of this.waits) {
      if (!w.done) {
        w.result.errorCode = ErrorCode.REQUEST_TIMED_OUT;
        w.done = true;
      }
    }
    this.respond();
  }
}
