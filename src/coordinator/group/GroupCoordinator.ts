/**
 * kafka.coordinator.group.GroupCoordinator (classic groups, ZK mode): the coordinator's lifecycle and
 * partition ownership, the group status checks, committed offsets (OffsetCommit, OffsetFetch, and TxnOffsetCommit
 * whose offsets wait for their transaction's marker) and the admin operations (DescribeGroups, ListGroups,
 * DeleteGroups, OffsetDelete). The membership requests are handled
 * by its GroupMembership, the delayed operations by its GroupRebalance; GroupMetadataManager stores and loads.
 */
import { getLogger, Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { CoordinatorTime } from './CoordinatorTime';
import { GroupApi, GroupConfig } from './GroupConfig';
import { CONSUMER_PROTOCOL_TYPE, GroupMetadata, OffsetAndMetadata } from './GroupMetadata';
import { GroupMetadataManager } from './GroupMetadataManager';
import { GroupMembership, JoinGroupParams } from './GroupMembership';
import { EMPTY_BYTES, GroupRebalance, joinError } from './GroupRebalance';
import { JoinGroupResult, SyncGroupResult } from './MemberMetadata';

interface TopicPartition {
  topic: string;
  partition: number;
}

interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

interface GroupSummary {
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }>;
}

/** GroupCoordinator.EmptyGroup (errors) and DeadGroup (unknown group) summaries. */
const EMPTY_SUMMARY: GroupSummary = { state: '', protocolType: '', protocol: '', members: [] };
const DEAD_SUMMARY: GroupSummary = { state: 'Dead', protocolType: '', protocol: '', members: [] };
/** In errors.ts' table but not in the ErrorCode type. */
const GROUP_SUBSCRIBED_TO_TOPIC = 86;

export class GroupCoordinator {
  private readonly log: Logger;
  private active = false;
  private readonly rebalance: GroupRebalance;
  private readonly membership: GroupMembership;

  constructor(
    readonly brokerId: number,
    config: GroupConfig,
    readonly groupManager: GroupMetadataManager,
    private readonly time: CoordinatorTime,
  ) {
    this.log = getLogger('kafka.coordinator.group.GroupCoordinator', `[GroupCoordinator ${brokerId}]: `);
    this.rebalance = new GroupRebalance(config, groupManager, time, this.log);
    this.membership = new GroupMembership(config, groupManager, this.rebalance, (groupId, api) => this.validateGroupStatus(groupId, api), time, this.log);
  }

  startup(): void {
    this.log.info('Starting up.');
    this.groupManager.startup({ onGroupLoaded: (g) => this.onGroupLoaded(g), onGroupUnloaded: (g) => this.onGroupUnloaded(g) });
    this.active = true;
    this.log.info('Startup complete.');
  }

  shutdown(): void {
    this.log.info('Shutting down.');
    this.active = false;
    this.groupManager.shutdown();
    this.log.info('Shutdown complete.');
  }

  isActive(): boolean {
    return this.active;
  }

  partitionFor(groupId: string): number {
    return this.groupManager.partitionFor(groupId);
  }

  onElection(partition: number): void {
    this.log.info(`Elected as the group coordinator for partition ${partition}`);
    this.groupManager.onElection(partition);
  }

  onResignation(partition: number): void {
    this.log.info(`Resigned as the group coordinator for partition ${partition}`);
    this.groupManager.onResignation(partition);
  }

  /** GroupCoordinator.validateGroupStatus: group id, active, loading, ownership. */
  validateGroupStatus(groupId: string, api: GroupApi): number {
    const emptyAllowed = api === 'offset' || api === 'describe' || api === 'admin';
    if (!emptyAllowed && groupId === '') return ErrorCode.INVALID_GROUP_ID;
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.groupManager.isGroupLoading(groupId)) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (!this.groupManager.isGroupLocal(groupId)) return ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- membership (GroupMembership)

  handleJoinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    return this.membership.handleJoinGroup(p);
  }

  handleSyncGroup(
    groupId: string,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
    assignments: Map<string, Buffer>,
    protocolType: string | null = null,
    protocolName: string | null = null,
  ): Promise<SyncGroupResult> {
    return this.membership.handleSyncGroup(groupId, generationId, memberId, groupInstanceId, assignments, protocolType, protocolName);
  }

  handleHeartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    return this.membership.handleHeartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  handleLeaveGroup(
    groupId: string,
    leaving: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>,
  ): ReturnType<GroupMembership['handleLeaveGroup']> {
    return this.membership.handleLeaveGroup(groupId, leaving);
  }

  // ---------------------------------------------------------------- offsets and admin

  /**
   * OffsetCommit (GroupCoordinator.handleCommitOffsets): generation -1 with an empty member id is a
   * "simple" commit, allowed only while the group has no members; otherwise member and generation must
   * match. Answers one error for every given partition.
   */
  async handleCommitOffsets(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    offsets: Array<{ topic: string; partition: number; value: OffsetAndMetadata }>,
  ): Promise<number> {
    const status = this.validateGroupStatus(groupId, 'offset');
    if (status !== ErrorCode.NONE) return status;
    let group = this.groupManager.getGroup(groupId);
    if (!group) {
      // Not relying on Kafka for group management: the commit creates an Empty group.
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      group = this.groupManager.getOrMaybeCreateGroup(groupId, true)!;
    }
    const err = this.validateOffsetCommit(group, generationId, memberId, groupInstanceId, false);
    if (err !== ErrorCode.NONE) return err;
    if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
    if (group.has(memberId)) this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
    return this.groupManager.storeOffsets(group, offsets);
  }

  /**
   * TxnOffsetCommit (GroupCoordinator.handleTxnCommitOffsets, doTxnCommitOffsets): an unknown group is created Empty;
   * generation and member are checked as for OffsetCommit, but a commit without them (v0-2, or a producer outside the
   * group) is accepted whatever the group's state. The offsets are appended in one transactional batch of the producer
   * and stay pending until its COMMIT or ABORT marker. Metadata over `offset.metadata.max.bytes` gets
   * OFFSET_METADATA_TOO_LARGE and is left out of the batch (GroupMetadataManager.storeOffsets). One error per partition.
   */
  async handleTxnCommitOffsets(
    groupId: string,
    producerId: number,
    producerEpoch: number,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    offsets: Array<{ topic: string; partition: number; value: OffsetAndMetadata }>,
  ): Promise<number[]> {
    const all = (code: number) => offsets.map(() => code);
    const status = this.validateGroupStatus(groupId, 'txn-offset');
    if (status !== ErrorCode.NONE) return all(status);
    const group = this.groupManager.getOrMaybeCreateGroup(groupId, true)!;
    const err = this.validateOffsetCommit(group, generationId, memberId, groupInstanceId, true);
    if (err !== ErrorCode.NONE) return all(err);
    const max = this.groupManager.maxMetadataSize;
    // Kafka compares String.length (UTF-16 code units), which is what a JS string's length counts too.
    const tooLarge = offsets.map((o) => o.value.metadata.length > max);
    const valid = offsets.filter((_, i) => !tooLarge[i]);
    // GroupMetadataManager.storeOffsets: isTxnOffsetCommit = producerId != NO_PRODUCER_ID; with -1 it is a regular commit.
    const txn = producerId === -1 ? null : { producerId, producerEpoch };
    const code = valid.length === 0 ? ErrorCode.NONE : await this.groupManager.storeOffsets(group, valid, txn);
    return tooLarge.map((t) => (t ? ErrorCode.OFFSET_METADATA_TOO_LARGE : code));
  }

  /**
   * GroupCoordinator.validateOffsetCommit: generation -1 on an Empty group needs no member (admin client, manual
   * assignment); a generation, member or instance id must match a current member; without them, only an Empty group
   * takes regular commits, but transactional ones are always taken (older TxnOffsetCommit versions carry neither).
   */
  private validateOffsetCommit(group: GroupMetadata, generationId: number, memberId: string, groupInstanceId: string | null, isTransactional: boolean): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const err = this.membership.validateCurrentMember(group, memberId, groupInstanceId, isTransactional ? 'txn-offset-commit' : 'offset-commit');
      if (err !== ErrorCode.NONE) return err;
      return generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
    }
    return !isTransactional && !group.is('Empty') ? ErrorCode.UNKNOWN_MEMBER_ID : ErrorCode.NONE;
  }

  /**
   * OffsetFetch (GroupMetadataManager.getOffsets): offsets regardless of the group state (the group may only store
   * offsets). A partition without a commit, or an unknown group, gives offset -1 and no error. null partitions = all
   * committed. With requireStable (v7+, KIP-447) a partition with a pending commit, transactional or regular, answers
   * UNSTABLE_OFFSET_COMMIT (offset -1) so the consumer retries once the transaction completes.
   */
  handleFetchOffsets(
    groupId: string,
    partitions: TopicPartition[] | null,
    requireStable = false,
  ): { errorCode: number; offsets: Array<TopicPartition & CommittedOffset> } {
    const status = this.validateGroupStatus(groupId, 'offset');
    if (status !== ErrorCode.NONE) return { errorCode: status, offsets: [] };
    const group = this.groupManager.getGroup(groupId);
    const none = (tp: TopicPartition, errorCode: number = ErrorCode.NONE) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode });
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.NONE, offsets: (partitions ?? []).map((tp) => none(tp)) };
    const wanted = partitions ?? group.allOffsets().map(({ topic, partition }) => ({ topic, partition }));
    return {
      errorCode: ErrorCode.NONE,
      offsets: wanted.map((tp) => {
        if (requireStable && group.offsets.hasPendingOffsetCommitsForTopicPartition(tp.topic, tp.partition)) return none(tp, ErrorCode.UNSTABLE_OFFSET_COMMIT);
        const o = group.offset(tp.topic, tp.partition);
        return o ? { ...tp, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE } : none(tp);
      }),
    };
  }

  /** DescribeGroups: member metadata and assignments only while Stable (GroupMetadata.summary). */
  handleDescribeGroup(groupId: string): { errorCode: number; summary: GroupSummary } {
    const status = this.validateGroupStatus(groupId, 'describe');
    if (status !== ErrorCode.NONE) return { errorCode: status, summary: EMPTY_SUMMARY };
    const group = this.groupManager.getGroup(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, summary: DEAD_SUMMARY };
    const stable = group.is('Stable') && group.protocolName !== null;
    return {
      errorCode: ErrorCode.NONE,
      summary: {
        state: group.state,
        protocolType: group.protocolType ?? '',
        protocol: stable ? group.protocolName! : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? m.metadata(group.protocolName!) : EMPTY_BYTES,
          assignment: stable ? m.assignment : EMPTY_BYTES,
        })),
      },
    };
  }

  /**
   * ListGroups: the groups this broker coordinates; COORDINATOR_LOAD_IN_PROGRESS alongside while loading.
   * `states` (ListGroups v4 StatesFilter): empty = all, otherwise the state name must be one of them, compared
   * exactly as GroupCoordinator.handleListGroups does.
   */
  handleListGroups(states: string[] = []): { errorCode: number; groups: Array<{ groupId: string; protocolType: string; groupState: string }> } {
    if (!this.isActive()) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const errorCode = this.groupManager.isLoading() ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    const wanted = new Set(states);
    const groups = this.groupManager
      .currentGroups()
      .filter((g) => !g.is('Dead') && (wanted.size === 0 || wanted.has(g.state)))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state }));
    return { errorCode, groups };
  }

  /** DeleteGroups: only Empty groups (NON_EMPTY_GROUP otherwise); their offsets and metadata are tombstoned. */
  async handleDeleteGroups(groupIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const eligible: GroupMetadata[] = [];
    for (const groupId of groupIds) {
      const status = this.validateGroupStatus(groupId, 'admin');
      if (status !== ErrorCode.NONE) {
        out.set(groupId, status);
        continue;
      }
      const group = this.groupManager.getGroup(groupId);
      if (!group || group.is('Dead')) out.set(groupId, ErrorCode.GROUP_ID_NOT_FOUND);
      else if (group.is('Empty')) {
        group.transitionTo('Dead', this.time.now());
        this.groupManager.removeGroup(groupId);
        eligible.push(group);
      } else out.set(groupId, ErrorCode.NON_EMPTY_GROUP);
    }
    let removed = 0;
    for (const group of eligible) {
      const offsets = group.allOffsets().map(({ topic, partition }) => ({ topic, partition }));
      removed += offsets.length;
      const err = await this.groupManager.deleteOffsetsAndMaybeGroup(group, offsets, group.generationId > 0);
      if (err !== ErrorCode.NONE) this.log.warn(`Failed to write tombstones for deleted group ${group.groupId}: ${err}`);
      out.set(group.groupId, ErrorCode.NONE);
    }
    if (eligible.length > 0) {
      this.log.info(`The following groups were deleted: ${eligible.map((g) => g.groupId).join(', ')}. A total of ${removed} offsets were removed.`);
    }
    return out;
  }

  /**
   * OffsetDelete (KIP-496): an Empty group loses any offsets; an active consumer group only those of
   * topics it does not subscribe to (GROUP_SUBSCRIBED_TO_TOPIC for the others).
   */
  async handleDeleteOffsets(
    groupId: string,
    partitions: TopicPartition[],
  ): Promise<{ errorCode: number; partitions: Array<TopicPartition & { errorCode: number }> }> {
    const status = this.validateGroupStatus(groupId, 'join');
    if (status !== ErrorCode.NONE) return { errorCode: status, partitions: [] };
    const group = this.groupManager.getGroup(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    let eligible: TopicPartition[];
    const results: Array<TopicPartition & { errorCode: number }> = [];
    if (group.is('Empty')) {
      eligible = partitions;
    } else if (group.protocolType === CONSUMER_PROTOCOL_TYPE) {
      eligible = [];
      for (const tp of partitions) {
        if (group.subscribedTopics?.has(tp.topic)) results.push({ ...tp, errorCode: GROUP_SUBSCRIBED_TO_TOPIC });
        else eligible.push(tp);
      }
    } else {
      return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
    }
    if (eligible.length > 0) {
      // GroupMetadata.removeOffsets: pending commits of these partitions go too; tombstones only for committed ones.
      await this.groupManager.deleteOffsetsAndMaybeGroup(group, eligible, false);
      this.log.info(`The following offsets of the group ${groupId} were deleted: ${eligible.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}.`);
      for (const tp of eligible) results.push({ ...tp, errorCode: ErrorCode.NONE });
    }
    return { errorCode: ErrorCode.NONE, partitions: results };
  }

  // ---------------------------------------------------------------- load / unload

  /**
   * GroupCoordinator.scheduleHandleTxnCompletion: the COMMIT or ABORT marker of a producer's transaction was written
   * to these __consumer_offsets partitions, so its pending transactional offset commits become visible or are dropped.
   */
  scheduleHandleTxnCompletion(producerId: number, offsetsPartitions: number[], committed: boolean): void {
    this.groupManager.handleTxnCompletion(producerId, offsetsPartitions, committed);
  }

  private onGroupLoaded(group: GroupMetadata): void {
    this.log.info(`Loading group metadata for ${group.groupId} with generation ${group.generationId}`);
    for (const m of group.members.values()) this.rebalance.completeAndScheduleNextHeartbeatExpiration(group, m);
  }

  private onGroupUnloaded(group: GroupMetadata): void {
    this.log.info(`Unloading group metadata for ${group.groupId} with generation ${group.generationId}`);
    const previous = group.state;
    group.transitionTo('Dead', this.time.now());
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.syncTimer?.cancel();
    group.syncTimer = null;
    for (const m of group.members.values()) {
      m.cancelSessionTimer();
      if (previous === 'PreparingRebalance') group.maybeInvokeJoinCallback(m, joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
      const s = m.awaitingSyncCallback;
      if (s) {
        m.awaitingSyncCallback = null;
        s({ errorCode: ErrorCode.NOT_COORDINATOR, protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
      }
    }
    for (const t of group.pendingMembers.values()) t.cancel();
    group.pendingMembers.clear();
  }
}
