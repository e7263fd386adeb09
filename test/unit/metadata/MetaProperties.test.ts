import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Uuid } from '../../../src/common/Uuid';
import { MetaProperties, javaDateString, javaPropertiesOrder, metaPropertiesText } from '../../../src/metadata/properties/MetaProperties';
import { MetaPropertiesEnsemble, checkAndWriteBrokerMetadata, readMetaProperties, writeMetaProperties } from '../../../src/server/BrokerMetadataCheckpoint';
import {
  LATEST_PRODUCTION,
  isKRaftSupported,
  isProduction,
  metadataVersionFromFeatureLevel,
  metadataVersionFromString,
} from '../../../src/metadata/MetadataVersion';

const CLUSTER = 'MkU3OEVBNTcwNTJENDM2Qg';
const DIR_ID = Uuid.fromString('3TRuCEzpTjWcl9uOR2QG1w');

describe('meta.properties (Kafka 3.7 MetaProperties)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'metaprops-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes v1 as Properties.store does on Java 9+: empty comment, Java date, entries in hash-bin order', () => {
    const dirId = Uuid.fromString('cKnbmuDzRfG0vHu8bOOnMg');
    const text = metaPropertiesText(new MetaProperties(1, CLUSTER, 3001, dirId), new Date(Date.UTC(2026, 11, 7, 6, 5, 4)));
    const lines = text.split('\n');
    expect(lines[0]).to.equal('#');
    expect(lines[1]).to.match(/^#(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d \S+ \d{4}$/);
    expect(lines.slice(2)).to.deep.equal(['node.id=3001', 'directory.id=cKnbmuDzRfG0vHu8bOOnMg', 'version=1', `cluster.id=${CLUSTER}`, '']);
    expect(javaDateString(new Date(2026, 0, 5, 7, 8, 9))).to.match(/^Mon Jan 05 07:08:09 \S+ 2026$/);
    expect(
      javaPropertiesOrder([
        ['version', '0'],
        ['cluster.id', 'c'],
        ['broker.id', '1'],
      ]).map((e) => e[0]),
    ).to.deep.equal(['broker.id', 'version', 'cluster.id']);
  });

  it('reads back what it writes, v0 and v1; a missing file is null', () => {
    expect(readMetaProperties(tmp)).to.equal(null);
    writeMetaProperties(tmp, new MetaProperties(1, CLUSTER, 1, DIR_ID));
    const v1 = readMetaProperties(tmp)!;
    expect(v1.toString()).to.equal(`MetaProperties(version=1, clusterId=${CLUSTER}, nodeId=1, directoryId=3TRuCEzpTjWcl9uOR2QG1w)`);
    expect(v1.equals(new MetaProperties(1, CLUSTER, 1, DIR_ID))).to.equal(true);
    expect(fs.existsSync(path.join(tmp, 'meta.properties.tmp'))).to.equal(false);
    writeMetaProperties(tmp, new MetaProperties(0, CLUSTER, 5, null));
    expect(readMetaProperties(tmp)!.toString()).to.equal(`MetaProperties(version=0, clusterId=${CLUSTER}, nodeId=5)`);
    expect(fs.readFileSync(path.join(tmp, 'meta.properties'), 'utf8')).to.contain('broker.id=5\nversion=0\n');
  });

  it('rejects malformed files with Kafka messages', () => {
    const parse = (p: Record<string, string>) => () => MetaProperties.fromProperties(p);
    expect(parse({ version: 'x' })).to.throw("Invalid meta.properties version string 'x'");
    expect(parse({ version: '2' })).to.throw('Unknown meta.properties version number 2');
    expect(parse({ version: '1', 'cluster.id': CLUSTER })).to.throw('Failed to find node.id');
    expect(parse({ version: '1', 'node.id': '1' })).to.throw('cluster.id was not found.');
    expect(parse({ version: '0', 'broker.id': 'one' })).to.throw('Unable to read broker.id as a base-10 number.');
    expect(parse({ version: '1', 'node.id': '1', 'cluster.id': CLUSTER, 'directory.id': '!' })).to.throw('Unable to read directory.id as a Uuid:');
    expect(MetaProperties.fromProperties({}).toString()).to.equal('MetaProperties(version=0)');
  });

  it('an ensemble verifies that directories agree, and prints as Kafka does', () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    writeMetaProperties(a, new MetaProperties(1, CLUSTER, 1, DIR_ID));
    const e = MetaPropertiesEnsemble.load([b, a]);
    expect([...e.emptyLogDirs]).to.deep.equal([b]);
    expect(e.toString()).to.equal(
      `MetaPropertiesEnsemble(metadataLogDir=Optional.empty, dirs={${a}: MetaProperties(version=1, clusterId=${CLUSTER}, nodeId=1, directoryId=3TRuCEzpTjWcl9uOR2QG1w), ${b}: EMPTY})`,
    );
    e.verify(CLUSTER, 1);
    writeMetaProperties(b, new MetaProperties(1, CLUSTER, 1, Uuid.ONE_UUID));
    expect(() => MetaPropertiesEnsemble.load([a, b]).verify(CLUSTER, 1)).to.throw(`Invalid resrved directory ID AAAAAAAAAAAAAAAAAAAAAQ found in ${b}`);
    writeMetaProperties(b, new MetaProperties(1, CLUSTER, 1, DIR_ID));
    expect(() => MetaPropertiesEnsemble.load([a, b]).verify(CLUSTER, 1)).to.throw(
      `Duplicate directory ID Optional[${DIR_ID.toString()}] found. It was the ID of ${a}, but also of ${b}`,
    );
    expect(() => e.verify('other', 1)).to.throw(`Invalid cluster.id in: ${path.join(a, 'meta.properties')}. Expected other, but read ${CLUSTER}`);
    expect(() => e.verify(CLUSTER, 2)).to.throw(`Stored node id 1 doesn't match previous node id 2 in ${path.join(a, 'meta.properties')}.`);
    expect(() => e.verify(null, null, { requireV0: true })).to.throw('ZK-based brokers that are not migrating only support version 0');
    const d1 = e.generateValidDirectoryId();
    expect(d1.toString().startsWith('-')).to.equal(false);
    expect(d1.equals(DIR_ID)).to.equal(false);
  });

  it('a ZooKeeper-mode broker refuses a directory formatted for KRaft instead of rewriting it', () => {
    writeMetaProperties(tmp, new MetaProperties(1, CLUSTER, 1, DIR_ID));
    expect(() => checkAndWriteBrokerMetadata([tmp], CLUSTER, 1)).to.throw('Found unexpected version in');
    expect(readMetaProperties(tmp)!.version).to.equal(1);
    const zk = path.join(tmp, 'zk');
    checkAndWriteBrokerMetadata([zk], CLUSTER, 4);
    expect(readMetaProperties(zk)!.toString()).to.equal(`MetaProperties(version=0, clusterId=${CLUSTER}, nodeId=4)`);
    expect(() => checkAndWriteBrokerMetadata([zk], CLUSTER, 5)).to.throw("Configured broker.id 5 doesn't match stored broker.id Some(4)");
  });
});

describe('MetadataVersion (Kafka 3.7)', () => {
  it('reads version strings as Kafka does', () => {
    expect(LATEST_PRODUCTION.version).to.equal('3.7-IV4');
    expect(LATEST_PRODUCTION.featureLevel).to.equal(19);
    expect(metadataVersionFromString('3.7').version).to.equal('3.7-IV4');
    expect(metadataVersionFromString('3.6').version).to.equal('3.6-IV2');
    expect(metadataVersionFromString('3.5-IV1').featureLevel).to.equal(10);
    expect(metadataVersionFromString('3.3.1').version).to.equal('3.3-IV3');
    expect(metadataVersionFromString('0.10.0').version).to.equal('0.10.0-IV1');
    expect(() => metadataVersionFromString('3.8')).to.throw('Version 3.8 is not a valid version');
    expect(() => metadataVersionFromString('banana')).to.throw('Version banana is not a valid version');
    expect(isProduction(metadataVersionFromString('3.8-IV0'))).to.equal(false);
    expect(isKRaftSupported(metadataVersionFromString('2.8'))).to.equal(false);
    expect(isKRaftSupported(metadataVersionFromString('3.0-IV1'))).to.equal(true);
    expect(metadataVersionFromFeatureLevel(14).version).to.equal('3.6-IV2');
  });
});
