/**
 * `npm start -- --kraft`'s layout and storage formatting: config/kraft's files are valid KRaft configurations
 * (controllers 3001-3003 on 19091-19093, brokers 1-3 on 9092-9094, data under data/kraft), every folder is formatted
 * with one cluster id that later starts reuse, and folders of two clusters are refused.
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot } from '../../../src/launcher/ClusterLayout';
import { localKRaftLayout, quorumVoters, tempKRaftLayout } from '../../../src/launcher/KRaftLayout';
import { existingClusterId, formatKRaftStorage, nodeDirectories } from '../../../src/launcher/KRaftStorage';
import { readMetaProperties } from '../../../src/server/BrokerMetadataCheckpoint';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';
import { loadProperties } from '../../../src/server/config/properties';

const root = findRepoRoot(__dirname);
const mainJs = path.join(root, 'dist', 'src', 'launcher', 'main.js');

describe('launcher: npm start -- --kraft (layout and storage)', () => {
  it('config/kraft holds three controllers (3001-3003 on 19091-19093) and brokers 1-3 on 9092-9094, valid for KafkaConfig', () => {
    const layout = localKRaftLayout({ rootDir: root });
    expect(layout.controllers.map((c) => [c.id, c.port])).to.deep.equal([
      [3001, 19091],
      [3002, 19092],
      [3003, 19093],
    ]);
    expect(layout.brokers.map((b) => [b.id, b.port])).to.deep.equal([
      [1, 9092],
      [2, 9093],
      [3, 9094],
    ]);
    expect(quorumVoters(layout)).to.equal('3001@127.0.0.1:19091,3002@127.0.0.1:19092,3003@127.0.0.1:19093');
    expect(layout.dataDir).to.equal(path.join(root, 'data', 'kraft'));
    for (const n of [...layout.controllers, ...layout.brokers]) {
      expect(n.propertiesFile.startsWith(path.join(root, 'config', 'kraft'))).to.equal(true);
      const config = KafkaConfig.fromProps(loadProperties(n.propertiesFile));
      expect(config.brokerId).to.equal(n.id);
      expect([...config.kraft!.processRoles]).to.deep.equal([n.role]);
      expect(config.kraft!.voters.size).to.equal(3);
      // meta.properties lands beside __cluster_metadata-0: the metadata log dir is the node's only log dir.
      expect(path.resolve(root, config.kraft!.metadataLogDir)).to.equal(n.dataDir);
      expect(n.dataDir).to.equal(path.join(root, 'data', 'kraft', `${n.role}-${n.id}`));
    }
  });

  it('more brokers than config/kraft ships get generated files; fewer than 3 lower the internal topics replication', () => {
    const tmp = fs.mkdtempSync(path.join(root, 'dist', 'kraft-layout-'));
    try {
      fs.mkdirSync(path.join(tmp, 'config'));
      fs.cpSync(path.join(root, 'config', 'kraft'), path.join(tmp, 'config', 'kraft'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'package.json'), '{}');
      const five = localKRaftLayout({ rootDir: tmp, brokers: 5 });
      expect(five.brokers[4]).to.include({ id: 5, port: 9096 });
      const props = loadProperties(five.brokers[4].propertiesFile);
      expect(props['node.id']).to.equal('5');
      expect(props['log.dirs']).to.equal('data/kraft/broker-5');
      expect(KafkaConfig.fromProps(props).kraft!.voters.size).to.equal(3);
      const one = localKRaftLayout({ rootDir: tmp, brokers: 1 });
      expect(one.brokers[0].overrides).to.include('offsets.topic.replication.factor=1');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('formats every folder with one new cluster id, reuses it later, formats a wiped folder with the same id', async () => {
    const layout = await tempKRaftLayout({ controllers: 3, brokers: 2 });
    try {
      const lines: string[] = [];
      const first = formatKRaftStorage(layout, (l) => lines.push(l));
      expect(first.formatted).to.deep.equal(['controller-3001', 'controller-3002', 'controller-3003', 'broker-1', 'broker-2']);
      expect(first.clusterId).to.match(/^[A-Za-z0-9_-]{22}$/);
      expect(lines[0]).to.match(/^ {2}controller-3001: Formatting .*controller-3001 with metadata.version 3.7-IV4\.$/);
      for (const n of [...layout.controllers, ...layout.brokers]) {
        const [dir] = nodeDirectories(layout, n);
        const meta = readMetaProperties(dir)!;
        expect([meta.version, meta.clusterId, meta.nodeId]).to.deep.equal([1, first.clusterId, n.id]);
        expect(fs.existsSync(path.join(dir, 'bootstrap.checkpoint'))).to.equal(true);
      }
      const again = formatKRaftStorage(layout, () => undefined);
      expect(again).to.deep.equal({ clusterId: first.clusterId, formatted: [] });
      fs.rmSync(layout.brokers[1].dataDir, { recursive: true });
      const healed = formatKRaftStorage(layout, () => undefined);
      expect(healed).to.deep.equal({ clusterId: first.clusterId, formatted: ['broker-2'] });
      expect(readMetaProperties(layout.brokers[1].dataDir)!.clusterId).to.equal(first.clusterId);
    } finally {
      fs.rmSync(layout.dataDir, { recursive: true, force: true });
    }
  });

  it('refuses folders formatted for two different clusters, naming them', async () => {
    const a = await tempKRaftLayout({ controllers: 1, brokers: 1 });
    const b = await tempKRaftLayout({ controllers: 1, brokers: 1 });
    try {
      formatKRaftStorage(a, () => undefined);
      const idB = formatKRaftStorage(b, () => undefined).clusterId;
      fs.rmSync(a.brokers[0].dataDir, { recursive: true });
      fs.cpSync(b.brokers[0].dataDir, a.brokers[0].dataDir, { recursive: true });
      expect(() => existingClusterId(a)).to.throw(new RegExp(`different clusters \\(.*${idB} in ${a.brokers[0].dataDir}.*--fresh`));
    } finally {
      fs.rmSync(a.dataDir, { recursive: true, force: true });
      fs.rmSync(b.dataDir, { recursive: true, force: true });
    }
  });

  it('main.js --help offers --kraft', () => {
    const help = execFileSync(process.execPath, [mainJs, '--help'], { encoding: 'utf8' });
    expect(help).to.contain('--kraft').and.to.contain('3001-3003');
  });
});
