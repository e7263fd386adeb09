import * as fs from 'fs';
import * as path from 'path';

/**
 * meta.properties in each log dir (kafka.server.BrokerMetadataCheckpoint, ZooKeeper-mode version 0):
 * ties the directory to a cluster and a broker id so a disk cannot silently move between clusters.
 */
interface BrokerMetadata {
  clusterId: string | null;
  brokerId: number | null;
}

const FILE = 'meta.properties';

function readBrokerMetadata(dir: string): BrokerMetadata | null {
  const file = path.join(dir, FILE);
  if (!fs.existsSync(file)) return null;
  const props: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([^#!=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (m) props[m[1]] = m[2];
  }
  return {
    clusterId: props['cluster.id'] ?? null,
    brokerId: props['broker.id'] !== undefined ? Number(props['broker.id']) : null,
  };
}

/** Java Properties.store layout: comment line, date line, then the entries. */
function writeBrokerMetadata(dir: string, meta: { clusterId: string; brokerId: number }): void {
  const date = new Date().toString().replace(/ GMT.*$/, '');
  const body = `#\n#${date}\ncluster.id=${meta.clusterId}\nversion=0\nbroker.id=${meta.brokerId}\n`;
  const file = path.join(dir, FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, body);
  fs.renameSync(tmp, file);
}

/**
 * Kafka refuses to start when a log dir belongs to another cluster or broker (InconsistentClusterIdException /
 * InconsistentBrokerIdException); otherwise it (re)writes the file.
 */
export function checkAndWriteBrokerMetadata(dirs: string[], clusterId: string, brokerId: number): void {
  for (const dir of dirs) {
    const meta = readBrokerMetadata(dir);
    if (meta?.clusterId && meta.clusterId !== clusterId) {
      throw new Error(
        `The Cluster ID ${clusterId} doesn't match stored clusterId Some(${meta.clusterId}) in meta.properties. The broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong.`,
      );
    }
    if (meta?.brokerId !== null && meta?.brokerId !== undefined && meta.brokerId !== brokerId) {
      throw new Error(
        `Configured broker.id ${brokerId} doesn't match stored broker.id Some(${meta.brokerId}) in meta.properties. If you moved your data, make sure your configured broker.id matches. If you intend to create a new broker, you should remove all data in your data directories (log.dirs).`,
      );
    }
  }
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
    writeBrokerMetadata(dir, { clusterId, brokerId });
  }
}
