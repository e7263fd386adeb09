import { expect } from 'chai';
import { NotControllerError } from '../../../../src/controller/quorum/QuorumController';
import { metadataRecordTypeById } from '../../../../src/metadata/records/MetadataRecordType';
import { ErrorCode } from '../../../../src/protocol/errors';
import { createTopicRequest, heartbeat, registerBrokers, registration, startEnv } from './ControllerTestEnv';
import { settle } from './FakeControllerRaft';

function recordNames(env: { quorum: { batches: Array<{ records: Array<{ type: number }> }> } }): string[] {
  return env.quorum.batches.flatMap((b) => b.records.map((r) => metadataRecordTypeById(r.type)!.spec.name));
}

describe('QuorumController: activation, broker registration and heartbeats', () => {
  it('activates on the leader change, writes the bootstrap records into an empty log, and reports election_won', async () => {
    const env = await startEnv();
    const c = env.c();
    expect(c.isActive()).to.equal(true);
    expect(c.curClaimEpoch()).to.equal(1);
    expect(recordNames(env)).to.deep.equal(['BeginTransactionRecord', 'FeatureLevelRecord', 'ZkMigrationStateRecord', 'EndTransactionRecord']);
    expect(c.image().metadataVersion()).to.equal(19);
    expect(env.events[0]).to.deep.include({ event: 'election_won', fields: { controller: 3001, epoch: 1 } });
  });

  it('a standby answers NotControllerError and a new leader does not write the bootstrap records again', async () => {
    const env = await startEnv({ nodes: [3001, 3002] });
    const standby = env.c(3002);
    expect(standby.isActive()).to.equal(false);
    expect(standby.curClaimEpoch()).to.equal(-1);
    let error: unknown;
    await standby.registerBroker(registration(1)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(NotControllerError);
    env.quorum.elect(3002);
    await settle();
    expect(standby.isActive()).to.equal(true);
    expect(env.c(3001).isActive()).to.equal(false);
    expect(recordNames(env).filter((n) => n === 'FeatureLevelRecord')).to.have.length(1);
  });

  it('registers a broker fenced, with the RegisterBrokerRecord offset as its epoch', async () => {
    const env = await startEnv();
    const c = env.c();
    const expectedOffset = env.quorum.endOffset();
    const r = await c.registerBroker(registration(1));
    expect(r).to.deep.equal({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, brokerEpoch: expectedOffset });
    const b = c.image().brokers.get(1)!;
    expect(b.fenced).to.equal(true);
    expect(b.epoch).to.equal(expectedOffset);
    expect(b.listeners).to.deep.equal([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }]);
    const rec = env.quorum.batches.flatMap((x) => x.records).find((x) => x.type === 0)!;
    expect(rec.version).to.equal(3);
    expect(env.events.map((e) => e.event)).to.include('broker_added');
  });

  it('refuses a wrong cluster id, another live incarnation, and an unsupported metadata.version', async () => {
    const env = await startEnv();
    const c = env.c();
    expect((await c.registerBroker({ ...registration(1), clusterId: 'other' })).errorCode).to.equal(ErrorCode.INCONSISTENT_CLUSTER_ID);
    const first = await c.registerBroker(registration(1));
    await c.processBrokerHeartbeat(heartbeat(1, first.brokerEpoch));
    const dup = await c.registerBroker(registration(1));
    expect(dup).to.deep.equal({ throttleTimeMs: 0, errorCode: ErrorCode.DUPLICATE_BROKER_REGISTRATION, brokerEpoch: -1 });
    const old = { ...registration(2), features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 7 }] };
    expect((await c.registerBroker(old)).errorCode).to.equal(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('the same incarnation may re-register (a new epoch), and another one may once the session expired', async () => {
    const env = await startEnv();
    const c = env.c();
    const req = registration(1);
    const first = await c.registerBroker(req);
    await c.processBrokerHeartbeat(heartbeat(1, first.brokerEpoch));
    const again = await c.registerBroker(req);
    expect(again.errorCode).to.equal(ErrorCode.NONE);
    expect(again.brokerEpoch).to.be.greaterThan(first.brokerEpoch);
    // The old epoch is stale now.
    expect((await c.processBrokerHeartbeat(heartbeat(1, first.brokerEpoch))).errorCode).to.equal(ErrorCode.STALE_BROKER_EPOCH);
    await c.processBrokerHeartbeat(heartbeat(1, again.brokerEpoch));
    await env.time.advance(9001);
    const other = await c.registerBroker(registration(1));
    expect(other.errorCode).to.equal(ErrorCode.NONE);
  });

  it('unfences a broker only once it has caught up with its registration offset', async () => {
    const env = await startEnv();
    const c = env.c();
    const { brokerEpoch } = await c.registerBroker(registration(1));
    const behind = await c.processBrokerHeartbeat(heartbeat(1, brokerEpoch, { currentMetadataOffset: brokerEpoch - 1 }));
    expect(behind).to.deep.equal({ throttleTimeMs: 0, errorCode: 0, isCaughtUp: false, isFenced: true, shouldShutDown: false });
    expect(c.image().brokers.get(1)!.fenced).to.equal(true);
    const wantFence = await c.processBrokerHeartbeat(heartbeat(1, brokerEpoch, { wantFence: true }));
    expect(wantFence.isFenced).to.equal(true);
    const caughtUp = await c.processBrokerHeartbeat(heartbeat(1, brokerEpoch, { currentMetadataOffset: brokerEpoch }));
    expect(caughtUp).to.deep.equal({ throttleTimeMs: 0, errorCode: 0, isCaughtUp: true, isFenced: false, shouldShutDown: false });
    expect(c.image().brokers.get(1)!.fenced).to.equal(false);
    expect(env.events.filter((e) => e.event === 'broker_unfenced').map((e) => e.fields.broker_id)).to.deep.equal([1]);
    // 3.7-IV4 writes BrokerRegistrationChangeRecord, not UnfenceBrokerRecord.
    expect(recordNames(env)).to.include('BrokerRegistrationChangeRecord');
    expect(recordNames(env)).to.not.include('UnfenceBrokerRecord');
  });

  it('heartbeats: STALE_BROKER_EPOCH for an unknown broker or a wrong epoch', async () => {
    const env = await startEnv();
    const c = env.c();
    expect((await c.processBrokerHeartbeat(heartbeat(9, 5))).errorCode).to.equal(ErrorCode.STALE_BROKER_EPOCH);
    const { brokerEpoch } = await c.registerBroker(registration(1));
    const wrong = await c.processBrokerHeartbeat(heartbeat(1, brokerEpoch + 1));
    expect(wrong).to.deep.equal({ throttleTimeMs: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH, isCaughtUp: false, isFenced: true, shouldShutDown: false });
  });

  it('fences a broker whose session times out, and moves its leaderships to the rest of the ISR', async () => {
    const env = await startEnv();
    const c = env.c();
    const epochs = await registerBrokers(c, [1, 2, 3]);
    const created = await c.createTopics(createTopicRequest('orders', 6, 3), 7);
    expect(created.topics[0].errorCode).to.equal(0);
    const led = [...c.image().topicsByName.get('orders')!.partitions.values()].filter((p) => p.leader === 2).length;
    expect(led).to.be.greaterThan(0);
    // Brokers 1 and 3 keep heartbeating; broker 2 goes silent.
    for (let t = 0; t < 5; t++) {
      await env.time.advance(2000);
      for (const id of [1, 3]) await c.processBrokerHeartbeat(heartbeat(id, epochs.get(id)!));
    }
    const b2 = c.image().brokers.get(2)!;
    expect(b2.fenced).to.equal(true);
    for (const p of c.image().topicsByName.get('orders')!.partitions.values()) {
      expect(p.leader).to.not.equal(2);
      expect(p.isr).to.not.include(2);
      expect(p.leader).to.be.oneOf([1, 3]);
    }
    expect(c.image().brokers.get(1)!.fenced).to.equal(false);
    expect(env.events.filter((e) => e.event === 'broker_fenced').map((e) => e.fields.broker_id)).to.deep.equal([2]);
  });

  it('a partition whose only ISR member is fenced goes offline keeping that member in its ISR, and comes back when it is unfenced', async () => {
    const env = await startEnv();
    const c = env.c();
    const epochs = await registerBrokers(c, [1]);
    await c.createTopics(createTopicRequest('solo', 1, 1), 7);
    await env.time.advance(9001);
    const p = { ...c.image().topicsByName.get('solo')!.partitions.get(0)! };
    expect(env.logs).to.include('INFO Fencing broker 1 because its session has timed out.');
    expect(p.leader).to.equal(-1);
    expect(p.isr).to.deep.equal([1]);
    expect(env.events.filter((e) => e.event === 'partition_state').pop()!.fields).to.deep.include({ state: 'OfflinePartition', leader: -1 });
    // The broker comes back (same epoch, after its session was fenced) and asks to be unfenced.
    const hb = await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!));
    expect(hb.isFenced).to.equal(false);
    const back = c.image().topicsByName.get('solo')!.partitions.get(0)!;
    expect(back.leader).to.equal(1);
    expect(back.leaderEpoch).to.equal(p.leaderEpoch + 1);
  });

  it('controlled shutdown: leaderships move away, then shouldShutDown once the other brokers have caught up', async () => {
    const env = await startEnv();
    const c = env.c();
    const epochs = await registerBrokers(c, [1, 2]);
    await c.createTopics(createTopicRequest('cs', 4, 2), 7);
    const parts = () => [...c.image().topicsByName.get('cs')!.partitions.values()];
    expect(parts().some((p) => p.leader === 1)).to.equal(true);
    const first = await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!, { wantShutDown: true, currentMetadataOffset: 0 }));
    expect(first).to.deep.include({ isFenced: false, shouldShutDown: false });
    expect(c.image().brokers.get(1)!.inControlledShutdown).to.equal(true);
    for (const p of parts()) {
      expect(p.leader).to.equal(2);
      expect(p.isr).to.deep.equal([2]);
    }
    // Broker 2 has not reported reaching the leadership changes yet: broker 1 must wait.
    await c.processBrokerHeartbeat(heartbeat(2, epochs.get(2)!, { currentMetadataOffset: 0 }));
    const waiting = await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!, { wantShutDown: true }));
    expect(waiting.shouldShutDown).to.equal(false);
    await c.processBrokerHeartbeat(heartbeat(2, epochs.get(2)!));
    const done = await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!, { wantShutDown: true }));
    expect(done).to.deep.include({ isFenced: true, shouldShutDown: true });
    expect(c.image().brokers.get(1)!.fenced).to.equal(true);
  });

  it('a broker that leads nothing is granted an immediate shutdown', async () => {
    const env = await startEnv();
    const c = env.c();
    const epochs = await registerBrokers(c, [1]);
    const r = await c.processBrokerHeartbeat(heartbeat(1, epochs.get(1)!, { wantShutDown: true }));
    expect(r).to.deep.include({ isFenced: true, shouldShutDown: true });
  });

  it('unregisterBroker removes the registration and takes the broker out of ISRs; an unknown id is BROKER_ID_NOT_REGISTERED', async () => {
    const env = await startEnv();
    const c = env.c();
    await registerBrokers(c, [1, 2]);
    await c.createTopics(createTopicRequest('u', 2, 2), 7);
    expect(await c.unregisterBroker(2)).to.deep.equal({ throttleTimeMs: 0, errorCode: 0, errorMessage: null });
    expect(c.image().brokers.has(2)).to.equal(false);
    for (const p of c.image().topicsByName.get('u')!.partitions.values()) expect(p.isr).to.deep.equal([1]);
    expect(await c.unregisterBroker(7)).to.deep.equal({
      throttleTimeMs: 0,
      errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED,
      errorMessage: 'Broker ID 7 is not currently registered',
    });
    expect(env.events.filter((e) => e.event === 'broker_removed').map((e) => e.fields.broker_id)).to.deep.equal([2]);
  });
});
