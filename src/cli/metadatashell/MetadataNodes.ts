/**
 * The tree kafka-metadata-shell browses (Kafka 3.7's org.apache.kafka.image.node.* and the shell's RootShellNode /
 * LocalShellNode): directories with named children and leaves that print one line. The leaves print what 3.7
 * prints (BrokerRegistration.toString, PartitionRegistration.toString, ProvenanceNode's ISO time...), so a user can
 * compare the shell's output with a real Kafka's.
 *
 *   /local/{version,commitId}
 *   /image/provenance                      offset N, epoch E, time 2026-...Z[UTC]
 *   /image/features/{metadataVersion,zkMigrationState,finalized_<name>}
 *   /image/cluster/brokers/<id>            BrokerRegistration(...)
 *   /image/cluster/controllers/<id>        ControllerRegistration(...)
 *   /image/topics/byName/<topic>/{name,id,<partition>}   and /image/topics/byId/<id>/...
 *   /image/configs/<TYPE>[:<name>]/<key>   (BROKER alone is the cluster-wide default resource)
 *   /image/producerIds/nextProducerId
 *   /image/{clientQuotas,acls,scram,delegationToken}     empty: those records are not replayed yet
 */
import { Uuid } from '../../common/Uuid';
import type {
  BrokerEndpoint,
  BrokerRegistration,
  ControllerRegistration,
  MetadataImage,
  PartitionRegistration,
  SupportedFeature,
  TopicImage,
} from '../../metadata/image/MetadataImage';
import { METADATA_VERSION_FEATURE_NAME, metadataVersionFromFeatureLevel } from '../../metadata/MetadataVersion';

/** Where a node prints (MetadataNodePrinter: ShellNodePrinter indents two spaces per level). */
export interface NodePrinter {
  enterNode(name: string): void;
  leaveNode(): void;
  output(text: string): void;
}

export interface MetadataNode {
  isDirectory(): boolean;
  childNames(): string[];
  child(name: string): MetadataNode | null;
  print(printer: NodePrinter): void;
}

/** MetadataNode's default methods: a directory printing its children sorted by name. */
abstract class DirectoryNode implements MetadataNode {
  isDirectory(): boolean {
    return true;
  }
  abstract childNames(): string[];
  abstract child(name: string): MetadataNode | null;
  print(printer: NodePrinter): void {
    for (const name of [...this.childNames()].sort(compareJava)) {
      printer.enterNode(name);
      this.child(name)?.print(printer);
      printer.leaveNode();
    }
  }
}

/** A directory given as a map of lazily built children. */
class MapNode extends DirectoryNode {
  constructor(private readonly children: Map<string, () => MetadataNode | null>) {
    super();
  }
  childNames(): string[] {
    return [...this.children.keys()];
  }
  child(name: string): MetadataNode | null {
    return this.children.get(name)?.() ?? null;
  }
}

/** MetadataLeafNode: one line of text. */
export class LeafNode implements MetadataNode {
  constructor(private readonly text: string) {}
  isDirectory(): boolean {
    return false;
  }
  childNames(): string[] {
    return [];
  }
  child(): MetadataNode | null {
    return null;
  }
  print(printer: NodePrinter): void {
    printer.output(this.text);
  }
}

/** String.compareTo: UTF-16 code unit order (what Java's sorts use). */
export function compareJava(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const uuid = (b: Buffer): string => Uuid.fromBytes(b).toString();

/** SecurityProtocol names by id. */
const SECURITY_PROTOCOLS: Record<number, string> = { 0: 'PLAINTEXT', 1: 'SSL', 2: 'SASL_PLAINTEXT', 3: 'SASL_SSL' };

/** org.apache.kafka.common.Endpoint.toString. */
function endpointString(e: BrokerEndpoint): string {
  return `Endpoint(listenerName='${e.name}', securityProtocol=${SECURITY_PROTOCOLS[e.securityProtocol] ?? e.securityProtocol}, host='${e.host}', port=${e.port})`;
}

/** VersionRange.toString: "3", "1-19", or "1+" when the maximum is Short.MAX_VALUE. */
function versionRange(f: SupportedFeature): string {
  if (f.minSupportedVersion === f.maxSupportedVersion) return String(f.minSupportedVersion);
  if (f.maxSupportedVersion === 0x7fff) return `${f.minSupportedVersion}+`;
  return `${f.minSupportedVersion}-${f.maxSupportedVersion}`;
}

function listenersAndFeatures(listeners: BrokerEndpoint[], features: SupportedFeature[]): string {
  const ls = [...listeners].sort((a, b) => compareJava(a.name, b.name)).map(endpointString);
  const fs = [...features].sort((a, b) => compareJava(a.name, b.name)).map((f) => `${f.name}: ${versionRange(f)}`);
  return `listeners=[${ls.join(', ')}], supportedFeatures={${fs.join(', ')}}`;
}

/** org.apache.kafka.metadata.BrokerRegistration.toString (rack is an Optional). */
export function brokerRegistrationString(b: BrokerRegistration): string {
  return (
    `BrokerRegistration(id=${b.id}, epoch=${b.epoch}, incarnationId=${uuid(b.incarnationId)}, ${listenersAndFeatures(b.listeners, b.features)}` +
    `, rack=${b.rack === null ? 'Optional.empty' : `Optional[${b.rack}]`}, fenced=${b.fenced}, inControlledShutdown=${b.inControlledShutdown}` +
    `, isMigratingZkBroker=${b.isMigratingZkBroker}, directories=[${b.logDirs.map(uuid).join(', ')}])`
  );
}

/** org.apache.kafka.metadata.ControllerRegistration.toString. */
export function controllerRegistrationString(c: ControllerRegistration): string {
  return (
    `ControllerRegistration(id=${c.id}, incarnationId=${uuid(c.incarnationId)}, zkMigrationReady=${c.zkMigrationReady}, ` +
    `${listenersAndFeatures(c.listeners, c.features)})`
  );
}

/** DirectoryId.MIGRATING: what a replica without an assigned directory shows (PartitionRegistration.defaultToMigrating). */
const MIGRATING = 'AAAAAAAAAAAAAAAAAAAAAg';

/** org.apache.kafka.metadata.PartitionRegistration.toString (int arrays as Arrays.toString). */
export function partitionRegistrationString(p: PartitionRegistration): string {
  const arr = (a: ReadonlyArray<number | string> | null): string => `[${(a ?? []).join(', ')}]`;
  const dirs = p.directories.length > 0 ? p.directories.map(uuid) : p.replicas.map(() => MIGRATING);
  return (
    `PartitionRegistration(replicas=${arr(p.replicas)}, directories=${arr(dirs)}, isr=${arr(p.isr)}, removingReplicas=${arr(p.removingReplicas)}` +
    `, addingReplicas=${arr(p.addingReplicas)}, elr=${arr(p.elr)}, lastKnownElr=${arr(p.lastKnownElr)}, leader=${p.leader}` +
    `, leaderRecoveryState=${p.leaderRecoveryState === 1 ? 'RECOVERING' : 'RECOVERED'}, leaderEpoch=${p.leaderEpoch}, partitionEpoch=${p.partitionEpoch})`
  );
}

/** DateTimeFormatter.ISO_ZONED_DATE_TIME of an instant in zone UTC: seconds always, the fraction without trailing zeros. */
export function isoZonedUtc(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-12-07T08:49:38.120Z
  const [main, frac] = iso.slice(0, -1).split('.');
  const f = (frac ?? '').replace(/0+$/, '');
  return `${main}${f ? '.' + f : ''}Z[UTC]`;
}

/** ZkMigrationState names by value. */
const ZK_MIGRATION_STATES: Record<number, string> = { 0: 'NONE', 1: 'MIGRATION', 2: 'PRE_MIGRATION', 3: 'POST_MIGRATION', 4: 'ZK' };

function featuresNode(image: MetadataImage): MetadataNode {
  const children = new Map<string, () => MetadataNode | null>();
  // FeaturesImage.EMPTY's metadata.version is MINIMUM_KRAFT_VERSION (3.0-IV1).
  const level = image.metadataVersion();
  children.set('metadataVersion', () => new LeafNode(level > 0 ? metadataVersionFromFeatureLevel(level).version : '3.0-IV1'));
  children.set('zkMigrationState', () => new LeafNode(ZK_MIGRATION_STATES[image.zkMigrationState] ?? String(image.zkMigrationState)));
  for (const [name, v] of image.features) {
    if (name !== METADATA_VERSION_FEATURE_NAME) children.set(`finalized_${name}`, () => new LeafNode(String(v)));
  }
  return new MapNode(children);
}

function idChildren<V>(m: Map<number, V>, leaf: (v: V) => string): MapNode {
  return new MapNode(new Map([...m.entries()].map(([id, v]) => [String(id), () => new LeafNode(leaf(v))])));
}

function topicNode(t: TopicImage): MetadataNode {
  const children = new Map<string, () => MetadataNode | null>([
    ['name', () => new LeafNode(t.name)],
    ['id', () => new LeafNode(uuid(t.id))],
  ]);
  for (const [p, reg] of t.partitions) children.set(String(p), () => new LeafNode(partitionRegistrationString(reg)));
  return new MapNode(children);
}

/** ConfigResource.Type names by id (ConfigurationsImageNode names a resource TYPE:name, or TYPE alone for the default). */
const CONFIG_RESOURCE_TYPES: Record<number, string> = { 0: 'UNKNOWN', 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS' };

function configsNode(image: MetadataImage): MetadataNode {
  const children = new Map<string, () => MetadataNode | null>();
  for (const [key, data] of image.configs) {
    const colon = key.indexOf(':');
    const type = CONFIG_RESOURCE_TYPES[Number(key.slice(0, colon))] ?? 'UNKNOWN';
    const name = key.slice(colon + 1);
    children.set(name === '' ? type : `${type}:${name}`, () => new MapNode(new Map([...data.entries()].map(([k, v]) => [k, () => new LeafNode(v)]))));
  }
  return new MapNode(children);
}

/** MetadataImageNode: the image's top-level children. */
export function metadataImageNode(image: MetadataImage): MetadataNode {
  const empty = (): MetadataNode => new MapNode(new Map());
  return new MapNode(
    new Map<string, () => MetadataNode | null>([
      ['provenance', () => new LeafNode(`offset ${image.offset}, epoch ${image.epoch}, time ${isoZonedUtc(image.lastContainedLogTimeMs)}`)],
      ['features', () => featuresNode(image)],
      [
        'cluster',
        () =>
          new MapNode(
            new Map([
              ['brokers', () => idChildren(image.brokers, brokerRegistrationString)],
              ['controllers', () => idChildren(image.controllers, controllerRegistrationString)],
            ]),
          ),
      ],
      [
        'topics',
        () =>
          new MapNode(
            new Map([
              ['byName', () => new MapNode(new Map([...image.topicsByName.values()].map((t) => [t.name, () => topicNode(t)])))],
              ['byId', () => new MapNode(new Map([...image.topicsById.values()].map((t) => [uuid(t.id), () => topicNode(t)])))],
            ]),
          ),
      ],
      ['configs', () => configsNode(image)],
      ['clientQuotas', empty],
      ['producerIds', () => new MapNode(new Map([['nextProducerId', () => new LeafNode(String(image.producerIds.nextProducerId))]]))],
      ['acls', empty],
      ['scram', empty],
      ['delegationToken', empty],
    ]),
  );
}

/** Our version string where Kafka prints AppInfoParser's. */
export const SHELL_VERSION = '3.7.0';

/** RootShellNode: /local (the shell itself) and /image. */
export function rootShellNode(image: MetadataImage): MetadataNode {
  return new MapNode(
    new Map<string, () => MetadataNode | null>([
      [
        'local',
        () =>
          new MapNode(
            new Map([
              ['version', () => new LeafNode(SHELL_VERSION)],
              ['commitId', () => new LeafNode('kafka-zk-ts')],
            ]),
          ),
      ],
      ['image', () => metadataImageNode(image)],
    ]),
  );
}
