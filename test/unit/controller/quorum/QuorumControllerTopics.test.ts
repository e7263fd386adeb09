import { expect } from 'chai';
import { Uuid } from '../../../../src/common/Uuid';
import { metadataRecordTypeById } from '../../../../src/metadata/records/MetadataRecordType';
import { ErrorCode } from '../../../../src/protocol/errors';
import { createTopicRequest, registerBrokers, registration, startEnv } from './ControllerTestEnv';

describe('QuorumController: topics and partitions', () => {
  it('creates a topic in one batch (TopicRecord, ConfigRecords, PartitionRecords) over the unfenced brokers', async () => {
    const env = await startEnv();
    const c = env.c();
    await registerBrokers(c, [1, 2, 3]);
    const before = env.quorum.batches.length;
    const r = await c.createTopics(createTopicRequest('orders', 3, 2, [{ name: 'cleanup.policy', value: 'compact' }]), 7);
    const t = r.topics[0];
    expect(t).to.deep.include({ name: 'orders', errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 2 });
    expect(t.configs).to.deep.equal([{ name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false }]);
    const batches = env.quorum.batches.slice(before);
    expect(batches).to.have.length(1);
    expect(batches[0].records.map((x) => metadataRecordTypeById(x.type)!.spec.name)).to.deep.equal([
      'TopicRecord',
      'ConfigRecord',
      'PartitionRecord',
      'PartitionRecord',
      'PartitionRecord',
    ]);
    const topic = c.image().topicsByName.get('orders')!;
    expect(topic.id.equals(t.topicId!)).to.equal(true);
    expect(c.image().configs.get('2:orders')!.get('cleanup.policy')).to.equal('compact');
    const leaders = new Set<number>();
    for (const [, p] of topic.partitions) {
      expect(p.replicas).to.have.length(2);
      expect(new Set(p.replicas).size).to.equal(2);
      expect(p.isr).to.deep.equal(p.replicas);
      expect(p.leader).to.equal(p.replicas[0]);
      expect(p.leaderEpoch).to.equal(0);
      leaders.add(p.leader);
    }
    // Striped placement spreads the leaders.
    expect(leaders.size).to.equal(3);
    expect(env.events.find((e) => e.event === 'topic_created')!.fields).to.deep.equal({
      topic: 'orders',
      partitions: 3,
      topic_id: Uuid.fromBytes(t.topicId!).toString(),
    });
    expect(env.events.filter((e) => e.event === 'partition_state')).to.have.length(3);
    // Kafka's replay log lines, and the Raft thread woken for each append.
    expect(env.logs).to.include(`INFO Replayed TopicRecord for topic orders with topic ID ${Uuid.fromBytes(t.topicId!).toString()}.`);
    expect(env.logs).to.include("INFO Replayed ConfigRecord for ConfigResource(type=TOPIC, name='orders') which set configuration cleanup.policy to compact");
    expect(env.logs.some((l) => l.startsWith('INFO Replayed initial RegisterBrokerRecord for broker 1: RegisterBrokerRecord(brokerId=1,'))).to.equal(true);
    expect(env.quorum.node(3001).wakeups).to.equal(env.quorum.batches.filter((b) => !b.isControl).length);
  });

  it("answers Kafka's error codes and messages", async () => {
    const env = await startEnv();
    const c = env.c();
    await registerBrokers(c, [1, 2]);
    await c.createTopics(createTopicRequest('taken', 1, 1), 7);
    await c.createTopics(createTopicRequest('a_b', 1, 1), 7);
    const r = await c.createTopics(
      {
        topics: [
          { name: 'bad name', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'taken', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'zero', numPartitions: 0, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'norf', numPartitions: 1, replicationFactor: 0, assignments: [], configs: [] },
          { name: 'big', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
          { name: 'a.b', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'nullcfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: null }] },
          { name: 'twice', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'twice', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'manual', numPartitions: 1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [] },
          { name: 'manual2', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 9] }], configs: [] },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      },
      7,
    );
    const byName = (n: string) => r.topics.filter((t) => t.name === n).map((t) => [t.errorCode, t.errorMessage]);
    expect(byName('bad name')).to.deep.equal([
      [ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
    ]);
    expect(byName('taken')).to.deep.equal([[ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'taken' already exists."]]);
    expect(byName('zero')).to.deep.equal([[ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.']]);
    expect(byName('norf')).to.deep.equal([[ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.']]);
    expect(byName('big')).to.deep.equal([
      [
        ErrorCode.INVALID_REPLICATION_FACTOR,
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.',
      ],
    ]);
    expect(byName('a.b')).to.deep.equal([[ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic 'a.b' collides with existing topic: a_b"]]);
    expect(byName('nullcfg')).to.deep.equal([[ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: retention.ms']]);
    expect(byName('twice')).to.deep.equal([[ErrorCode.INVALID_REQUEST, 'Duplicate topic name.']]);
    expect(byName('manual')).to.deep.equal([[ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.']]);
    expect(byName('manual2')).to.deep.equal([
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 9, but no such broker is registered.'],
    ]);
    expect([...c.image().topicsByName.keys()].sort()).to.deep.equal(['a_b', 'taken']);
  });

  it('uses the defaults for -1, honours manual assignments, validates configs, and writes nothing for validateOnly', async () => {
    const env = await startEnv({
      overrides: {
        defaultNumPartitions: 2,
        validateTopicConfig: (name, value) =>
          name === 'retention.ms' && !/^-?\d+$/.test(value ?? '') ? `Invalid value ${value} for configuration retention.ms` : null,
      },
    });
    const c = env.c();
    await registerBrokers(c, [1, 2]);
    const d = await c.createTopics(createTopicRequest('defaults', -1, -1), 7);
    expect(d.topics[0]).to.deep.include({ errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    const m = await c.createTopics(
      {
        topics: [{ name: 'manual', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2, 1] }], configs: [] }],
        timeoutMs: 1,
        validateOnly: false,
      },
      7,
    );
    expect(m.topics[0].errorCode).to.equal(0);
    expect(c.image().topicsByName.get('manual')!.partitions.get(0)).to.deep.include({ replicas: [2, 1], isr: [2, 1], leader: 2 });
    const bad = await c.createTopics(createTopicRequest('badcfg', 1, 1, [{ name: 'retention.ms', value: 'soon' }]), 7);
    expect(bad.topics[0]).to.deep.include({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Invalid value soon for configuration retention.ms' });
    const end = env.quorum.endOffset();
    const v = await c.createTopics({ ...createTopicRequest('dry', 3, 2), validateOnly: true }, 7);
    expect(v.topics[0]).to.deep.include({ errorCode: 0, numPartitions: 3, replicationFactor: 2 });
    expect(env.quorum.endOffset()).to.equal(end);
    expect(c.image().topicsByName.has('dry')).to.equal(false);
  });

  it('refuses to place replicas when every broker is fenced', async () => {
    const env = await startEnv();
    const c = env.c();
    await c.registerBroker(registration(1));
    const r = await c.createTopics(createTopicRequest('t', 1, 1), 7);
    expect(r.topics[0]).to.deep.include({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: 'Unable to replicate the partition 1 time(s): All brokers are currently fenced.',
    });
  });

  it('deletes topics by name and by id, with UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID for unknown ones', async () => {
    const env = await startEnv();
    const c = env.c();
    await registerBrokers(c, [1]);
    const a = (await c.createTopics(createTopicRequest('a', 1, 1, [{ name: 'retention.ms', value: '1000' }]), 7)).topics[0].topicId!;
    const b = (await c.createTopics(createTopicRequest('b', 1, 1), 7)).topics[0].topicId!;
    const byName = await c.deleteTopics({ topicNames: ['a', 'nope'], timeoutMs: 1000 }, 5);
    expect(byName.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([
      ['a', 0],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(c.image().topicsByName.has('a')).to.equal(false);
    expect(c.image().topicsById.has(a.toString('hex'))).to.equal(false);
    const unknownId = Uuid.randomUuid().toBytes();
    const byId = await c.deleteTopics(
      {
        topics: [
          { name: null, topicId: b },
          { name: null, topicId: unknownId },
        ],
        topicNames: [],
        timeoutMs: 1000,
      },
      6,
    );
    expect(byId.responses.map((r) => [r.name, r.errorCode, r.errorMessage])).to.deep.equal([
      ['b', 0, null],
      [null, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'],
    ]);
    expect(c.image().topicsByName.size).to.equal(0);
    expect(env.events.filter((e) => e.event === 'topic_deleted').map((e) => e.fields.topic)).to.deep.equal(['a', 'b']);
  });

  it('creates partitions, refusing a decrease, the same count, and wrong assignments', async () => {
    const env = await startEnv();
    const c = env.c();
    await registerBrokers(c, [1, 2]);
    await c.createTopics(createTopicRequest('p', 2, 2), 7);
    const r = await c.createPartitions(
      {
        topics: [
          { name: 'p', count: 4, assignments: null },
          { name: 'missing', count: 2, assignments: null },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      },
      3,
    );
    expect(r.results).to.deep.equal([
      { name: 'p', errorCode: 0, errorMessage: null },
      { name: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' },
    ]);
    const parts = c.image().topicsByName.get('p')!.partitions;
    expect(parts.size).to.equal(4);
    expect(parts.get(3)!.replicas).to.have.length(2);
    const errs = await c.createPartitions(
      {
        topics: [{ name: 'p', count: 3, assignments: null }],
        timeoutMs: 1000,
        validateOnly: false,
      },
      3,
    );
    expect(errs.results[0]).to.deep.equal({
      name: 'p',
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: 'The topic p currently has 4 partition(s); 3 would not be an increase.',
    });
    const same = await c.createPartitions({ topics: [{ name: 'p', count: 4, assignments: null }], timeoutMs: 1, validateOnly: false }, 3);
    expect(same.results[0].errorMessage).to.equal('Topic already has 4 partition(s).');
    const wrong = await c.createPartitions({ topics: [{ name: 'p', count: 6, assignments: [{ brokerIds: [1, 2] }] }], timeoutMs: 1, validateOnly: false }, 3);
    expect(wrong.results[0]).to.deep.include({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.',
    });
    const manual = await c.createPartitions({ topics: [{ name: 'p', count: 5, assignments: [{ brokerIds: [2, 1] }] }], timeoutMs: 1, validateOnly: false }, 3);
    expect(manual.results[0].errorCode).to.equal(0);
    expect(c.image().topicsByName.get('p')!.partitions.get(4)).to.deep.include({ replicas: [2, 1], leader: 2 });
  });
});
