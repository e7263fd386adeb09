import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { InitProducerIdApi, ListOffsetsApi, MetadataApi, ProduceApi, WriteTxnMarkersApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

/**
 * The same partition side of transactions on a KRaft broker (combined node, no ZooKeeper): WriteTxnMarkers is
 * served, an open transaction holds the LSO (ListOffsets READ_COMMITTED, kcat read_committed) until its COMMIT.
 */
describe('integration: transactions, log side on a KRaft broker', function () {
  this.timeout(120000);
  let cluster: KRaftTestCluster;
  const TOPIC = 'txkraft';

  before(async () => {
    cluster = await KRaftTestCluster.start({ controllers: 1, brokers: 1, combined: true });
    const kafka = new Kafka({ clientId: 'it-txlog-kraft', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    await waitFor(`${TOPIC} to have a leader`, async () => {
      const md = await send((c) =>
        c.send(MetadataApi, 9, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
      );
      return md.topics[0]?.errorCode === 0 && md.topics[0].partitions[0]?.leaderId === 1;
    });
  });

  after(async () => {
    await cluster?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs(60));
  });

  async function send<T>(fn: (c: NetworkClient) => Promise<T>): Promise<T> {
    const c = new NetworkClient('127.0.0.1', cluster.node(1).brokerPort, 'it-txlog-kraft-raw', 15000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  async function latestCommitted(): Promise<number> {
    const res = await send((c) =>
      c.send(ListOffsetsApi, 5, {
        replicaId: -1,
        isolationLevel: 1,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }],
      }),
    );
    expect(res.topics[0].partitions[0].errorCode).to.equal(ErrorCode.NONE);
    return res.topics[0].partitions[0].offset;
  }

  async function readCommitted(): Promise<string[]> {
    const r = await kcat(
      [
        '-C',
        '-b',
        cluster.bootstrap().split(',')[0],
        '-t',
        TOPIC,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%s\\n',
        '-X',
        'isolation.level=read_committed',
      ],
      {
        timeoutMs: 20000,
      },
    );
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.split('\n').filter((l) => l.length > 0);
  }

  it('an open transaction holds the LSO until the COMMIT marker written through WriteTxnMarkers', async () => {
    const pid = await waitFor('a producer id', async () => {
      const r = await send((c) => c.send(InitProducerIdApi, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }));
      return r.errorCode === ErrorCode.NONE ? r : undefined;
    });
    const records = (values: string[], transactional: boolean, seq: number) =>
      buildRecordBatch({
        records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })),
        producerId: transactional ? pid.producerId : -1,
        producerEpoch: transactional ? pid.producerEpoch : -1,
        baseSequence: transactional ? seq : -1,
        isTransactional: transactional,
      });
    const produce = async (b: Buffer) => {
      const res = await send((c) =>
        c.send(ProduceApi, 9, {
          transactionalId: 'it-kraft',
          acks: -1,
          timeoutMs: 10000,
          topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: b }] }],
        }),
      );
      expect(res.responses[0].partitionResponses[0].errorCode).to.equal(ErrorCode.NONE);
      return res.responses[0].partitionResponses[0].baseOffset;
    };
    await produce(records(['before'], false, 0));
    const first = await produce(records(['t1', 't2'], true, 0));
    await produce(records(['after'], false, 0));
    expect(await latestCommitted()).to.equal(first);
    expect(await readCommitted()).to.deep.equal(['before']);
    const res = await send((c) =>
      c.send(WriteTxnMarkersApi, 1, {
        markers: [
          {
            producerId: pid.producerId,
            producerEpoch: pid.producerEpoch,
            transactionResult: true,
            coordinatorEpoch: 0,
            topics: [{ name: TOPIC, partitionIndexes: [0] }],
          },
        ],
      }),
    );
    expect(res.markers[0].topics[0].partitions[0].errorCode).to.equal(ErrorCode.NONE);
    expect(await latestCommitted()).to.equal(first + 4); // before, t1, t2, after, the marker
    expect(await readCommitted()).to.deep.equal(['before', 't1', 't2', 'after']);
  });
});
