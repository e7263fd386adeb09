import { DelayedOperation } from './DelayedOperation';
import type { FetchParams, FetchPartitionRequest, FetchPartitionResult } from './LocalLogReader';

/** What a parked fetch asks of the replica manager: whether data is there yet, and the read itself. */
interface FetchSource {
  hasFetchableData(params: FetchParams, req: FetchPartitionRequest): boolean | 'error';
  readFromLocalLog(params: FetchParams, requests: FetchPartitionRequest[]): FetchPartitionResult[];
}

/** A fetch parked until enough data is visible or max_wait_ms passes (kafka.server.DelayedFetch). */
export class DelayedFetch extends DelayedOperation {
  constructor(
    private readonly params: FetchParams,
    private readonly requests: FetchPartitionRequest[],
    private readonly rm: FetchSource,
    private readonly respond: (r: FetchPartitionResult[]) => void,
  ) {
    super(params.maxWaitMs);
  }

  tryComplete(): boolean {
    let anyData = false;
    for (const req of this.requests) {
      const s = this.rm.hasFetchableData(this.params, req);
      if (s === 'error') return this.forceComplete();
      if (s) anyData = true;
    }
    if (!anyData) return false;
    if (this.params.minBytes <= 1) return this.forceComplete();
    let bytes = 0;
    for (const r of this.rm.readFromLocalLog(this.params, this.requests)) bytes += r.sizeInBytes;
    return bytes >= this.params.minBytes ? this.forceComplete() : false;
  }

  protected onComplete(): void {
    this.respond(this.rm.readFromLocalLog(this.params, this.requests));
  }
}
