import * as fs from 'fs';
import * as path from 'path';
import { Uuid } from '../common/Uuid';
import { META_PROPERTIES_NAME, MetaProperties, isReservedDirectoryId, metaPropertiesText } from '../metadata/properties/MetaProperties';
import { parseProperties } from './config/properties';

/**
 * meta.properties in each log dir: ties the directory to a cluster and a node so a disk cannot silently move
 * between clusters. ZooKeeper mode writes version 0 (kafka.server.KafkaServer with MetaPropertiesEnsemble,
 * REQUIRE_V0); KRaft's `kafka-storage format` writes version 1 (MetaPropertiesEnsemble.Copier). The format itself
 * is src/metadata/properties/MetaProperties.ts; this module reads and writes the files.
 */

/** PropertiesUtils.readPropertiesFile + new MetaProperties.Builder(props).build(); null when the file is absent. */
export function readMetaProperties(dir: string): MetaProperties | null {
  const file = path.join(dir, META_PROPERTIES_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return MetaProperties.fromProperties(parseProperties(text));
}

/** PropertiesUtils.writePropertiesFile(props, path, fsync = true): a .tmp file, synced, then renamed over the old one. */
export function writeMetaProperties(dir: string, meta: MetaProperties): void {
  const file = path.join(dir, META_PROPERTIES_NAME);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, metaPropertiesText(meta));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** MetaPropertiesEnsemble: what every log directory of a node holds. */
export class MetaPropertiesEnsemble {
  constructor(
    /** Directories without meta.properties (including ones that do not exist yet). */
    readonly emptyLogDirs: Set<string>,
    /** Directories whose meta.properties could not be read or parsed, with the error. */
    readonly errorLogDirs: Map<string, Error>,
    readonly logDirProps: Map<string, MetaProperties>,
    readonly metadataLogDir: string | null,
  ) {}

  /** MetaPropertiesEnsemble.Loader.load */
  static load(logDirs: readonly string[], metadataLogDir: string | null = null): MetaPropertiesEnsemble {
    const dirs = new Set(logDirs);
    if (metadataLogDir !== null) dirs.add(metadataLogDir);
    if (dirs.size === 0) throw new Error('You must specify at least one log directory.');
    const empty = new Set<string>();
    const errors = new Map<string, Error>();
    const props = new Map<string, MetaProperties>();
    for (const dir of dirs) {
      try {
        const meta = readMetaProperties(dir);
        if (meta === null) empty.add(dir);
        else props.set(dir, meta);
      } catch (e) {
        // ENOTDIR: a file where a directory should be; Kafka's FileNotFound covers only a missing file.
        errors.set(dir, e as Error);
      }
    }
    return new MetaPropertiesEnsemble(empty, errors, props, metadataLogDir);
  }

  /**
   * MetaPropertiesEnsemble.verify: every readable file agrees on the cluster and node ids (the expected ones when
   * given), directory ids are valid and distinct; with requireV0 (ZooKeeper mode) every file is version 0.
   */
  verify(
    expectedClusterId: string | null,
    expectedNodeId: number | null,
    opts: { requireV0?: boolean; requireAtLeastOneValid?: boolean; requireMetadataLogDir?: boolean } = {},
  ): void {
    const seen = new Map<string, string>();
    if (opts.requireAtLeastOneValid && this.logDirProps.size === 0) throw new Error('No readable meta.properties files found.');
    for (const [logDir, meta] of this.logDirProps) {
      const file = path.join(logDir, META_PROPERTIES_NAME);
      if (opts.requireV0 && meta.version !== 0) {
        throw new Error(
          `Found unexpected version in ${file}. ZK-based brokers that are not migrating only support version 0 (which is implicit when the \`version\` field is missing).`,
        );
      }
      if (meta.clusterId === null) {
        if (meta.version !== 0) throw new Error(`cluster.id was not specified in the v1 file: ${file}`);
      } else if (expectedClusterId === null) {
        expectedClusterId = meta.clusterId;
      } else if (meta.clusterId !== expectedClusterId) {
        throw new Error(`Invalid cluster.id in: ${file}. Expected ${expectedClusterId}, but read ${meta.clusterId}`);
      }
      if (meta.nodeId === null) {
        if (meta.version !== 0) throw new Error(`node.id was not specified in ${file}`);
      } else if (expectedNodeId === null) {
        expectedNodeId = meta.nodeId;
      } else if (meta.nodeId !== expectedNodeId) {
        throw new Error(
          `Stored node id ${meta.nodeId} doesn't match previous node id ${expectedNodeId} in ${file}. If you moved your data, make sure your configured node id matches. If you intend to create a new node, you should remove all data in your data directories.`,
        );
      }
      if (meta.directoryId !== null) {
        // Kafka's message has the typo "resrved".
        if (isReservedDirectoryId(meta.directoryId)) throw new Error(`Invalid resrved directory ID ${meta.directoryId.toString()} found in ${logDir}`);
        const prev = seen.get(meta.directoryId.toString());
        if (prev !== undefined) {
          throw new Error(`Duplicate directory ID Optional[${meta.directoryId.toString()}] found. It was the ID of ${prev}, but also of ${logDir}`);
        }
        seen.set(meta.directoryId.toString(), logDir);
      }
    }
    if (opts.requireMetadataLogDir && this.metadataLogDir === null) throw new Error('No metadata log directory was specified.');
    if (this.metadataLogDir !== null && this.errorLogDirs.has(this.metadataLogDir)) {
      throw new Error(`Encountered I/O error in metadata log directory ${this.metadataLogDir}. Cannot continue.`);
    }
  }

  /** Copier.generateValidDirectoryId: random, not reserved, not starting with '-', not used by another directory. */
  generateValidDirectoryId(): Uuid {
    for (;;) {
      const id = Uuid.randomUuid();
      if (isReservedDirectoryId(id)) continue;
      if ([...this.logDirProps.values()].some((m) => m.directoryId !== null && m.directoryId.equals(id))) continue;
      return id;
    }
  }

  /** MetaPropertiesEnsemble.toString: every directory, sorted, as EMPTY, ERROR or its MetaProperties. */
  toString(): string {
    const out = new Map<string, string>();
    for (const d of this.emptyLogDirs) out.set(d, 'EMPTY');
    for (const d of this.errorLogDirs.keys()) out.set(d, 'ERROR');
    for (const [d, m] of this.logDirProps) out.set(d, m.toString());
    const dirs = [...out.keys()].sort().map((d) => `${d}: ${out.get(d)}`);
    const metadataLogDir = this.metadataLogDir === null ? 'Optional.empty' : `Optional[${this.metadataLogDir}]`;
    return `MetaPropertiesEnsemble(metadataLogDir=${metadataLogDir}, dirs={${dirs.join(', ')}})`;
  }
}

/**
 * KafkaRaftServer.initializeLogDirs' checks, read-only: a KRaft node starts only on directories `kafka-storage format`
 * prepared for this node, and the metadata partition lives only in metadata.log.dir. Throws Kafka's message.
 */
export function verifyKRaftStorage(logDirs: readonly string[], metadataLogDir: string, nodeId: number): MetaPropertiesEnsemble {
  const ensemble = MetaPropertiesEnsemble.load(logDirs, metadataLogDir);
  ensemble.verify(null, nodeId, { requireAtLeastOneValid: true, requireMetadataLogDir: true });
  for (const logDir of ensemble.logDirProps.keys()) {
    const metadataPartition = path.join(logDir, '__cluster_metadata-0');
    if (logDir !== metadataLogDir && fs.existsSync(metadataPartition)) {
      throw new Error(
        `Found unexpected metadata location in data directory \`${metadataPartition}\` (the configured metadata directory is ${metadataLogDir}).`,
      );
    }
  }
  const unformatted = [...ensemble.emptyLogDirs].sort()[0];
  if (unformatted !== undefined) {
    throw new Error(`No \`meta.properties\` found in ${unformatted} (have you run \`kafka-storage.sh\` to format the directory?)`);
  }
  return ensemble;
}

/**
 * ZooKeeper mode at start-up (KafkaServer.startup): every log dir must be version 0 (a directory formatted for KRaft
 * is refused rather than rewritten) and belong to this cluster and broker (InconsistentClusterIdException /
 * InconsistentBrokerIdException); then each dir gets a version-0 file with both ids.
 */
export function checkAndWriteBrokerMetadata(dirs: string[], clusterId: string, brokerId: number): void {
  for (const dir of dirs) {
    const meta = readMetaProperties(dir);
    if (meta !== null && meta.version !== 0) {
      throw new Error(
        `Found unexpected version in ${path.join(dir, META_PROPERTIES_NAME)}. ZK-based brokers that are not migrating only support version 0 (which is implicit when the \`version\` field is missing).`,
      );
    }
    if (meta?.clusterId && meta.clusterId !== clusterId) {
      throw new Error(
        `The Cluster ID ${clusterId} doesn't match stored clusterId Some(${meta.clusterId}) in meta.properties. The broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong.`,
      );
    }
    if (meta?.nodeId !== null && meta?.nodeId !== undefined && meta.nodeId !== brokerId) {
      throw new Error(
        `Configured broker.id ${brokerId} doesn't match stored broker.id Some(${meta.nodeId}) in meta.properties. If you moved your data, make sure your configured broker.id matches. If you intend to create a new broker, you should remove all data in your data directories (log.dirs).`,
      );
    }
  }
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
    writeMetaProperties(dir, new MetaProperties(0, clusterId, brokerId, null));
  }
}
