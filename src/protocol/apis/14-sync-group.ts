/**
 * SyncGroup (key 14): the leader hands out the assignment; every member gets its own. We serve Kafka 3.7's 0-5
 * (flexible from 4). v3 adds GroupInstanceId; v5 ProtocolType/ProtocolName in request and response: from v5 both
 * are mandatory (KafkaApis: INCONSISTENT_GROUP_PROTOCOL when null) and must match the group's
 * (GroupCoordinator.validateSyncGroup).
 */
import * as schema from '../messages/SyncGroup';
import { messageApi } from './messageApi';

interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+. */
  protocolType: string | null;
  /** v5+. */
  protocolName: string | null;
  assignments: SyncGroupRequestAssignment[];
}

interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** v5+. */
  protocolType: string | null;
  /** v5+. */
  protocolName: string | null;
  assignment: Buffer;
}

export const SyncGroupApi = messageApi<SyncGroupRequest, SyncGroupResponse>(schema.SyncGroupRequest, schema.SyncGroupResponse, {
  minVersion: 0,
  maxVersion: 5,
});
