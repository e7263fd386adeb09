/**
 * kafka.coordinator.group.MemberMetadata: one member of a classic group, with the callbacks of its parked
 * JoinGroup / SyncGroup (Kafka keeps them in the rebalance purgatory; here they are plain functions) and its
 * session timer.
 */
import { TimerHandle } from './CoordinatorTime';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
  /** JoinGroup v9+: the static leader rejoined a Stable group and must not run the assignor. */
  skipAssignment?: boolean;
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

type JoinCallback = (r: JoinGroupResult) => void;
type SyncCallback = (r: SyncGroupResult) => void;

const EMPTY = Buffer.alloc(0);

export class MemberMetadata {
  assignment: Buffer = EMPTY;
  awaitingJoinCallback: JoinCallback | null = null;
  awaitingSyncCallback: SyncCallback | null = null;
  /** Joined but not yet through a completed JoinGroup: expires after NewMemberJoinTimeoutMs, not the session. */
  isNew = false;
  /** A heartbeat (or join/sync) arrived since the session timer was last armed. */
  heartbeatSatisfied = false;
  sessionTimer: TimerHandle | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public supportedProtocols: Protocol[],
  ) {}

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoinCallback !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSyncCallback !== null;
  }

  /** MemberMetadata.hasSatisfiedHeartbeat: members inside a rebalance count as alive. */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return this.heartbeatSatisfied;
    if (this.isAwaitingJoin || this.isAwaitingSync) return true;
    return this.heartbeatSatisfied;
  }

  metadata(protocol: string): Buffer {
    const p = this.supportedProtocols.find((x) => x.name === protocol);
    if (!p) throw new Error(`Member does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** Same protocols with the same metadata, in the same order (MemberMetadata.matches). */
  matches(protocols: Protocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false;
    return protocols.every((p, i) => p.name === this.supportedProtocols[i].name && p.metadata.equals(this.supportedProtocols[i].metadata));
  }

  /** The member's first preference among the candidates (MemberMetadata.vote). */
  vote(candidates: Set<string>): string {
    const p = this.supportedProtocols.find((x) => candidates.has(x.name));
    if (!p) throw new Error('Member does not support any of the candidate protocols');
    return p.name;
  }

  cancelSessionTimer(): void {
    this.sessionTimer?.cancel();
    this.sessionTimer = null;
  }
}
