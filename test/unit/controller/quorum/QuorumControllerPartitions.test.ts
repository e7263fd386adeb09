import { expect } from 'chai';
import { ErrorCode } from '../../../../src/protocol/errors';
import { AlterPartitionRequest } from '../../../../src/protocol/apis/56-alter-partition';
import { heartbeat, registerBrokers, startEnv } from './ControllerTestEnv';

type Partition = AlterPartitionRequest['topics'][number]['partitions'][number];

function alter(brokerId: number, brokerEpoch: number, topicId: Buffer, p: Partial<Partition> & { newIsr: number[] }): AlterPartitionRequest {
  return {
    brokerId,
    brokerEpoch,
    topics: [
      {
        topicName: 't',
        topicId,
        partitions: [
          {
            partitionIndex: 0,
            leaderEpoch: 0,
            leaderRecoveryState: 0,
            partitionEpoch: 0,
            ...p,
            newIsrWithEpochs: p.newIsr.map((b) => ({ brokerId: b, brokerEpoch: -1 })),
          },
        ],
      },
    ],
  };
}

describe('QuorumController: AlterPartition, ElectLeaders, reassignments', () => {
  async function setup() {
    const env = await startEnv();
    const c = env.c();
    const epochs = await registerBrokers(c, [1, 2, 3]);
    await c.createTopics(
      {
        topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }], configs: [] }],
        timeoutMs: 1,
        validateOnly: false,
      },
      7,
    );
    const topicId = c.image().topicsByName.get('t')!.id;
    return { env, c, epochs, topicId, part: () => c.image().topicsByName.get('t')!.partitions.get(0)! };
  }

  it('shrinks the ISR for the leader and answers the new state (the leader epoch unchanged from 3.6-IV0)', async () => {
    const { c, epochs, topicId, part } = await setup();
    const r = await c.alterPartition(alter(1, epochs.get(1)!, topicId, { newIsr: [1, 2] }), 3);
    expect(r.errorCode).to.equal(0);
    expect(r.topics[0].partitions[0]).to.deep.equal({
      partitionIndex: 0,
      errorCode: 0,
      leaderId: 1,
      leaderEpoch: 0,
      isr: [1, 2],
      leaderRecoveryState: 0,
      partitionEpoch: 1,
    });
    expect(part()).to.deep.include({ isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 1 });
    const grow = await c.alterPartition(alter(1, epochs.get(1)!, topicId, { newIsr: [1, 2, 3], partitionEpoch: 1 }), 3);
    expect(grow.topics[0].partitions[0]).to.deep.include({ errorCode: 0, isr: [1, 2, 3], partitionEpoch: 2 });
  });

  it("refuses with Kafka's codes: stale broker epoch, unknown topic id, fenced leader epoch, wrong partition epoch, not the leader, ineligible replica", async () => {
    const { env, c, epochs, topicId } = await setup();
    const e1 = epochs.get(1)!;
    expect((await c.alterPartition(alter(1, e1 + 1000, topicId, { newIsr: [1] }), 3)).errorCode).to.equal(ErrorCode.STALE_BROKER_EPOCH);
    const code = async (req: AlterPartitionRequest, v = 3) => (await c.alterPartition(req, v)).topics[0].partitions[0].errorCode;
    expect(await code(alter(1, e1, Buffer.alloc(16, 7), { newIsr: [1] }))).to.equal(ErrorCode.UNKNOWN_TOPIC_ID);
    await c.alterPartition(alter(1, e1, topicId, { newIsr: [1, 2] }), 3); // partition epoch 1
    expect(await code(alter(1, e1, topicId, { newIsr: [1], partitionEpoch: 0 }))).to.equal(ErrorCode.INVALID_UPDATE_VERSION);
    expect(await code(alter(2, epochs.get(2)!, topicId, { newIsr: [2], partitionEpoch: 1 }))).to.equal(ErrorCode.INVALID_REQUEST);
    expect(await code(alter(1, e1, topicId, { newIsr: [2], partitionEpoch: 1 }))).to.equal(ErrorCode.INVALID_REQUEST);
    expect(await code(alter(1, e1, topicId, { newIsr: [1, 9], partitionEpoch: 1 }))).to.equal(ErrorCode.INVALID_REQUEST);
    // Broker 3 goes away: fenced, it may not rejoin the ISR.
    for (let i = 0; i < 5; i++) {
      await env.time.advance(2000);
      for (const id of [1, 2]) await c.processBrokerHeartbeat(heartbeat(id, epochs.get(id)!));
    }
    expect(c.image().brokers.get(3)!.fenced).to.equal(true);
    expect(await code(alter(1, e1, topicId, { newIsr: [1, 2, 3], partitionEpoch: 1 }))).to.equal(ErrorCode.INELIGIBLE_REPLICA);
    expect(await code(alter(1, e1, topicId, { newIsr: [1, 2, 3], partitionEpoch: 1 }), 1)).to.equal(ErrorCode.OPERATION_NOT_ATTEMPTED);
    // A leader epoch from the future: this node is likely not the controller any more.
    expect(await code(alter(1, e1, topicId, { newIsr: [1, 2], leaderEpoch: 5, partitionEpoch: 1 }))).to.equal(ErrorCode.NOT_CONTROLLER);
    // An old leader epoch after broker 1 lost the leadership.
    await c.processBrokerHeartbeat(heartbeat(1, e1, { wantFence: true }));
    expect(c.image().topicsByName.get('t')!.partitions.get(0)!.leader).to.equal(2);
    expect(await code(alter(2, epochs.get(2)!, topicId, { newIsr: [2], leaderEpoch: 0, partitionEpoch: 2 }))).to.equal(ErrorCode.FENCED_LEADER_EPOCH);
  });

  it('elects the preferred leader (PREFERRED) and an out-of-ISR replica only for UNCLEAN', async () => {
    const { env, c, epochs, topicId, part } = await setup();
    const e1 = epochs.get(1)!;
    await c.processBrokerHeartbeat(heartbeat(1, e1, { wantFence: true }));
    expect(part().leader).to.equal(2);
    const notNeeded = await c.electLeaders({ electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1 }, 2);
    expect(notNeeded.replicaElectionResults[0].partitionResult[0].errorCode).to.equal(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
    // Broker 1 comes back; it rejoins the ISR through the leader, then the preferred election moves the leadership back.
    await c.processBrokerHeartbeat(heartbeat(1, e1));
    const p = part();
    await c.alterPartition(alter(2, epochs.get(2)!, topicId, { newIsr: [2, 3, 1], leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch }), 3);
    const r = await c.electLeaders({ electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 5] }], timeoutMs: 1 }, 2);
    expect(r.replicaElectionResults[0].partitionResult).to.deep.equal([
      { partitionId: 0, errorCode: 0, errorMessage: null },
      { partitionId: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such partition as t-5' },
    ]);
    expect(part().leader).to.equal(1);
    const bad = await c.electLeaders({ electionType: 7, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1 }, 2);
    expect(bad).to.deep.equal({
      throttleTimeMs: 0,
      errorCode: ErrorCode.INVALID_REQUEST,
      replicaElectionResults: [
        { topic: 't', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown election type 7' }] },
      ],
    });
    const all = await c.electLeaders({ electionType: 0, topicPartitions: null, timeoutMs: 1 }, 2);
    expect(all.replicaElectionResults).to.deep.equal([]);

    // Only broker 3 left in the ISR, then fenced: offline. Broker 2 (out of the ISR) may lead only by an unclean election.
    await c.alterPartition(alter(1, e1, topicId, { newIsr: [1, 3], leaderEpoch: part().leaderEpoch, partitionEpoch: part().partitionEpoch }), 3);
    await c.processBrokerHeartbeat(heartbeat(1, e1, { wantFence: true }));
    expect(part()).to.deep.include({ leader: 3, isr: [3] });
    for (let i = 0; i < 5; i++) {
      await env.time.advance(2000);
      for (const id of [1, 2]) await c.processBrokerHeartbeat(heartbeat(id, epochs.get(id)!, { wantFence: id === 1 }));
    }
    expect(part()).to.deep.include({ leader: -1, isr: [3] });
    const clean = await c.electLeaders({ electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1 }, 2);
    expect(clean.replicaElectionResults[0].partitionResult[0].errorCode).to.equal(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
    const unclean = await c.electLeaders({ electionType: 1, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1 }, 2);
    expect(unclean.replicaElectionResults[0].partitionResult[0].errorCode).to.equal(0);
    expect(part()).to.deep.include({ leader: 2, isr: [2], leaderRecoveryState: 1 });
  });

  it('reassigns a partition: adding replicas first, completed by the ISR change that includes them; cancel reverts', async () => {
    const env = await startEnv();
    const c = env.c();
    const epochs = await registerBrokers(c, [1, 2, 3, 4]);
    await c.createTopics(
      {
        topics: [{ name: 'r', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] }],
        timeoutMs: 1,
        validateOnly: false,
      },
      7,
    );
    const topicId = c.image().topicsByName.get('r')!.id;
    const part = () => c.image().topicsByName.get('r')!.partitions.get(0)!;
    const start = await c.alterPartitionReassignments({ timeoutMs: 1, topics: [{ name: 'r', partitions: [{ partitionIndex: 0, replicas: [3, 2] }] }] }, 0);
    expect(start.responses[0].partitions[0]).to.deep.equal({ partitionIndex: 0, errorCode: 0, errorMessage: null });
    expect(part()).to.deep.include({ replicas: [3, 2, 1], addingReplicas: [3], removingReplicas: [1], leader: 1 });
    const list = await c.listPartitionReassignments({ timeoutMs: 1, topics: null }, 0);
    expect(list.topics).to.deep.equal([{ name: 'r', partitions: [{ partitionIndex: 0, replicas: [3, 2, 1], addingReplicas: [3], removingReplicas: [1] }] }]);
    // Broker 3 catches up: the leader adds it to the ISR, which completes the reassignment and moves the leadership.
    const p = part();
    const done = await c.alterPartition(
      alter(1, epochs.get(1)!, topicId, { newIsr: [1, 2, 3], leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch }),
      3,
    );
    expect(done.topics[0].partitions[0].errorCode).to.equal(ErrorCode.NEW_LEADER_ELECTED);
    expect(part()).to.deep.include({ replicas: [3, 2], isr: [2, 3], addingReplicas: [], removingReplicas: [], leader: 3 });
    expect((await c.listPartitionReassignments({ timeoutMs: 1, topics: null }, 0)).topics).to.deep.equal([]);
    // Start another and cancel it.
    await c.alterPartitionReassignments({ timeoutMs: 1, topics: [{ name: 'r', partitions: [{ partitionIndex: 0, replicas: [3, 4] }] }] }, 0);
    expect(part().addingReplicas).to.deep.equal([4]);
    await c.alterPartitionReassignments({ timeoutMs: 1, topics: [{ name: 'r', partitions: [{ partitionIndex: 0, replicas: null }] }] }, 0);
    expect(part()).to.deep.include({ replicas: [3, 2], addingReplicas: [], removingReplicas: [] });
    const none = await c.alterPartitionReassignments({ timeoutMs: 1, topics: [{ name: 'r', partitions: [{ partitionIndex: 0, replicas: null }] }] }, 0);
    expect(none.responses[0].partitions[0].errorCode).to.equal(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
  });

  it('auto.leader.rebalance: leaders go back to their preferred replica after leader.imbalance.check.interval', async () => {
    const env = await startEnv({ overrides: { leaderImbalanceCheckIntervalMs: 300_000 } });
    const c = env.c();
    const epochs = await registerBrokers(c, [1, 2]);
    await c.createTopics(
      {
        topics: [
          {
            name: 'bal',
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [
              { partitionIndex: 0, brokerIds: [1, 2] },
              { partitionIndex: 1, brokerIds: [2, 1] },
            ],
            configs: [],
          },
        ],
        timeoutMs: 1,
        validateOnly: false,
      },
      7,
    );
    const leaders = () => [...c.image().topicsByName.get('bal')!.partitions.values()].map((p) => p.leader);
    await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!, { wantFence: true }));
    expect(leaders()).to.deep.equal([2, 2]);
    await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!));
    const p0 = c.image().topicsByName.get('bal')!.partitions.get(0)!;
    await c.alterPartition(
      alter(2, epochs.get(2)!, c.image().topicsByName.get('bal')!.id, { newIsr: [2, 1], leaderEpoch: p0.leaderEpoch, partitionEpoch: p0.partitionEpoch }),
      3,
    );
    const keepAlive = async (ms: number) => {
      for (let t = 0; t < ms; t += 2000) {
        await env.time.advance(2000);
        for (const id of [1, 2]) await c.processBrokerHeartbeat(heartbeat(id, epochs.get(id)!));
      }
    };
    await keepAlive(290_000);
    expect(leaders()).to.deep.equal([2, 2]);
    await keepAlive(12_000);
    expect(leaders()).to.deep.equal([1, 2]);
  });
});
