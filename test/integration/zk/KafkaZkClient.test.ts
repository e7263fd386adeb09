import { expect } from 'chai';
import { ControllerMovedError, TopicExistsError, ZkError } from '../../../src/zk/errors';
import { KafkaZkClient } from '../../../src/zk/KafkaZkClient';
import * as D from '../../../src/zk/ZkData';
import { ZooKeeperClient } from '../../../src/zk/ZooKeeperClient';
import { waitFor } from '../../helpers/ports';
import { forceExpiry, startZooKeeper, ZooKeeperHandle } from '../../helpers/zookeeper';

const plain = (port: number): D.EndPoint => ({ listenerName: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 'PLAINTEXT' });
const str = (b: Buffer | null | undefined): string | null => (b ? b.toString('utf8') : null);

describe('KafkaZkClient against real ZooKeeper', function () {
  this.timeout(30000);
  let server: ZooKeeperHandle;
  let root: ZooKeeperClient;
  const open: KafkaZkClient[] = [];
  let n = 0;
  /** Each test gets its own chroot, created by KafkaZkClient.create as Kafka does. */
  let chroot = '';
  const client = async (sessionTimeoutMs = 6000): Promise<KafkaZkClient> => {
    const c = await KafkaZkClient.create(`${server.connectString}${chroot}`, sessionTimeoutMs, 10000, '[test] ');
    open.push(c);
    return c;
  };
  const stat = async (path: string) => (await root.exists(`${chroot}${path}`))!;
  const data = async (path: string) => str((await root.getData(`${chroot}${path}`)).data);

  before(async () => {
    server = await startZooKeeper({ nodes: 1 });
    root = await ZooKeeperClient.connect(server.connectString, { sessionTimeoutMs: 6000, connectionTimeoutMs: 10000 });
  });
  beforeEach(() => {
    chroot = `/kafka${++n}`;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await root?.close();
    await server?.stop();
  });

  it('creates the top-level paths in Kafka order, one failed attempt per missing parent', async () => {
    const c = await client();
    expect(await root.exists(chroot)).to.not.equal(null);
    await c.createTopLevelPaths();
    const order = [
      '/consumers',
      '/brokers',
      '/brokers/ids',
      '/brokers/topics',
      '/config',
      '/config/changes',
      '/admin',
      '/admin/delete_topics',
      '/brokers/seqid',
      '/isr_change_notification',
      '/latest_producer_id_block',
      '/log_dir_event_notification',
      '/config/topics',
      '/config/clients',
      '/config/users',
      '/config/brokers',
      '/config/ips',
    ];
    const czxids = await Promise.all(order.map(async (p) => (await stat(p)).czxid));
    const z0 = czxids[0];
    // zxids: failed creates of /brokers/ids, /config/changes and /admin/delete_topics each spent one.
    expect(czxids.map((z) => z - z0)).to.deep.equal([0, 2, 3, 4, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    for (const p of order) expect(await data(p), p).to.equal(null);
    await c.createTopLevelPaths(); // idempotent
    expect((await root.getChildren(chroot)).children.sort()).to.deep.equal([
      'admin',
      'brokers',
      'config',
      'consumers',
      'isr_change_notification',
      'latest_producer_id_block',
      'log_dir_event_notification',
    ]);
  });

  it('agrees on one cluster id when two brokers race', async () => {
    const [a, b] = [await client(), await client()];
    await a.createTopLevelPaths();
    expect(await a.getClusterId()).to.equal(null);
    const ids = await Promise.all([a.createOrGetClusterId('AAAAAAAAAAAAAAAAAAAAAA'), b.createOrGetClusterId('BBBBBBBBBBBBBBBBBBBBBB')]);
    expect(ids[0]).to.equal(ids[1]);
    expect(await data('/cluster/id')).to.equal(`{"version":"1","id":"${ids[0]}"}`);
    expect((await stat('/cluster/id')).version).to.equal(0);
    expect(await b.getClusterId()).to.equal(ids[0]);
  });

  it('registers brokers: dataVersion 1, czxid = epoch, NodeExists for another session, again after close', async () => {
    const a = await client();
    await a.createTopLevelPaths();
    const info: D.BrokerInfo = { id: 1, endpoints: [plain(9092)], timestamp: '1704032948949' };
    const epoch = await a.registerBroker(info);
    const s = await stat('/brokers/ids/1');
    expect(s.version).to.equal(1);
    expect(s.czxid).to.equal(epoch);
    expect(s.mzxid).to.equal(s.czxid);
    expect(s.ephemeralOwner).to.equal(a.zk.sessionId);
    expect(await data('/brokers/ids/1')).to.equal(
      '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:9092"],' +
        '"jmx_port":-1,"port":9092,"host":"127.0.0.1","version":5,"timestamp":"1704032948949"}',
    );
    expect(await a.registerBroker(info)).to.equal(epoch); // same session: idempotent
    const b = await client();
    const err = (await b.registerBroker({ ...info, endpoints: [plain(9093)] }).catch((e: ZkError) => e)) as ZkError;
    expect(err).to.be.instanceOf(ZkError);
    expect(err.code).to.equal('NODEEXISTS');
    expect(err.message).to.equal(
      `Error while creating ephemeral at /brokers/ids/1, node already exists and owner '0x${a.zk.sessionId}' does not match current session '0x${b.zk.sessionId}'`,
    );
    await b.registerBroker({ ...info, id: 2, endpoints: [plain(9093)] });
    const all = await b.getAllBrokersInCluster();
    expect(all.map((x) => [x.info.id, x.info.port])).to.deep.equal([
      [1, 9092],
      [2, 9093],
    ]);
    expect(all[0].epoch).to.equal(epoch);
    await a.close();
    const epoch2 = await b.registerBroker(info);
    expect(epoch2).to.be.greaterThan(epoch);
    expect((await b.getBroker(1))?.epoch).to.equal(epoch2);
    expect(await b.getBroker(7)).to.equal(null);
  });

  it('re-registers with a new epoch after session expiry (hooks)', async () => {
    const a = await client(4000);
    await a.createTopLevelPaths();
    const info: D.BrokerInfo = { id: 5, endpoints: [plain(9092)] };
    const epochs = [await a.registerBroker(info)];
    a.zk.registerStateChangeHandler({
      name: 'RegisterBrokerAndReelect',
      afterInitializingSession: async () => {
        epochs.push(await a.registerBroker(info));
      },
    });
    await forceExpiry(server.connectString, a.zk);
    await waitFor('the re-registration after expiry', async () => epochs.length >= 2, 10000, 20);
    expect(epochs).to.have.length(2);
    expect(epochs[1]).to.be.greaterThan(epochs[0]);
    expect((await stat('/brokers/ids/5')).ephemeralOwner).to.equal(a.zk.sessionId);
  });

  it('elects one controller, bumps the epoch, and fences the old one', async () => {
    const [a, b] = [await client(), await client()];
    await a.createTopLevelPaths();
    expect(await a.getControllerId()).to.equal(null);
    expect(await a.getControllerEpoch()).to.equal(null);
    const won = await a.registerControllerAndIncrementControllerEpoch(1);
    expect(won).to.deep.equal({ epoch: 1, epochZkVersion: 1 });
    expect(await data('/controller_epoch')).to.equal('1');
    expect((await stat('/controller_epoch')).version).to.equal(1);
    const ctl = await stat('/controller');
    expect(ctl.ephemeralOwner).to.equal(a.zk.sessionId);
    expect(ctl.version).to.equal(0);
    expect(await data('/controller')).to.match(/^\{"version":2,"brokerid":1,"timestamp":"\d+","kraftControllerEpoch":-1\}$/);

    const lost = await b.registerControllerAndIncrementControllerEpoch(2).catch((e: Error) => e);
    expect(lost).to.be.instanceOf(ControllerMovedError);
    const events: string[] = [];
    expect(await b.getControllerId((e) => events.push(e.type))).to.equal(1);

    // a writes partition state while controller
    await a.createTopicWithConfig('t', D.randomTopicId(), new Map([[0, [1]]]), {});
    const st = new Map([
      [
        't-0',
        { topic: 't', partition: 0, controllerEpoch: 1, leaderAndIsr: { leader: 1, leaderEpoch: 0, isr: [1], leaderRecoveryState: 0, partitionEpoch: 0 } },
      ],
    ]);
    expect((await a.createTopicPartitionStatesRaw(st, won.epochZkVersion)).get('t-0')).to.equal(null);

    await a.close(); // resign: /controller goes away with the session
    await waitFor('the /controller watch to fire', async () => events.length > 0, 5000, 20);
    expect(events).to.deep.equal(['NodeDeleted']);
    const next = await b.registerControllerAndIncrementControllerEpoch(2);
    expect(next).to.deep.equal({ epoch: 2, epochZkVersion: 2 });

    // a zombie still using zkVersion 1 is fenced
    const zombie = await client();
    const l = { leader: 1, leaderEpoch: 1, isr: [1], leaderRecoveryState: 0, partitionEpoch: 0 };
    const e1 = await zombie.updateLeaderAndIsr(new Map([['t-0', l]]), 1, won.epochZkVersion).catch((e: Error) => e);
    expect(e1).to.be.instanceOf(ControllerMovedError);
    expect((e1 as Error).message).to.equal('Controller epoch zkVersion check fails. Expected zkVersion = 1');
    const e2 = await zombie.createTopicPartitionStatesRaw(st, won.epochZkVersion).catch((e: Error) => e);
    expect(e2).to.be.instanceOf(ControllerMovedError);
    expect((await stat('/brokers/topics/t/partitions/0/state')).version).to.equal(0);
    // the new controller's write goes through
    const ok = await b.updateLeaderAndIsr(new Map([['t-0', l]]), 2, next.epochZkVersion);
    expect(ok.finished.get('t-0')).to.deep.equal({ ...l, partitionEpoch: 1 });
  });

  it('creates topic znodes byte for byte and refuses duplicates', async () => {
    const c = await client();
    await c.createTopLevelPaths();
    const assignment = new Map([
      [0, [2, 3, 1]],
      [1, [3, 1, 2]],
      [2, [1, 2, 3]],
    ]);
    await c.createTopicWithConfig('my-topic', 'cMr3GpVESX2L3byPGf93lQ', assignment, { 'retention.ms': '604800000' });
    expect(await data('/brokers/topics/my-topic')).to.equal(
      '{"partitions":{"0":[2,3,1],"1":[3,1,2],"2":[1,2,3]},"topic_id":"cMr3GpVESX2L3byPGf93lQ","adding_replicas":{},"removing_replicas":{},"version":3}',
    );
    expect(await data('/config/topics/my-topic')).to.equal('{"version":1,"config":{"retention.ms":"604800000"}}');
    const [cfg, topic] = [await stat('/config/topics/my-topic'), await stat('/brokers/topics/my-topic')];
    expect([cfg.version, topic.version]).to.deep.equal([0, 0]);
    expect(topic.czxid).to.equal(cfg.czxid + 1);
    // Like Kafka, the config znode is (re)written before the topic znode fails: callers validate first.
    const dup = await c.createTopicWithConfig('my-topic', 'x', assignment, { 'retention.ms': '604800000' }).catch((e: Error) => e);
    expect(dup).to.be.instanceOf(TopicExistsError);
    expect((dup as Error).message).to.equal("Topic 'my-topic' already exists.");

    const offsets = new Map(Array.from({ length: 50 }, (_, p) => [p, [1, 2, 3]] as [number, number[]]));
    await c.createTopicWithConfig('__consumer_offsets', 'q1Uz0fqXRXmnZ-Wk6eDbwQ', offsets, {
      'cleanup.policy': 'compact',
      'segment.bytes': '104857600',
      'compression.type': 'producer',
    });
    expect(await data('/config/topics/__consumer_offsets')).to.equal(
      '{"version":1,"config":{"compression.type":"producer","cleanup.policy":"compact","segment.bytes":"104857600"}}',
    );
    expect(await data('/brokers/topics/__consumer_offsets')).to.match(
      /^\{"partitions":\{"44":\[1,2,3\],"45":.*"43":\[1,2,3\]\},"topic_id":"q1Uz0fqXRXmnZ-Wk6eDbwQ",/,
    );

    expect((await c.getAllTopicsInCluster()).sort()).to.deep.equal(['__consumer_offsets', 'my-topic']);
    const got = await c.getReplicaAssignmentAndTopicIds(['my-topic', 'nope']);
    expect(got.get('my-topic')?.topicId).to.equal('cMr3GpVESX2L3byPGf93lQ');
    expect(got.get('my-topic')?.partitions).to.deep.equal(assignment);
    expect(got.get('nope')).to.deep.equal({ topicId: null, partitions: new Map(), adding: new Map(), removing: new Map() });
    expect(await c.getTopicConfig('my-topic')).to.deep.equal({ 'retention.ms': '604800000' });
    expect(await c.getTopicConfig('nope')).to.deep.equal({});
    expect(await c.isTopicMarkedForDeletion('my-topic')).to.equal(false);
    await c.createDeleteTopicPath('my-topic');
    expect(await c.isTopicMarkedForDeletion('my-topic')).to.equal(true);
    expect(await data('/admin/delete_topics/my-topic')).to.equal(null);
  });

  it('creates and updates partition states with versions, and adds missing topic ids', async () => {
    const c = await client();
    await c.createTopLevelPaths();
    const { epoch, epochZkVersion } = await c.registerControllerAndIncrementControllerEpoch(1);
    await c.createTopicWithConfig(
      't',
      null,
      new Map([
        [0, [1, 2]],
        [1, [2, 1]],
      ]),
      {},
    );
    const l0 = { leader: 1, leaderEpoch: 0, isr: [1, 2], leaderRecoveryState: 0, partitionEpoch: 0 };
    const l1 = { leader: 2, leaderEpoch: 0, isr: [2, 1], leaderRecoveryState: 0, partitionEpoch: 0 };
    const states = new Map([
      ['t-0', { topic: 't', partition: 0, controllerEpoch: epoch, leaderAndIsr: l0 }],
      ['t-1', { topic: 't', partition: 1, controllerEpoch: epoch, leaderAndIsr: l1 }],
    ]);
    const created = await c.createTopicPartitionStatesRaw(states, epochZkVersion);
    expect([...created]).to.deep.equal([
      ['t-0', null],
      ['t-1', null],
    ]);
    expect(await data('/brokers/topics/t/partitions')).to.equal(null);
    expect(await data('/brokers/topics/t/partitions/0/state')).to.equal('{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}');
    expect((await stat('/brokers/topics/t/partitions/1/state')).version).to.equal(0);
    const again = await c.createTopicPartitionStatesRaw(states, epochZkVersion);
    expect(again.get('t-0')?.code).to.equal('NODEEXISTS');

    const shrink = { ...l0, leaderEpoch: 1, isr: [1] };
    const r = await c.updateLeaderAndIsr(new Map([['t-0', shrink]]), epoch, epochZkVersion);
    expect(r.finished.get('t-0')).to.deep.equal({ ...shrink, partitionEpoch: 1 });
    expect(await data('/brokers/topics/t/partitions/0/state')).to.equal('{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":1,"isr":[1]}');
    const stale = await c.updateLeaderAndIsr(
      new Map([
        ['t-0', shrink],
        ['t-9', l0],
      ]),
      epoch,
      epochZkVersion,
    );
    expect(stale.retry).to.deep.equal(['t-0']);
    expect((stale.failed.get('t-9') as ZkError).code).to.equal('NONODE');

    const read = await c.getTopicPartitionStates([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
      { topic: 't', partition: 5 },
    ]);
    expect(read.get('t-0')).to.deep.equal({ controllerEpoch: 1, leaderAndIsr: { ...shrink, partitionEpoch: 1 } });
    expect(read.get('t-1')?.leaderAndIsr.leader).to.equal(2);
    expect(read.has('t-5')).to.equal(false);

    const withIds = await c.setTopicIdsIfMissing(await c.getReplicaAssignmentAndTopicIds(['t']), epochZkVersion);
    const id = withIds.get('t')?.topicId;
    expect(id).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect((await stat('/brokers/topics/t')).version).to.equal(1);
    expect(await data('/brokers/topics/t')).to.equal(
      `{"partitions":{"0":[1,2],"1":[2,1]},"topic_id":"${id}","adding_replicas":{},"removing_replicas":{},"version":3}`,
    );
    expect(await c.createFeatureZNodeIfMissing()).to.equal(0);
    expect(await data('/feature')).to.equal('{"features":{},"version":2,"status":1}');
  });
});

describe('KafkaZkClient against a 3-node ZooKeeper ensemble', function () {
  this.timeout(45000);
  let server: ZooKeeperHandle;
  before(async () => {
    server = await startZooKeeper({ nodes: 3 });
  });
  after(async () => server?.stop());

  it('keeps working when one ZooKeeper node dies', async () => {
    expect(server.connectString.split(',')).to.have.length(3);
    const c = await KafkaZkClient.create(`${server.connectString}/kafka`, 6000, 15000);
    try {
      await c.createTopLevelPaths();
      const id = await c.createOrGetClusterId(D.generateClusterId());
      const epoch = await c.registerBroker({ id: 1, endpoints: [plain(9092)] });
      server.kill(0);
      expect(await c.getClusterId()).to.equal(id);
      expect((await c.getBroker(1))?.epoch).to.equal(epoch);
      await c.createTopicWithConfig('t', D.randomTopicId(), new Map([[0, [1]]]), {});
      expect(await c.getAllTopicsInCluster()).to.deep.equal(['t']);
    } finally {
      await c.close();
    }
  });
});
