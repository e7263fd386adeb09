/**
 * JoinGroup (key 11): a member joins a classic group and waits for the rebalance. We serve Kafka 3.7's 0-9
 * (flexible from 6). v1 adds RebalanceTimeoutMs (v0 takes the session timeout for it, as Kafka's JoinGroupRequest
 * does on parse); v4 MEMBER_ID_REQUIRED for dynamic members (KIP-394); v5 GroupInstanceId (static membership,
 * KIP-345); v7 ProtocolType in the response and a nullable ProtocolName; v8 Reason (logged in the rebalance
 * reason); v9 SkipAssignment: Kafka 3.7's old coordinator sets it when a static leader rejoins a Stable group
 * unchanged (GroupCoordinator.updateStaticMemberAndRebalance), so the leader keeps its role without reassigning.
 */
import * as schema from '../messages/JoinGroup';
import { messageApi } from './messageApi';

interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  reason: string | null;
}

interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  /** v7+. */
  protocolType: string | null;
  /** Nullable from v7; "" before. */
  protocolName: string | null;
  leader: string;
  /** v9+. */
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export const JoinGroupApi = messageApi<JoinGroupRequest, JoinGroupResponse>(schema.JoinGroupRequest, schema.JoinGroupResponse, {
  minVersion: 0,
  maxVersion: 9,
  // JoinGroupRequest.maybeOverrideRebalanceTimeout: v0 has no rebalance timeout, the session timeout stands for it.
  normalizeRequest: (req, version) => (version === 0 ? { ...req, rebalanceTimeoutMs: req.sessionTimeoutMs } : req),
});
