/**
 * Fetches the leader parks (Kafka's KafkaRaftClient.fetchPurgatory, a ThresholdPurgatory): a Fetch with nothing
 * to return waits up to its maxWaitMs for new data. Appends complete those whose fetch offset the log end passed;
 * a high-watermark move completes all (followers learn it at once); a change of state answers them all with an
 * error so the followers retry elsewhere; an expired one gets the empty answer computed when it arrived.
 */
import { RaftInboundRequest } from './NetworkChannel';

/** A parked Fetch. */
export interface PendingFetch {
  readonly request: RaftInboundRequest;
  readonly fetchOffset: number;
  readonly deadlineMs: number;
  /** Answered as is if nothing arrives before the deadline (KafkaRaftClient.handleFetchRequest). */
  readonly emptyResponse: object;
}

export class FetchPurgatory {
  private readonly pending: PendingFetch[] = [];

  get size(): number {
    return this.pending.length;
  }

  park(p: PendingFetch): void {
    this.pending.push(p);
  }

  /** Answers (with `answer`) every parked fetch `pred` accepts. */
  completeWhere(pred: (f: PendingFetch) => boolean, answer: (f: PendingFetch) => object): void {
    for (let i = 0; i < this.pending.length;) {
      const f = this.pending[i];
      if (pred(f)) {
        this.pending.splice(i, 1);
        f.request.completion.complete(answer(f));
      } else i++;
    }
  }

  completeAll(answer: (f: PendingFetch) => object): void {
    for (const f of this.pending.splice(0)) f.request.completion.complete(answer(f));
  }

  /** Answers the expired ones; returns the time until the next deadline. */
  expire(now: number): number {
    let next = Infinity;
    for (let i = 0; i < this.pending.length;) {
      const f = this.pending[i];
      if (f.deadlineMs <= now) {
        this.pending.splice(i, 1);
        f.request.completion.complete(f.emptyResponse);
      } else {
        next = Math.min(next, f.deadlineMs - now);
        i++;
      }
    }
    return next;
  }
}
