/**
 * A reader for the Prometheus text exposition format (version 0.0.4), which the brokers' /metrics endpoints
 * serve: `name{label="value",...} value [timestamp]` lines, `# HELP` / `# TYPE` comments. Only what the
 * observatory needs: samples with their labels, and counter rates between two scrapes.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Label values escape `\\`, `\"` and `\n` (the format's only escapes). */
function unescapeLabel(s: string): string {
  return s.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Go's ParseFloat spellings the format allows for values: +Inf, -Inf, NaN. */
function parseValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = Number(s);
  if (s === '' || Number.isNaN(n)) throw new Error(`bad sample value "${s}"`);
  return n;
}

/** Parses one sample line; throws on a malformed one (the caller reports the line number). */
function parseLine(line: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*/.exec(line);
  if (!m) throw new Error('expected a metric name');
  const name = m[1];
  let i = m[0].length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.substring(i));
      if (!lm) throw new Error('expected label="value"');
      i += lm[0].length;
      let j = i;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) throw new Error('unterminated label value');
      labels[lm[1]] = unescapeLabel(line.substring(i, j));
      i = j + 1;
    }
  }
  const rest = line.substring(i).trim().split(/\s+/);
  return { name, labels, value: parseValue(rest[0] ?? '') };
}

/** All samples of an exposition; comments and blank lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      out.push(parseLine(line));
    } catch (e) {
      throw new Error(`line ${n + 1}: ${(e as Error).message}: ${line}`);
    }
  }
  return out;
}

/** Sum of the samples named `name` whose labels include every `match` pair (no match: all of them). */
export function sumOf(samples: Sample[], name: string, match: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    sum = (sum ?? 0) + s.value;
  }
  return sum;
}

/**
 * Per-second rate of a counter between two scrapes, as Prometheus' rate() treats a reset: a counter
 * that went down restarted from zero (a restarted broker), so the new value is what it counted since.
 */
export function counterRate(before: number | undefined, after: number | undefined, seconds: number): number | null {
  if (after === undefined || seconds <= 0) return null;
  if (before === undefined) return null;
  const delta = after >= before ? after - before : after;
  return delta / seconds;
}
