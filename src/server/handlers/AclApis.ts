/**
 * DescribeAcls (29), CreateAcls (30), DeleteAcls (31) as Kafka 3.7's kafka.server.AclApis: the request itself needs
 * CLUSTER DESCRIBE (Describe) or CLUSTER ALTER (Create/Delete), asked of the authorizer directly; without an authorizer
 * the APIs are still served and answer SECURITY_DISABLED "No Authorizer is configured.".
 */
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { CreateAclsApi, DeleteAclsApi, DescribeAclsApi } from '../../protocol/apis';
import type { DescribeAclsResource } from '../../protocol/apis/29-describe-acls';
import type { DeleteAclsMatchingAcl } from '../../protocol/apis/31-delete-acls';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo, KafkaError } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation } from '../../security/AclEntry';
import type { AclAuthorizer } from '../../security/authorizer/AclAuthorizer';
import { InvalidAclError } from '../../security/authorizer/AclAuthorizer';
import type { Authorizer } from '../../security/authorizer/Authorizer';
import { AclBinding, AclBindingFilter, filterIndefiniteField, patternKey } from '../../security/authorizer/AclBinding';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { authorizableContext } from './AuthHelper';

const NO_AUTHORIZER = 'No Authorizer is configured.';

/** An authorizer that also manages ACLs: AclAuthorizer (ZooKeeper) or StandardAuthorizer (KRaft, kraftsec). */
export type AclManagingAuthorizer = Authorizer & Pick<AclAuthorizer, 'acls' | 'createAcls' | 'deleteAcls'>;

function errorOf(e: Error | null): { errorCode: number; errorMessage: string | null } {
  if (e === null) return { errorCode: ErrorCode.NONE, errorMessage: null };
  if (e instanceof InvalidAclError) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: e.message };
  // kraftsec: the KRaft controller's ApiExceptions (InvalidRequestException, NotControllerException) keep their code.
  if (e instanceof KafkaError) return { errorCode: e.code, errorMessage: e.message };
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: e.message };
}

const clusterDenied = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message };

export class AclApis {
  constructor(private readonly authorizer: AclManagingAuthorizer | undefined) {}

  /** AuthHelper.authorizeClusterOperation: no authorizer = allowed. */
  private clusterAllowed(ctx: RequestContext, operation: number): boolean {
    if (!this.authorizer) return true;
    const action = { operation, resourceType: ResourceType.CLUSTER, resourceName: CLUSTER_NAME, logIfAllowed: true, logIfDenied: true };
    return this.authorizer.authorize(authorizableContext(ctx), [action])[0];
  }

  handleDescribeAcls(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeAclsApi.decodeRequest(r, v);
    const answer = (errorCode: number, errorMessage: string | null, resources: DescribeAclsResource[] = []) =>
      encodeResponse(DescribeAclsApi, v, { throttleTimeMs: 0, errorCode, errorMessage, resources });
    if (!this.clusterAllowed(ctx, AclOperation.DESCRIBE)) return answer(clusterDenied.errorCode, clusterDenied.errorMessage);
    if (!this.authorizer) return answer(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
    const filter: AclBindingFilter = {
      pattern: { resourceType: req.resourceTypeFilter, name: req.resourceNameFilter, patternType: req.patternTypeFilter },
      entry: { principal: req.principalFilter, host: req.hostFilter, operation: req.operation, permissionType: req.permissionType },
    };
    const indefinite = filterIndefiniteField(filter);
    if (indefinite !== null) return answer(ErrorCode.INVALID_REQUEST, `DescribeAclsRequest contains UNKNOWN elements: ${indefinite}`);
    // DescribeAclsResponse.aclsResources: bindings grouped by resource pattern.
    const byPattern = new Map<string, DescribeAclsResource>();
    for (const b of this.authorizer.acls(filter)) {
      const k = patternKey(b.pattern);
      let res = byPattern.get(k);
      if (!res) {
        res = { resourceType: b.pattern.resourceType, resourceName: b.pattern.name, patternType: b.pattern.patternType, acls: [] };
        byPattern.set(k, res);
      }
      res.acls.push({ principal: b.entry.principal, host: b.entry.host, operation: b.entry.operation, permissionType: b.entry.permissionType });
    }
    return answer(ErrorCode.NONE, null, [...byPattern.values()]);
  }

  async handleCreateAcls(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = CreateAclsApi.decodeRequest(r, v);
    const all = (e: { errorCode: number; errorMessage: string | null }) =>
      encodeResponse(CreateAclsApi, v, { throttleTimeMs: 0, results: req.creations.map(() => ({ ...e })) });
    if (!this.clusterAllowed(ctx, AclOperation.ALTER)) return all(clusterDenied);
    if (!this.authorizer) return all({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER });
    const results: Array<{ errorCode: number; errorMessage: string | null }> = [];
    const valid: Array<{ i: number; binding: AclBinding }> = [];
    req.creations.forEach((c, i) => {
      const binding: AclBinding = {
        pattern: { resourceType: c.resourceType, name: c.resourceName, patternType: c.resourcePatternType },
        entry: { principal: c.principal, host: c.host, operation: c.operation, permissionType: c.permissionType },
      };
      if (c.resourceType === ResourceType.CLUSTER && c.resourceName !== CLUSTER_NAME) {
        results[i] = { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}` };
      } else if (c.resourceName === '') {
        results[i] = { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Invalid empty resource name' };
      } else {
        valid.push({ i, binding });
      }
    });
    const created = await this.authorizer.createAcls(valid.map((x) => x.binding));
    valid.forEach((x, j) => (results[x.i] = errorOf(created[j].error)));
    return encodeResponse(CreateAclsApi, v, { throttleTimeMs: 0, results });
  }

  async handleDeleteAcls(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DeleteAclsApi.decodeRequest(r, v);
    const all = (e: { errorCode: number; errorMessage: string | null }) =>
      encodeResponse(DeleteAclsApi, v, { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ ...e, matchingAcls: [] })) });
    if (!this.clusterAllowed(ctx, AclOperation.ALTER)) return all(clusterDenied);
    if (!this.authorizer) return all({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER });
    const filters: AclBindingFilter[] = req.filters.map((f) => ({
      pattern: { resourceType: f.resourceTypeFilter, name: f.resourceNameFilter, patternType: f.patternTypeFilter },
      entry: { principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permissionType: f.permissionType },
    }));
    // Filters with UNKNOWN elements match nothing (Kafka refuses them when parsing the request).
    const usable = filters.map((f) => filterIndefiniteField(f) === null);
    const deleted = await this.authorizer.deleteAcls(filters.filter((_, i) => usable[i]));
    let j = 0;
    const filterResults = filters.map((f, i) => {
      if (!usable[i])
        return {
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `DeleteAclsRequest contains UNKNOWN elements: ${filterIndefiniteField(f)}`,
          matchingAcls: [],
        };
      const res = deleted[j++];
      const matchingAcls: DeleteAclsMatchingAcl[] = res.deleted.map((b) => ({
        ...errorOf(b.error),
        resourceType: b.pattern.resourceType,
        resourceName: b.pattern.name,
        patternType: b.pattern.patternType,
        principal: b.entry.principal,
        host: b.entry.host,
        operation: b.entry.operation,
        permissionType: b.entry.permissionType,
      }));
      return { ...errorOf(res.error), matchingAcls };
    });
    return encodeResponse(DeleteAclsApi, v, { throttleTimeMs: 0, filterResults });
  }
}
