import { expect } from 'chai';
import type { RequestContext } from '../../../../src/network/RequestContext';
import { CreateAclsApi, DeleteAclsApi, DescribeAclsApi } from '../../../../src/protocol/apis';
import type { AclCreation } from '../../../../src/protocol/apis/30-create-acls';
import { ErrorCode } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { AclOperation as O } from '../../../../src/security/AclEntry';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import { AclAuthorizer } from '../../../../src/security/authorizer/AclAuthorizer';
import { AclPermissionType as P } from '../../../../src/security/authorizer/AclBinding';
import { PatternType as PT, ResourceType as RT } from '../../../../src/security/authorizer/Authorizer';
import { AclApis } from '../../../../src/server/handlers/AclApis';
import { MemoryAclStore } from '../../security/authorizer/MemoryAclStore';

const ctx = (apiKey: number, v: number, user = 'admin'): RequestContext => ({
  header: { apiKey, apiVersion: v, correlationId: 1, clientId: 'c' },
  listenerName: 'SASL_PLAINTEXT',
  clientAddress: '127.0.0.1',
  connectionId: 'c',
  principal: userPrincipal(user),
  securityProtocol: 'SASL_PLAINTEXT',
});
const creation = (resourceType: number, resourceName: string, principal = 'User:alice'): AclCreation => ({
  resourceType,
  resourceName,
  resourcePatternType: PT.LITERAL,
  principal,
  host: '*',
  operation: O.READ,
  permissionType: P.ALLOW,
});
const anyFilter = {
  resourceTypeFilter: RT.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PT.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: O.ANY,
  permissionType: P.ANY,
};

async function create(apis: AclApis, creations: AclCreation[], user = 'admin', v = 3) {
  const w = new Writer();
  CreateAclsApi.encodeRequest(w, v, { creations });
  return CreateAclsApi.decodeResponse(new Reader(Buffer.concat((await apis.handleCreateAcls(ctx(30, v, user), new Reader(w.toBuffer())))!)), v);
}
async function describeAcls(apis: AclApis, user = 'admin', v = 3) {
  const w = new Writer();
  DescribeAclsApi.encodeRequest(w, v, anyFilter);
  return DescribeAclsApi.decodeResponse(new Reader(Buffer.concat(apis.handleDescribeAcls(ctx(29, v, user), new Reader(w.toBuffer()))!)), v);
}
async function del(apis: AclApis, user = 'admin', v = 3) {
  const w = new Writer();
  DeleteAclsApi.encodeRequest(w, v, { filters: [anyFilter] });
  return DeleteAclsApi.decodeResponse(new Reader(Buffer.concat((await apis.handleDeleteAcls(ctx(31, v, user), new Reader(w.toBuffer())))!)), v);
}

describe('AclApis (CreateAcls 30, DescribeAcls 29, DeleteAcls 31)', () => {
  it('without an authorizer every API answers SECURITY_DISABLED "No Authorizer is configured."', async () => {
    const apis = new AclApis(undefined);
    const c = await create(apis, [creation(RT.TOPIC, 't')]);
    expect(c.results).to.deep.equal([{ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' }]);
    const d = await describeAcls(apis);
    expect([d.errorCode, d.errorMessage]).to.deep.equal([ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.']);
    const x = await del(apis);
    expect(x.filterResults[0].errorCode).to.equal(ErrorCode.SECURITY_DISABLED);
  });

  it('creates, describes (grouped by resource) and deletes; CLUSTER names and empty names are refused', async () => {
    const a = new AclAuthorizer({ superUsers: 'User:admin', allowEveryoneIfNoAclFound: false }, new MemoryAclStore());
    await a.start();
    const apis = new AclApis(a);
    const c = await create(apis, [creation(RT.TOPIC, 't'), creation(RT.TOPIC, 't', 'User:bob'), creation(RT.CLUSTER, 'other'), creation(RT.TOPIC, '')]);
    expect(c.results.map((r) => r.errorCode)).to.deep.equal([0, 0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(c.results[2].errorMessage).to.equal('The only valid name for the CLUSTER resource is kafka-cluster');
    expect(c.results[3].errorMessage).to.equal('Invalid empty resource name');
    for (const v of [0, 1, 2, 3]) {
      const d = await describeAcls(apis, 'admin', v);
      expect(d.errorCode).to.equal(0);
      expect(d.resources).to.have.length(1);
      expect(d.resources[0].acls.map((x) => x.principal).sort()).to.deep.equal(['User:alice', 'User:bob']);
    }
    const x = await del(apis);
    expect(x.filterResults[0].errorCode).to.equal(0);
    expect(x.filterResults[0].matchingAcls).to.have.length(2);
    expect((await describeAcls(apis)).resources).to.deep.equal([]);
  });

  it('needs CLUSTER ALTER to create/delete and CLUSTER DESCRIBE to describe', async () => {
    const a = new AclAuthorizer({ superUsers: 'User:admin', allowEveryoneIfNoAclFound: false }, new MemoryAclStore());
    await a.start();
    const apis = new AclApis(a);
    expect((await create(apis, [creation(RT.TOPIC, 't')], 'alice')).results[0].errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect((await describeAcls(apis, 'alice')).errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect((await del(apis, 'alice')).filterResults[0].errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    // ALTER on the cluster implies DESCRIBE
    await create(apis, [{ ...creation(RT.CLUSTER, 'kafka-cluster'), operation: O.ALTER }]);
    expect((await describeAcls(apis, 'alice')).errorCode).to.equal(0);
    expect((await create(apis, [creation(RT.TOPIC, 't')], 'alice')).results[0].errorCode).to.equal(0);
  });
});
