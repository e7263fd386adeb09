/**
 * The KRaft half of kafka.server.KafkaConfig (Apache Kafka 3.7): process.roles, node.id, the controller quorum and
 * listeners, and KafkaConfig.validateValues' KRaft checks with Kafka's messages. Kafka's `require` failures are
 * reported as ConfigExceptions, as KafkaConfig.ts does for the ZooKeeper-mode checks. The ZooKeeper-mode broker
 * does not use this: it runs only when process.roles is set.
 */
import { AbstractConfig, Props } from '../../common/config/AbstractConfig';
import { ConfigException } from '../../common/config/ConfigDef';
import { EndPoint, listenerListToEndPoints, parseSecurityProtocolMap } from '../../cluster/EndPoint';
import { KAFKA_CONFIG_DEFS } from './KafkaConfigDefs';
import { QUORUM_VOTERS_CONFIG, VoterAddress, parseVoterConnections, scalaSetString } from './QuorumConfig';

export type ProcessRole = 'broker' | 'controller';

/** What a KRaft node is, once its configuration is valid. */
export interface KRaftConfig {
  readonly processRoles: ReadonlySet<ProcessRole>;
  readonly nodeId: number;
  readonly voters: ReadonlyMap<number, VoterAddress>;
  readonly controllerListenerNames: readonly string[];
  readonly listeners: readonly EndPoint[];
  readonly advertisedListeners: readonly EndPoint[];
  readonly logDirs: readonly string[];
  /** metadata.log.dir, else the first log dir (KafkaConfig.metadataLogDir). */
  readonly metadataLogDir: string;
  readonly brokerSessionTimeoutMs: number;
  readonly brokerHeartbeatIntervalMs: number;
  readonly quorumElectionTimeoutMs: number;
  readonly quorumFetchTimeoutMs: number;
  readonly quorumElectionBackoffMaxMs: number;
  readonly quorumRequestTimeoutMs: number;
  readonly quorumAppendLingerMs: number;
  readonly quorumRetryBackoffMs: number;
  readonly metadataLogSegmentBytes: number;
  readonly metadataLogSegmentMs: number;
  readonly metadataMaxRetentionBytes: number;
  readonly metadataMaxRetentionMs: number;
  readonly metadataSnapshotMaxNewRecordBytes: number;
  readonly metadataSnapshotMaxIntervalMs: number;
  readonly metadataMaxIdleIntervalMs: number;
  readonly initialBrokerRegistrationTimeoutMs: number;
  readonly unstableMetadataVersionsEnabled: boolean;
}

const CSV = /\s*,\s*/;

/** KafkaConfig.populateSynonyms: node.id and broker.id stand in for each other when only one is given. */
export function populateSynonyms(props: Props): Props {
  const out: Record<string, Props[string]> = { ...props };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(props, k);
  if (!has('broker.id') && has('node.id')) out['broker.id'] = props['node.id'];
  else if (has('broker.id') && !has('node.id')) out['node.id'] = props['broker.id'];
  return out;
}

/** KafkaConfig.usesSelfManagedQuorum: a non-empty process.roles means KRaft mode. */
export function isKRaftMode(props: Props): boolean {
  const roles = props['process.roles'];
  if (roles === undefined) return false;
  return Array.isArray(roles) ? roles.length > 0 : String(roles).trim() !== '';
}

/** KafkaConfig.parseProcessRoles */
function parseProcessRoles(roles: string[]): Set<ProcessRole> {
  const parsed = roles.map((r) => {
    if (r !== 'broker' && r !== 'controller')
      throw new ConfigException(`Unknown process role '${r}' (only 'broker' and 'controller' are allowed roles)`, 'process.roles');
    return r;
  });
  const distinct = new Set<ProcessRole>(parsed);
  if (distinct.size !== parsed.length) {
    throw new ConfigException(`Duplicate role names found in \`process.roles\`: ArrayBuffer(${parsed.join(', ')})`, 'process.roles');
  }
  return distinct;
}

const SSL_OR_SASL = new Set(['SSL', 'SASL_SSL', 'SASL_PLAINTEXT']);

/**
 * Parses and validates a KRaft node's properties (KafkaConfig's constructor and validateValues for a non-empty
 * process.roles). Throws a ConfigException with Kafka 3.7's message for the first problem.
 */
export function validateKRaftConfig(rawProps: Props): KRaftConfig {
  const props = populateSynonyms(rawProps);
  const c = new AbstractConfig(KAFKA_CONFIG_DEFS, props);
  const require = (ok: boolean, key: string, msg: string) => {
    if (!ok) throw new ConfigException(msg, key);
  };
  const processRoles = parseProcessRoles(c.getList('process.roles'));
  if (processRoles.size === 0) throw new ConfigException('process.roles is empty: this is a ZooKeeper-mode configuration', 'process.roles');
  const nodeId = c.getInt('node.id');
  const brokerId = c.getInt('broker.id');

  // KafkaConfig.controllerListenerNames: the raw comma-separated names (not normalised).
  const cln = c.getString('controller.listener.names') ?? '';
  const controllerListenerNames = cln === '' ? [] : cln.split(',');

  // KafkaConfig.effectiveListenerSecurityProtocolMap: in KRaft, controller listeners default to PLAINTEXT when the
  // map is not given and nothing uses SSL or SASL.
  const protocolMap = parseSecurityProtocolMap(c.getString('listener.security.protocol.map') ?? '');
  if (!Object.prototype.hasOwnProperty.call(props, 'listener.security.protocol.map')) {
    const listenerNames = (c.getString('listeners') ?? '')
      .trim()
      .split(CSV)
      .filter((s) => s !== '')
      .map((l) => l.split('://')[0].toUpperCase());
    if (!controllerListenerNames.some((n) => SSL_OR_SASL.has(n)) && !listenerNames.some((n) => SSL_OR_SASL.has(n))) {
      for (const n of controllerListenerNames) if (n !== 'PLAINTEXT') protocolMap.set(n, 'PLAINTEXT');
    }
  }
  const listeners = listenerListToEndPoints('listeners', c.getString('listeners') ?? '', protocolMap, true);
  const controllerListeners = listeners.filter((l) => controllerListenerNames.includes(l.listenerName));
  const advertisedProp = c.getString('advertised.listeners');
  const advertisedListeners =
    advertisedProp !== null
      ? listenerListToEndPoints('advertised.listeners', advertisedProp, protocolMap, false)
      : listeners.filter((l) => !controllerListenerNames.includes(l.listenerName));
  const logDirs = (c.getString('log.dirs') ?? c.getString('log.dir') ?? '').split(CSV).filter((s) => s !== '');

  // KafkaConfig.validateValues, in its order.
  if (nodeId !== brokerId) throw new ConfigException('You must set `node.id` to the same value as `broker.id`.', 'node.id');
  if (nodeId < 0) {
    throw new ConfigException(
      'Missing configuration `node.id` which is required when `process.roles` is defined (i.e. when running in KRaft mode).',
      'node.id',
    );
  }
  if (c.getBoolean('zookeeper.metadata.migration.enable') && c.getString('zookeeper.connect') === null) {
    throw new ConfigException('If using `zookeeper.metadata.migration.enable` in KRaft mode, `zookeeper.connect` must also be set.', 'zookeeper.connect');
  }
  require(logDirs.length > 0, 'log.dirs', 'At least one log directory must be defined via log.dirs or log.dir.');

  const voters = parseVoterConnections(c.getList(QUORUM_VOTERS_CONFIG));
  const advertisedNames = new Set(advertisedListeners.map((l) => l.listenerName));
  const voterSet = () => `${QUORUM_VOTERS_CONFIG}=${scalaSetString(voters.keys())}`;
  const nonEmptyVoters = () => {
    if (voters.size === 0)
      throw new ConfigException(`If using process.roles, ${QUORUM_VOTERS_CONFIG} must contain a parseable set of voters.`, QUORUM_VOTERS_CONFIG);
  };
  const noControlPlaneListener = () =>
    // Not a key this project defines (no control plane listener in ZooKeeper mode either): read from the raw properties.
    require(props['control.plane.listener.name'] === undefined, 'control.plane.listener.name', 'control.plane.listener.name is not supported in KRaft mode.');
  const advertisedHasNoControllerListener = () =>
    require(![...advertisedNames].some((n) =>
      controllerListenerNames.includes(n),
    ), 'advertised.listeners', 'The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role because Kafka clients that send requests via advertised listeners do not send requests to KRaft controllers -- they only send requests to KRaft brokers.');
  const nodeIsVoter = () =>
    require(voters.has(
      nodeId,
    ), QUORUM_VOTERS_CONFIG, `If process.roles contains the 'controller' role, the node id ${nodeId} must be included in the set of voters ${voterSet()}`);
  const controllerListenerExists = () =>
    require(controllerListeners.length >
      0, 'controller.listener.names', "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role");
  const controllerListenersInListeners = () => {
    const names = new Set(listeners.map((l) => l.listenerName));
    require(controllerListenerNames.every((n) =>
      names.has(n),
    ), 'controller.listener.names', "controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role");
  };
  const advertisedNonEmpty = () =>
    require(advertisedNames.size > 0, 'advertised.listeners', 'There must be at least one advertised listener.' +
      (processRoles.has('broker') ? ' Perhaps all listeners appear in controller.listener.names?' : ''));

  if (processRoles.size === 1 && processRoles.has('broker')) {
    nonEmptyVoters();
    noControlPlaneListener();
    advertisedHasNoControllerListener();
    require(!voters.has(
      nodeId,
    ), QUORUM_VOTERS_CONFIG, `If process.roles contains just the 'broker' role, the node id ${nodeId} must not be included in the set of voters ${voterSet()}`);
    require(controllerListenerNames.length >
      0, 'controller.listener.names', 'controller.listener.names must contain at least one value when running KRaft with just the broker role');
    require(controllerListeners.length ===
      0, 'controller.listener.names', "controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role");
    for (const name of controllerListenerNames) {
      const normalised = name.toUpperCase();
      if (!protocolMap.has(normalised)) {
        // Kafka's message has two spaces before the parenthesis.
        throw new ConfigException(
          `Controller listener with name ${normalised} defined in controller.listener.names not found in listener.security.protocol.map  (an explicit security mapping for each controller listener is required if listener.security.protocol.map is non-empty, or if there are security protocols other than PLAINTEXT in use)`,
          'controller.listener.names',
        );
      }
    }
    advertisedNonEmpty();
  } else if (processRoles.size === 1) {
    nonEmptyVoters();
    noControlPlaneListener();
    require(advertisedProp === null, 'advertised.listeners', 'The advertised.listeners config must be empty when process.roles=controller');
    require(advertisedListeners.length ===
      0, 'listeners', 'The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller');
    nodeIsVoter();
    controllerListenerExists();
    controllerListenersInListeners();
  } else {
    nonEmptyVoters();
    noControlPlaneListener();
    advertisedHasNoControllerListener();
    nodeIsVoter();
    controllerListenerExists();
    controllerListenersInListeners();
    advertisedNonEmpty();
  }

  return {
    processRoles,
    nodeId,
    voters,
    controllerListenerNames,
    listeners,
    advertisedListeners,
    logDirs,
    metadataLogDir: c.getString('metadata.log.dir') ?? logDirs[0],
    brokerSessionTimeoutMs: c.getInt('broker.session.timeout.ms'),
    brokerHeartbeatIntervalMs: c.getInt('broker.heartbeat.interval.ms'),
    quorumElectionTimeoutMs: c.getInt('controller.quorum.election.timeout.ms'),
    quorumFetchTimeoutMs: c.getInt('controller.quorum.fetch.timeout.ms'),
    quorumElectionBackoffMaxMs: c.getInt('controller.quorum.election.backoff.max.ms'),
    quorumRequestTimeoutMs: c.getInt('controller.quorum.request.timeout.ms'),
    quorumAppendLingerMs: c.getInt('controller.quorum.append.linger.ms'),
    quorumRetryBackoffMs: c.getInt('controller.quorum.retry.backoff.ms'),
    metadataLogSegmentBytes: c.getInt('metadata.log.segment.bytes'),
    metadataLogSegmentMs: c.getLong('metadata.log.segment.ms'),
    metadataMaxRetentionBytes: c.getLong('metadata.max.retention.bytes'),
    metadataMaxRetentionMs: c.getLong('metadata.max.retention.ms'),
    metadataSnapshotMaxNewRecordBytes: c.getLong('metadata.log.max.record.bytes.between.snapshots'),
    metadataSnapshotMaxIntervalMs: c.getLong('metadata.log.max.snapshot.interval.ms'),
    metadataMaxIdleIntervalMs: c.getInt('metadata.max.idle.interval.ms'),
    initialBrokerRegistrationTimeoutMs: c.getInt('initial.broker.registration.timeout.ms'),
    unstableMetadataVersionsEnabled: c.getBoolean('unstable.metadata.versions.enable'),
  };
}
