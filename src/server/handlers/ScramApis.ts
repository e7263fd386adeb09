/**
 * DescribeUserScramCredentials (50) and AlterUserScramCredentials (51) of KafkaApis in ZooKeeper mode: the broker
 * reads and writes /config/users itself, as ZkAdminManager does. Describe is answered by any broker; Alter only by
 * the active controller (NOT_CONTROLLER elsewhere, for every user of the request, so the admin client retries there).
 * Without an authorizer (our only mode so far) the DESCRIBE/ALTER CLUSTER checks always pass.
 */
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterUserScramCredentialsApi, DescribeUserScramCredentialsApi } from '../../protocol/apis';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { UserConfigStore, alterUserScramCredentials, describeUserScramCredentials } from '../../security/scram/UserScramCredentialsAdmin';

export class ScramApis {
  constructor(
    private readonly store: UserConfigStore,
    private readonly controller: { isActive(): boolean },
  ) {}

  async handleDescribeUserScramCredentials(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DescribeUserScramCredentialsApi.decodeRequest(r, v);
    const res = await describeUserScramCredentials(this.store, req.users === null ? null : req.users.map((u) => u.name));
    return encodeResponse(DescribeUserScramCredentialsApi, v, { throttleTimeMs: 0, ...res });
  }

  async handleAlterUserScramCredentials(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AlterUserScramCredentialsApi.decodeRequest(r, v);
    if (!this.controller.isActive()) {
      // AlterUserScramCredentialsRequest.getErrorResponse: each distinct user, sorted, with the error.
      const users = [...new Set([...req.deletions, ...req.upsertions].map((x) => x.name))].sort();
      const results = users.map((user) => ({ user, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: errorInfo(ErrorCode.NOT_CONTROLLER).message }));
      return encodeResponse(AlterUserScramCredentialsApi, v, { throttleTimeMs: 0, results });
    }
    const results = await alterUserScramCredentials(this.store, req);
    return encodeResponse(AlterUserScramCredentialsApi, v, { throttleTimeMs: 0, results });
  }
}
