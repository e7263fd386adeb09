/**
 * DeleteGroups (key 42), versions 0-1; none flexible (DeleteGroupsRequest/Response.json, flexible from 2).
 *
 * Request v0-1  => groups_names [STRING]
 * Response v0-1 => throttle_time_ms INT32, results [group_id STRING, error_code INT16]
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

interface DeleteGroupsRequest {
  groupsNames: string[];
}

interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}

export const DeleteGroupsApi: ApiCodec<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, _v: number): DeleteGroupsRequest {
    return { groupsNames: r.array((rr) => rr.string()) };
  },

  encodeRequest(w: Writer, _v: number, req: DeleteGroupsRequest): void {
    w.array(req.groupsNames, (ww, g) => {
      ww.string(g);
    });
  },

  decodeResponse(r: Reader, _v: number): DeleteGroupsResponse {
    const throttleTimeMs = r.int32();
    return { throttleTimeMs, results: r.array((rr): DeletableGroupResult => ({ groupId: rr.string(), errorCode: rr.int16() })) };
  },

  encodeResponse(w: Writer, _v: number, res: DeleteGroupsResponse): void {
    w.int32(res.throttleTimeMs).array(res.results, (ww, x) => {
      ww.string(x.groupId).int16(x.errorCode);
    });
  },
};
