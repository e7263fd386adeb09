/**
 * Formats the data folders of a local KRaft cluster the way `bin/kafka-storage format -t <id> -c <file>` does
 * (src/cli/kafka-storage.ts's functions): one cluster id for every node, meta.properties (version 1) and
 * bootstrap.checkpoint in each folder that has none. A later start finds the id in the folders and reuses it, as
 * a Kafka operator re-running `format --ignore-formatted` would; folders of two different clusters are refused.
 */
import * as path from 'path';
import { formatCommand, formatMetadataVersion, loadStorageConfig, TerseFailure } from '../cli/kafka-storage';
import { Uuid } from '../common/Uuid';
import { bootstrapRecords } from '../metadata/bootstrap/BootstrapDirectory';
import { MetaProperties } from '../metadata/properties/MetaProperties';
import { readMetaProperties } from '../server/BrokerMetadataCheckpoint';
import type { KRaftClusterLayout, KRaftNodeSpec } from './KRaftLayout';

/** The storage directories of a node (log.dirs plus metadata.log.dir), absolute, from its properties file. */
export function nodeDirectories(layout: KRaftClusterLayout, node: KRaftNodeSpec): string[] {
  return loadStorageConfig(node.propertiesFile).directories.map((d) => path.resolve(layout.rootDir, d));
}

/** The cluster id the layout's folders were formatted with; null when none is formatted yet. */
export function existingClusterId(layout: KRaftClusterLayout): string | null {
  const seen = new Map<string, string>();
  for (const node of [...layout.controllers, ...layout.brokers]) {
    for (const dir of nodeDirectories(layout, node)) {
      const meta = readMetaProperties(dir);
      if (meta?.clusterId && !seen.has(meta.clusterId)) seen.set(meta.clusterId, dir);
    }
  }
  if (seen.size > 1) {
    const list = [...seen.entries()].map(([id, dir]) => `${id} in ${dir}`).join(', ');
    throw new Error(`the data folders belong to different clusters (${list}); remove ${layout.dataDir} or start with --fresh`);
  }
  return seen.size === 1 ? [...seen.keys()][0] : null;
}

/**
 * Formats every unformatted folder of the layout with the cluster id found in the others, or a new one.
 * Returns the cluster id. `log` gets StorageTool's lines for the folders it formats.
 */
export function formatKRaftStorage(layout: KRaftClusterLayout, log: (line: string) => void): { clusterId: string; formatted: string[] } {
  const clusterId = existingClusterId(layout) ?? Uuid.randomUuid().toString();
  const formatted: string[] = [];
  for (const node of [...layout.controllers, ...layout.brokers]) {
    const name = `${node.role}-${node.id}`;
    try {
      const config = loadStorageConfig(node.propertiesFile);
      const dirs = config.directories.map((d) => path.resolve(layout.rootDir, d));
      if (dirs.every((d) => readMetaProperties(d) !== null)) continue;
      const lines: string[] = [];
      const mv = formatMetadataVersion(null, config, (l) => lines.push(l));
      formatCommand((l) => lines.push(l), dirs, new MetaProperties(1, clusterId, config.nodeId, null), bootstrapRecords(mv), mv, true);
      for (const l of lines) if (l.startsWith('Formatting ')) log(`  ${name}: ${l}`);
      formatted.push(name);
    } catch (e) {
      const msg = e instanceof TerseFailure ? e.message : (e as Error).message;
      throw new Error(`cannot format the storage of ${name} (${path.relative(layout.rootDir, node.propertiesFile)}): ${msg}`);
    }
  }
  return { clusterId, formatted };
}
