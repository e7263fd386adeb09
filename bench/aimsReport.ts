/**
 * The issue-17 aims table of `npm run bench` (bench/aims.ts runs the measurements): one row per figure with
 * the measured value, the aim and whether it is met. Pure functions only, so they are unit-tested without a
 * cluster.
 */

/** How a figure is compared with its aim. */
export type AimKind = 'atLeast' | 'atMost' | 'below';

export interface AimCheck {
  /** What is compared, e.g. 'records/s', 'p99 ms'. */
  label: string;
  value?: number;
  kind: AimKind;
  target: number;
}

export interface AimRow {
  /** The row number, e.g. '1', '6', '8a'. */
  id: string;
  /** The path measured, in the words. */
  path: string;
  /** The measured figure as printed (e.g. '1,934,201 records/s'); empty when not measured. */
  figure: string;
  /** The aim as printed (e.g. '>= 2,000,000 records/s'). */
  aim: string;
  /** Every comparison the aim consists of; met when all hold. None for an informational row. */
  checks: AimCheck[];
  /** Why the row has no figure: a failure, or 'not measured' when the measurement is not built yet. */
  error?: string;
  notMeasured?: boolean;
  /** The exact commands of the runs behind the figure. */
  commands: string[];
  /** Further lines printed under the table (e.g. failover phases, each member's count). */
  notes?: string[];
}

export type Verdict = 'met' | 'NOT met' | 'not measured' | 'FAILED' | '';

export function checkHolds(c: AimCheck): boolean | undefined {
  if (c.value === undefined || !Number.isFinite(c.value)) return undefined;
  if (c.kind === 'atLeast') return c.value >= c.target;
  if (c.kind === 'atMost') return c.value <= c.target;
  return c.value < c.target;
}

/** met when every check holds; NOT met when one fails; '' for a row without an aim. */
export function verdict(row: AimRow): Verdict {
  if (row.error) return row.notMeasured ? 'not measured' : 'FAILED';
  if (row.checks.length === 0) return '';
  const held = row.checks.map(checkHolds);
  if (held.some((h) => h === undefined)) return 'FAILED';
  return held.every((h) => h) ? 'met' : 'NOT met';
}

/** a / b, undefined when either is missing or b is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return undefined;
  return a / b;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRate(recordsPerSec: number): string {
  return `${fmtInt(recordsPerSec)} records/s`;
}

export function fmtMs(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** The table: id, path, figure, aim, verdict; a row's error replaces its figure. */
export function formatAimsTable(rows: AimRow[]): string {
  const head = ['#', 'path', 'measured', 'aim', 'verdict'];
  const body = rows.map((r) => {
    const v = verdict(r);
    const figure = r.error ? (r.notMeasured ? 'not measured' : `FAILED: ${r.error.split('\n')[0]}`) : r.figure;
    return [r.id, r.path, figure, r.aim, v === 'not measured' || v === 'FAILED' ? (r.figure && !r.error ? v : '-') : v];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** One line: how many aims are met out of those measured. */
export function summarize(rows: AimRow[]): string {
  const verdicts = rows.map(verdict).filter((v) => v !== '');
  const met = verdicts.filter((v) => v === 'met').length;
  const notMet = verdicts.filter((v) => v === 'NOT met').length;
  const missing = verdicts.length - met - notMet;
  return `Aims met: ${met} of ${verdicts.length}` + (notMet ? `; NOT met: ${notMet}` : '') + (missing ? `; not measured or failed: ${missing}` : '');
}

/** The report: table, summary, notes, and each row's commands. */
export function formatAimsReport(rows: AimRow[], header: string): string[] {
  const lines = [header, formatAimsTable(rows), summarize(rows)];
  const noted = rows.filter((r) => r.notes && r.notes.length > 0);
  if (noted.length > 0) {
    lines.push('Notes:');
    for (const r of noted) for (const n of r.notes!) lines.push(`  ${r.id}: ${n}`);
  }
  lines.push('Commands:');
  for (const r of rows) for (const c of r.commands) lines.push(`  ${r.id}: ${c}`);
  return lines;
}

/**
 * Several runs of one throughput row: the median is the row's figure (one slow or fast run, e.g. another process
 * taking a core for a second, does not decide it), printed with every run and the spread ((max - min) / median).
 */
export function medianOfRuns(rates: number[]): { median: number; spreadPct: number; note: string } {
  if (rates.length === 0) return { median: Number.NaN, spreadPct: Number.NaN, note: 'no run' };
  const sorted = [...rates].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const spreadPct = median > 0 ? ((sorted[sorted.length - 1] - sorted[0]) * 100) / median : 0;
  if (rates.length === 1) return { median, spreadPct, note: `one run: ${fmtRate(median)}` };
  return {
    median,
    spreadPct,
    note: `median of ${rates.length} runs (${rates.map((r) => fmtInt(r)).join(', ')} records/s; spread ${spreadPct.toFixed(1)}% of the median)`,
  };
}
