/**
 * JoinGroup of kafka.coordinator.group.GroupCoordinator (classic protocol, ZK mode): new, current and static members,
 * KIP-394 MEMBER_ID_REQUIRED, KIP-345 static membership, group.max.size. Split out of GroupMembership.ts (which
 * answers SyncGroup, Heartbeat and LeaveGroup and hands JoinGroup here); the rebalance timers it starts are in
 * GroupRebalance.ts.
 */
import { randomUUID } from 'crypto';
import { Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { GroupConfig, GroupStatusCheck } from './GroupConfig';
import { GroupMetadata } from './GroupMetadata';
import { GroupMetadataManager } from './GroupMetadataManager';
import { EMPTY_BYTES, GroupRebalance, joinError, NEW_MEMBER_JOIN_TIMEOUT_MS } from './GroupRebalance';
import { JoinGroupResult, MemberMetadata, Protocol } from './MemberMetadata';

export interface JoinGroupParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+ for dynamic members: an unknown member first gets MEMBER_ID_REQUIRED (KIP-394). */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v8+: the client's reason, added to the rebalance reason ("not provided" without one). */
  reason?: string | null;
  /** JoinGroup v9+: a static leader rejoining a Stable group is told to skip the assignment (KIP-814). */
  supportSkippingAssignment?: boolean;
}

/** GroupCoordinator.handleJoinGroup: `reason.getOrElse("not provided")`. */
function joinReason(p: JoinGroupParams): string {
  return p.reason ?? 'not provided';
}

/** In errors.ts' table but not in the ErrorCode type. */
const GROUP_MAX_SIZE_REACHED = 81;

export class GroupJoin {
  constructor(
    private readonly config: GroupConfig,
    private readonly groupManager: GroupMetadataManager,
    private readonly rebalance: GroupRebalance,
    private readonly checkStatus: GroupStatusCheck,
    private readonly log: Logger,
  ) {}

  handleJoinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    return new Promise((resolve) => {
      const status = this.checkStatus(p.groupId, 'join');
      if (status !== ErrorCode.NONE) return resolve(joinError(p.memberId, status));
      if (p.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs) {
        return resolve(joinError(p.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
      }
      const isUnknownMember = p.memberId === '';
      // The group is created for an unknown member only; a known member id in a missing group is unknown.
      const group = this.groupManager.getOrMaybeCreateGroup(p.groupId, isUnknownMember);
      if (!group) return resolve(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      if (!this.acceptJoiningMember(group, p.memberId)) {
        group.remove(p.memberId);
        return resolve(joinError('', GROUP_MAX_SIZE_REACHED));
      }
      if (isUnknownMember) this.doNewMemberJoinGroup(group, p, resolve);
      else this.doCurrentMemberJoinGroup(group, p, resolve);
      if (group.is('PreparingRebalance')) this.rebalance.tryCompleteJoin(group);
    });
  }

  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    if (group.is('Empty') || group.is('Dead')) return true;
    if (group.has(memberId) || group.isPendingMember(memberId)) return true;
    return group.members.size + group.pendingMembers.size < this.config.groupMaxSize;
  }

  private doNewMemberJoinGroup(group: GroupMetadata, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): void {
    if (group.is('Dead')) return cb(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) return cb(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    // GroupMetadata.generateMemberId: <group.instance.id or client.id>-<UUID>.
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${randomUUID()}`;
    if (p.groupInstanceId !== null) {
      this.doStaticMemberJoinGroup(group, newMemberId, p, cb);
    } else if (p.requireKnownMemberId) {
      this.log.info(
        `Dynamic member with unknown member id joins group ${group.groupId} in ${group.state} state. Created a new member id ${newMemberId} and request the member to rejoin with this id.`,
      );
      // Kafka expires a pending member after its session timeout if it never comes back.
      this.rebalance.addPendingMemberExpiration(group, newMemberId, p.sessionTimeoutMs);
      cb(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.log.info(
        `Dynamic Member with unknown member id joins group ${group.groupId} in ${group.state} state. Created a new member id ${newMemberId} for this member and add to the group.`,
      );
      this.addMemberAndRebalance(group, newMemberId, null, p, cb);
    }
  }

  /** KIP-345: a known group.instance.id rejoining with no member id replaces the old member id. */
  private doStaticMemberJoinGroup(group: GroupMetadata, newMemberId: string, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): void {
    const instanceId = p.groupInstanceId!;
    const oldMemberId = group.currentStaticMemberId(instanceId);
    this.log.info(
      `Static member ${instanceId} of group ${group.groupId} with unknown member id joins group in ${group.state} state. Replacing previously mapped member ${oldMemberId ?? 'null'} with this groupInstanceId.`,
    );
    if (oldMemberId === undefined) return this.addMemberAndRebalance(group, newMemberId, instanceId, p, cb);
    this.updateStaticMemberAndRebalance(group, oldMemberId, newMemberId, instanceId, p, cb);
  }

  /** GroupCoordinator.updateStaticMemberAndRebalance (JoinGroup v5-8: no SkipAssignment). */
  private updateStaticMemberAndRebalance(
    group: GroupMetadata,
    oldMemberId: string,
    newMemberId: string,
    instanceId: string,
    p: JoinGroupParams,
    cb: (r: JoinGroupResult) => void,
  ): void {
    const currentLeader = group.leaderId ?? '';
    const member = group.get(oldMemberId);
    // The old incarnation's parked requests are fenced (GroupMetadata.replaceStaticMember).
    if (member.awaitingJoinCallback) group.maybeInvokeJoinCallback(member, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    if (member.awaitingSyncCallback) {
      const s = member.awaitingSyncCallback;
      member.awaitingSyncCallback = null;
      s({ errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
    }
    group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    // The old member id's session timer is gone with it; the new id gets its own.
    this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, member);
    const oldProtocols = member.supportedProtocols;
    const oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
    const oldSessionTimeoutMs = member.sessionTimeoutMs;
    this.updateMember(group, member, p, cb);
    switch (group.state) {
      case 'Stable': {
        // Only a change of the group's selected protocol needs a rebalance; otherwise persist the new member id.
        if (group.protocolName !== group.selectProtocol()) {
          this.rebalance.maybePrepareRebalance(
            group,
            `Group's selectedProtocol will change because static member ${newMemberId} with instance id ${instanceId} joined with change of protocol; client reason: ${joinReason(p)}`,
          );
          return;
        }
        this.log.info("Static member which joins during Stable stage and doesn't affect selectProtocol will not trigger rebalance.");
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
        void this.groupManager.storeGroup(group, assignment).then((err) => {
          if (err !== ErrorCode.NONE) {
            this.log.warn(`Failed to persist metadata for group ${group.groupId}: ${err}`);
            // Revert to the old member id; the client retries.
            group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
            if (group.members.get(newMemberId) === member) {
              group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
              this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, member);
            }
            cb({
              errorCode: err,
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leaderId: currentLeader,
              memberId: '',
              members: [],
            });
            return;
          }
          if (p.supportSkippingAssignment) {
            // JoinGroup v9+ (KIP-814): the leader learns it still leads, with the member list so it can keep
            // watching metadata, but SkipAssignment tells it not to run the assignor: a Stable group would not
            // hand out a new assignment anyway (GroupCoordinator.updateStaticMemberAndRebalance).
            const isLeader = group.isLeader(newMemberId);
            group.maybeInvokeJoinCallback(member, {
              errorCode: ErrorCode.NONE,
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leaderId: group.leaderId ?? '',
              memberId: newMemberId,
              members: isLeader ? group.currentMemberMetadata() : [],
              skipAssignment: isLeader,
            });
            return;
          }
          // Before v9: the old leader id, so that a restarted leader does not run a trivial assignment that a
          // Stable group would never hand out; the member then syncs and gets its stored assignment back.
          group.maybeInvokeJoinCallback(member, {
            errorCode: ErrorCode.NONE,
            generationId: group.generationId,
            protocolType: group.protocolType,
            protocolName: group.protocolName,
            leaderId: currentLeader,
            memberId: newMemberId,
            members: [],
          });
        });
        return;
      }
      case 'CompletingRebalance':
        // The leader may already have assigned for the old member id: rebalance again.
        this.rebalance.prepareRebalance(
          group,
          `Updating metadata for static member ${newMemberId} with instance id ${instanceId}; client reason: ${joinReason(p)}`,
        );
        return;
      default:
        // PreparingRebalance: the member waits for the rebalance with the others.
        return;
    }
  }

  private doCurrentMemberJoinGroup(group: GroupMetadata, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): void {
    if (group.is('Dead')) return cb(joinError(p.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) return cb(joinError(p.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    if (group.isPendingMember(p.memberId)) {
      return this.addMemberAndRebalance(group, p.memberId, null, p, cb);
    }
    const instanceNotFound = p.groupInstanceId !== null && group.currentStaticMemberId(p.groupInstanceId) === undefined;
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return cb(joinError(p.memberId, ErrorCode.FENCED_INSTANCE_ID));
    if (!group.has(p.memberId) || instanceNotFound) return cb(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    const member = group.get(p.memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(
          group,
          member,
          p,
          cb,
          `Member ${member.memberId} joining group during ${group.state}; client reason: ${joinReason(p)}`,
        );
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // It probably missed the JoinGroup response: send the current generation again.
          return cb(this.rebalance.joinResultFor(group, member));
        }
        return this.updateMemberAndRebalance(
          group,
          member,
          p,
          cb,
          `Updating metadata for member ${member.memberId} during ${group.state}; client reason: ${joinReason(p)}`,
        );
      case 'Stable':
        if (group.isLeader(p.memberId) || !member.matches(p.protocols)) {
          // A leader's JoinGroup forces a rebalance (e.g. topic metadata changed).
          return this.updateMemberAndRebalance(
            group,
            member,
            p,
            cb,
            `Leader ${member.memberId} re-joining group during ${group.state}; client reason: ${joinReason(p)}`,
          );
        }
        return cb({ ...this.rebalance.joinResultFor(group, member), members: [] });
      default:
        this.log.warn(`Attempt to add rejoining member ${p.memberId} of group ${group.groupId} in unexpected group state ${group.state}`);
        return cb(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, instanceId: string | null, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): void {
    const member = new MemberMetadata(
      memberId,
      instanceId,
      p.clientId,
      p.clientHost,
      p.rebalanceTimeoutMs,
      p.sessionTimeoutMs,
      p.protocolType,
      p.protocols.map((x) => ({ name: x.name, metadata: Buffer.from(x.metadata) })),
    );
    member.isNew = true;
    // A new member during the initial delay extends it (InitialDelayedJoin).
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, cb);
    // New members cannot heartbeat while parked in JoinGroup: they expire after NewMemberJoinTimeoutMs instead.
    this.rebalance.completeAndScheduleNextExpiration(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.rebalance.maybePrepareRebalance(
      group,
      `Adding new member ${memberId} with group instance id ${instanceId ?? 'None'}; client reason: ${joinReason(p)}`,
    );
  }

  /** The member's protocols and timeouts from its JoinGroup (GroupMetadata.updateMember). */
  private updateMember(group: GroupMetadata, member: MemberMetadata, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): void {
    group.updateMember(
      member,
      p.protocols.map((x) => ({ name: x.name, metadata: Buffer.from(x.metadata) })),
      p.rebalanceTimeoutMs,
      p.sessionTimeoutMs,
      cb,
    );
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, p: JoinGroupParams, cb: (r: JoinGroupResult) => void, reason: string): void {
    this.updateMember(group, member, p, cb);
    this.rebalance.maybePrepareRebalance(group, reason);
  }
}
