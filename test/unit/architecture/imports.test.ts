import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The module map's rules (DESIGN.md §2), checked on the sources: no import cycles (type-only imports
 * included, since a reader follows those too), request handlers never reach back to KafkaApis, and the lower
 * layers (protocol, log) import nothing above them.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SRC = path.join(ROOT, 'src');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every module's relative imports and re-exports, resolved to files under src/ (as paths relative to src/). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const target = [base + '.ts', path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
      if (target) deps.push(path.relative(SRC, target));
    }
    graph.set(path.relative(SRC, file), deps);
  }
  return graph;
}

/** Tarjan's strongly connected components of more than one module (or a module importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("architecture: the module map's import rules", () => {
  const graph = importGraph();

  it('has no import cycles among the sources', () => {
    expect(cycles(graph)).to.deep.equal([]);
  });

  it('only the brokers (KafkaServer, KRaft BrokerServer) import KafkaApis; the request handlers import their shared deps instead', () => {
    const importers = [...graph].filter(([, deps]) => deps.includes(path.join('server', 'KafkaApis.ts'))).map(([m]) => m);
    expect(importers.sort()).to.deep.equal([path.join('server', 'BrokerServer.ts'), path.join('server', 'KafkaServer.ts')]);
  });

  it('protocol imports only protocol and common; log imports only log, protocol and common', () => {
    const folder = (m: string) => m.split(path.sep)[0];
    const allowed: Record<string, string[]> = { protocol: ['protocol', 'common'], log: ['log', 'protocol', 'common'] };
    const violations = [...graph].flatMap(([m, deps]) =>
      allowed[folder(m)] ? deps.filter((d) => !allowed[folder(m)].includes(folder(d))).map((d) => `${m} -> ${d}`) : [],
    );
    expect(violations).to.deep.equal([]);
  });
});
