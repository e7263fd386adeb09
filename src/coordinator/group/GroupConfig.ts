/**
 * The settings of the classic group coordinator (Kafka's GroupConfig case class in GroupCoordinator.scala,
 * read from group.min.session.timeout.ms, group.max.session.timeout.ms, group.initial.rebalance.delay.ms
 * and group.max.size).
 */
export interface GroupConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
}

/** The request a group check is made for (GroupCoordinator.validateGroupStatus takes the ApiKeys). */
export type GroupApi = 'join' | 'sync' | 'heartbeat' | 'leave' | 'offset' | 'txn-offset' | 'describe' | 'admin';

/** GroupCoordinator.validateGroupStatus, as the coordinator answers it: an error code or NONE. */
export type GroupStatusCheck = (groupId: string, api: GroupApi) => number;
