/**
 * `npm run compare`'s parts that need no cluster: its options, the table (a header naming ZooKeeper and KRaft, a row
 * per scenario, each figure with its unit) and the hand-written SVG plot.
 */
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCompareArgs } from '../../../bench/compare';
import { formatMarkdown, formatTable, niceMax, renderSvg, Results, tickLabel } from '../../../bench/compareReport';
import { Figure, formatMs, scenarioLabel, ScenarioId, SCENARIOS } from '../../../bench/compareScenarios';
import { throwingExit, withExitCaptured } from '../../helpers/exitCapture';

function results(zk: Partial<Record<ScenarioId, number>>, kraft: Partial<Record<ScenarioId, number | string>>): Results {
  const r: Results = new Map();
  r.set('ZooKeeper', new Map(Object.entries(zk).map(([k, v]) => [k as ScenarioId, { ms: v, notes: [`zk ${k}`] } as Figure])));
  r.set(
    'KRaft',
    new Map(Object.entries(kraft).map(([k, v]) => [k as ScenarioId, (typeof v === 'string' ? { error: v, notes: [] } : { ms: v, notes: [] }) as Figure])),
  );
  return r;
}

describe('npm run compare (report and options)', () => {
  it('defaults to 100 partitions, 1,000 created, Kafka default session timeouts; --partitions 2000 for the larger run', () => {
    const exit = throwingExit();
    const o = parseCompareArgs(['node', 'compare.js'], exit);
    expect(o).to.include({ partitions: 100, createPartitions: 1000, zkSessionTimeoutMs: 18000, brokerSessionTimeoutMs: 9000, only: null });
    expect(o.outDir).to.match(/data\/compare$/);
    expect(parseCompareArgs(['node', 'compare.js', '--partitions', '2000', '--only', 'kraft'], exit)).to.include({ partitions: 2000, only: 'KRaft' });
    const refused = withExitCaptured((exit) => {
      expect(() => parseCompareArgs(['node', 'compare.js', '--partitions', '0'], exit)).to.throw('exit 1');
      expect(() => parseCompareArgs(['node', 'compare.js', '--only', 'zk'], exit)).to.throw('exit 1');
    });
    expect(refused.codes).to.deep.equal([1, 1]);
  });

  it('prints one table: ZooKeeper and KRaft columns, the five scenario rows, figures with units', () => {
    const r = results(
      { failover: 19_500, brokerFailure: 18_200, controlledShutdown: 2300, create: 850, propagation: 1200 },
      { failover: 2100, brokerFailure: 9400, controlledShutdown: 1100, create: 240, propagation: 'no leader' },
    );
    const lines = formatTable(r).split('\n');
    expect(lines[0]).to.match(/^scenario\s+ZooKeeper\s+KRaft$/);
    expect(lines.slice(2).map((l) => l.split(/\s{3,}/)[0])).to.deep.equal(SCENARIOS.map((s) => s.label));
    expect(SCENARIOS.map((s) => s.label)).to.have.members([
      'controller failover',
      'broker failure',
      'controlled shutdown',
      'create 1,000 partitions',
      'metadata propagation',
    ]);
    const row = (label: string): string => lines.find((l) => l.startsWith(label))!;
    expect(row('controller failover')).to.match(/19\.5 s\s+2100 ms$/);
    expect(row('broker failure')).to.match(/18\.2 s\s+9400 ms$/);
    expect(row('metadata propagation')).to.match(/1200 ms\s+failed$/);
    const md = formatMarkdown(r, ['bench topic: 100 partitions']);
    expect(md).to.contain('| scenario | ZooKeeper | KRaft |').and.to.contain('| create 1,000 partitions | 850 ms | 240 ms |');
    expect(md).to.contain('- KRaft, metadata propagation: FAILED: no leader');
    expect(md).to.contain('## What differs, and why').and.to.contain('broker.session.timeout.ms').and.to.contain('zookeeper.session.timeout.ms');
  });

  it('draws grouped bars per scenario on a shared scale, marking failed runs', () => {
    const svg = renderSvg(results({ failover: 20_000, create: 500 }, { failover: 2000, create: 'boom' }), 'ZooKeeper vs KRaft, 100 partitions');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trim().endsWith('</svg>')).to.equal(true);
    const bars = [...svg.matchAll(/<rect x="190" y="[\d.]+" width="([\d.]+)" height="18"/g)].map((m) => Number(m[1]));
    // In row order (create, then failover): 500 ms is a fortieth of the 20 s axis's 520 px, 20 s all of it, 2 s a tenth.
    expect(bars).to.deep.equal([13, 520, 52]);
    expect(svg).to.contain('KRaft: failed');
    expect(svg).to.contain('>ZooKeeper</text>').and.to.contain('>KRaft</text>');
    expect(niceMax(20_000)).to.equal(20_000);
    expect(niceMax(21_000)).to.equal(25_000);
    expect(niceMax(26_000)).to.equal(50_000);
    expect([tickLabel(5000, 25_000), tickLabel(12_500, 25_000), tickLabel(400, 2000)]).to.deep.equal(['5 s', '12.5 s', '400 ms']);
    expect(formatMs(850)).to.equal('850 ms');
    expect(formatMs(12_345)).to.equal('12.3 s');
  });

  it('runs both modes end to end on real clusters and writes the table and the plot', async function () {
    this.timeout(420_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-'));
    const script = path.resolve(__dirname, '..', '..', '..', 'bench', 'compare.js');
    const args = ['--partitions', '6', '--create-partitions', '30', '--zk-session-timeout-ms', '6000', '--broker-session-timeout-ms', '6000', '--out', out];
    try {
      const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [script, ...args], { timeout: 400_000 }, (e, stdout) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout })),
      );
      expect(r.code, r.stdout).to.equal(0);
      const table = r.stdout.slice(r.stdout.indexOf('scenario '));
      for (const s of SCENARIOS) expect(table).to.match(new RegExp(`${scenarioLabel(s, 30)}\\s+\\d+(\\.\\d)? (ms|s)\\s+\\d+(\\.\\d)? (ms|s)\\n`));
      expect(fs.readFileSync(path.join(out, 'compare.md'), 'utf8')).to.contain('| scenario | ZooKeeper | KRaft |');
      expect(fs.readFileSync(path.join(out, 'compare.svg'), 'utf8')).to.contain('ZooKeeper vs KRaft, 6 partitions');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
