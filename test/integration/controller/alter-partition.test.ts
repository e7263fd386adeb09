import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Uuid } from '../../../src/common/Uuid';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterPartitionApi } from '../../../src/protocol/apis';
import { AlterPartitionRequest, AlterPartitionResponse } from '../../../src/protocol/apis/56-alter-partition';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/**
 * AlterPartition as Kafka 3.7 exchanges it in ZooKeeper mode: leaders send v3 (topic ids, NewIsrWithEpochs) when every
 * partition has a topic id (AlterPartitionRequest.Builder), and the controller resolves ids from its own context,
 * answering UNKNOWN_TOPIC_ID for an id it does not know (KafkaController.processAlterPartition).
 */
describe('integration: AlterPartition by topic id (v2+)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2, overrides: { 'replica.lag.time.max.ms': '3000' } });
    zk = await ZkReader.connect(cluster.connectString);
    const kafka = new Kafka({ clientId: 'it-alter-partition', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ap', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }], waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const controllerId = async (): Promise<number> => (JSON.parse((await zk.get('/controller')).data!) as { brokerid: number }).brokerid;
  const topicId = async (): Promise<Buffer> => {
    const id = (JSON.parse((await zk.get('/brokers/topics/ap')).data!) as { topic_id: string }).topic_id;
    return Buffer.from(Uuid.fromString(id).toBytes());
  };
  const state = async () =>
    JSON.parse((await zk.get('/brokers/topics/ap/partitions/0/state')).data!) as { leader: number; leader_epoch: number; isr: number[] };

  async function send(version: number, req: AlterPartitionRequest): Promise<AlterPartitionResponse> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(await controllerId()).port, 'it-alter-partition-raw', 10000);
    try {
      return await c.send(AlterPartitionApi, version, req);
    } finally {
      c.close();
    }
  }

  it('answers an unknown topic id with UNKNOWN_TOPIC_ID and a stale partition epoch with INVALID_UPDATE_VERSION, naming the topic by id', async () => {
    const id = await topicId();
    const st = await state();
    const unknown = Buffer.from(Uuid.randomUuid().toBytes());
    const res = await send(3, {
      brokerId: st.leader,
      brokerEpoch: -1,
      topics: [
        {
          topicName: '',
          topicId: unknown,
          partitions: [
            {
              partitionIndex: 0,
              leaderEpoch: st.leader_epoch,
              newIsr: [],
              newIsrWithEpochs: [{ brokerId: st.leader, brokerEpoch: -1 }],
              leaderRecoveryState: 0,
              partitionEpoch: 0,
            },
          ],
        },
        {
          topicName: '',
          topicId: id,
          partitions: [
            {
              partitionIndex: 0,
              leaderEpoch: st.leader_epoch,
              newIsr: [],
              newIsrWithEpochs: [{ brokerId: st.leader, brokerEpoch: -1 }],
              leaderRecoveryState: 0,
              partitionEpoch: 999,
            },
          ],
        },
      ],
    });
    expect(res.errorCode).to.equal(ErrorCode.NONE);
    expect(res.topics.map((t) => [t.topicId.toString('hex'), t.partitions.map((p) => p.errorCode)])).to.deep.equal([
      [unknown.toString('hex'), [ErrorCode.UNKNOWN_TOPIC_ID]],
      [id.toString('hex'), [ErrorCode.INVALID_UPDATE_VERSION]],
    ]);
    expect((await state()).isr).to.have.members([1, 2]);
  });

  it('a leader expands the ISR through a v3 request: the state znode follows and keeps the leader epoch', async () => {
    const before = await state();
    const follower = before.leader === 1 ? 2 : 1;
    await cluster.stopBroker(follower, 'SIGKILL');
    // The leader (replica.lag.time.max.ms) or the controller (session expiry) takes the follower out.
    await waitFor('the ISR to shrink to the leader', async () => {
      const s = await state();
      return s.isr.length === 1 && s.isr[0] === before.leader;
    });
    // Its registration must be gone before it registers again (Kafka refuses a node another session owns).
    await waitFor(`/brokers/ids/${follower} to vanish`, async () => !(await zk.exists(`/brokers/ids/${follower}`)), 30000);
    const shrunk = await state();
    await cluster.startBroker(follower);
    await waitFor('the restarted follower back in the ISR', async () => (await state()).isr.length === 2, 30000);
    // Only the leader expands an ISR, through AlterPartition, which never changes the leader epoch.
    expect((await state()).leader_epoch).to.equal(shrunk.leader_epoch);
    const leaderLog = cluster.broker(before.leader).output.join('\n');
    expect(leaderLog).to.match(/ISR updated to \d,\d and version updated to \d+ for partition ap-0/);
  });
});
