import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

/**
 * DESIGN.md's rule for the KRaft foundations: src/metadata imports only metadata, protocol, log and common, so the
 * Raft client, the quorum controller and the tools can all use it without pulling in the ZooKeeper-mode broker.
 */
const SRC = path.resolve(__dirname, '..', '..', '..', '..', 'src');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('architecture: src/metadata', () => {
  it('imports only metadata, protocol, log and common', () => {
    const allowed = new Set(['metadata', 'protocol', 'log', 'common']);
    const violations: string[] = [];
    for (const file of sources(path.join(SRC, 'metadata'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
        const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]));
        if (!allowed.has(target.split(path.sep)[0])) violations.push(`${path.relative(SRC, file)} -> ${target}`);
      }
    }
    expect(violations).to.deep.equal([]);
  });
});
