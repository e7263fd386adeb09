/**
 * The fetcher's side of an incremental fetch session (KIP-227), as Kafka's
 * org.apache.kafka.clients.FetchSessionHandler: the first request is full (epoch 0) and lists every
 * partition; when the leader answers with a session id, later requests (epoch 1, 2, ...) list only the
 * partitions added or changed since, and forget the ones dropped. An error closes the session: the next
 * request is full again (FETCH_SESSION_ID_NOT_FOUND starts from scratch, anything else closes the session it
 * names, FetchMetadata.nextCloseExisting).
 */
import { ErrorCode } from '../protocol/errors';
import { FINAL_EPOCH, INITIAL_EPOCH, INVALID_SESSION_ID, nextEpoch, PartitionFetchData } from './FetchSession';

export interface SessionPartition {
  key: string;
  topic: string;
  topicId: Buffer;
  partition: number;
  data: PartitionFetchData;
}

export interface FetchRequestData {
  sessionId: number;
  sessionEpoch: number;
  /** The partitions to put on the wire: all of them for a full request, the added and changed ones otherwise. */
  toSend: SessionPartition[];
  toForget: SessionPartition[];
}

function sameData(a: PartitionFetchData, b: PartitionFetchData): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.logStartOffset === b.logStartOffset &&
    a.maxBytes === b.maxBytes &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.lastFetchedEpoch === b.lastFetchedEpoch
  );
}

export class FetchSessionHandler {
  private sessionId = INVALID_SESSION_ID;
  private epoch = INITIAL_EPOCH;
  /** What the leader's session holds, as we last told it. */
  private sessionPartitions = new Map<string, SessionPartition>();

  get isFull(): boolean {
    return this.epoch === INITIAL_EPOCH || this.epoch === FINAL_EPOCH;
  }

  get currentSessionId(): number {
    return this.sessionId;
  }

  /** FetchSessionHandler.Builder.build for the partitions to fetch now. */
  build(next: SessionPartition[]): FetchRequestData {
    if (this.isFull) {
      this.sessionPartitions = new Map(next.map((p) => [p.key, p]));
      return { sessionId: this.sessionId, sessionEpoch: this.epoch, toSend: [...this.sessionPartitions.values()], toForget: [] };
    }
    // An incremental request: only what was added or changed, and what was dropped. When every partition is the
    // same as last time (an idle follower), this allocates nothing per partition.
    const toSend: SessionPartition[] = [];
    const toForget: SessionPartition[] = [];
    const before = this.sessionPartitions.size;
    let kept = 0;
    for (const p of next) {
      const old = this.sessionPartitions.get(p.key);
      if (old !== undefined) kept++;
      if (old === undefined || (old !== p && !sameData(old.data, p.data))) {
        toSend.push(p);
        this.sessionPartitions.set(p.key, p);
      }
    }
    if (kept < before) {
      // Some partitions of the session are no longer wanted: forget them.
      const wanted = new Set(next.map((p) => p.key));
      for (const [key, old] of this.sessionPartitions) {
        if (!wanted.has(key)) {
          toForget.push(old);
          this.sessionPartitions.delete(key);
        }
      }
    }
    return { sessionId: this.sessionId, sessionEpoch: this.epoch, toSend, toForget };
  }

  /** FetchSessionHandler.handleResponse: false when the response must be ignored (a session error). */
  handleResponse(errorCode: number, sessionId: number): boolean {
    if (errorCode !== ErrorCode.NONE) {
      if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND) this.reset();
      else this.closeExisting();
      return false;
    }
    if (this.isFull) {
      if (sessionId === INVALID_SESSION_ID) this.reset();
      else {
        this.sessionId = sessionId;
        this.epoch = nextEpoch(INITIAL_EPOCH);
      }
      return true;
    }
    if (sessionId === INVALID_SESSION_ID)
      this.reset(); // the leader closed the session
    else this.epoch = nextEpoch(this.epoch);
    return true;
  }

  /** FetchSessionHandler.handleError: the next request is full and closes the session. */
  handleError(): void {
    this.closeExisting();
  }

  private reset(): void {
    this.sessionId = INVALID_SESSION_ID;
    this.epoch = INITIAL_EPOCH;
  }

  private closeExisting(): void {
    this.epoch = INITIAL_EPOCH;
  }
}
