/**
 * The membership requests of kafka.coordinator.group.GroupCoordinator (classic protocol, ZK mode): JoinGroup
 * (handed to GroupJoin.ts: new, current and static members, KIP-394 MEMBER_ID_REQUIRED, KIP-345), SyncGroup,
 * Heartbeat and LeaveGroup. The rebalance, sync and session timers they start are in GroupRebalance.ts; the
 * coordinator (GroupCoordinator.ts) owns this and checks the group's status through `checkStatus`.
 */
import { Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { CoordinatorTime } from './CoordinatorTime';
import { GroupConfig, GroupStatusCheck } from './GroupConfig';
import { GroupJoin, JoinGroupParams } from './GroupJoin';
import { GroupMetadata } from './GroupMetadata';
import { GroupMetadataManager } from './GroupMetadataManager';
import { EMPTY_BYTES, GroupRebalance } from './GroupRebalance';
import { JoinGroupResult, SyncGroupResult } from './MemberMetadata';

export type { JoinGroupParams } from './GroupJoin';

export class GroupMembership {
  private readonly join: GroupJoin;

  constructor(
    config: GroupConfig,
    private readonly groupManager: GroupMetadataManager,
    private readonly rebalance: GroupRebalance,
    private readonly checkStatus: GroupStatusCheck,
    private readonly time: CoordinatorTime,
    private readonly log: Logger,
  ) {
    this.join = new GroupJoin(config, groupManager, rebalance, checkStatus, log);
  }

  /** validateCurrentMember: a static member must still own its instance id; the member must exist. */
  validateCurrentMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null, op: string): number {
    if (groupInstanceId !== null) {
      const cur = group.currentStaticMemberId(groupInstanceId);
      if (cur === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (cur !== memberId) {
        this.log.info(
          `Request memberId=${memberId} for static member with groupInstanceId=${groupInstanceId} is fenced by current memberId=${cur} during operation ${op}`,
        );
        return ErrorCode.FENCED_INSTANCE_ID;
      }
      return ErrorCode.NONE;
    }
    return group.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  handleJoinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    return this.join.handleJoinGroup(p);
  }

  // ---------------------------------------------------------------- SyncGroup

  handleSyncGroup(
    groupId: string,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
    assignments: Map<string, Buffer>,
    protocolType: string | null = null,
    protocolName: string | null = null,
  ): Promise<SyncGroupResult> {
    return new Promise((resolve) => {
      const fail = (errorCode: number) => resolve({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
      const status = this.checkStatus(groupId, 'sync');
      if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return fail(ErrorCode.REBALANCE_IN_PROGRESS); // the member rejoins
      if (status !== ErrorCode.NONE) return fail(status);
      const group = this.groupManager.getGroup(groupId);
      if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (group.is('Dead')) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      if (group.isStaticMemberFenced(groupInstanceId, memberId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
      if (!group.has(memberId)) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
      // SyncGroup v5+ names the protocol type and name the member joined with: they must be the group's
      // (GroupCoordinator.validateSyncGroup).
      if (protocolType !== null && group.protocolType !== protocolType) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      if (protocolName !== null && group.protocolName !== protocolName) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      switch (group.state) {
        case 'Empty':
          return fail(ErrorCode.UNKNOWN_MEMBER_ID);
        case 'PreparingRebalance':
          return fail(ErrorCode.REBALANCE_IN_PROGRESS);
        case 'CompletingRebalance': {
          const member = group.get(memberId);
          member.awaitingSyncCallback = resolve;
          group.pendingSyncMembers.delete(memberId);
          if (group.isLeader(memberId)) {
            this.log.info(
              `Assignment received from leader ${memberId} for group ${groupId} for generation ${group.generationId}. The group has ${group.members.size} members, ${group.staticMembers.size} of which are static.`,
            );
            const full = new Map<string, Buffer>();
            for (const id of group.members.keys()) full.set(id, Buffer.from(assignments.get(id) ?? EMPTY_BYTES));
            void this.groupManager.storeGroup(group, full).then((err) => {
              // Someone may have joined meanwhile: act only if still the same rebalance.
              if (!group.is('CompletingRebalance') || generationId !== group.generationId) return;
              if (err !== ErrorCode.NONE) {
                this.rebalance.resetAndPropagateAssignmentError(group, err);
                this.rebalance.maybePrepareRebalance(group, `Error when storing group assignment during SyncGroup (member: ${memberId})`);
              } else {
                for (const [id, a] of full) if (group.has(id)) group.get(id).assignment = a;
                this.rebalance.propagateAssignment(group, ErrorCode.NONE);
                group.transitionTo('Stable', this.time.now());
              }
            });
          }
          return;
        }
        case 'Stable': {
          group.pendingSyncMembers.delete(memberId);
          const member = group.get(memberId);
          resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
          this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, member);
          return;
        }
      }
    });
  }

  // ---------------------------------------------------------------- Heartbeat and LeaveGroup

  handleHeartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const status = this.checkStatus(groupId, 'heartbeat');
    // While loading, heartbeats are answered blindly (GroupCoordinator.handleHeartbeat).
    if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return ErrorCode.NONE;
    if (status !== ErrorCode.NONE) return status;
    const group = this.groupManager.getGroup(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const err = this.validateCurrentMember(group, memberId, groupInstanceId, 'heartbeat');
    if (err !== ErrorCode.NONE) return err;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'CompletingRebalance':
      case 'Stable':
        this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
        return ErrorCode.NONE;
      case 'PreparingRebalance':
        this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  handleLeaveGroup(
    groupId: string,
    leaving: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>,
  ): { errorCode: number; members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }> } {
    // memberLeaveError: the response echoes the member identity (not the reason) with its error.
    const answer = (l: { memberId: string; groupInstanceId: string | null }, errorCode: number) => ({
      memberId: l.memberId,
      groupInstanceId: l.groupInstanceId,
      errorCode,
    });
    const status = this.checkStatus(groupId, 'leave');
    if (status !== ErrorCode.NONE) return { errorCode: status, members: [] };
    const group = this.groupManager.getGroup(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID)) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    // removeCurrentMemberFromGroup, with LeaveGroup v5's reason ("not provided" without one).
    const removeCurrent = (memberId: string, reason: string | null | undefined) => {
      const leaveReason = reason ?? 'not provided';
      this.rebalance.removeMemberAndUpdateGroup(group, group.get(memberId), `Removing member ${memberId} on LeaveGroup; client reason: ${leaveReason}`);
      this.log.info(`Member ${memberId} has left group ${groupId} through explicit \`LeaveGroup\`; client reason: ${leaveReason}`);
    };
    const members = leaving.map((l) => {
      if (l.memberId === '') {
        // Administrative removal by group.instance.id.
        const cur = l.groupInstanceId !== null ? group.currentStaticMemberId(l.groupInstanceId) : undefined;
        if (cur === undefined) return answer(l, ErrorCode.UNKNOWN_MEMBER_ID);
        removeCurrent(cur, l.reason);
        return answer(l, ErrorCode.NONE);
      }
      if (group.isPendingMember(l.memberId)) {
        this.log.info(`Pending member with memberId=${l.memberId} has left group ${groupId} through explicit \`LeaveGroup\``);
        this.rebalance.removePendingMemberAndUpdateGroup(group, l.memberId);
        return answer(l, ErrorCode.NONE);
      }
      const err = this.validateCurrentMember(group, l.memberId, l.groupInstanceId, 'leave-group');
      if (err !== ErrorCode.NONE) return answer(l, err);
      removeCurrent(l.memberId, l.reason);
      return answer(l, ErrorCode.NONE);
    });
    return { errorCode: ErrorCode.NONE, members };
  }
}
