/**
 * kafka.coordinator.group.GroupCoordinator: membership (GroupMembership.ts) plus committed offsets and the
 * admin operations: OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, DeleteGroups, OffsetDelete.
 */
import { ErrorCode } from '../../protocol/errors';
import { CoordinatorTime } from './CoordinatorTime';
import { CONSUMER_PROTOCOL_TYPE, GroupMetadata, OffsetAndMetadata } from './GroupMetadata';
import { GroupMetadataManager } from './GroupMetadataManager';
import { GroupConfig, GroupMembership, GROUP_SUBSCRIBED_TO_TOPIC } from './GroupMembership';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface GroupSummary {
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }>;
}

/** GroupCoordinator.EmptyGroup (errors) and DeadGroup (unknown group) summaries. */
const EMPTY_SUMMARY: GroupSummary = { state: '', protocolType: '', protocol: '', members: [] };
const DEAD_SUMMARY: GroupSummary = { state: 'Dead', protocolType: '', protocol: '', members: [] };
const EMPTY = Buffer.alloc(0);

export class GroupCoordinator extends GroupMembership {
  constructor(brokerId: number, config: GroupConfig, groupManager: GroupMetadataManager, time: CoordinatorTime) {
    super(brokerId, config, groupManager, time);
  }

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
    const err = this.validateOffsetCommit(group, generationId, memberId, groupInstanceId);
    if (err !== ErrorCode.NONE) return err;
    if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
    if (group.has(memberId)) this.completeAndScheduleNextHeartbeatExpiration(group, group.get(memberId));
    return this.groupManager.storeOffsets(group, offsets);
  }

  private validateOffsetCommit(group: GroupMetadata, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const err = this.validateCurrentMember(group, memberId, groupInstanceId, 'offset-commit');
      if (err !== ErrorCode.NONE) return err;
      return generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
    }
    // When the group is non-empty, only members can commit offsets.
    return group.is('Empty') ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /**
   * OffsetFetch: offsets regardless of the group state (the group may only store offsets). A partition
   * without a commit, or an unknown group, gives offset -1 and no error. null partitions = all committed.
   */
  handleFetchOffsets(groupId: string, partitions: TopicPartition[] | null): { errorCode: number; offsets: Array<TopicPartition & CommittedOffset> } {
    const status = this.validateGroupStatus(groupId, 'offset');
    if (status !== ErrorCode.NONE) return { errorCode: status, offsets: [] };
    const group = this.groupManager.getGroup(groupId);
    const none = (tp: TopicPartition) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE });
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.NONE, offsets: (partitions ?? []).map(none) };
    if (partitions === null) {
      return {
        errorCode: ErrorCode.NONE,
        offsets: group.allOffsets().map(({ topic, partition, value }) => ({
          topic, partition, offset: value.offset, leaderEpoch: value.leaderEpoch, metadata: value.metadata, errorCode: ErrorCode.NONE,
        })),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      offsets: partitions.map((tp) => {
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
          metadata: stable ? m.metadata(group.protocolName!) : EMPTY,
          assignment: stable ? m.assignment : EMPTY,
        })),
      },
    };
  }

  /** ListGroups: the groups this broker coordinates; COORDINATOR_LOAD_IN_PROGRESS alongside while loading. */
  handleListGroups(): { errorCode: number; groups: Array<{ groupId: string; protocolType: string }> } {
    if (!this.isActive()) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const errorCode = this.groupManager.isLoading() ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    const groups = this.groupManager.currentGroups()
      .filter((g) => !g.is('Dead'))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' }));
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
  async handleDeleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<{ errorCode: number; partitions: Array<TopicPartition & { errorCode: number }> }> {
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
      const present = eligible.filter((tp) => group.offset(tp.topic, tp.partition) !== undefined);
      await this.groupManager.deleteOffsetsAndMaybeGroup(group, present, false);
      this.log.info(`The following offsets of the group ${groupId} were deleted: ${eligible.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}.`);
      for (const tp of eligible) results.push({ ...tp, errorCode: ErrorCode.NONE });
    }
    return { errorCode: ErrorCode.NONE, partitions: results };
  }
}
