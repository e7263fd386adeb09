/**
 * The benchmark's parts that work without a broker: argument handling, the result table, and the C
 * harness (builds against librdkafka-dev, prints its usage, fails cleanly with no broker).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { findRepoRoot } from '../../../src/launcher/ClusterLayout';
import { formatTable, parseBenchArgs } from '../../../bench/produceConsume';
import { buildHarness, runHarness, shellQuote } from '../../../bench/rdkafkaHarness';
import { withExitCaptured } from '../../helpers/exitCapture';

const argv = (...args: string[]): string[] => ['node', 'produceConsume.js', ...args];

describe('benchmark driver', function () {
  this.timeout(60_000);

  it('defaults: 2,000,000 C records, 500,000 kafkajs records, 100 B, partitions 1 and 6, own cluster', () => {
    const o = parseBenchArgs(argv());
    expect(o).to.include({ cRecords: 2_000_000, kafkajsRecords: 500_000, recordSize: 100, c: true, kafkajs: true, kafkajsInflight: 4, timeout: 120 });
    expect(o.partitions).to.deep.equal([1, 6]);
    expect(o.bootstrap).to.equal(undefined);
  });

  it('flags change counts, partitions, clients and the target cluster', () => {
    const o = parseBenchArgs(
      argv('--bootstrap', '127.0.0.1:9092', '--c-records', '1_000', '--kafkajs-records', '50', '--partitions', '3', '--no-c', '--record-size', '512'),
    );
    expect(o).to.include({ bootstrap: '127.0.0.1:9092', cRecords: 1000, kafkajsRecords: 50, recordSize: 512, c: false, kafkajs: true });
    expect(o.partitions).to.deep.equal([3]);
  });

  it('bad values are refused with the flag named', () => {
    const { codes, stderr } = withExitCaptured((exit) => {
      expect(() => parseBenchArgs(argv('--partitions', '1,x'), exit)).to.throw('exit 1');
      expect(() => parseBenchArgs(argv('--c-records', '-5'), exit)).to.throw('exit 1');
    });
    expect(codes).to.deep.equal([1, 1]);
    expect(stderr).to.contain('--partitions').and.to.contain('--c-records');
  });

  it('formats a table with records/s and MB/s, and FAILED rows', () => {
    const table = formatTable([
      { client: 'librdkafka', partitions: 1, test: 'produce', command: 'x', result: { records: 2_000_000, bytes: 200_000_000, seconds: 2 } },
      { client: 'kafkajs', partitions: 6, test: 'consume', command: 'y', error: 'boom\nmore' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).to.match(/^client\s+partitions\s+test\s+records\s+seconds\s+records\/s\s+MB\/s$/);
    expect(lines[2]).to.match(/librdkafka\s+1\s+produce\s+2,000,000\s+2\.00\s+1,000,000\s+95\.4$/);
    expect(lines[3]).to.match(/kafkajs\s+6\s+consume.*FAILED\s+boom$/);
  });

  it('quotes shell arguments only when needed', () => {
    expect(shellQuote('127.0.0.1:9092')).to.equal('127.0.0.1:9092');
    expect(shellQuote("a b'c")).to.equal(`'a b'\\''c'`);
  });

  it('builds the C harness, which prints its usage and fails cleanly without a broker', async () => {
    const bin = buildHarness(findRepoRoot(__dirname), () => undefined);
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help.status).to.equal(0);
    expect(help.stdout).to.contain('rdkafka_perf produce|consume');
    expect(spawnSync(bin, [], { encoding: 'utf8' }).status).to.equal(1);
    let error: Error | undefined;
    try {
      await runHarness(bin, ['produce', '-b', '127.0.0.1:1', '-t', 'none', '-n', '10', '-T', '2'], 20_000);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.contain('timed out');
  });
});
