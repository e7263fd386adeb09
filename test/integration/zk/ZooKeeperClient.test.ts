import { expect } from 'chai';
import { ZkError } from '../../../src/zk/errors';
import { ZkWatchEvent, ZooKeeperClient } from '../../../src/zk/ZooKeeperClient';
import { waitFor } from '../../helpers/ports';
import { forceExpiry, startZooKeeper, ZooKeeperHandle } from '../../helpers/zookeeper';

describe('ZooKeeperClient against real ZooKeeper', function () {
  this.timeout(30000);
  let server: ZooKeeperHandle;
  let zk: ZooKeeperClient;

  before(async () => {
    server = await startZooKeeper({ nodes: 1 });
    zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeoutMs: 6000, connectionTimeoutMs: 10000 });
  });
  after(async () => {
    await zk?.close();
    await server?.stop();
  });

  it('creates, reads, updates and deletes with stats', async () => {
    expect(await zk.create('/a', Buffer.from('x'))).to.equal('/a');
    const { data, stat } = await zk.getData('/a');
    expect(data?.toString()).to.equal('x');
    expect(stat.version).to.equal(0);
    expect(stat.czxid).to.be.greaterThan(0);
    expect(stat.czxid).to.equal(stat.mzxid);
    expect(stat.ephemeralOwner).to.equal('0');
    expect(stat.dataLength).to.equal(1);
    const s2 = await zk.setData('/a', Buffer.from('yy'), 0);
    expect(s2.version).to.equal(1);
    expect(s2.mzxid).to.be.greaterThan(s2.czxid);
    await zk.create('/a/b', null);
    expect((await zk.getData('/a/b')).data).to.equal(null);
    const kids = await zk.getChildren('/a');
    expect(kids.children).to.deep.equal(['b']);
    expect(kids.stat.numChildren).to.equal(1);
    expect(await zk.exists('/nope')).to.equal(null);
    await zk.delete('/a/b', 0);
    await zk.delete('/a');
  });

  it('throws typed errors', async () => {
    const codeOf = async (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: ZkError) => e.code,
      );
    expect(await codeOf(zk.getData('/missing'))).to.equal('NONODE');
    await zk.create('/e', null);
    expect(await codeOf(zk.create('/e', null))).to.equal('NODEEXISTS');
    expect(await codeOf(zk.setData('/e', Buffer.from('1'), 5))).to.equal('BADVERSION');
    await zk.create('/e/c', null);
    expect(await codeOf(zk.delete('/e'))).to.equal('NOTEMPTY');
    const err = await zk.getData('/missing').catch((e: ZkError) => e);
    expect((err as ZkError).message).to.equal('KeeperErrorCode = NoNode for /missing');
  });

  it('creates ephemerals owned by the session', async () => {
    await zk.create('/eph', null, 'EPHEMERAL');
    const stat = await zk.exists('/eph');
    expect(stat?.ephemeralOwner).to.equal(zk.sessionId);
    expect(zk.sessionId).to.match(/^[0-9a-f]+$/);
    await zk.delete('/eph');
  });

  it('runs multi atomically with per-op results, version 0 checks included', async () => {
    await zk.create('/m', Buffer.from('0'));
    const ok = await zk.multi([
      { type: 'check', path: '/m', version: 0 },
      { type: 'create', path: '/m/x', data: null, mode: 'PERSISTENT' },
      { type: 'setData', path: '/m', data: Buffer.from('1'), version: 0 },
    ]);
    expect(ok.map((r) => r.type)).to.deep.equal(['check', 'create', 'setData']);
    expect(ok[2].type === 'setData' && ok[2].stat.version).to.equal(1);
    // version 0 must really be checked (the driver's own check() would send -1).
    const err = (await zk
      .multi([
        { type: 'check', path: '/m', version: 0 },
        { type: 'create', path: '/m/y', data: null, mode: 'PERSISTENT' },
      ])
      .catch((e: ZkError) => e)) as ZkError;
    expect(err).to.be.instanceOf(ZkError);
    expect(err.code).to.equal('BADVERSION');
    expect(err.path).to.equal('/m');
    expect(err.results).to.deep.equal([
      { type: 'error', code: 'BADVERSION' },
      { type: 'error', code: 'RUNTIMEINCONSISTENCY' },
    ]);
    expect(await zk.exists('/m/y')).to.equal(null);
  });

  it('fires one-shot watchers', async () => {
    const events: ZkWatchEvent[] = [];
    const w = (e: ZkWatchEvent) => events.push(e);
    expect(await zk.exists('/w', w)).to.equal(null);
    await zk.create('/w', Buffer.from('a'));
    await waitFor('one watch event', async () => events.length === 1, 10000, 20);
    await zk.getData('/w', w);
    await zk.getChildren('/w', w);
    await zk.setData('/w', Buffer.from('b'));
    await zk.create('/w/c', null);
    await waitFor('three watch events', async () => events.length === 3, 10000, 20);
    expect(events.map((e) => `${e.type} ${e.path}`)).to.deep.equal(['NodeCreated /w', 'NodeDataChanged /w', 'NodeChildrenChanged /w']);
    await zk.setData('/w', Buffer.from('c'));
    // A one-shot watch that fired must not fire again for this change. ZooKeeper delivers a session's watch events in
    // the order of the changes (ZooKeeper Programmer's Guide, "Guarantees"): once the event of a later change on the
    // same session has arrived, an event for '/w' = 'c' would have arrived before it.
    const later: ZkWatchEvent[] = [];
    expect(await zk.exists('/w-later', (e) => later.push(e))).to.equal(null);
    await zk.create('/w-later', null);
    await waitFor('the watch event of a later change', async () => later.length === 1, 10000, 20);
    expect(later.map((e) => `${e.type} ${e.path}`)).to.deep.equal(['NodeCreated /w-later']);
    expect(events).to.have.length(3);
  });

  it('creates a new session after expiry and runs the before/after hooks', async () => {
    const z = await ZooKeeperClient.connect(server.connectString, { sessionTimeoutMs: 4000, connectionTimeoutMs: 10000 });
    try {
      const calls: string[] = [];
      z.registerStateChangeHandler({
        name: 'test',
        beforeInitializingSession: () => {
          calls.push('before');
        },
        afterInitializingSession: async () => {
          calls.push(`after connected=${z.isConnected()}`);
          await z.create('/reborn', null, 'EPHEMERAL');
        },
      });
      const old = z.sessionId;
      await z.create('/old-eph', null, 'EPHEMERAL');
      await forceExpiry(server.connectString, z);
      await waitFor('both session hooks', async () => calls.length === 2, 10000, 20);
      expect(calls).to.deep.equal(['before', 'after connected=true']);
      expect(z.sessionId).to.not.equal(old);
      expect(z.previousSessionIds).to.include(old);
      expect(await z.exists('/old-eph')).to.equal(null);
      expect((await z.exists('/reborn'))?.ephemeralOwner).to.equal(z.sessionId);
    } finally {
      await z.close();
    }
  });

  it('times out connecting to nothing', async () => {
    const t0 = Date.now();
    const err = await ZooKeeperClient.connect('127.0.0.1:1', { sessionTimeoutMs: 4000, connectionTimeoutMs: 500 }).catch((e: Error) => e);
    expect((err as Error).name).to.equal('ZooKeeperClientTimeoutError');
    expect(Date.now() - t0).to.be.lessThan(3000);
  });
});
