import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The quorum controller is pure logic over the Raft client and the metadata image: src/controller/quorum imports
 * only itself, metadata, raft, protocol, common, log, and admin/Topic (Kafka's common.internals.Topic name rules);
 * never the broker (src/server), the launcher, or the ZooKeeper-mode controller. For SCRAM and ACLs it uses the
 * value types Kafka's controller takes from the clients module (org.apache.kafka.common.acl / .resource, and
 * common.security.scram.internals.ScramFormatter): AclEntry, AclBinding, the Authorizer constants, ScramCredential.
 */
const SRC = path.resolve(__dirname, '..', '..', '..', '..', '..', 'src');
const ALLOWED = new Set(['controller/quorum', 'metadata', 'raft', 'protocol', 'common', 'log', 'admin/Topic']);
const ALLOWED_FILES = new Set(['security/AclEntry', 'security/authorizer/AclBinding', 'security/authorizer/Authorizer', 'security/scram/ScramCredential']);

function allowed(target: string): boolean {
  const parts = target.split(path.sep);
  return ALLOWED.has(parts[0]) || ALLOWED.has(parts.slice(0, 2).join('/')) || ALLOWED_FILES.has(parts.join('/'));
}

describe('architecture: src/controller/quorum', () => {
  it('imports only metadata, raft, protocol, common, log and the topic-name rules', () => {
    const dir = path.join(SRC, 'controller', 'quorum');
    const bad: string[] = [];
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/^(?:(?:import|export)\s[^;]*?\sfrom\s+|import\s+)'(\.[^']+)'/gms)) {
        const target = path.relative(SRC, path.resolve(dir, m[1]));
        if (!allowed(target)) bad.push(`${f} -> ${target}`);
      }
    }
    expect(bad).to.deep.equal([]);
  });
});
