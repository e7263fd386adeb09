import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

/**
 * DESIGN.md's rule for the KRaft foundations, as Kafka's modules have it: src/raft imports only itself, protocol, log
 * and common (the Raft log stores opaque records); src/metadata may also use raft (its bootstrap file is a Raft
 * snapshot, as Kafka's metadata module uses raft's BatchFileWriter). Neither pulls in the ZooKeeper-mode broker.
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

function violations(folder: string, allowed: Set<string>): string[] {
  const out: string[] = [];
  for (const file of sources(path.join(SRC, folder))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]));
      if (!allowed.has(target.split(path.sep)[0])) out.push(`${path.relative(SRC, file)} -> ${target}`);
    }
  }
  return out;
}

describe('architecture: the KRaft foundations', () => {
  it('src/metadata imports only metadata, raft, protocol, log and common', () => {
    expect(violations('metadata', new Set(['metadata', 'raft', 'protocol', 'log', 'common']))).to.deep.equal([]);
  });
  it('src/raft imports only raft, protocol, log and common', () => {
    expect(violations('raft', new Set(['raft', 'protocol', 'log', 'common']))).to.deep.equal([]);
  });
});
