/**
 * Issue 14: on a running `npm start` cluster a lesson stops, kills and starts brokers through the observatory's
 * POST /api/brokers/<id>/{stop,kill,start}; kill returns once the broker no longer listens, start once it is
 * registered in /brokers/ids again. Without an observatory the lesson fails with a reason that says so.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { tempClusterLayout } from '../../../src/launcher/ClusterLayout';
import { LocalCluster, portAccepts } from '../../../src/launcher/LocalCluster';
import { ExternalCluster } from '../../../src/lessons/LessonCluster';
import { LessonFailure } from '../../../src/lessons/Lesson';
import { registeredBrokers } from '../../../src/lessons/ZkRead';
import { ObservatoryServer } from '../../../src/observatory/ObservatoryServer';

describe('integration: lessons control brokers through the observatory', function () {
  this.timeout(90_000);
  let root: string;
  let cluster: LocalCluster;
  let obs: ObservatoryServer;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lesson-obs-'));
    const layout = await tempClusterLayout({ brokers: 2, tmpRoot: root, brokerProps: { 'zookeeper.session.timeout.ms': '6000' } });
    cluster = new LocalCluster({ layout, log: () => undefined });
    await cluster.start();
    obs = new ObservatoryServer({
      zookeeperConnect: cluster.zookeeperConnect,
      bootstrapServers: cluster.bootstrapServers,
      brokers: layout.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, logDir: cluster.brokerLogDir(b.id) })),
      control: cluster,
      port: 0,
    });
    await obs.start();
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const p of cluster.processes)
      console.log(`--- ${p.name} ${p.outFile}\n${fs.existsSync(p.outFile) ? fs.readFileSync(p.outFile, 'utf8').split('\n').slice(-25).join('\n') : ''}`);
  });

  after(async () => {
    await obs?.close();
    cluster?.killAllSync();
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('kill then start broker 2', async () => {
    const target = await ExternalCluster.connect({
      bootstrap: cluster.bootstrapServers,
      zookeeper: cluster.zookeeperConnect,
      observatory: obs.url.replace(/\/+$/, ''),
      registered: registeredBrokers,
    });
    expect(target.observatory).to.be.a('string');
    expect(target.brokerIds).to.deep.equal([1, 2]);
    const b2 = cluster.layout.brokers.find((b) => b.id === 2)!;
    await target.killBroker(2);
    expect(await portAccepts(b2.host, b2.port, 500)).to.equal(false);
    expect(cluster.brokerRunning(2)).to.equal(false);
    await target.startBroker(2);
    expect(await registeredBrokers(cluster.zookeeperConnect)).to.deep.equal([1, 2]);
    expect(await portAccepts(b2.host, b2.port, 1000)).to.equal(true);
  });

  it('without an observatory, killing a broker is a LessonFailure that says why', async () => {
    const target = await ExternalCluster.connect({
      bootstrap: cluster.bootstrapServers,
      zookeeper: cluster.zookeeperConnect,
      observatory: 'http://127.0.0.1:1',
      registered: registeredBrokers,
    });
    const err = await target.killBroker(1).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(LessonFailure);
    expect(err!.message).to.contain('needs the observatory');
    expect(cluster.brokerRunning(1)).to.equal(true);
  });
});
