import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { Uuid } from '../../../src/common/Uuid';
import { CreateTopicsApi, DeleteTopicsApi, DescribeConfigsApi, MetadataApi } from '../../../src/protocol/apis';
import { CreateTopicsResponse } from '../../../src/protocol/apis/19-create-topics';
import { DeleteTopicsResponse } from '../../../src/protocol/apis/20-delete-topics';
import { ConfigSource, DescribeConfigsResponse } from '../../../src/protocol/apis/32-describe-configs';
import { MetadataResponse } from '../../../src/protocol/apis/03-metadata';
import { ApiCodec } from '../../../src/protocol/apis/types';
import { ErrorCode } from '../../../src/protocol/errors';
import { TOPIC_CONFIG_DOCS } from '../../../src/log/TopicConfigDocs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const ZERO = Buffer.alloc(16);

/**
 * Topic ids end to end (Kafka 3.7, ZK mode): CreateTopics v7 answers the id it wrote to /brokers/topics/<t>,
 * Metadata v10+ reports it and v12 looks topics up by it, DeleteTopics v6 deletes by it; DescribeConfigs v3 with
 * documentation; kafka-topics --describe prints the id from ZooKeeper on both of its paths.
 */
describe('integration: topic ids (CreateTopics v7, Metadata v12, DeleteTopics v6), DescribeConfigs v3', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1 });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  async function send<Req, Res>(codec: ApiCodec<Req, Res>, version: number, req: Req): Promise<Res> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-topic-ids', 30000);
    try {
      return await c.send(codec, version, req);
    } finally {
      c.close();
    }
  }

  async function zkTopicId(topic: string): Promise<string> {
    return (JSON.parse((await zk.get(`/brokers/topics/${topic}`)).data!) as { topic_id: string }).topic_id;
  }

  async function createV7(name: string, configs: Array<{ name: string; value: string }> = []): Promise<CreateTopicsResponse> {
    return send(CreateTopicsApi, 7, {
      topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs }],
      timeoutMs: 20000,
      validateOnly: false,
    });
  }

  it('CreateTopics v7 answers the id written to /brokers/topics/<t>, with partitions, replication factor and configs (v5)', async () => {
    const res = await createV7('ids-a', [{ name: 'retention.ms', value: '123456' }]);
    const t = res.topics[0];
    expect([t.name, t.errorCode, t.errorMessage, t.numPartitions, t.replicationFactor]).to.deep.equal(['ids-a', 0, null, 2, 1]);
    expect(Uuid.fromBytes(t.topicId!).toString()).to.equal(await zkTopicId('ids-a'));
    expect(t.topicId!.equals(ZERO)).to.equal(false);
    const retention = t.configs!.find((c) => c.name === 'retention.ms')!;
    expect(retention).to.deep.equal({ name: 'retention.ms', value: '123456', readOnly: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false });
    const segment = t.configs!.find((c) => c.name === 'segment.bytes')!;
    expect(segment.configSource).to.equal(ConfigSource.DEFAULT_CONFIG);
    expect(t.configs!.map((c) => c.name)).to.include.members(['cleanup.policy', 'min.insync.replicas']);

    const again = (await createV7('ids-a')).topics[0];
    expect(again).to.deep.equal({
      name: 'ids-a',
      topicId: ZERO,
      errorCode: ErrorCode.TOPIC_ALREADY_EXISTS,
      errorMessage: "Topic 'ids-a' already exists.",
      topicConfigErrorCode: 0,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    });
  });

  it('CreateTopics v7: validateOnly reports configs without an id; duplicates and __cluster_metadata are refused, as Kafka', async () => {
    const res: CreateTopicsResponse = await send(CreateTopicsApi, 7, {
      topics: [
        { name: 'ids-v', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'ids-dup', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'ids-dup', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: '__cluster_metadata', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 20000,
      validateOnly: true,
    });
    expect(res.topics.map((t) => [t.name, t.errorCode, t.errorMessage, t.numPartitions, t.topicId!.equals(ZERO)])).to.deep.equal([
      ['ids-v', 0, null, 3, true],
      ['ids-dup', ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.', -1, true],
      ['ids-dup', ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.', -1, true],
      ['__cluster_metadata', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.', -1, true],
    ]);
    expect(res.topics[0].configs!.length).to.be.greaterThan(20);
    expect(res.topics[3].topicConfigErrorCode).to.equal(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(await zk.exists('/brokers/topics/ids-v')).to.equal(false);
  });

  it('Metadata v10-12 report the id; v12 looks a topic up by id; an unknown id is UNKNOWN_TOPIC_ID with a null name', async () => {
    const id = Uuid.fromString(await zkTopicId('ids-a')).toBytes();
    await waitFor('ids-a with a leader in the metadata', async () => {
      const md = await send(MetadataApi, 10, { topics: [{ name: 'ids-a' }], allowAutoTopicCreation: false });
      return md.topics[0].errorCode === 0 && md.topics[0].partitions.every((p) => p.leaderId === 1);
    });
    const byName = await send(MetadataApi, 10, { topics: [{ name: 'ids-a' }], allowAutoTopicCreation: false });
    expect(byName.topics[0].topicId).to.deep.equal(id);

    const unknownId = Uuid.randomUuid().toBytes();
    const byId: MetadataResponse = await send(MetadataApi, 12, {
      topics: [
        { topicId: id, name: null },
        { topicId: unknownId, name: null },
      ],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: true,
    });
    expect(byId.topics.map((t) => [t.errorCode, t.name, Uuid.fromBytes(t.topicId!).toString()])).to.deep.equal([
      [ErrorCode.UNKNOWN_TOPIC_ID, null, Uuid.fromBytes(unknownId).toString()],
      [0, 'ids-a', Uuid.fromBytes(id).toString()],
    ]);
    const found = byId.topics[1];
    expect(found.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch])).to.deep.equal([
      [0, 1, 0],
      [1, 1, 0],
    ]);
    // No authorizer: every operation a topic supports (AclEntry.supportedOperations(TOPIC)), as Kafka.
    expect(found.topicAuthorizedOperations).to.equal(3576);
    expect(byId.topics[0].topicAuthorizedOperations).to.equal(-2147483648);

    const notAsked = await send(MetadataApi, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: false });
    expect(notAsked.topics[0].topicAuthorizedOperations).to.equal(-2147483648);
    const cluster10 = await send(MetadataApi, 10, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true });
    expect(cluster10.clusterAuthorizedOperations).to.equal(0x1fa0);
  });

  it('Metadata v11 with a topic id is INVALID_REQUEST (ids are honoured from v12), as Kafka', async () => {
    const id = Uuid.fromString(await zkTopicId('ids-a')).toBytes();
    const res = await send(MetadataApi, 11, { topics: [{ topicId: id, name: 'ids-a' }], allowAutoTopicCreation: false });
    expect(res.topics.map((t) => [t.errorCode, t.name])).to.deep.equal([[ErrorCode.INVALID_REQUEST, 'ids-a']]);
    expect(res.brokers).to.deep.equal([]);
  });

  it('DescribeConfigs v3 returns documentation and types when asked, v4 (flexible) too', async () => {
    const ask = (v: number, includeDocumentation: boolean) =>
      send(DescribeConfigsApi, v, {
        resources: [
          { resourceType: 2, resourceName: 'ids-a', configurationKeys: ['retention.ms', 'cleanup.policy'] },
          { resourceType: 4, resourceName: '1', configurationKeys: ['num.partitions'] },
        ],
        includeSynonyms: false,
        includeDocumentation,
      });
    for (const v of [3, 4]) {
      const res: DescribeConfigsResponse = await ask(v, true);
      const topic = res.results[0].configs;
      expect(topic.map((c) => [c.name, c.value, c.configSource, c.configType])).to.deep.equal([
        ['cleanup.policy', 'delete', ConfigSource.DEFAULT_CONFIG, 7],
        ['retention.ms', '123456', ConfigSource.TOPIC_CONFIG, 5],
      ]);
      expect(topic[1].documentation).to.equal(TOPIC_CONFIG_DOCS['retention.ms'].doc);
      expect(topic[1].documentation).to.match(/^This configuration controls the maximum time we will retain a log/);
      const broker = res.results[1].configs[0];
      expect([broker.name, broker.configType]).to.deep.equal(['num.partitions', 3]);
      expect(broker.documentation).to.equal('The default number of log partitions per topic');
    }
    const plain = await ask(3, false);
    expect(plain.results[0].configs.map((c) => c.documentation)).to.deep.equal([null, null]);
    expect(plain.results[0].configs.map((c) => c.configType)).to.deep.equal([7, 5]);
  });

  it('kafka-topics --describe prints the TopicId that /brokers/topics/<t> holds (--bootstrap-server, --topic-id, --zookeeper)', async () => {
    const id = await zkTopicId('ids-a');
    const bs = `127.0.0.1:${cluster.broker(1).port}`;
    const viaBroker = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'ids-a']);
    expect(viaBroker.code, viaBroker.stderr).to.equal(0);
    expect(viaBroker.stdout.split('\n')[0]).to.equal(`Topic: ids-a\tTopicId: ${id}\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=123456`);
    const byId = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic-id', id]);
    expect(byId.code, byId.stderr).to.equal(0);
    expect(byId.stdout).to.equal(viaBroker.stdout);
    const unknown = Uuid.randomUuid().toString();
    const missing = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic-id', unknown]);
    expect(missing.code).to.equal(1);
    // TopicCommand prints "Error while executing topic command" on stdout.
    expect(missing.stdout).to.equal(`Error while executing topic command : TopicId '${unknown}' does not exist as expected\n`);
    const viaZk = await runTool('kafka-topics', ['--zookeeper', cluster.connectString, '--describe', '--topic', 'ids-a']);
    expect(viaZk.code, viaZk.stderr).to.equal(0);
    expect(viaZk.stdout.split('\n')[0]).to.equal(`Topic: ids-a\tTopicId: ${id}\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=123456`);
  });

  it('DeleteTopics v6: by id removes the topic; an unknown id is UNKNOWN_TOPIC_ID; name and id together are INVALID_REQUEST', async () => {
    await createV7('ids-b');
    const id = Uuid.fromString(await zkTopicId('ids-b')).toBytes();
    const unknownId = Uuid.randomUuid().toBytes();

    const both: DeleteTopicsResponse = await send(DeleteTopicsApi, 6, {
      topics: [
        { name: 'ids-b', topicId: id },
        { name: null, topicId: unknownId },
      ],
      topicNames: [],
      timeoutMs: 20000,
    });
    expect(both.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([
      ['ids-b', ErrorCode.INVALID_REQUEST],
      [null, ErrorCode.INVALID_REQUEST],
    ]);
    expect(await zk.exists('/brokers/topics/ids-b')).to.equal(true);

    const res: DeleteTopicsResponse = await send(DeleteTopicsApi, 6, {
      topics: [
        { name: null, topicId: id },
        { name: null, topicId: unknownId },
      ],
      topicNames: [],
      timeoutMs: 20000,
    });
    expect(res.responses).to.deep.equal([
      { name: 'ids-b', topicId: id, errorCode: 0, errorMessage: null },
      { name: null, topicId: unknownId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: null },
    ]);
    await waitFor('/brokers/topics/ids-b removed', async () => !(await zk.exists('/brokers/topics/ids-b')));
    const md = await send(MetadataApi, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: false });
    expect(md.topics.map((t) => [t.errorCode, t.name])).to.deep.equal([[ErrorCode.UNKNOWN_TOPIC_ID, null]]);
  });
});
