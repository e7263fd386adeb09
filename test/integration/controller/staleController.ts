/**
 * Scenario 6 of failover.test.ts: a broker refuses controller requests from a controller older than the
 * newest one it has heard from (zk-mode.md §5.3: STALE_CONTROLLER_EPOCH, 11) and requests addressed to a
 * previous incarnation of itself (STALE_BROKER_EPOCH, 77), and keeps its state. Sent with our NetworkClient,
 * as a zombie controller's ControllerChannelManager would.
 */
import { expect } from 'chai';
import { Uuid } from '../../../src/common/Uuid';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi } from '../../../src/protocol/apis';
import { LeaderAndIsrPartitionState, LeaderAndIsrRequest } from '../../../src/protocol/apis/04-leader-and-isr';
import { StopReplicaRequest } from '../../../src/protocol/apis/05-stop-replica';
import { UpdateMetadataRequest } from '../../../src/protocol/apis/06-update-metadata';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { batchOf, fetchRaw, produceRaw } from '../../helpers/rawClient';
import { ZkReader } from '../../helpers/zkRead';
import { assignment, brokerEpoch, controllerEpoch, controllerId, createTopic, kafkaFor, partitionState } from './support';

const TOPIC = 'stale-controller';

interface Target {
  leader: number;
  other: number;
  ctl: number;
  epoch: number;
  replicas: number[];
  leaderEpoch: number;
  partitionEpoch: number;
  topicId: Buffer;
}

export function defineStaleControllerTests(env: () => { cluster: TestCluster; zk: ZkReader }): void {
  let t: Target;

  async function withClient<T>(brokerId: number, fn: (c: NetworkClient) => Promise<T>): Promise<T> {
    const c = new NetworkClient('127.0.0.1', env().cluster.broker(brokerId).port, 'zombie-controller', 10000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  /** The leader of partition 0 still leads it, serves it, and its metadata cache is as before. */
  async function expectUntouched(): Promise<void> {
    const { cluster, zk } = env();
    const st = await partitionState(zk, TOPIC, 0);
    expect(st.leader, 'state znode leader').to.equal(t.leader);
    expect(st.leader_epoch, 'state znode leader_epoch').to.equal(t.leaderEpoch);
    const md = await cluster.metadata(t.leader, [TOPIC], 1);
    expect(md.brokers.map((b) => b.nodeId).sort(), 'live brokers in the cache').to.deep.equal([1, 2, 3]);
    expect(md.controllerId, 'controller in the cache').to.equal(t.ctl);
    const p0 = md.topics[0].partitions.find((p) => p.partitionIndex === 0)!;
    expect(p0.errorCode).to.equal(0);
    expect(p0.leaderId, 'partition leader in the cache').to.equal(t.leader);
    const port = cluster.broker(t.leader).port;
    expect((await produceRaw(port, TOPIC, 0, batchOf(['still-leader']))).errorCode, 'produce to the leader').to.equal(0);
    expect((await fetchRaw(port, TOPIC, 0, 0)).errorCode, 'fetch from the leader').to.equal(0);
  }

  function leaderAndIsr(controllerEpochValue: number, version: number): LeaderAndIsrRequest {
    // What a zombie would send: hand leadership of partition 0 to another broker with a much higher leader epoch.
    const ps: LeaderAndIsrPartitionState = {
      topicName: version < 2 ? TOPIC : '',
      partitionIndex: 0,
      controllerEpoch: controllerEpochValue,
      leader: t.other,
      leaderEpoch: t.leaderEpoch + 10,
      isr: [t.other],
      partitionEpoch: t.partitionEpoch + 10,
      replicas: t.replicas,
      addingReplicas: [],
      removingReplicas: [],
      isNew: false,
      leaderRecoveryState: 0,
    };
    return {
      controllerId: t.other,
      isKRaftController: false,
      controllerEpoch: controllerEpochValue,
      brokerEpoch: -1,
      type: 0,
      ungroupedPartitionStates: version < 2 ? [ps] : [],
      topicStates: version < 2 ? [] : [{ topicName: TOPIC, topicId: t.topicId, partitionStates: [ps] }],
      liveLeaders: [{ brokerId: t.other, hostName: '127.0.0.1', port: env().cluster.broker(t.other).port }],
    };
  }

  function updateMetadata(controllerEpochValue: number, brokerEpochValue: number): UpdateMetadataRequest {
    // Would empty the live-broker list and take the partition offline if the broker accepted it.
    return {
      controllerId: t.other,
      isKRaftController: false,
      type: 0,
      controllerEpoch: controllerEpochValue,
      brokerEpoch: brokerEpochValue,
      ungroupedPartitionStates: [],
      topicStates: [
        {
          topicName: TOPIC,
          topicId: t.topicId,
          partitionStates: [
            {
              topicName: '',
              partitionIndex: 0,
              controllerEpoch: controllerEpochValue,
              leader: -1,
              leaderEpoch: t.leaderEpoch + 10,
              isr: [t.leader],
              zkVersion: t.partitionEpoch + 10,
              replicas: t.replicas,
              offlineReplicas: t.replicas,
            },
          ],
        },
      ],
      liveBrokers: [],
    };
  }

  before(async function () {
    this.timeout(60000);
    const { cluster, zk } = env();
    await createTopic(kafkaFor(cluster, 'it-admin-6'), TOPIC, { numPartitions: 1, replicationFactor: 3 });
    const st = await partitionState(zk, TOPIC, 0);
    const ctl = (await controllerId(zk))!;
    const { data } = await zk.get(`/brokers/topics/${TOPIC}`);
    const replicas = (await assignment(zk, TOPIC)).get(0)!;
    t = {
      leader: st.leader,
      other: replicas.find((r) => r !== st.leader)!,
      ctl,
      epoch: (await controllerEpoch(zk)).epoch,
      replicas,
      leaderEpoch: st.leader_epoch,
      partitionEpoch: st.dataVersion,
      topicId: Uuid.fromString((JSON.parse(data ?? '{}') as { topic_id: string }).topic_id).toBytes(),
    };
  });

  it('LeaderAndIsr (v7 and v1) with an older controller epoch gets STALE_CONTROLLER_EPOCH and changes nothing', async () => {
    for (const version of [7, 1]) {
      const res = await withClient(t.leader, (c) => c.send(LeaderAndIsrApi, version, leaderAndIsr(t.epoch - 1, version)));
      expect(res.errorCode, `LeaderAndIsr v${version} error`).to.equal(ErrorCode.STALE_CONTROLLER_EPOCH);
      expect(res.errorCode).to.equal(11);
    }
    await expectUntouched();
  });

  it('UpdateMetadata (v8 and v5) with an older controller epoch gets STALE_CONTROLLER_EPOCH and leaves the cache alone', async () => {
    for (const version of [8, 5]) {
      const res = await withClient(t.leader, (c) => c.send(UpdateMetadataApi, version, updateMetadata(t.epoch - 1, -1)));
      expect(res.errorCode, `UpdateMetadata v${version} error`).to.equal(11);
    }
    await expectUntouched();
  });

  it('StopReplica (v4) with an older controller epoch gets STALE_CONTROLLER_EPOCH and the replica keeps serving', async () => {
    const stop: StopReplicaRequest = {
      controllerId: t.other,
      isKRaftController: false,
      controllerEpoch: t.epoch - 1,
      brokerEpoch: -1,
      deletePartitions: false,
      ungroupedPartitions: [],
      topics: [],
      topicStates: [{ topicName: TOPIC, partitionStates: [{ partitionIndex: 0, leaderEpoch: t.leaderEpoch + 10, deletePartition: true }] }],
    };
    const res = await withClient(t.leader, (c) => c.send(StopReplicaApi, 4, stop));
    expect(res.errorCode, 'StopReplica v4 error').to.equal(11);
    await expectUntouched();
  });

  it('a current-epoch request for an older incarnation of the broker (broker epoch < its czxid) gets STALE_BROKER_EPOCH', async () => {
    const czxid = (await brokerEpoch(env().zk, t.leader))!;
    const res = await withClient(t.leader, (c) => c.send(UpdateMetadataApi, 8, updateMetadata(t.epoch, Number(czxid) - 1)));
    expect(res.errorCode, 'UpdateMetadata v8 error').to.equal(ErrorCode.STALE_BROKER_EPOCH);
    expect(res.errorCode).to.equal(77);
    await expectUntouched();
  });
}
