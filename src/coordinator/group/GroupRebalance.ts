/**
 * The delayed operations of kafka.coordinator.group.GroupCoordinator and what they call back, on the
 * injectable clock: the rebalance purgatory (DelayedJoin, InitialDelayedJoin -> prepareRebalance,
 * onCompleteJoin), the pending-sync expiry (DelayedSync -> onExpirePendingSync) and the heartbeat purgatory
 * (DelayedHeartbeat for members and pending members -> onExpireHeartbeat, member removal). The request
 * handlers (GroupMembership.ts) and the coordinator drive the group through these.
 */
import { Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { CoordinatorTime } from './CoordinatorTime';
import { GroupConfig } from './GroupConfig';
import { GroupMetadata } from './GroupMetadata';
import { GROUP_METADATA_TOPIC_NAME, GroupMetadataManager } from './GroupMetadataManager';
import { JoinGroupResult, MemberMetadata } from './MemberMetadata';

/** GroupCoordinator.NewMemberJoinTimeoutMs: a new member's parked JoinGroup expires after 5 minutes. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export const EMPTY_BYTES = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [] };
}

export class GroupRebalance {
  constructor(
    private readonly config: GroupConfig,
    private readonly groupManager: GroupMetadataManager,
    private readonly time: CoordinatorTime,
    private readonly log: Logger,
  ) {}

  /** The JoinGroup answer of a member of the current generation; only the leader gets the member list. */
  joinResultFor(group: GroupMetadata, member: MemberMetadata): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
    };
  }

  // ---------------------------------------------------------------- rebalance (DelayedJoin, InitialDelayedJoin)

  maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: GroupMetadata, reason: string): void {
    // Members waiting in SyncGroup must rejoin.
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.syncTimer?.cancel();
    group.syncTimer = null;
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.time.now());
    this.log.info(
      `Preparing to rebalance group ${group.groupId} in state ${group.state} with old generation ${group.generationId} (${GROUP_METADATA_TOPIC_NAME}-${this.groupManager.partitionFor(group.groupId)}) (reason: ${reason})`,
    );
    group.joinTimer?.cancel();
    if (wasEmpty) {
      const delay = this.config.groupInitialRebalanceDelayMs;
      this.scheduleInitialDelayedJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      this.scheduleDelayedJoin(group);
      // tryCompleteElseWatch: completes at once when every member is already in (e.g. the last one left).
      this.tryCompleteJoin(group);
    }
  }

  private scheduleDelayedJoin(group: GroupMetadata): void {
    group.joinTimerIsInitialDelay = false;
    group.joinTimer = this.time.schedule(group.rebalanceTimeoutMs(), () => {
      group.joinTimer = null;
      this.onCompleteJoin(group);
    });
  }

  /** InitialDelayedJoin: wait `delay`; while new members keep arriving, wait again, up to the rebalance timeout. */
  private scheduleInitialDelayedJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    group.joinTimerIsInitialDelay = true;
    group.joinTimer = this.time.schedule(delayMs, () => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const delay = Math.min(this.config.groupInitialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelayedJoin(group, delay, Math.max(remainingMs - delayMs, 0));
      } else {
        this.onCompleteJoin(group);
      }
    });
  }

  /** DelayedJoin.tryComplete: everyone (and no pending member) has rejoined. */
  tryCompleteJoin(group: GroupMetadata): void {
    if (!group.is('PreparingRebalance') || group.joinTimerIsInitialDelay || !group.joinTimer) return;
    if (!group.hasAllMembersJoined()) return;
    group.joinTimer.cancel();
    group.joinTimer = null;
    this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: GroupMetadata): void {
    if (!group.is('PreparingRebalance')) return;
    const gone = group.notYetRejoinedMembers().filter((m) => !m.isStaticMember);
    if (gone.length > 0) {
      this.log.info(`Group ${group.groupId} removed dynamic members who haven't joined: ${gone.map((m) => m.memberId).join(',')}`);
      for (const m of gone) group.remove(m.memberId);
    }
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      this.log.error(`Group ${group.groupId} could not complete rebalance because no members rejoined`);
      this.scheduleDelayedJoin(group);
      return;
    }
    group.initNextGeneration(this.time.now());
    const partition = `${GROUP_METADATA_TOPIC_NAME}-${this.groupManager.partitionFor(group.groupId)}`;
    if (group.is('Empty')) {
      this.log.info(`Group ${group.groupId} with generation ${group.generationId} is now empty (${partition})`);
      void this.groupManager.storeGroup(group, new Map()).then((err) => {
        if (err !== ErrorCode.NONE) this.log.warn(`Failed to write empty metadata for group ${group.groupId}: ${err}`);
      });
      return;
    }
    this.log.info(`Stabilized group ${group.groupId} generation ${group.generationId} (${partition}) with ${group.members.size} members`);
    for (const m of group.members.values()) {
      group.maybeInvokeJoinCallback(m, this.joinResultFor(group, m));
      this.completeAndScheduleNextHeartbeatExpiration(group, m);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    // DelayedSync: members that got the JoinGroup response but never sync are removed (Kafka 3.2+).
    const generation = group.generationId;
    group.syncTimer = this.time.schedule(group.rebalanceTimeoutMs(), () => {
      group.syncTimer = null;
      this.onExpirePendingSync(group, generation);
    });
  }

  private onExpirePendingSync(group: GroupMetadata, generation: number): void {
    if (generation !== group.generationId || !(group.is('CompletingRebalance') || group.is('Stable'))) return;
    if (group.pendingSyncMembers.size === 0) return;
    const pending = [...group.pendingSyncMembers];
    for (const id of pending) group.remove(id);
    this.prepareRebalance(group, `Removing ${pending.join(',')} on pending sync request expiration`);
  }

  // ---------------------------------------------------------------- assignment propagation

  resetAndPropagateAssignmentError(group: GroupMetadata, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_BYTES;
    this.propagateAssignment(group, errorCode);
  }

  propagateAssignment(group: GroupMetadata, errorCode: number): void {
    for (const m of group.members.values()) {
      const cb = m.awaitingSyncCallback;
      if (!cb) continue;
      m.awaitingSyncCallback = null;
      cb({ errorCode, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
      // The session restarts once the member has its assignment.
      this.completeAndScheduleNextHeartbeatExpiration(group, m);
    }
  }

  // ---------------------------------------------------------------- heartbeats (DelayedHeartbeat)

  completeAndScheduleNextHeartbeatExpiration(group: GroupMetadata, member: MemberMetadata): void {
    this.completeAndScheduleNextExpiration(group, member, member.sessionTimeoutMs);
  }

  completeAndScheduleNextExpiration(group: GroupMetadata, member: MemberMetadata, timeoutMs: number): void {
    member.cancelSessionTimer();
    member.heartbeatSatisfied = false;
    member.sessionTimer = this.time.schedule(timeoutMs, () => {
      member.sessionTimer = null;
      this.onExpireHeartbeat(group, member);
    });
  }

  /** addPendingMemberExpiration: a member id handed out with MEMBER_ID_REQUIRED lapses after the session timeout. */
  addPendingMemberExpiration(group: GroupMetadata, memberId: string, timeoutMs: number): void {
    group.pendingMembers.set(
      memberId,
      this.time.schedule(timeoutMs, () => this.onExpirePendingMember(group, memberId)),
    );
  }

  private onExpireHeartbeat(group: GroupMetadata, member: MemberMetadata): void {
    if (group.is('Dead') || group.members.get(member.memberId) !== member) return;
    if (member.hasSatisfiedHeartbeat()) return;
    this.log.info(`Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`);
    this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on heartbeat expiration`);
  }

  private onExpirePendingMember(group: GroupMetadata, memberId: string): void {
    if (group.is('Dead') || !group.isPendingMember(memberId)) return;
    this.log.info(`Pending member ${memberId} in group ${group.groupId} has been removed after session timeout expiration.`);
    this.removePendingMemberAndUpdateGroup(group, memberId);
  }

  removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    // A parked JoinGroup of a removed member answers UNKNOWN_MEMBER_ID so a live client rejoins.
    group.maybeInvokeJoinCallback(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    group.remove(memberId);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }
}
