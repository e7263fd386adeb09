/**
 * A KRaft broker with a StandardAuthorizer narrows forwarded admin requests to what the client may do (Kafka's
 * controller does this from the Envelope's principal), forwards the rest and merges the denied items back in.
 */
import { expect } from 'chai';
import type { RequestContext } from '../../../../src/network/RequestContext';
import { CreatePartitionsApi, DeleteTopicsApi, IncrementalAlterConfigsApi } from '../../../../src/protocol/apis';
import { DescribeQuorumApi } from '../../../../src/protocol/apis/55-describe-quorum';
import type { ApiCodec } from '../../../../src/protocol/apis/types';
import { ErrorCode } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { AclOperation as O } from '../../../../src/security/AclEntry';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import type { AclBinding } from '../../../../src/security/authorizer/AclBinding';
import { StandardAuthorizer } from '../../../../src/security/authorizer/StandardAuthorizer';
import { AuthHelper } from '../../../../src/server/handlers/AuthHelper';
import { kraftForwardAuthorizationHandlers } from '../../../../src/server/handlers/KRaftForwardAuthorization';

const ctx = (apiKey: number, v: number): RequestContext => ({
  header: { apiKey, apiVersion: v, correlationId: 1, clientId: 'c' },
  listenerName: 'SASL_PLAINTEXT',
  clientAddress: '127.0.0.1',
  connectionId: 'c',
  principal: userPrincipal('alice'),
  securityProtocol: 'SASL_PLAINTEXT',
});
const topicAcl = (name: string, operation: number): AclBinding => ({
  pattern: { resourceType: 2, name, patternType: 3 },
  entry: { principal: 'User:alice', host: '*', operation, permissionType: 3 },
});

function setup(acls: AclBinding[]) {
  const authorizer = new StandardAuthorizer({ superUsers: '', allowEveryoneIfNoAclFound: false }, 1);
  authorizer.loadSnapshot(acls.map((binding, i) => ({ id: String(i), binding })));
  authorizer.completeInitialLoad();
  const forwarded: unknown[] = [];
  let rawForwards = 0;
  const handlers = kraftForwardAuthorizationHandlers({
    auth: new AuthHelper(authorizer),
    forward: async () => {
      rawForwards++;
      return [];
    },
    forwardDecoded: async <Req, Res>(_ctx: RequestContext, codec: ApiCodec<Req, Res>, req: Req): Promise<Res> => {
      forwarded.push(req);
      // The controller answers success for whatever reached it.
      if (codec.apiKey === DeleteTopicsApi.apiKey) {
        const r = req as { topics?: Array<{ name: string | null; topicId: Buffer }>; topicNames: string[] };
        const states = r.topics && r.topics.length > 0 ? r.topics : r.topicNames.map((name) => ({ name, topicId: Buffer.alloc(16) }));
        return { throttleTimeMs: 0, responses: states.map((s) => ({ name: s.name, topicId: s.topicId, errorCode: 0, errorMessage: null })) } as Res;
      }
      if (codec.apiKey === CreatePartitionsApi.apiKey) {
        return {
          throttleTimeMs: 0,
          results: (req as { topics: Array<{ name: string }> }).topics.map((t) => ({ name: t.name, errorCode: 0, errorMessage: null })),
        } as Res;
      }
      const resources = (req as { resources: Array<{ resourceType: number; resourceName: string }> }).resources;
      return {
        throttleTimeMs: 0,
        responses: resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode: 0, errorMessage: null })),
      } as Res;
    },
    topicName: (id) => (id[0] === 7 ? 'by-id' : undefined),
  });
  const call = async <Req, Res>(codec: ApiCodec<Req, Res>, v: number, req: Req): Promise<Res> => {
    const w = new Writer(128);
    codec.encodeRequest(w, v, req);
    const body = await handlers.get(codec.apiKey)!(ctx(codec.apiKey, v), new Reader(w.toBuffer()));
    return codec.decodeResponse(new Reader(Buffer.concat(body ?? [])), v);
  };
  return { call, forwarded, rawForwards: () => rawForwards };
}

describe('KRaft broker: authorization before forwarding', () => {
  it('DeleteTopics by name and by id: only the deletable topics are forwarded; the rest are TOPIC_AUTHORIZATION_FAILED', async () => {
    const { call, forwarded } = setup([topicAcl('mine', O.DELETE), topicAcl('by-id', O.DELETE)]);
    const byName = await call(DeleteTopicsApi, 5, { topicNames: ['mine', 'theirs'], timeoutMs: 1000 });
    expect(byName.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([
      ['mine', 0],
      ['theirs', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect((forwarded[0] as { topicNames: string[] }).topicNames).to.deep.equal(['mine']);
    const known = Buffer.alloc(16, 7);
    const unknown = Buffer.alloc(16, 9);
    const byId = await call(DeleteTopicsApi, 6, {
      topics: [
        { name: null, topicId: known },
        { name: null, topicId: unknown },
        { name: 'theirs', topicId: Buffer.alloc(16) },
      ],
      topicNames: [],
      timeoutMs: 1000,
    });
    // An id the broker does not know goes to the controller, which answers for it (UNKNOWN_TOPIC_ID in Kafka).
    expect(byId.responses.map((r) => r.errorCode)).to.deep.equal([0, 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED]);
  });

  it('nothing allowed: nothing is forwarded; CreatePartitions needs ALTER, IncrementalAlterConfigs ALTER_CONFIGS', async () => {
    const { call, forwarded } = setup([topicAcl('grow', O.ALTER), topicAcl('tune', O.ALTER_CONFIGS)]);
    const cp = await call(CreatePartitionsApi, 3, {
      topics: [
        { name: 'grow', count: 3, assignments: null },
        { name: 'other', count: 3, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(cp.results.map((r) => [r.name, r.errorCode])).to.deep.equal([
      ['grow', 0],
      ['other', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const none = await call(CreatePartitionsApi, 3, { topics: [{ name: 'other', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false });
    expect(none.results.map((r) => r.errorCode)).to.deep.equal([ErrorCode.TOPIC_AUTHORIZATION_FAILED]);
    expect(forwarded).to.have.length(1);
    const cfg = await call(IncrementalAlterConfigsApi, 1, {
      resources: [
        { resourceType: 2, resourceName: 'tune', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] },
        { resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '2' }] },
      ],
      validateOnly: false,
    });
    expect(cfg.responses.map((r) => [r.resourceName, r.errorCode])).to.deep.equal([
      ['tune', 0],
      ['', ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
    ]);
  });

  it('DescribeQuorum needs DESCRIBE on the cluster', async () => {
    const { call, rawForwards } = setup([]);
    const res = await call(DescribeQuorumApi, 1, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    expect(res.errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect(rawForwards()).to.equal(0);
  });
});
