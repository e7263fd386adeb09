import { DelayedOperation } from './DelayedOperation';
import type { FetchParams, FetchPartitionRequest, FetchPartitionResult } from './LocalLogReader';

/** What a parked fetch asks of the replica manager: whether data is there yet, and the read itself. */
interface FetchSource {
  hasFetchableData(params: FetchParams, req: FetchPartitionRequest): boolean | 'error';
  /** Bytes readable now, from known positions (no read); null when unknown. */
  fetchableBytes(params: FetchParams, req: FetchPartitionRequest): number | null;
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

  /**
   * Woken by appends (and HW moves): Kafka's DelayedFetch.tryComplete counts the bytes between the fetch offset
   * and the limit from their segment positions, reading nothing; the log is read once, on completion. Only when a
   * position is unknown are the bytes counted by reading.
   */
  tryComplete(): boolean {
    let anyData = false;
    let bytes = 0;
    let unknown = false;
    for (const req of this.requests) {
      const s = this.rm.hasFetchableData(this.params, req);
      if (s === 'error') return this.forceComplete();
      if (!s) continue;
      anyData = true;
      if (this.params.minBytes <= 1 || unknown) continue;
      const n = this.rm.fetchableBytes(this.params, req);
      if (n === null) unknown = true;
      else bytes += n;
    }
    if (!anyData) return false;
    if (this.params.minBytes <= 1 || bytes >= this.params.minBytes) return this.forceComplete();
    if (!unknown) return false;
    bytes = 0;
    for (const r of this.rm.readFromLocalLog(this.params, this.requests)) bytes += r.sizeInBytes;
    return bytes >= this.params.minBytes ? this.forceComplete() : false;
  }

  protected onComplete(): void {
    this.respond(this.rm.readFromLocalLog(this.params, this.requests));
  }
}
