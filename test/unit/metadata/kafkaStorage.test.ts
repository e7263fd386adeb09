import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { infoCommand, parseArgs, run } from '../../../src/cli/kafka-storage';
import { MetaProperties } from '../../../src/metadata/properties/MetaProperties';
import { writeMetaProperties } from '../../../src/server/BrokerMetadataCheckpoint';

const CLUSTER = 'lpUHgL9rSRWODphL1u1jmA';

describe('kafka-storage (Kafka 3.7 StorageTool) pieces', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const info = (selfManaged: boolean, dirs: string[]) => {
    const lines: string[] = [];
    const code = infoCommand((l) => lines.push(l), selfManaged, dirs);
    return { code, lines };
  };

  it('info: a KRaft config over ZooKeeper-formatted directories, and the reverse, are problems', () => {
    const a = path.join(tmp, 'a');
    fs.mkdirSync(a);
    writeMetaProperties(a, new MetaProperties(0, CLUSTER, 1, null));
    expect(info(true, [a])).to.deep.equal({
      code: 1,
      lines: [
        'Found log directory:',
        `  ${a}`,
        '',
        `Found metadata: {broker.id=1, cluster.id=${CLUSTER}, version=0}`,
        '',
        'Found problem:',
        '  The kafka configuration file appears to be for a cluster in KRaft mode, but the directories are formatted for legacy mode.',
        '',
      ],
    });
    writeMetaProperties(a, new MetaProperties(1, CLUSTER, 1, null));
    expect(info(false, [a]).lines).to.include(
      '  The kafka configuration file appears to be for a legacy cluster, but the directories are formatted for a cluster in KRaft mode.',
    );
    expect(info(true, [a]).code).to.equal(0);
  });

  it('info: mismatched ids, unformatted directories and files where directories belong', () => {
    const [a, b, c, f] = ['a', 'b', 'c', 'f'].map((n) => path.join(tmp, n));
    for (const d of [a, b, c]) fs.mkdirSync(d);
    fs.writeFileSync(f, 'x');
    writeMetaProperties(a, new MetaProperties(1, CLUSTER, 1, null));
    writeMetaProperties(b, new MetaProperties(1, 'AAAAAAAAAAAAAAAAAAAAAg', 1, null));
    const r = info(true, [f, c, b, a]);
    expect(r.code).to.equal(1);
    expect(r.lines.slice(-5)).to.deep.equal([
      'Found problems:',
      '  Mismatched cluster IDs between storage directories.',
      `  ${c} is not formatted.`,
      `  ${f} is not a directory`,
      '',
    ]);
    expect(info(true, [])).to.deep.equal({ code: 0, lines: ['No directories specified.'] });
  });

  it('parses arguments as argparse4j does and prints its usage errors', () => {
    expect(parseArgs(['format', '--cluster-id=x', '-c', 'f', '-g', '-r', '3.6'])).to.include({
      command: 'format',
      clusterId: 'x',
      config: 'f',
      ignoreFormatted: true,
      releaseVersion: '3.6',
    });
    const err: string[] = [];
    expect(
      run(
        ['info'],
        () => undefined,
        (l) => err.push(l),
      ),
    ).to.equal(1);
    expect(err).to.deep.equal(['usage: kafka-storage info [-h] --config CONFIG', 'kafka-storage: error: argument --config/-c is required']);
    err.length = 0;
    expect(
      run(
        ['wipe'],
        () => undefined,
        (l) => err.push(l),
      ),
    ).to.equal(1);
    expect(err[1]).to.equal("kafka-storage: error: argument command: invalid choice: 'wipe' (choose from 'info', 'format', 'random-uuid')");
    err.length = 0;
    expect(
      run(
        ['info', '-c', path.join(tmp, 'missing.properties')],
        () => undefined,
        (l) => err.push(l),
      ),
    ).to.equal(1);
    expect(err[0]).to.match(/^Unable to read .*missing\.properties: ENOENT/);
  });
});
