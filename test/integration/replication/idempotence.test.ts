import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { InitProducerIdApi, OffsetForLeaderEpochApi, ProduceApi } from '../../../src/protocol/apis';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

/**
 * The idempotent producer (InitProducerId from /latest_producer_id_block blocks, duplicate and sequence
 * checks per partition) and the leader side of OffsetForLeaderEpoch, with kafkajs, kcat and raw requests.
 */
describe('integration: idempotent producer and leader epochs', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'min.insync.replicas': '2' } });
    kafka = new Kafka({ clientId: 'it-idem', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    zk = await ZkReader.connect(cluster.connectString);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'idem', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }], waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const send = async <Req, Res>(broker: number, codec: { apiKey: number } & Parameters<NetworkClient['send']>[0], v: number, req: Req): Promise<Res> => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(broker).port, 'it-idem-raw', 10000);
    try {
      return (await c.send(codec as never, v, req as never)) as Res;
    } finally {
      c.close();
    }
  };

  const initProducerIdOnce = (broker: number, v = 1) =>
    send<unknown, { errorCode: number; producerId: number; producerEpoch: number }>(broker, InitProducerIdApi, v, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1,
      producerEpoch: -1,
    });
  /** Retried on COORDINATOR_LOAD_IN_PROGRESS (14) as clients do: a broker has no id block until the controller sends one. */
  const initProducerId = (broker: number, v = 1) =>
    waitFor(`InitProducerId from broker ${broker}`, async () => {
      const res = await initProducerIdOnce(broker, v);
      return res.errorCode === 14 ? null : res;
    });

  const produce = async (pid: number, epoch: number, seq: number, values: string[]): Promise<{ errorCode: number; baseOffset: number }> => {
    const records = buildRecordBatch({
      records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })),
      producerId: pid,
      producerEpoch: epoch,
      baseSequence: seq,
    });
    const res = await send<unknown, { responses: Array<{ partitionResponses: Array<{ errorCode: number; baseOffset: number }> }> }>(1, ProduceApi, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'idem', partitionData: [{ index: 0, records }] }],
    });
    return res.responses[0].partitionResponses[0];
  };

  it('InitProducerId hands out unique ids from blocks of 1000 the controller claims in /latest_producer_id_block', async () => {
    // IBP >= 3.0: a broker asks the controller for a block (AllocateProducerIds) and, as Kafka does, answers
    // COORDINATOR_LOAD_IN_PROGRESS until the block arrives instead of waiting for it.
    expect((await initProducerIdOnce(3)).errorCode).to.equal(14);
    const a = await initProducerId(1);
    const b = await initProducerId(1, 4);
    const c = await initProducerId(2, 2);
    expect(a.errorCode).to.equal(0);
    expect(a.producerEpoch).to.equal(0);
    expect(b.producerId).to.equal(a.producerId + 1);
    expect(Math.floor(c.producerId / 1000)).to.not.equal(Math.floor(a.producerId / 1000));
    const node = await zk.get('/latest_producer_id_block');
    expect(node.data).to.match(/^\{"version":1,"broker":[123],"block_start":"\d+","block_end":"\d+"\}$/);
    expect((await initProducerId(3)).producerId).to.be.at.least(0);
    expect(node.stat.version).to.be.at.least(2);
  });

  it('a retried batch is answered with its original offset; gaps and old epochs are refused', async () => {
    const { producerId: pid } = await initProducerId(1);
    const first = await produce(pid, 0, 0, ['a', 'b']);
    expect(first.errorCode).to.equal(0);
    const second = await produce(pid, 0, 2, ['c']);
    expect(second.errorCode).to.equal(0);
    const dup = await produce(pid, 0, 0, ['a', 'b']);
    expect(dup).to.deep.equal(first);
    expect((await produce(pid, 0, 7, ['gap'])).errorCode).to.equal(45); // OUT_OF_ORDER_SEQUENCE_NUMBER
    expect((await produce(pid, 1, 0, ['new-epoch'])).errorCode).to.equal(0);
    expect((await produce(pid, 0, 3, ['old-epoch'])).errorCode).to.equal(47); // INVALID_PRODUCER_EPOCH
    const values = await readPartition(cluster.broker(1).port, 'idem', 0, 1e9);
    expect(values.filter((v) => v === 'a')).to.have.length(1);
    expect(values).to.not.include('gap');
  });

  it('kafkajs idempotent producer and kcat with enable.idempotence=true work', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'idem', acks: -1, messages: [{ value: `kjs-${i}` }, { value: `kjs-${i}b` }] });
    await producer.disconnect();
    const r = await kcat(['-b', cluster.bootstrap.join(','), '-X', 'enable.idempotence=true', '-P', '-t', 'idem', '-p', '0'], { input: 'kc-1\nkc-2\nkc-3\n' });
    expect(r.code, r.stderr).to.equal(0);
    const values = await readPartition(cluster.broker(1).port, 'idem', 0, 1e9);
    for (let i = 0; i < 10; i++) expect(values.filter((v) => v === `kjs-${i}`)).to.have.length(1);
    for (const v of ['kc-1', 'kc-2', 'kc-3']) expect(values.filter((x) => x === v)).to.have.length(1);
  });

  it('OffsetForLeaderEpoch: the leader answers from its epoch cache; followers and stale epochs are refused; the checkpoint is on disk', async () => {
    const st = JSON.parse((await zk.get('/brokers/topics/idem/partitions/0/state')).data!) as { leader: number; leader_epoch: number };
    const ask = (broker: number, current: number, epoch: number) =>
      send<unknown, { topics: Array<{ partitions: Array<{ errorCode: number; leaderEpoch: number; endOffset: number }> }> }>(
        broker,
        OffsetForLeaderEpochApi,
        3,
        {
          replicaId: 99,
          topics: [{ topic: 'idem', partitions: [{ partition: 0, currentLeaderEpoch: current, leaderEpoch: epoch }] }],
        },
      ).then((r) => r.topics[0].partitions[0]);
    const leo = (await readPartition(cluster.broker(st.leader).port, 'idem', 0, 1e9)).length;
    const own = await ask(st.leader, st.leader_epoch, st.leader_epoch);
    expect(own.errorCode).to.equal(0);
    expect(own.leaderEpoch).to.equal(st.leader_epoch);
    expect(own.endOffset).to.be.at.least(leo);
    expect((await ask(st.leader, st.leader_epoch, st.leader_epoch + 5)).endOffset).to.equal(-1);
    if (st.leader_epoch > 0) expect((await ask(st.leader, st.leader_epoch - 1, 0)).errorCode).to.equal(74); // FENCED_LEADER_EPOCH
    expect((await ask(st.leader, st.leader_epoch + 1, 0)).errorCode).to.equal(75); // UNKNOWN_LEADER_EPOCH
    const follower = [1, 2, 3].find((b) => b !== st.leader)!;
    expect((await ask(follower, -1, 0)).errorCode).to.equal(6); // NOT_LEADER_OR_FOLLOWER
    for (const b of [1, 2, 3]) {
      const file = path.join(cluster.broker(b).dataDir, 'idem-0', 'leader-epoch-checkpoint');
      await waitFor(`leader-epoch-checkpoint on broker ${b}`, async () => fs.existsSync(file) && /^0\n1\n0 0\n$/.test(fs.readFileSync(file, 'utf8')), 10000);
    }
  });
});
