/**
 * LeaveGroup (key 13): members leave a classic group. We serve Kafka 3.7's 0-5 (flexible from 4). v3 batches
 * members with their group instance ids (KIP-345; an empty member id removes a static member by instance id)
 * and answers per member; v5 adds a Reason per member, logged in the rebalance reason. v0-2 requests decode with
 * their single member in `members` too, as Kafka's LeaveGroupRequest.normalizedData() presents them.
 */
import * as schema from '../messages/LeaveGroup';
import { messageApi } from './messageApi';

interface LeaveGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  /** v5+. */
  reason: string | null;
}

interface LeaveGroupRequest {
  groupId: string;
  /** v0-2. */
  memberId: string;
  /** v3+ (and v0-2 after decoding). */
  members: LeaveGroupMember[];
}

interface LeaveGroupMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupMemberResponse[];
}

export const LeaveGroupApi = messageApi<LeaveGroupRequest, LeaveGroupResponse>(schema.LeaveGroupRequest, schema.LeaveGroupResponse, {
  minVersion: 0,
  maxVersion: 5,
  normalizeRequest: (req, version) => (version < 3 ? { ...req, members: [{ memberId: req.memberId, groupInstanceId: null, reason: null }] } : req),
});
