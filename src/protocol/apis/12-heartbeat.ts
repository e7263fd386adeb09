/**
 * Heartbeat (key 12): a member of a classic group keeps its session. We serve Kafka 3.7's 0-4 (flexible from 4);
 * v3 adds GroupInstanceId (static members are checked against it: FENCED_INSTANCE_ID).
 */
import * as schema from '../messages/Heartbeat';
import { messageApi } from './messageApi';

interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const HeartbeatApi = messageApi<HeartbeatRequest, HeartbeatResponse>(schema.HeartbeatRequest, schema.HeartbeatResponse, {
  minVersion: 0,
  maxVersion: 4,
});
