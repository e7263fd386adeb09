import { expect } from 'chai';
import { randomBytes } from 'crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Uuid } from '../../../src/common/Uuid';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { FetchApi } from '../../../src/protocol/apis';
import { FetchPartition, FetchRequest, FetchResponse, recordsBuffer } from '../../../src/protocol/apis/01-fetch';
import { ErrorCode } from '../../../src/protocol/errors';
import { validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { batchOf, produceRaw } from '../../helpers/rawClient';
import { ZkReader } from '../../helpers/zkRead';

const ZERO = Buffer.alloc(16);

interface Want {
  topic?: string;
  topicId?: Buffer;
  partitions: Array<Partial<FetchPartition> & { partition: number }>;
}

/** A consumer's Fetch request of version v with every field set (defaults where the test says nothing). */
function fetchRequest(v: number, topics: Want[], extra: Partial<FetchRequest> = {}): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: topics.map((t) => ({
      topic: v <= 12 ? (t.topic ?? '') : '',
      topicId: v >= 13 ? (t.topicId ?? ZERO) : ZERO,
      partitions: t.partitions.map((p) => ({
        currentLeaderEpoch: -1,
        fetchOffset: 0,
        lastFetchedEpoch: -1,
        logStartOffset: -1,
        partitionMaxBytes: 1 << 20,
        ...p,
      })),
    })),
    forgottenTopicsData: [],
    rackId: '',
    ...extra,
  };
}

/** The records of a decoded partition: how many, from the batch headers. */
function recordCount(records: Buffer | Buffer[] | null): number {
  const buf = recordsBuffer(records);
  if (buf.length === 0) return 0;
  return validateBatches(buf).reduce((n, b) => n + (b.lastOffset - b.baseOffset + 1), 0);
}

/** "partition:records" for every partition of a response, in order. */
function summary(res: FetchResponse): string[] {
  return res.responses.flatMap((t) => t.partitions.map((p) => `${p.partitionIndex}:${p.errorCode === 0 ? recordCount(p.records) : `e${p.errorCode}`}`));
}

/**
 * Fetch as Kafka 3.7 serves it beyond what kafkajs and librdkafka use (their consume paths are covered by
 * clients.test.ts): topic ids (v13), incremental fetch sessions (KIP-227), DivergingEpoch (v12), consumers
 * reading followers (v11+), CurrentLeader and NodeEndpoints (v16).
 */
describe('integration: Fetch v12-16, topic ids and fetch sessions', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;
  let c1: NetworkClient;
  let c2: NetworkClient;
  let sessId: Buffer;
  let soloId: Buffer;

  const topicId = async (topic: string): Promise<Buffer> => {
    const data = JSON.parse((await zk.get(`/brokers/topics/${topic}`)).data!) as { topic_id: string };
    return Uuid.fromString(data.topic_id).toBytes();
  };

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2 });
    zk = await ZkReader.connect(cluster.connectString);
    const kafka = new Kafka({ clientId: 'it-fetch', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: 'sess',
            replicaAssignment: [
              { partition: 0, replicas: [1, 2] },
              { partition: 1, replicas: [1, 2] },
            ],
          },
          { topic: 'solo', replicaAssignment: [{ partition: 0, replicas: [2] }] },
        ],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    sessId = await topicId('sess');
    soloId = await topicId('solo');
    c1 = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-fetch', 10000);
    c2 = new NetworkClient('127.0.0.1', cluster.broker(2).port, 'it-fetch', 10000);
    // Both brokers must know the topics (UpdateMetadata) and broker 1 must lead before the tests fetch.
    await waitFor('sess and solo known to both brokers', async () => {
      const a = await c1.send(
        FetchApi,
        13,
        fetchRequest(13, [
          { topicId: sessId, partitions: [{ partition: 0 }] },
          { topicId: soloId, partitions: [{ partition: 0 }] },
        ]),
      );
      const b = await c2.send(FetchApi, 13, fetchRequest(13, [{ topicId: sessId, partitions: [{ partition: 0 }] }]));
      return summary(a).join() === '0:0,0:e6' && summary(b).join() === '0:0';
    });
    expect((await produceRaw(cluster.broker(1).port, 'sess', 0, batchOf(['a', 'b', 'c']), -1)).errorCode).to.equal(0);
  });

  after(async () => {
    c1?.close();
    c2?.close();
    await zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('v13 names topics by id: records and the topic id come back; an unknown id is UNKNOWN_TOPIC_ID', async () => {
    const unknown = randomBytes(16);
    const res = await c1.send(
      FetchApi,
      13,
      fetchRequest(13, [
        { topicId: sessId, partitions: [{ partition: 0 }] },
        { topicId: unknown, partitions: [{ partition: 0 }, { partition: 3 }] },
      ]),
    );
    expect(res.responses.map((t) => t.topicId)).to.deep.equal([sessId, unknown]);
    const [known, missing] = res.responses;
    expect([known.partitions[0].errorCode, known.partitions[0].highWatermark, recordCount(known.partitions[0].records)]).to.deep.equal([0, 3, 3]);
    expect(missing.partitions.map((p) => [p.partitionIndex, p.errorCode])).to.deep.equal([
      [0, ErrorCode.UNKNOWN_TOPIC_ID],
      [3, ErrorCode.UNKNOWN_TOPIC_ID],
    ]);
    // v16 too; the batch holding offset 1 comes whole (offsets 0-2).
    const v16 = await c1.send(FetchApi, 16, fetchRequest(16, [{ topicId: sessId, partitions: [{ partition: 0, fetchOffset: 1 }] }]));
    expect(summary(v16)).to.deep.equal(['0:3']);
  });

  it('an incremental session answers only partitions that changed; bad epoch -> 71, unknown session -> 70', async () => {
    const want = (offsets: [number, number]): Want[] => [
      {
        topic: 'sess',
        partitions: [
          { partition: 0, fetchOffset: offsets[0] },
          { partition: 1, fetchOffset: offsets[1] },
        ],
      },
    ];
    // Full fetch (epoch 0): both partitions, and a new session.
    const full = await c1.send(FetchApi, 12, fetchRequest(12, want([3, 0]), { sessionId: 0, sessionEpoch: 0 }));
    expect(full.errorCode).to.equal(0);
    expect(full.sessionId).to.be.greaterThan(0);
    expect(summary(full)).to.deep.equal(['0:0', '1:0']);
    const id = full.sessionId;
    // Nothing changed: an incremental fetch naming no partitions answers none.
    const idle = await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: id, sessionEpoch: 1 }));
    expect([idle.errorCode, idle.sessionId, summary(idle)]).to.deep.equal([0, id, []]);
    // New records in partition 1 only: the session still reads both, the response carries partition 1.
    expect((await produceRaw(cluster.broker(1).port, 'sess', 1, batchOf(['x', 'y']), -1)).errorCode).to.equal(0);
    const changed = await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: id, sessionEpoch: 2 }));
    expect(summary(changed)).to.deep.equal(['1:2']);
    expect(changed.responses[0].partitions[0].highWatermark).to.equal(2);
    // The consumer moves partition 1's position: only that partition is named; nothing new to answer.
    const moved = await c1.send(
      FetchApi,
      12,
      fetchRequest(12, [{ topic: 'sess', partitions: [{ partition: 1, fetchOffset: 2 }] }], { sessionId: id, sessionEpoch: 3 }),
    );
    expect(summary(moved)).to.deep.equal([]);
    // Forget partition 0, then write to it: the session no longer reports it.
    const forgot = await c1.send(
      FetchApi,
      12,
      fetchRequest(12, [], { sessionId: id, sessionEpoch: 4, forgottenTopicsData: [{ topic: 'sess', topicId: ZERO, partitions: [0] }] }),
    );
    expect(forgot.errorCode).to.equal(0);
    expect((await produceRaw(cluster.broker(1).port, 'sess', 0, batchOf(['d']), -1)).errorCode).to.equal(0);
    expect(summary(await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: id, sessionEpoch: 5 })))).to.deep.equal([]);
    // A replayed epoch, and a session id the broker never gave.
    const stale = await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: id, sessionEpoch: 5 }));
    expect([stale.errorCode, summary(stale)]).to.deep.equal([ErrorCode.INVALID_FETCH_SESSION_EPOCH, []]);
    const bogus = id === 0x7fffffff ? 1 : id + 1;
    const unknown = await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: bogus, sessionEpoch: 1 }));
    expect([unknown.errorCode, unknown.sessionId]).to.deep.equal([ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0]);
    // The session is intact after both errors; epoch -1 (FINAL) closes it and answers without a session.
    expect((await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: id, sessionEpoch: 6 }))).errorCode).to.equal(0);
    const closed = await c1.send(FetchApi, 12, fetchRequest(12, want([4, 2]), { sessionId: id, sessionEpoch: -1 }));
    expect([closed.errorCode, closed.sessionId, summary(closed)]).to.deep.equal([0, 0, ['0:0', '1:0']]);
    const gone = await c1.send(FetchApi, 12, fetchRequest(12, [], { sessionId: id, sessionEpoch: 7 }));
    expect(gone.errorCode).to.equal(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('v12 last_fetched_epoch: a fetcher ahead of the leader in its epoch is told to truncate (DivergingEpoch)', async () => {
    const leo = 4; // 'a','b','c','d' in partition 0, all in leader epoch 0
    const res = await c1.send(FetchApi, 12, fetchRequest(12, [{ topic: 'sess', partitions: [{ partition: 0, fetchOffset: leo + 3, lastFetchedEpoch: 0 }] }]));
    const p = res.responses[0].partitions[0];
    expect([p.errorCode, p.divergingEpoch, recordCount(p.records)]).to.deep.equal([0, { epoch: 0, endOffset: leo }, 0]);
    // In step with the leader: no divergence, records as usual (both batches, the first holding offsets 0-2).
    const ok = await c1.send(FetchApi, 12, fetchRequest(12, [{ topic: 'sess', partitions: [{ partition: 0, fetchOffset: 1, lastFetchedEpoch: 0 }] }]));
    expect([ok.responses[0].partitions[0].divergingEpoch, recordCount(ok.responses[0].partitions[0].records)]).to.deep.equal([{ epoch: -1, endOffset: -1 }, 4]);
    // An epoch the leader never had beyond its latest: Kafka answers OFFSET_OUT_OF_RANGE.
    const unknown = await c1.send(FetchApi, 12, fetchRequest(12, [{ topic: 'sess', partitions: [{ partition: 0, fetchOffset: 1, lastFetchedEpoch: 9 }] }]));
    expect(unknown.responses[0].partitions[0].errorCode).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('consumers read a follower from v11 (client metadata), up to its high watermark; before v11 only the leader', async () => {
    const req = (v: number): FetchRequest => fetchRequest(v, [{ topic: 'sess', topicId: sessId, partitions: [{ partition: 0 }] }]);
    const got = await waitFor('follower 2 serves sess-0 up to the high watermark 4', async () => {
      const res = await c2.send(FetchApi, 11, req(11));
      const p = res.responses[0].partitions[0];
      return p.errorCode === 0 && p.highWatermark === 4 ? p : null;
    });
    expect(recordCount(got.records)).to.equal(4);
    expect(summary(await c2.send(FetchApi, 13, req(13)))).to.deep.equal(['0:4']);
    expect(summary(await c2.send(FetchApi, 10, req(10)))).to.deep.equal([`0:e${ErrorCode.NOT_LEADER_OR_FOLLOWER}`]);
  });

  it('v16 answers NOT_LEADER_OR_FOLLOWER with CurrentLeader and the leader endpoint; v15 without', async () => {
    const req = (v: number): FetchRequest => fetchRequest(v, [{ topicId: soloId, partitions: [{ partition: 0 }] }]);
    const v15 = await c1.send(FetchApi, 15, req(15));
    expect(v15.responses[0].partitions[0].errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(v15.responses[0].partitions[0].currentLeader).to.deep.equal({ leaderId: -1, leaderEpoch: -1 });
    const v16 = await c1.send(FetchApi, 16, req(16));
    const p = v16.responses[0].partitions[0];
    expect([p.errorCode, p.currentLeader]).to.deep.equal([ErrorCode.NOT_LEADER_OR_FOLLOWER, { leaderId: 2, leaderEpoch: 0 }]);
    expect(v16.nodeEndpoints).to.deep.equal([{ nodeId: 2, host: '127.0.0.1', port: cluster.broker(2).port, rack: null }]);
  });
});
