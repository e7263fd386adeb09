/**
 * Metadata with an authorizer (KafkaApis 3.7 handleTopicMetadataRequest): only topics the principal may DESCRIBE
 * are described, one asked for by name (or id) without it is TOPIC_AUTHORIZATION_FAILED, all-topics leaves it out,
 * auto-creation needs CREATE on the cluster or the topic, and authorized operations reflect the ACLs.
 */
import { expect } from 'chai';
import { MetadataApi } from '../../../../src/protocol/apis';
import { MetadataRequest, MetadataResponse } from '../../../../src/protocol/apis/03-metadata';
import { ErrorCode } from '../../../../src/protocol/errors';
import { AclOperation as O, to32BitField } from '../../../../src/security/AclEntry';
import { CLUSTER_NAME, ResourceType as R } from '../../../../src/security/authorizer/Authorizer';
import { AdminApis } from '../../../../src/server/handlers/AdminApis';
import { KafkaApisDeps } from '../../../../src/server/handlers/ApiDeps';
import { FakeAuthorizer } from './FakeAuthorizer';
import { callAsAlice, oneBrokerCache } from './authTestSupport';

const ID_A = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const ID_B = Buffer.from('fedcba9876543210fedcba9876543210', 'hex');

function apis(authorizer: FakeAuthorizer, created: string[] = []): AdminApis {
  const deps = {
    config: { brokerId: 1, autoCreateTopicsEnable: true },
    clusterId: 'cluster',
    metadataCache: oneBrokerCache(
      ['a', 'b'],
      new Map([
        ['a', ID_A],
        ['b', ID_B],
      ]),
    ),
    controller: { isActive: () => true },
    adminManager: {
      autoCreateTopic: async (name: string) => {
        created.push(name);
        return ErrorCode.NONE;
      },
    },
    authorizer,
  } as unknown as KafkaApisDeps;
  return new AdminApis(deps);
}

async function metadata(api: AdminApis, v: number, req: MetadataRequest): Promise<MetadataResponse> {
  return callAsAlice(MetadataApi, v, req, (c, r) => api.handleMetadata(c, r));
}

const rows = (md: MetadataResponse) => md.topics.map((t) => [t.name, t.errorCode, t.partitions.length]);

describe('Metadata authorization (KafkaApis.handleTopicMetadataRequest with an authorizer)', () => {
  it('all topics: only those the principal may DESCRIBE, the others left out silently', async () => {
    const auth = new FakeAuthorizer([[O.DESCRIBE, R.TOPIC, 'b']]);
    expect(rows(await metadata(apis(auth), 9, { topics: null, allowAutoTopicCreation: false }))).to.deep.equal([['b', 0, 1]]);
    // Denials while listing all topics are not audit-logged (logIfDenied = !isAllTopics).
    expect(auth.asked.every((a) => !a.logIfDenied)).to.equal(true);
  });

  it('by name: a topic without DESCRIBE is TOPIC_AUTHORIZATION_FAILED, existing or not, after the described ones', async () => {
    const md = await metadata(apis(new FakeAuthorizer([[O.DESCRIBE, R.TOPIC, 'b']])), 9, {
      topics: [{ name: 'a' }, { name: 'b' }, { name: 'ghost' }],
      allowAutoTopicCreation: false,
    });
    expect(rows(md)).to.deep.equal([
      ['b', 0, 1],
      ['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0],
      ['ghost', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0],
    ]);
    expect(md.topics[1].topicId).to.deep.equal(Buffer.alloc(16));
  });

  it('v12 by id without DESCRIBE: TOPIC_AUTHORIZATION_FAILED with the id and no name', async () => {
    const md = await metadata(apis(new FakeAuthorizer()), 12, { topics: [{ name: null, topicId: ID_A }], allowAutoTopicCreation: false });
    expect(md.topics.map((t) => [t.name, t.errorCode, t.topicId!.toString('hex')])).to.deep.equal([
      [null, ErrorCode.TOPIC_AUTHORIZATION_FAILED, ID_A.toString('hex')],
    ]);
  });

  it('auto-creation needs CREATE on the cluster or on the topic', async () => {
    const created: string[] = [];
    const topicOnly = new FakeAuthorizer([
      [O.DESCRIBE, R.TOPIC, 'new1'],
      [O.DESCRIBE, R.TOPIC, 'new2'],
      [O.CREATE, R.TOPIC, 'new1'],
    ]);
    const md = await metadata(apis(topicOnly, created), 9, { topics: [{ name: 'new1' }, { name: 'new2' }], allowAutoTopicCreation: true });
    expect(rows(md)).to.deep.equal([
      ['new1', ErrorCode.LEADER_NOT_AVAILABLE, 0],
      ['new2', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0],
    ]);
    expect(created).to.deep.equal(['new1']);
    const clusterCreate = new FakeAuthorizer([
      [O.DESCRIBE, R.TOPIC, 'new2'],
      [O.CREATE, R.CLUSTER, CLUSTER_NAME],
    ]);
    expect(rows(await metadata(apis(clusterCreate, created), 9, { topics: [{ name: 'new2' }], allowAutoTopicCreation: true }))).to.deep.equal([
      ['new2', ErrorCode.LEADER_NOT_AVAILABLE, 0],
    ]);
    expect(created).to.deep.equal(['new1', 'new2']);
  });

  it('authorized operations: the granted ones for topics; cluster 0 without DESCRIBE on it', async () => {
    const auth = new FakeAuthorizer([
      [O.DESCRIBE, R.TOPIC, 'a'],
      [O.READ, R.TOPIC, 'a'],
    ]);
    const md = await metadata(apis(auth), 10, {
      topics: [{ name: 'a' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    });
    expect(md.topics[0].topicAuthorizedOperations).to.equal(to32BitField([O.READ, O.DESCRIBE]));
    expect(md.clusterAuthorizedOperations).to.equal(0);
    auth.allow(O.DESCRIBE, R.CLUSTER, CLUSTER_NAME).allow(O.ALTER, R.CLUSTER, CLUSTER_NAME);
    const md2 = await metadata(apis(auth), 10, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true });
    expect(md2.clusterAuthorizedOperations).to.equal(to32BitField([O.DESCRIBE, O.ALTER]));
  });
});
