import { expect } from 'chai';
import { NotControllerError } from '../../../../src/controller/quorum/QuorumController';
import { MetadataImage } from '../../../../src/metadata/image/MetadataImage';
import { metadataRecordTypeById } from '../../../../src/metadata/records/MetadataRecordType';
import { createTopicRequest, heartbeat, registerBrokers, startEnv } from './ControllerTestEnv';
import { settle } from './FakeControllerRaft';

/** What an image holds, in a form deep.equal can compare. */
function summary(image: MetadataImage): unknown {
  return {
    features: [...image.features].sort(),
    brokers: [...image.brokers.values()].sort((a, b) => a.id - b.id).map((b) => ({ ...b, incarnationId: b.incarnationId.toString('hex') })),
    topics: [...image.topicsByName.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((t) => ({ name: t.name, id: t.id.toString('hex'), partitions: [...t.partitions].sort((a, b) => a[0] - b[0]) })),
    configs: [...image.configs].map(([k, m]) => [k, [...m].sort()]).sort(),
    // A snapshot keeps only the next producer id (ProducerIdsImage.write sets broker -1, epoch -1), as Kafka does.
    nextProducerId: image.producerIds.nextProducerId,
  };
}

async function workload(env: Awaited<ReturnType<typeof startEnv>>, leader: number) {
  const c = env.c(leader);
  const epochs = await registerBrokers(c, [1, 2, 3]);
  await c.createTopics(createTopicRequest('a', 4, 3, [{ name: 'retention.ms', value: '60000' }]), 7);
  await c.createTopics(createTopicRequest('b', 2, 2), 7);
  await c.allocateProducerIds({ brokerId: 1, brokerEpoch: epochs.get(1)! });
  await c.processBrokerHeartbeat(heartbeat(2, epochs.get(2)!, { wantFence: true }));
  await c.deleteTopics({ topicNames: ['b'], timeoutMs: 1 }, 5);
  return epochs;
}

describe('QuorumController: failover, snapshots, idle NoOpRecords', () => {
  it('a standby replaying the committed log reaches the same image, takes over at a higher epoch and keeps serving', async () => {
    const env = await startEnv({ nodes: [3001, 3002] });
    const epochs = await workload(env, 3001);
    await settle();
    expect(summary(env.c(3002).image())).to.deep.equal(summary(env.c(3001).image()));
    expect((env.c(3002).image().topicsByName.get('a')!.partitions.get(0)!.isr as number[]).includes(2)).to.equal(false);

    env.quorum.elect(3002);
    await settle();
    const next = env.c(3002);
    expect(next.isActive()).to.equal(true);
    expect(next.curClaimEpoch()).to.equal(2);
    expect(env.c(3001).isActive()).to.equal(false);
    expect(env.events.filter((e) => e.event === 'election_won').map((e) => e.fields)).to.deep.equal([
      { controller: 3001, epoch: 1 },
      { controller: 3002, epoch: 2 },
    ]);
    // Brokers keep their registrations and epochs; the new controller gives them a fresh session.
    const hb = await next.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!));
    expect(hb).to.deep.include({ errorCode: 0, isFenced: false });
    const r = await next.createTopics(createTopicRequest('c', 1, 1), 7);
    expect(r.topics[0].errorCode).to.equal(0);
    await settle();
    expect(summary(env.c(3001).image())).to.deep.equal(summary(next.image()));
    expect(env.logs).to.include(
      'INFO Becoming the active controller at epoch 2, next write offset ' + (env.quorum.batches.find((b) => b.epoch === 2)!.lastOffset + 1) + '.',
    );
  });

  it('an uncommitted write fails with NotControllerError when the leadership moves, and is not in the new image', async () => {
    const env = await startEnv({ nodes: [3001, 3002] });
    await registerBrokers(env.c(3001), [1]);
    env.quorum.autoCommit = false;
    let failure: unknown;
    const pending = env
      .c(3001)
      .createTopics(createTopicRequest('lost', 1, 1), 7)
      .catch((e) => (failure = e));
    await settle();
    expect(env.c(3001).image().topicsByName.has('lost')).to.equal(false);
    // The new leader's log does not have the uncommitted batch (Raft truncates it).
    env.quorum.batches.splice(env.quorum.batches.findIndex((b) => b.lastOffset >= env.quorum.highWatermark));
    env.quorum.autoCommit = true;
    env.quorum.elect(3002);
    await pending;
    await settle();
    expect(failure).to.be.instanceOf(NotControllerError);
    expect(env.c(3001).isActive()).to.equal(false);
    expect(env.quorum.nodes.get(3001)!.resigned).to.deep.equal([1]);
    expect(env.c(3002).image().topicsByName.has('lost')).to.equal(false);
    expect(
      env.logs.some((l) =>
        l.startsWith('WARN Renouncing the leadership due to a metadata log event. We were the leader at epoch 1, but in the new epoch 2, the leader is 3002.'),
      ),
    ).to.equal(true);
    expect((await env.c(3002).createTopics(createTopicRequest('lost', 1, 1), 7)).topics[0].errorCode).to.equal(0);
  });

  it('snapshots the committed image after enough bytes; a controller that starts from the snapshot reaches the same image', async () => {
    const env = await startEnv({ overrides: { snapshotMaxNewRecordBytes: 600 } });
    await workload(env, 3001);
    await settle();
    expect(env.quorum.snapshots.length).to.be.greaterThan(0);
    expect(
      env.logs.some((l) => /^INFO Creating new KRaft snapshot file snapshot \d{20}-\d{10} because we have replayed at least 600 bytes\.$/.test(l)),
    ).to.equal(true);
    const snap = env.quorum.snapshots[env.quorum.snapshots.length - 1];
    expect(snap.id.offset).to.be.at.most(env.quorum.highWatermark);
    // A fresh controller on the same log, told to start from the latest snapshot.
    env.quorum.node(3009).startFromSnapshot = true;
    const c2 = env.newController(3009);
    c2.start();
    await settle();
    expect(summary(c2.image())).to.deep.equal(summary(env.c().image()));
    expect(c2.image().offset).to.equal(env.c().image().offset);
    expect(env.logs).to.include(`INFO Starting to replay snapshot ${JSON.stringify(snap.id)}.`);
    await c2.close();
  });

  it('writes a NoOpRecord every metadata.max.idle.interval.ms while active, and stops when closed', async () => {
    const env = await startEnv({ overrides: { metadataMaxIdleIntervalMs: 500 } });
    const count = () => env.quorum.batches.flatMap((b) => b.records).filter((r) => metadataRecordTypeById(r.type)!.spec.name === 'NoOpRecord').length;
    await env.time.advance(1600);
    expect(count()).to.equal(3);
    await env.c().close();
    await env.time.advance(5000);
    expect(count()).to.equal(3);
  });

  it('a committed record that does not apply is logged, and the active controller steps down instead of serving a wrong image', async () => {
    const env = await startEnv();
    const c = env.c();
    // A PartitionChangeRecord for a topic that does not exist, committed at this epoch.
    env.quorum.append(1, [{ type: 5, version: 1, data: { partitionId: 0, topicId: Buffer.alloc(16, 3), isr: [1] } }], false);
    await settle();
    expect(env.logs.some((l) => l.startsWith('ERROR Error replaying the committed batch at offsets'))).to.equal(true);
    expect(c.isActive()).to.equal(false);
    expect(env.quorum.node(3001).resigned).to.deep.equal([1]);
  });

  it('also snapshots by time (metadata.log.max.snapshot.interval.ms) once new records are committed', async () => {
    const env = await startEnv({ overrides: { snapshotMaxIntervalMs: 60_000, metadataMaxIdleIntervalMs: 500 } });
    await env.time.advance(59_000);
    expect(env.quorum.snapshots).to.have.length(0);
    await env.time.advance(1_500);
    expect(env.quorum.snapshots).to.have.length(1);
    expect(env.logs.some((l) => / because we have waited at least 1 minute\(s\)\.$/.test(l))).to.equal(true);
    await env.time.advance(30_000);
    expect(env.quorum.snapshots).to.have.length(1);
    await env.c().close();
  });

  it("an unexpected exception in an operation renounces (Kafka reverts to the last committed state); a validator that throws is only that resource's error", async () => {
    let explode = false;
    const env = await startEnv({
      overrides: {
        validateTopicConfig: () => {
          throw new TypeError('validator bug');
        },
        effectiveTopicConfigs: () => {
          if (explode) throw new TypeError('boom');
          return [];
        },
      },
    });
    const c = env.c();
    await registerBrokers(c, [1]);
    const r = await c.createTopics(createTopicRequest('t', 1, 1, [{ name: 'retention.ms', value: '1' }]), 7);
    expect(r.topics[0]).to.deep.include({ errorCode: -1, errorMessage: 'validator bug' });
    expect(c.isActive()).to.equal(true);
    explode = true;
    let failure: unknown;
    await c.createTopics(createTopicRequest('u', 1, 1), 7).catch((e) => (failure = e));
    expect((failure as Error).message).to.equal('boom');
    expect(c.isActive()).to.equal(false);
    expect(env.logs.some((l) => l.startsWith('WARN createTopics: failed with unknown server exception TypeError at epoch 1. Renouncing leadership'))).to.equal(
      true,
    );
  });
});
