/**
 * `npm run compare`'s outputs: one text table (a row per scenario, a column per mode, each figure a number with
 * its unit) printed and written as markdown, and an SVG written by hand: grouped bars per scenario, one colour per
 * mode, on a shared linear scale, failed runs marked instead of drawn.
 */
import { Figure, formatMs, scenarioLabel, SCENARIOS, ScenarioId } from './compareScenarios';
import type { Mode } from './compareDrivers';

export type Results = Map<Mode, Map<ScenarioId, Figure>>;

export const MODES: readonly Mode[] = ['ZooKeeper', 'KRaft'];

function cell(f: Figure | undefined): string {
  if (!f) return 'not run';
  if (f.ms === undefined) return `failed`;
  return formatMs(f.ms);
}

/** The text table: padded columns, a header naming both modes. */
export function formatTable(results: Results, createPartitions = 1000): string {
  const header = ['scenario', ...MODES];
  const rows = SCENARIOS.map((s) => [scenarioLabel(s, createPartitions), ...MODES.map((m) => cell(results.get(m)?.get(s.id)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}

/** The markdown report: the settings, the table, then each figure's notes and errors. */
export function formatMarkdown(results: Results, settings: string[], createPartitions = 1000): string {
  const out = ['# ZooKeeper mode vs KRaft mode', '', ...settings.map((s) => `- ${s}`), '', '| scenario | ZooKeeper | KRaft |', '|---|---:|---:|'];
  for (const s of SCENARIOS) out.push(`| ${scenarioLabel(s, createPartitions)} | ${MODES.map((m) => cell(results.get(m)?.get(s.id))).join(' | ')} |`);
  out.push('', '## What differs, and why', '', ...WHY.map((w) => `- ${w}`));
  out.push('', '## Details', '');
  for (const m of MODES) {
    for (const s of SCENARIOS) {
      const f = results.get(m)?.get(s.id);
      if (!f) continue;
      const text = f.error ? `FAILED: ${f.error}` : f.notes.join('; ');
      if (text) out.push(`- ${m}, ${scenarioLabel(s, createPartitions)}: ${text}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The mechanisms behind each row (Kafka 3.7's ZooKeeper-mode KafkaController vs its QuorumController). */
const WHY: readonly string[] = [
  'controller failover: in ZooKeeper mode the controller is a broker holding the ephemeral /controller znode; when it dies, ' +
    'ZooKeeper deletes the znode only once its session expires (zookeeper.session.timeout.ms), then the winner of the ' +
    'next election reads the whole cluster state back from ZooKeeper before it serves. In KRaft mode the standby ' +
    'controllers already hold the metadata log in memory; a Raft election (controller.quorum.election.timeout.ms, after ' +
    'controller.quorum.fetch.timeout.ms without the leader) makes one of them active with nothing to load.',
  'broker failure: a dead broker is noticed when its ZooKeeper session expires (ZooKeeper mode) or when it misses ' +
    'heartbeats for broker.session.timeout.ms (KRaft mode); then the controller elects new leaders for its partitions.',
  'controlled shutdown: the broker asks the controller to move its leaderships first (a ControlledShutdown request in ' +
    'ZooKeeper mode, a heartbeat with wantShutDown in KRaft mode), then exits.',
  'create partitions: ZooKeeper mode writes a znode per topic and per partition state and then sends LeaderAndIsr and ' +
    'UpdateMetadata to the brokers; KRaft mode appends TopicRecord and PartitionRecords to the metadata log and answers ' +
    'once they are committed by a majority of the controllers.',
  'metadata propagation: in ZooKeeper mode the controller pushes UpdateMetadata to every broker; in KRaft mode every ' +
    'broker fetches the metadata log from the active controller and replays it, as a follower does.',
];

const COLOURS: Record<Mode, string> = { ZooKeeper: '#4e79a7', KRaft: '#f28e2b' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A "nice" axis maximum: 1, 2, 2.5 or 5 times a power of ten at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(max)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** An axis tick in one unit for the whole axis: seconds once the axis reaches 10 s, else milliseconds. */
export function tickLabel(ms: number, axisMax: number): string {
  return axisMax >= 10_000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}

/** Grouped horizontal bars: one group per scenario, one bar per mode, milliseconds on a linear axis. */
export function renderSvg(results: Results, title: string, createPartitions = 1000): string {
  const rowH = 56;
  const barH = 18;
  const left = 190;
  const plotW = 520;
  const top = 60;
  const width = left + plotW + 110;
  const height = top + SCENARIOS.length * rowH + 50;
  const values = MODES.flatMap((m) => SCENARIOS.map((s) => results.get(m)?.get(s.id)?.ms ?? 0));
  const axisMax = niceMax(Math.max(...values));
  const x = (ms: number): number => left + (ms / axisMax) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  MODES.forEach((m, i) => {
    const lx = left + i * 120;
    parts.push(`<rect x="${lx}" y="32" width="12" height="12" fill="${COLOURS[m]}"/>`, `<text x="${lx + 16}" y="42">${m}</text>`);
  });
  for (let t = 0; t <= 5; t++) {
    const v = (axisMax / 5) * t;
    const gx = x(v);
    parts.push(
      `<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + SCENARIOS.length * rowH}" stroke="#ddd"/>`,
      `<text x="${gx}" y="${top + SCENARIOS.length * rowH + 16}" text-anchor="middle" fill="#555">${tickLabel(v, axisMax)}</text>`,
    );
  }
  SCENARIOS.forEach((s, row) => {
    const y0 = top + row * rowH + 6;
    parts.push(`<text x="${left - 10}" y="${y0 + barH + 4}" text-anchor="end">${esc(scenarioLabel(s, createPartitions))}</text>`);
    MODES.forEach((m, i) => {
      const f = results.get(m)?.get(s.id);
      const y = y0 + i * (barH + 4);
      if (f?.ms !== undefined) {
        parts.push(
          `<rect x="${left}" y="${y}" width="${Math.max(1, x(f.ms) - left).toFixed(1)}" height="${barH}" fill="${COLOURS[m]}"><title>${m}: ${esc(formatMs(f.ms))}</title></rect>`,
          `<text x="${(x(f.ms) + 4).toFixed(1)}" y="${y + barH - 5}">${esc(formatMs(f.ms))}</text>`,
        );
      } else {
        parts.push(`<text x="${left + 4}" y="${y + barH - 5}" fill="#b00">${m}: ${f ? 'failed' : 'not run'}</text>`);
      }
    });
  });
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="#555">time (shorter is better)</text>`, '</svg>');
  return parts.join('\n') + '\n';
}
