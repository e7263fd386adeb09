/**
 * kafka.coordinator.group.GroupMetadata: the state of one classic group and its committed offsets.
 *
 * States and the transitions Kafka allows (GroupState.validPreviousStates):
 *   Empty              <- PreparingRebalance
 *   PreparingRebalance <- Stable, CompletingRebalance, Empty
 *   CompletingRebalance<- PreparingRebalance
 *   Stable             <- CompletingRebalance
 *   Dead               <- Stable, PreparingRebalance, CompletingRebalance, Empty, Dead
 */
import { Reader } from '../../protocol/Reader';
import { JoinGroupResult, MemberMetadata, Protocol } from './MemberMetadata';
import { TimerHandle } from './CoordinatorTime';
import { GroupOffsets } from './GroupOffsets';
import { OffsetAndMetadata } from './OffsetAndMetadata';

export { OffsetAndMetadata } from './OffsetAndMetadata';

type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export class GroupMetadata {
  state: GroupState;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, MemberMetadata>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined (KIP-394). */
  readonly pendingMembers = new Map<string, TimerHandle>();
  readonly pendingSyncMembers = new Set<string>();
  /** group.instance.id -> member id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  numMembersAwaitingJoin = 0;
  /** An InitialDelayedJoin may be extended while new members keep arriving. */
  newMemberAdded = false;
  currentStateTimestamp: number;
  /** Committed offsets and the pending (regular and transactional) commits. */
  readonly offsets = new GroupOffsets();
  /** Timers of the rebalance (DelayedJoin / InitialDelayedJoin) and of the pending-sync expiry. */
  joinTimer: TimerHandle | null = null;
  /** The pending join timer is an InitialDelayedJoin: it never completes early, only when its delay ends. */
  joinTimerIsInitialDelay = false;
  syncTimer: TimerHandle | null = null;
  /** Topics the consumer members subscribe to, when every member speaks the consumer protocol. */
  subscribedTopics: Set<string> | null = null;

  constructor(
    readonly groupId: string,
    initialState: GroupState,
    now: number,
  ) {
    this.state = initialState;
    this.currentStateTimestamp = now;
  }

  is(s: GroupState): boolean {
    return this.state === s;
  }

  transitionTo(s: GroupState, now: number): void {
    if (!VALID_PREVIOUS[s].includes(this.state)) {
      throw new Error(
        `Group ${this.groupId} should be in the ${VALID_PREVIOUS[s].join(',')} states before moving to ${s} state. Instead it is in ${this.state} state`,
      );
    }
    this.state = s;
    this.currentStateTimestamp = now;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const m = this.members.get(memberId);
    if (!m) throw new Error(`Member ${memberId} not in group ${this.groupId}`);
    return m;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  currentStaticMemberId(instanceId: string): string | undefined {
    return this.staticMembers.get(instanceId);
  }

  /** Another member id already holds this group.instance.id (GroupMetadata.isStaticMemberFenced). */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const cur = this.staticMembers.get(groupInstanceId);
    return cur !== undefined && cur !== memberId;
  }

  add(member: MemberMetadata, callback: ((r: JoinGroupResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (callback) {
      member.awaitingJoinCallback = callback;
      this.numMembersAwaitingJoin++;
    }
    this.pendingMembers.get(member.memberId)?.cancel();
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const m = this.members.get(memberId);
    if (m) {
      this.members.delete(memberId);
      if (m.isAwaitingJoin) this.numMembersAwaitingJoin--;
      if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId);
      m.cancelSessionTimer();
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingMembers.get(memberId)?.cancel();
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** A static member rejoined with a new member id: the old id is gone (GroupMetadata.replaceStaticMember). */
  replaceStaticMember(instanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const m = this.get(oldMemberId);
    this.members.delete(oldMemberId);
    m.memberId = newMemberId;
    this.members.set(newMemberId, m);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(instanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return m;
  }

  updateMember(
    member: MemberMetadata,
    protocols: Protocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    callback: ((r: JoinGroupResult) => void) | null,
  ): void {
    member.supportedProtocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (callback) {
      if (!member.isAwaitingJoin) this.numMembersAwaitingJoin++;
      member.awaitingJoinCallback = callback;
    } else if (member.isAwaitingJoin) {
      this.numMembersAwaitingJoin--;
      member.awaitingJoinCallback = null;
    }
  }

  maybeInvokeJoinCallback(member: MemberMetadata, result: JoinGroupResult): void {
    const cb = member.awaitingJoinCallback;
    if (!cb) return;
    member.awaitingJoinCallback = null;
    this.numMembersAwaitingJoin--;
    cb(result);
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** The largest rebalance timeout of the members: how long a rebalance waits for them to rejoin. */
  rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /** If the leader did not rejoin, any member that did becomes leader (GroupMetadata.maybeElectNewJoinedLeader). */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader && leader.isAwaitingJoin) return true;
    const joined = [...this.members.values()].find((m) => m.isAwaitingJoin);
    if (!joined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  /** GroupMetadata.supportsProtocols: the first member fixes the protocol type; later ones must share a protocol. */
  supportsProtocols(memberProtocolType: string, protocols: Protocol[]): boolean {
    if (this.is('Empty')) return memberProtocolType.length > 0 && protocols.length > 0;
    if (this.protocolType !== memberProtocolType) return false;
    if (this.members.size === 0) return protocols.length > 0;
    const names = new Set(protocols.map((p) => p.name));
    return this.candidateProtocols().some((c) => names.has(c));
  }

  /** Protocols every member supports, in the first member's preference order. */
  candidateProtocols(): string[] {
    const all = [...this.members.values()];
    if (all.length === 0) return [];
    return all[0].supportedProtocols.map((p) => p.name).filter((n) => all.every((m) => m.supportedProtocols.some((p) => p.name === n)));
  }

  /** Each member votes for its preferred candidate; the most votes wins (GroupMetadata.selectProtocol). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    if (candidates.length === 0) throw new Error(`No protocol supported by all members of group ${this.groupId}`);
    const set = new Set(candidates);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(set);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best = candidates[0];
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }

  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', now);
    }
    this.subscribedTopics = this.computeSubscribedTopics();
    this.offsets.resetReceivedCommitKinds();
    this.pendingSyncMembers.clear();
  }

  /** The leader's JoinGroup response lists every member with its metadata for the chosen protocol. */
  currentMemberMetadata(): Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }> {
    const protocol = this.protocolName;
    if (protocol === null) throw new Error(`Group ${this.groupId} has no protocol selected`);
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol) }));
  }

  /**
   * Subscribed topics of a consumer group: each member's subscription for the chosen protocol is
   * ConsumerProtocolSubscription (version int16, topics [string], ...). null when unknown.
   */
  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null || this.members.size === 0) return null;
    const topics = new Set<string>();
    try {
      for (const m of this.members.values()) {
        const r = new Reader(m.metadata(this.protocolName));
        r.int16();
        for (const t of r.array((rr) => rr.string())) topics.add(t);
      }
    } catch {
      return null;
    }
    return topics;
  }

  // ---------------------------------------------------------------- offsets

  offset(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(topic, partition);
  }

  /** A committed offset whose record is at `appendedBatchOffset` in __consumer_offsets. */
  putOffset(topic: string, partition: number, o: OffsetAndMetadata, appendedBatchOffset: number | null = null): void {
    this.offsets.put(topic, partition, { appendedBatchOffset, value: o });
  }

  /** Drops the committed offset only (expiry); OffsetDelete and DeleteGroups use `offsets.remove`. */
  removeOffset(topic: string, partition: number): boolean {
    return this.offsets.removeCommitted(topic, partition);
  }

  hasOffsets(): boolean {
    return this.offsets.hasOffsets();
  }

  allOffsets(): Array<{ topic: string; partition: number; value: OffsetAndMetadata }> {
    return this.offsets.all();
  }

  /**
   * Offsets whose retention has passed (GroupMetadata.removeExpiredOffsets, KIP-211): an explicit expire
   * timestamp wins; an Empty group's offsets expire retention after it became empty; a consumer group's
   * offsets of topics it no longer subscribes to expire retention after their commit.
   */
  expiredOffsets(now: number, retentionMs: number): Array<{ topic: string; partition: number }> {
    const out: Array<{ topic: string; partition: number }> = [];
    let base: ((o: OffsetAndMetadata) => number) | null = null;
    if (this.protocolType === null || this.is('Empty')) {
      base = (o) => (this.is('Empty') && this.protocolType !== null ? this.currentStateTimestamp : o.commitTimestamp);
    } else if (this.protocolType === CONSUMER_PROTOCOL_TYPE && this.subscribedTopics !== null && this.is('Stable')) {
      base = (o) => o.commitTimestamp;
    }
    for (const { topic, partition, value } of this.allOffsets()) {
      // An offset being committed does not expire under it (GroupMetadata.removeExpiredOffsets).
      if (this.offsets.hasPendingOffsetCommit(topic, partition)) continue;
      if (value.expireTimestamp >= 0) {
        if (now >= value.expireTimestamp) out.push({ topic, partition });
        continue;
      }
      if (base === null) continue;
      if (this.protocolType === CONSUMER_PROTOCOL_TYPE && this.is('Stable') && this.subscribedTopics?.has(topic)) continue;
      if (now - base(value) >= retentionMs) out.push({ topic, partition });
    }
    return out;
  }
}
