import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../../src/server/main';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';
import { loadProperties } from '../../../src/server/config/properties';

const repo = path.join(__dirname, '../../../..');
const bin = path.join(repo, 'bin/kafka-server-start');
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20000, cwd: os.tmpdir() });

describe('bin/kafka-server-start (kafka.Kafka main)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kss-'));
  });

  it('prints the usage line and exits 1 without arguments', () => {
    const r = run([]);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.contain('USAGE: kafka-server-start server.properties [--override property=value]*');
  });

  it('prints one line naming the key and exits 1 on a bad value in the file', () => {
    const file = path.join(dir, 'bad.properties');
    fs.writeFileSync(file, 'zookeeper.connect=localhost:2181\nlog.segment.bytes=abc\n');
    const r = run([file]);
    expect(r.status).to.equal(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain('Invalid value abc for configuration log.segment.bytes: Not a number of type INT');
  });

  it('applies --override (both forms) and reports a bad override the same way', () => {
    const file = path.join(dir, 'ok.properties');
    fs.writeFileSync(file, 'zookeeper.connect=localhost:2181\n');
    const r = run([file, '--override', 'num.partitions=x']);
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.contain('configuration num.partitions');
    const r2 = run([file, '--override=broker.id=-5']);
    expect(r2.status).to.equal(1);
    expect(r2.stderr).to.contain('broker.id');
  });

  it('reports a missing zookeeper.connect and a missing file', () => {
    const file = path.join(dir, 'empty.properties');
    fs.writeFileSync(file, '# nothing\n');
    const r = run([file]);
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal('ConfigException: Missing required configuration "zookeeper.connect" which has no default value.');
    const r2 = run([path.join(dir, 'nope.properties')]);
    expect(r2.status).to.equal(1);
    expect(r2.stderr).to.contain('nope.properties');
  });

  it('parseArgs', () => {
    expect(parseArgs([])).to.have.property('error');
    expect(parseArgs(['s.properties', '--override', 'a=1', '--override=b=2'])).to.deep.equal({ propertiesFile: 's.properties', overrides: ['a=1', 'b=2'] });
    expect(parseArgs(['s.properties', 'stray']))
      .to.have.property('error')
      .that.contains('Found non argument parameters: stray');
    expect(parseArgs(['s.properties', '--override'])).to.have.property('error');
  });

  it('the shipped configs build valid KafkaConfigs', () => {
    const stock = KafkaConfig.fromProps(loadProperties(path.join(repo, 'config/server.properties')));
    expect(stock.brokerId).to.equal(0);
    expect(stock.groupInitialRebalanceDelay).to.equal(0);
    for (const n of [1, 2, 3]) {
      const c = KafkaConfig.fromProps(loadProperties(path.join(repo, `config/local/server-${n}.properties`)));
      expect(c.brokerId).to.equal(n);
      expect(c.listeners[0]).to.deep.equal({ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + n });
      expect(c.advertisedListeners).to.deep.equal(c.listeners);
      expect(c.logDirs).to.deep.equal([`data/kafka-${n}`]);
      expect(c.zkConnect).to.equal('127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183');
      expect(c.offsetsTopicReplicationFactor).to.equal(3);
      expect(c.groupInitialRebalanceDelay).to.equal(0);
      expect(c.unknownKeys()).to.deep.equal([]);
    }
  });
});
