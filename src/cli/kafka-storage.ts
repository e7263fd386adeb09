/**
 * kafka-storage (Kafka 3.7's kafka.tools.StorageTool): prepares the directories of a KRaft node.
 *   random-uuid                         prints a new cluster id (a Kafka Uuid, base64url)
 *   format -t <id> -c <server.properties> [--ignore-formatted] [--release-version V]
 *                                       writes meta.properties (version 1: cluster.id, node.id, directory.id) and
 *                                       bootstrap.checkpoint (metadata.version's FeatureLevelRecord) into every
 *                                       log dir and metadata.log.dir that has none
 *   info -c <server.properties>         shows what the directories hold and what is wrong with them
 * Output and errors are StorageTool's lines; failures exit 1 with the message on stderr (TerseFailure).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Uuid } from '../common/Uuid';
import { ConfigException } from '../common/config/ConfigDef';
import { ApiMessageAndVersion } from '../metadata/MetadataRecordSerde';
import { MetadataVersion, LATEST_PRODUCTION, isKRaftSupported, isProduction, metadataVersionFromString } from '../metadata/MetadataVersion';
import { bootstrapRecords, writeBootstrapFile } from '../metadata/bootstrap/BootstrapDirectory';
import { AddScramError, addScramRecords } from '../security/scram/ScramBootstrapRecords';
import { META_PROPERTIES_NAME, MetaProperties } from '../metadata/properties/MetaProperties';
import { MetaPropertiesEnsemble, readMetaProperties, writeMetaProperties } from '../server/BrokerMetadataCheckpoint';
import { KafkaConfig } from '../server/config/KafkaConfig';
import { isKRaftMode, validateKRaftConfig } from '../server/config/KRaftConfigValidation';
import { loadProperties } from '../server/config/properties';

/** StorageTool's TerseFailure: printed alone on stderr, exit 1. */
export class TerseFailure extends Error {}

type Out = (line: string) => void;

/** What StorageTool takes from KafkaConfig. */
interface StorageConfig {
  selfManagedMode: boolean;
  /** configToLogDirectories: log dirs plus metadata.log.dir, sorted, distinct. */
  directories: string[];
  nodeId: number;
  /** inter.broker.protocol.version when the file sets it. */
  ibp: string | null;
  unstableMetadataVersionsEnabled: boolean;
}

/** new KafkaConfig(Utils.loadProps(file)): a KRaft file is checked by KRaftConfigValidation, any other by KafkaConfig. */
export function loadStorageConfig(file: string): StorageConfig {
  let props: Record<string, string>;
  try {
    props = loadProperties(file);
  } catch (e) {
    throw new TerseFailure(`Unable to read ${file}: ${(e as Error).message}`);
  }
  const ibp = props['inter.broker.protocol.version'] ?? null;
  if (isKRaftMode(props)) {
    const k = validateKRaftConfig(props);
    const dirs = [...new Set([...k.logDirs, k.metadataLogDir])].sort();
    return { selfManagedMode: true, directories: dirs, nodeId: k.nodeId, ibp, unstableMetadataVersionsEnabled: k.unstableMetadataVersionsEnabled };
  }
  const c = KafkaConfig.fromProps(props);
  const metadataLogDir = c.getString('metadata.log.dir') ?? c.logDirs[0];
  const dirs = [...new Set([...c.logDirs, ...(metadataLogDir ? [metadataLogDir] : [])])].sort();
  return {
    selfManagedMode: false,
    directories: dirs,
    nodeId: c.getInt('node.id'),
    ibp,
    unstableMetadataVersionsEnabled: c.getBoolean('unstable.metadata.versions.enable'),
  };
}

/** StorageTool.infoCommand: returns the exit code. */
export function infoCommand(out: Out, selfManagedMode: boolean, directories: readonly string[]): number {
  const problems: string[] = [];
  const found: string[] = [];
  let prev: MetaProperties | null = null;
  for (const dir of [...directories].sort()) {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) {
      problems.push(st ? `${dir} is not a directory` : `${dir} does not exist`);
      continue;
    }
    found.push(dir);
    const metaPath = path.join(dir, META_PROPERTIES_NAME);
    if (!fs.existsSync(metaPath)) {
      problems.push(`${dir} is not formatted.`);
      continue;
    }
    try {
      const cur = readMetaProperties(dir)!;
      if (prev === null) prev = cur;
      else if (prev.clusterId !== cur.clusterId) problems.push('Mismatched cluster IDs between storage directories.');
      else if (prev.nodeId !== cur.nodeId) problems.push('Mismatched node IDs between storage directories.');
    } catch (e) {
      problems.push(`Error loading ${metaPath}: ${(e as Error).message}`);
    }
  }
  if (prev !== null) {
    if (selfManagedMode && prev.version === 0) {
      problems.push('The kafka configuration file appears to be for a cluster in KRaft mode, but the directories are formatted for legacy mode.');
    } else if (!selfManagedMode && prev.version === 1) {
      problems.push('The kafka configuration file appears to be for a legacy cluster, but the directories are formatted for a cluster in KRaft mode.');
    }
  }
  if (directories.length === 0) {
    out('No directories specified.');
    return 0;
  }
  if (found.length > 0) {
    out(found.length === 1 ? 'Found log directory:' : 'Found log directories:');
    for (const d of found) out(`  ${d}`);
    out('');
  }
  if (prev !== null) {
    // A java.util.TreeMap's toString: {k=v, ...} in key order.
    const sorted = prev.toProperties().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out(`Found metadata: {${sorted.map(([k, v]) => `${k}=${v}`).join(', ')}}`);
    out('');
  }
  if (problems.length > 0) {
    out(problems.length === 1 ? 'Found problem:' : 'Found problems:');
    for (const p of problems) out(`  ${p}`);
    out('');
    return 1;
  }
  return 0;
}

/** StorageTool.getMetadataVersion and main's checks on it. */
export function formatMetadataVersion(releaseVersion: string | null, config: StorageConfig, out: Out): MetadataVersion {
  const parse = (s: string) => {
    try {
      return metadataVersionFromString(s);
    } catch (e) {
      throw new TerseFailure((e as Error).message);
    }
  };
  const v = releaseVersion !== null ? parse(releaseVersion) : config.ibp !== null ? parse(config.ibp) : LATEST_PRODUCTION;
  if (!isKRaftSupported(v)) throw new TerseFailure('Must specify a valid KRaft metadata version of at least 3.0.');
  if (!isProduction(v)) {
    if (config.unstableMetadataVersionsEnabled) out(`WARNING: using pre-production metadata version ${v.version}.`);
    else throw new TerseFailure(`Metadata version ${v.version} is not ready for production use yet.`);
  }
  return v;
}

/** StorageTool.formatCommand: returns the exit code; refusals are TerseFailures. */
export function formatCommand(
  out: Out,
  directories: readonly string[],
  meta: MetaProperties,
  records: readonly ApiMessageAndVersion[],
  metadataVersion: MetadataVersion,
  ignoreFormatted: boolean,
): number {
  if (directories.length === 0) throw new TerseFailure('No log directories found in the configuration.');
  const ensemble = MetaPropertiesEnsemble.load(directories);
  try {
    ensemble.verify(meta.clusterId, meta.nodeId);
  } catch (e) {
    throw new TerseFailure((e as Error).message);
  }
  out(`metaPropertiesEnsemble=${ensemble.toString()}`);
  if (!ignoreFormatted && ensemble.logDirProps.size > 0) {
    const first = [...ensemble.logDirProps.keys()].sort()[0];
    throw new TerseFailure(`Log directory ${first} is already formatted. Use --ignore-formatted to ignore this directory and format the others.`);
  }
  if (ensemble.errorLogDirs.size > 0) {
    throw new TerseFailure(`I/O error trying to read log directory ${[...ensemble.errorLogDirs.keys()].sort()[0]}.`);
  }
  if (ensemble.emptyLogDirs.size === 0) {
    out('All of the log directories are already formatted.');
    return 0;
  }
  // Kafka 3.7.0 prints a directory once per later empty directory too (its loop re-writes every new directory on
  // each pass); we print and write each once.
  for (const dir of [...ensemble.emptyLogDirs].sort()) {
    const withId = meta.withDirectoryId(ensemble.generateValidDirectoryId());
    out(`Formatting ${dir} with metadata.version ${metadataVersion.version}.`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      writeBootstrapFile(dir, records);
      writeMetaProperties(dir, withId);
      ensemble.logDirProps.set(dir, withId);
    } catch (e) {
      throw new TerseFailure(`Error while writing meta.properties file ${dir}: ${(e as Error).message}`);
    }
  }
  return 0;
}

const FORMAT_USAGE =
  'usage: kafka-storage format [-h] --config CONFIG --cluster-id CLUSTER_ID [--add-scram ADD_SCRAM] [--ignore-formatted] [--release-version RELEASE_VERSION]';
const INFO_USAGE = 'usage: kafka-storage info [-h] --config CONFIG';
const TOP_USAGE = 'usage: kafka-storage [-h] {info,format,random-uuid} ...';

/** argparse4j's parseArgsOrFail: the usage line, then "kafka-storage: error: ...". */
class UsageError extends Error {
  constructor(
    readonly usage: string,
    message: string,
  ) {
    super(message);
  }
}

interface Args {
  command: 'info' | 'format' | 'random-uuid';
  config?: string;
  clusterId?: string;
  ignoreFormatted: boolean;
  releaseVersion: string | null;
  addScram: string[];
}

export function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError(TOP_USAGE, 'too few arguments');
  if (command !== 'info' && command !== 'format' && command !== 'random-uuid') {
    throw new UsageError(TOP_USAGE, `argument command: invalid choice: '${command}' (choose from 'info', 'format', 'random-uuid')`);
  }
  const usage = command === 'format' ? FORMAT_USAGE : command === 'info' ? INFO_USAGE : 'usage: kafka-storage random-uuid [-h]';
  const args: Args = { command, ignoreFormatted: false, releaseVersion: null, addScram: [] };
  const valued: Record<string, keyof Args> =
    command === 'format'
      ? { '--config': 'config', '-c': 'config', '--cluster-id': 'clusterId', '-t': 'clusterId', '--release-version': 'releaseVersion', '-r': 'releaseVersion' }
      : command === 'info'
        ? { '--config': 'config', '-c': 'config' }
        : {};
  for (let i = 0; i < rest.length; i++) {
    let a = rest[i];
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (command === 'format' && (a === '--ignore-formatted' || a === '-g')) {
      args.ignoreFormatted = true;
    } else if (command === 'format' && (a === '--add-scram' || a === '-S')) {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(usage, 'argument --add-scram/-S: expected one argument');
      args.addScram.push(v);
    } else if (valued[a] !== undefined) {
      const v = inline ?? rest[++i];
      const long = Object.keys(valued).find((k) => valued[k] === valued[a] && k.startsWith('--'))!;
      const short = Object.keys(valued).find((k) => valued[k] === valued[a] && !k.startsWith('--'))!;
      if (v === undefined) throw new UsageError(usage, `argument ${long}/${short}: expected one argument`);
      (args as unknown as Record<string, unknown>)[valued[a] as string] = v;
    } else {
      throw new UsageError(usage, `unrecognized arguments: '${rest.slice(i).join(' ')}'`);
    }
  }
  if (command !== 'random-uuid' && args.config === undefined) throw new UsageError(usage, 'argument --config/-c is required');
  if (command === 'format' && args.clusterId === undefined) throw new UsageError(usage, 'argument --cluster-id/-t is required');
  return args;
}

/** StorageTool.main without the exit: returns the exit code. */
export function run(argv: readonly string[], out: Out, err: Out): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.usage);
      err(`kafka-storage: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  try {
    if (args.command === 'random-uuid') {
      out(Uuid.randomUuid().toString());
      return 0;
    }
    const config = loadStorageConfig(args.config!);
    if (args.command === 'info') return infoCommand(out, config.selfManagedMode, config.directories);

    const metadataVersion = formatMetadataVersion(args.releaseVersion, config, out);
    // kraftsec: --add-scram's UserScramCredentialRecords go into bootstrap.checkpoint after metadata.version.
    let scramRecords: ApiMessageAndVersion[];
    try {
      scramRecords = addScramRecords(args.addScram, metadataVersion.featureLevel);
    } catch (e) {
      if (e instanceof AddScramError) throw new TerseFailure(e.message);
      throw e;
    }
    if (!config.selfManagedMode) {
      throw new TerseFailure('The kafka configuration file appears to be for a legacy cluster. Formatting is only supported for clusters in KRaft mode.');
    }
    // StorageTool.buildMetadataProperties' check and message. Kafka 3.7's format path skips it and would write any
    // string; a cluster id that is not a Uuid only fails later, on the brokers, so we refuse it here.
    try {
      Uuid.fromString(args.clusterId!);
    } catch (e) {
      throw new TerseFailure(`Cluster ID string ${args.clusterId} does not appear to be a valid UUID: ${(e as Error).message}`);
    }
    const meta = new MetaProperties(1, args.clusterId!, config.nodeId, null);
    return formatCommand(out, config.directories, meta, [...bootstrapRecords(metadataVersion), ...scramRecords], metadataVersion, args.ignoreFormatted);
  } catch (e) {
    if (e instanceof TerseFailure) {
      err(e.message);
      return 1;
    }
    if (e instanceof ConfigException) {
      // Kafka lets KafkaConfig's ConfigException escape main.
      err(`Exception in thread "main" org.apache.kafka.common.config.ConfigException: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

export function main(argv: string[] = process.argv): void {
  const code = run(
    argv.slice(2),
    (l) => process.stdout.write(`${l}\n`),
    (l) => process.stderr.write(`${l}\n`),
  );
  process.exitCode = code;
}
