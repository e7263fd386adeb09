import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { KRaftTestCluster } from '../../helpers/kraftCluster';

/**
 * A KRaft controller refuses bad input at start-up with Kafka 3.7's messages and exit code 1, writing nothing: a
 * malformed controller.quorum.voters, an unformatted directory, a directory formatted for another cluster, and
 * directories formatted for another node id (bin/kafka-server-start as an operator runs it).
 */
describe('integration: a KRaft controller refuses bad input at start-up', function () {
  this.timeout(180000);
  let c: KRaftTestCluster;

  before(async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 0, noStart: true });
  });
  after(async () => {
    await c?.shutdown();
  });

  const listing = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : null);

  it('a malformed controller.quorum.voters: the ConfigException, exit 1', async () => {
    const props = c.node(3001).propsFile;
    for (const [voters, message] of [
      [
        '3001-127.0.0.1:9093',
        'ConfigException: Invalid configuration value for controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.',
      ],
      [
        '3001@127.0.0.1',
        'ConfigException: Failed to parse host name from entry 3001@127.0.0.1 for the configuration controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.',
      ],
      ['x@127.0.0.1:9093', 'ConfigException: Failed to parse voter ID as an integer from x'],
    ]) {
      const r = await c.runToExit([props, '--override', `controller.quorum.voters=${voters}`]);
      expect(r.code, r.out).to.equal(1);
      expect(r.out.trim(), voters).to.equal(message);
    }
    const r = await c.runToExit([props, '--override', 'controller.quorum.voters=3002@127.0.0.1:9093']);
    expect(r.code).to.equal(1);
    expect(r.out.trim()).to.equal(
      "ConfigException: If process.roles contains the 'controller' role, the node id 3001 must be included in the set of voters controller.quorum.voters=Set(3002)",
    );
    expect(listing(c.dataDir(3001))).to.deep.equal(['bootstrap.checkpoint', 'meta.properties']);
  });

  it('an unformatted directory: Kafka\'s "have you run kafka-storage.sh" message, nothing created', async () => {
    const fresh = path.join(c.root, 'never-formatted');
    const r = await c.runToExit([c.node(3001).propsFile, '--override', `log.dirs=${fresh}`]);
    expect(r.code).to.equal(1);
    expect(r.out.trim()).to.equal('Exiting Kafka due to fatal exception: No readable meta.properties files found.');
    expect(fs.existsSync(fresh)).to.equal(false);

    const extra = path.join(c.root, 'extra-unformatted');
    const r2 = await c.runToExit([c.node(3001).propsFile, '--override', `log.dirs=${c.dataDir(3001)},${extra}`]);
    expect(r2.code).to.equal(1);
    expect(r2.out.trim()).to.equal(
      `Exiting Kafka due to fatal exception: No \`meta.properties\` found in ${extra} (have you run \`kafka-storage.sh\` to format the directory?)`,
    );
    expect(fs.existsSync(extra)).to.equal(false);
    expect(listing(c.dataDir(3001))).to.deep.equal(['bootstrap.checkpoint', 'meta.properties']);
  });

  it('a directory formatted for another cluster id: "Invalid cluster.id", exit 1', async () => {
    const other = path.join(c.root, 'other-cluster');
    const otherProps = path.join(c.root, 'other-cluster.properties');
    fs.writeFileSync(otherProps, fs.readFileSync(c.node(3001).propsFile, 'utf8').replace(/^log\.dirs=.*$/m, `log.dirs=${other}`));
    const otherId = c.storage(['random-uuid']).out.trim();
    const fmt = c.storage(['format', '-t', otherId, '-c', otherProps]);
    expect(fmt.code, fmt.out).to.equal(0);

    const r = await c.runToExit([
      c.node(3001).propsFile,
      '--override',
      `log.dirs=${c.dataDir(3001)},${other}`,
      '--override',
      `metadata.log.dir=${c.dataDir(3001)}`,
    ]);
    expect(r.code).to.equal(1);
    const ids = [c.clusterId, otherId];
    const m = /^Exiting Kafka due to fatal exception: Invalid cluster\.id in: (\S+)\/meta\.properties\. Expected (\S+), but read (\S+)$/.exec(r.out.trim());
    expect(m, r.out).to.not.equal(null);
    expect([m![2], m![3]].sort()).to.deep.equal([...ids].sort());
    expect([c.dataDir(3001), other]).to.include(m![1]);
    expect(listing(c.dataDir(3001))).to.deep.equal(['bootstrap.checkpoint', 'meta.properties']);
    expect(listing(other)).to.deep.equal(['bootstrap.checkpoint', 'meta.properties']);
  });

  it('directories formatted for another node id: "Stored node id ... doesn\'t match", exit 1', async () => {
    // 3002 is a voter, so the configuration is valid; the directory was formatted for 3001.
    const r = await c.runToExit([c.node(3001).propsFile, '--override', 'node.id=3002']);
    expect(r.code).to.equal(1);
    expect(r.out.trim()).to.equal(
      `Exiting Kafka due to fatal exception: Stored node id 3001 doesn't match previous node id 3002 in ${c.dataDir(3001)}/meta.properties. ` +
        'If you moved your data, make sure your configured node id matches. If you intend to create a new node, you should remove all data in your data directories.',
    );
    expect(listing(c.dataDir(3001))).to.deep.equal(['bootstrap.checkpoint', 'meta.properties']);
  });

  it('a CONTROLLER listener port already in use: "Socket server failed to bind", exit 1; it starts once the port is free', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(c.node(3001).controllerPort, '127.0.0.1', () => resolve()));
    try {
      const r = await c.runToExit([c.node(3001).propsFile]);
      expect(r.code, r.out).to.equal(1);
      expect(r.out).to.contain(`Socket server failed to bind to 127.0.0.1:${c.node(3001).controllerPort}: Address already in use.`);
      expect(r.out).to.contain('Exiting Kafka due to fatal exception during startup.');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    // The node starts normally once the port is free.
    await c.start(3001);
    expect(c.isRunning(3001)).to.equal(true);
    await c.stop(3001);
  });
});
