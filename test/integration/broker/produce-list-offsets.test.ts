import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DeleteRecordsApi, ListOffsetsApi, ProduceApi } from '../../../src/protocol/apis';
import { ListOffsetsPartitionResponse } from '../../../src/protocol/apis/02-list-offsets';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const T0 = 1700000000000;

/**
 * The newer versions of Produce (v8 record errors, v10 leader hints) and ListOffsets (v4 epochs, v7 MAX_TIMESTAMP,
 * v8 EARLIEST_LOCAL_TIMESTAMP) against real brokers, at the protocol level, and kafka-get-offsets on top of them.
 */
describe('integration: Produce v8-10 and ListOffsets v4-8', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const clients: NetworkClient[] = [];
  const client = (id: number) => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(id).port, 'it-produce-list-offsets', 10000);
    clients.push(c);
    return c;
  };
  const listOffsets = async (version: number, topic: string, timestamp: number, currentLeaderEpoch = -1): Promise<ListOffsetsPartitionResponse> => {
    const r = await client(1).send(ListOffsetsApi, version, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp, maxNumOffsets: 1 }] }],
    });
    return r.topics[0].partitions[0];
  };

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2 });
    kafka = new Kafka({ clientId: 'it-produce-list-offsets', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'lo', replicaAssignment: [{ partition: 0, replicas: [1] }] },
        { topic: 'lo-empty', replicaAssignment: [{ partition: 0, replicas: [1] }] },
        { topic: 'compacted', replicaAssignment: [{ partition: 0, replicas: [1] }], configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    // Timestamps out of order: the largest is the second record (offset 1), then a later batch with a smaller one.
    await producer.send({
      topic: 'lo',
      acks: -1,
      messages: [
        { key: 'a', value: '0', timestamp: String(T0 + 5) },
        { key: 'b', value: '1', timestamp: String(T0 + 9) },
        { key: 'c', value: '2', timestamp: String(T0 + 1) },
      ],
    });
    await producer.send({ topic: 'lo', acks: -1, messages: [{ key: 'd', value: '3', timestamp: String(T0 + 3) }] });
    await producer.disconnect();
  });

  after(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('ListOffsets v7 MAX_TIMESTAMP answers the record with the largest timestamp (KIP-734); empty partition: no offset', async () => {
    expect(await listOffsets(7, 'lo', -3)).to.include({ errorCode: 0, offset: 1, timestamp: T0 + 9, leaderEpoch: 0 });
    expect(await listOffsets(8, 'lo-empty', -3)).to.include({ errorCode: 0, offset: -1, timestamp: -1 });
    expect(await listOffsets(5, 'lo', T0 + 6)).to.include({ errorCode: 0, offset: 1, timestamp: T0 + 9, leaderEpoch: 0 });
    expect(await listOffsets(6, 'lo', -1)).to.include({ errorCode: 0, offset: 4, timestamp: -1, leaderEpoch: 0 });
    // v3 has no leader epoch field: the decoded default.
    expect(await listOffsets(3, 'lo', -1)).to.include({ offset: 4, leaderEpoch: -1 });
  });

  it('ListOffsets v8 EARLIEST_LOCAL_TIMESTAMP is the log start offset (no remote storage), also after DeleteRecords', async () => {
    expect(await listOffsets(8, 'lo', -4)).to.include({ errorCode: 0, offset: 0, timestamp: -1 });
    const del = await client(1).send(DeleteRecordsApi, 2, { topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, offset: 1 }] }], timeoutMs: 5000 });
    expect(del.topics[0].partitions[0]).to.include({ errorCode: 0, lowWatermark: 1 });
    expect(await listOffsets(8, 'lo', -4)).to.include({ errorCode: 0, offset: 1 });
    expect(await listOffsets(8, 'lo', -2)).to.include({ errorCode: 0, offset: 1 });
  });

  it('ListOffsets v0 answers legacy offset lists: segment bases (not below the log start) and the end offset, descending', async () => {
    const v0 = async (timestamp: number, maxNumOffsets: number) => {
      const r = await client(1).send(ListOffsetsApi, 0, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets }] }],
      });
      return r.topics[0].partitions[0];
    };
    // One segment (base 0, log start 1 after the DeleteRecords above) plus the log end offset 4.
    expect(await v0(-1, 10))
      .to.include({ errorCode: 0 })
      .and.to.have.deep.property('oldStyleOffsets', [4, 1]);
    expect((await v0(-1, 1)).oldStyleOffsets).to.deep.equal([4]);
    expect((await v0(-2, 5)).oldStyleOffsets).to.deep.equal([1]);
    // By time: segments modified at or before it; nothing was modified before 1970.
    expect((await v0(1, 5)).oldStyleOffsets).to.deep.equal([]);
    expect((await v0(Date.now() + 60000, 5)).oldStyleOffsets).to.deep.equal([4, 1]);
  });

  it('ListOffsets v4+ fences on current_leader_epoch (a newer one: UNKNOWN_LEADER_EPOCH); a partition named twice: INVALID_REQUEST', async () => {
    expect(await listOffsets(4, 'lo', -1, 0)).to.include({ errorCode: 0, offset: 4 });
    expect(await listOffsets(4, 'lo', -1, 3)).to.include({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1 });
    // A partition named twice in one request: INVALID_REQUEST for both entries.
    const dup = await client(1).send(ListOffsetsApi, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'lo', partitions: [0, 0].map((partitionIndex) => ({ partitionIndex, timestamp: -1, maxNumOffsets: 1 })) }],
    });
    expect(dup.topics[0].partitions.map((p) => p.errorCode)).to.deep.equal([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });

  it('kafka-get-offsets --time max-timestamp / -3 / -4 print what GetOffsetShell prints', async () => {
    const bs = cluster.bootstrap.join(',');
    for (const time of ['max-timestamp', '-3']) {
      const r = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'lo', '--time', time]);
      expect(r, r.stderr).to.include({ code: 0, stdout: 'lo:0:1\n' });
    }
    const local = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'lo', '--time', '-4']);
    expect(local, local.stderr).to.include({ code: 0, stdout: 'lo:0:1\n' });
    // An empty partition has no max-timestamp offset: nothing to print.
    const empty = await runTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'lo-empty', '--time', 'max-timestamp']);
    expect(empty.code).to.equal(1);
    expect(empty.stderr).to.equal('Error occurred: Could not match any topic-partitions with the specified filters\n');
  });

  it('Produce v8 answers every keyless record of a compacted topic in RecordErrors, with the message; v7 has neither', async () => {
    const batch = () =>
      buildRecordBatch({
        records: [
          { key: Buffer.from('k'), value: Buffer.from('a'), timestamp: Date.now() },
          { key: null, value: Buffer.from('b'), timestamp: Date.now() },
          { key: null, value: Buffer.from('c'), timestamp: Date.now() },
        ],
      });
    const produce = (version: number) =>
      client(1).send(ProduceApi, version, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'compacted', partitionData: [{ index: 0, records: batch() }] }],
      });
    for (const v of [8, 9, 10]) {
      const p = (await produce(v)).responses[0].partitionResponses[0];
      const msg = 'Compacted topic cannot accept message without key in topic partition compacted-0';
      expect(p.errorCode).to.equal(ErrorCode.INVALID_RECORD);
      expect(p.recordErrors).to.deep.equal([
        { batchIndex: 1, batchIndexErrorMessage: msg },
        { batchIndex: 2, batchIndexErrorMessage: msg },
      ]);
      expect(p.errorMessage).to.equal(
        `One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='${msg}'), RecordError(batchIndex=2, message='${msg}')]`,
      );
      expect(p.logStartOffset).to.equal(0);
    }
    const old = (await produce(7)).responses[0].partitionResponses[0];
    expect(old).to.include({ errorCode: ErrorCode.INVALID_RECORD, errorMessage: null });
    expect(old.recordErrors).to.deep.equal([]);
  });

  it('Produce v10 to a non-leader names the leader and its endpoint (KIP-951); v9 does not', async () => {
    const send = (version: number) =>
      client(2).send(ProduceApi, version, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [
          {
            name: 'lo',
            partitionData: [{ index: 0, records: buildRecordBatch({ records: [{ key: null, value: Buffer.from('x'), timestamp: Date.now() }] }) }],
          },
        ],
      });
    // Broker 2 hosts no replica of lo-0: it answers from its metadata cache once UpdateMetadata reached it.
    let r10 = await send(10);
    await waitFor('broker 2 names leader 1 for lo-0', async () => (r10 = await send(10)).responses[0].partitionResponses[0].currentLeader?.leaderId === 1);
    const p = r10.responses[0].partitionResponses[0];
    expect(p.errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(p.currentLeader).to.deep.equal({ leaderId: 1, leaderEpoch: 0 });
    expect(r10.nodeEndpoints).to.deep.equal([{ nodeId: 1, host: '127.0.0.1', port: cluster.broker(1).port, rack: null }]);
    const r9 = await send(9);
    expect(r9.responses[0].partitionResponses[0].currentLeader).to.deep.equal({ leaderId: -1, leaderEpoch: -1 });
    expect(r9.nodeEndpoints).to.deep.equal([]);
  });
});
