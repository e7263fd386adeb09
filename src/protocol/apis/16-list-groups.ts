/**
 * ListGroups (key 16), versions 0-2; none flexible (ListGroupsRequest/Response.json, flexible from 3).
 *
 * Request v0-2  => (empty)
 * Response v0   => error_code INT16, groups [group_id STRING, protocol_type STRING]
 * Response v1-2 => throttle_time_ms INT32, error_code INT16, groups [group_id STRING, protocol_type STRING]
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

type ListGroupsRequest = Record<string, never>;

interface ListedGroup {
  groupId: string;
  protocolType: string;
}

interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export const ListGroupsApi: ApiCodec<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: Infinity,

  decodeRequest(_r: Reader, _v: number): ListGroupsRequest {
    return {};
  },

  encodeRequest(_w: Writer, _v: number, _req: ListGroupsRequest): void {
    // empty body
  },

  decodeResponse(r: Reader, v: number): ListGroupsResponse {
    const throttleTimeMs = v >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    return { throttleTimeMs, errorCode, groups: r.array((rg): ListedGroup => ({ groupId: rg.string(), protocolType: rg.string() })) };
  },

  encodeResponse(w: Writer, v: number, res: ListGroupsResponse): void {
    if (v >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode).array(res.groups, (wg, g) => {
      wg.string(g.groupId).string(g.protocolType);
    });
  },
};
