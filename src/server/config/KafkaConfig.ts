/**
 * kafka.server.KafkaConfig (Apache Kafka 3.7, ZooKeeper mode): parses broker properties against the key table
 * in KafkaConfigDefs.ts, derives values the way Kafka does (log.retention.ms from minutes/hours, log.roll.ms
 * from hours, advertised listeners from listeners, log.dirs over log.dir) and runs KafkaConfig.validateValues'
 * checks. Every error is a ConfigException that names the key.
 */
import { LogConfig } from '../../log/LogConfig';
import { AbstractConfig, Props } from '../../common/config/AbstractConfig';
import { ConfigException, ConfigKey } from '../../common/config/ConfigDef';
import { EndPoint, listenerListToEndPoints, parseSecurityProtocolMap } from '../../cluster/EndPoint';
import { KAFKA_CONFIG_DEFS } from './KafkaConfigDefs';
import { isKRaftMode, KRaftConfig, validateKRaftConfig } from './KRaftConfigValidation';
import { validateSecurityConfig } from './KafkaConfigSecurity';
import { AuthorizerSettings, authorizerSettings } from './KafkaConfigAuthorizer';

export { ConfigException } from '../../common/config/ConfigDef';

/** The `LogConfig` values a broker applies to logs without topic overrides, plus the other topic-level defaults. */
export interface BrokerLogDefaults extends LogConfig {
  segmentJitterMs: number;
  flushMs: number;
  retentionBytes: number;
  retentionMs: number;
  cleanupPolicy: string[];
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  fileDeleteDelayMs: number;
  minCleanableRatio: number;
  minInSyncReplicas: number;
  compressionType: string;
  uncleanLeaderElectionEnable: boolean;
  preallocate: boolean;
  messageTimestampType: string;
  messageDownConversionEnable: boolean;
}

const CSV = /\s*,\s*/;

export class KafkaConfig extends AbstractConfig {
  /**
   * KRaft mode (process.roles set): the node's roles, quorum and metadata log settings, validated with Kafka 3.7's
   * messages (KRaftConfigValidation). null in ZooKeeper mode.
   */
  readonly kraft: KRaftConfig | null;
  // ZooKeeper
  readonly zkConnect: string;
  readonly zkSessionTimeoutMs: number;
  readonly zkConnectionTimeoutMs: number;
  readonly zkEnableSecureAcls: boolean;
  readonly zkMaxInFlightRequests: number;
  // General
  readonly brokerIdGenerationEnable: boolean;
  readonly maxReservedBrokerId: number;
  readonly brokerId: number;
  readonly messageMaxBytes: number;
  readonly numNetworkThreads: number;
  readonly numIoThreads: number;
  readonly backgroundThreads: number;
  readonly queuedMaxRequests: number;
  readonly queuedMaxBytes: number;
  // Socket server
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, string>;
  readonly listeners: EndPoint[];
  readonly advertisedListeners: EndPoint[];
  readonly interBrokerListenerName: string;
  readonly interBrokerSecurityProtocol: string;
  /** authorizer.class.name with AclAuthorizer's super.users / allow.everyone.if.no.acl.found; null = no authorizer. */
  readonly authorizer: AuthorizerSettings | null;
  readonly socketSendBufferBytes: number;
  readonly socketReceiveBufferBytes: number;
  readonly socketRequestMaxBytes: number;
  readonly maxConnectionsPerIp: number;
  readonly maxConnections: number;
  readonly connectionsMaxIdleMs: number;
  readonly rack: string | null;
  /** The Prometheus endpoint's port (0 = none) and bind address. */
  readonly metricsPrometheusPort: number;
  readonly metricsPrometheusHost: string;
  // Log
  readonly numPartitions: number;
  readonly logDirs: string[];
  readonly logSegmentBytes: number;
  readonly logRollTimeMillis: number;
  readonly logRollTimeJitterMillis: number;
  readonly logRetentionTimeMillis: number;
  readonly logRetentionBytes: number;
  readonly logCleanupIntervalMs: number;
  readonly logCleanupPolicy: string[];
  readonly logCleanerEnable: boolean;
  readonly logCleanerThreads: number;
  readonly logCleanerDedupeBufferSize: number;
  readonly logCleanerBackoffMs: number;
  readonly logCleanerMinCleanRatio: number;
  readonly logCleanerDeleteRetentionMs: number;
  readonly logCleanerMinCompactionLagMs: number;
  readonly logCleanerMaxCompactionLagMs: number;
  readonly logIndexSizeMaxBytes: number;
  readonly logIndexIntervalBytes: number;
  readonly logFlushIntervalMessages: number;
  readonly logFlushIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly logFlushStartOffsetCheckpointIntervalMs: number;
  readonly logDeleteDelayMs: number;
  readonly logPreAllocateEnable: boolean;
  readonly logMessageTimestampType: string;
  readonly logMessageDownConversionEnable: boolean;
  readonly numRecoveryThreadsPerDataDir: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly minInSyncReplicas: number;
  readonly compressionType: string;
  readonly deleteTopicEnable: boolean;
  // Replication
  readonly controllerSocketTimeoutMs: number;
  readonly defaultReplicationFactor: number;
  readonly replicaLagTimeMaxMs: number;
  readonly replicaSocketTimeoutMs: number;
  readonly replicaSocketReceiveBufferBytes: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly replicaFetchMinBytes: number;
  readonly replicaFetchResponseMaxBytes: number;
  readonly replicaFetchBackoffMs: number;
  readonly numReplicaFetchers: number;
  readonly replicaHighWatermarkCheckpointIntervalMs: number;
  readonly autoLeaderRebalanceEnable: boolean;
  readonly leaderImbalancePerBrokerPercentage: number;
  readonly leaderImbalanceCheckIntervalSeconds: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly interBrokerProtocolVersion: string;
  readonly controlledShutdownEnable: boolean;
  readonly controlledShutdownMaxRetries: number;
  readonly controlledShutdownRetryBackoffMs: number;
  // Group coordinator and offsets
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupInitialRebalanceDelay: number;
  readonly groupMaxSize: number;
  readonly offsetMetadataMaxSize: number;
  readonly offsetsLoadBufferSize: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicPartitions: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly offsetsRetentionMinutes: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetCommitTimeoutMs: number;
  // Transactions and fetch
  readonly transactionalIdExpirationMs: number;
  readonly producerIdExpirationMs: number;
  readonly producerIdExpirationCheckIntervalMs: number;
  readonly transactionMaxTimeoutMs: number;
  readonly transactionTopicMinISR: number;
  readonly transactionTopicReplicationFactor: number;
  readonly transactionTopicPartitions: number;
  readonly transactionTopicSegmentBytes: number;
  readonly transactionsLoadBufferSize: number;
  readonly transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  readonly transactionRemoveExpiredTransactionalIdCleanupIntervalMs: number;
  readonly maxIncrementalFetchSessionCacheSlots: number;
  readonly fetchMaxBytes: number;
  /** Listener security (secnet): what validateSecurityConfig found worth a warning (e.g. GSSAPI dropped). */
  readonly securityWarnings: string[];

  static fromProps(props: Props): KafkaConfig {
    return new KafkaConfig(props);
  }

  /** Kafka's ConfigDef names, sorted (KafkaConfig.configNames). */
  static configNames(): string[] {
    return [...KAFKA_CONFIG_DEFS.keys()].sort();
  }

  static configKey(name: string): ConfigKey | undefined {
    return KAFKA_CONFIG_DEFS.get(name);
  }

  /**
   * KafkaConfig.populateSynonyms: broker.id and node.id name the same id; whichever is given fills the other, so
   * DescribeConfigs shows node.id = broker.id on a ZooKeeper-mode broker as Kafka's does.
   */
  static populateSynonyms(props: Props): Props {
    const brokerId = props['broker.id'];
    const nodeId = props['node.id'];
    if (brokerId === undefined && nodeId !== undefined) return { ...props, 'broker.id': nodeId };
    if (brokerId !== undefined && nodeId === undefined) return { ...props, 'node.id': brokerId };
    return props;
  }

  constructor(props: Props) {
    super(KAFKA_CONFIG_DEFS, KafkaConfig.populateSynonyms(props));
    // KafkaConfig's KRaft checks run first in Kafka too (validateValues checks process.roles before anything else).
    this.kraft = isKRaftMode(props) ? validateKRaftConfig(props) : null;

    this.zkConnect = this.getString('zookeeper.connect') as string;
    this.zkSessionTimeoutMs = this.getInt('zookeeper.session.timeout.ms');
    this.zkConnectionTimeoutMs = this.getOptional('zookeeper.connection.timeout.ms') ?? this.zkSessionTimeoutMs;
    this.zkEnableSecureAcls = this.getBoolean('zookeeper.set.acl');
    this.zkMaxInFlightRequests = this.getInt('zookeeper.max.in.flight.requests');
    this.brokerIdGenerationEnable = this.getBoolean('broker.id.generation.enable');
    this.maxReservedBrokerId = this.getInt('reserved.broker.max.id');
    this.brokerId = this.getInt('broker.id');
    this.messageMaxBytes = this.getInt('message.max.bytes');
    this.numNetworkThreads = this.getInt('num.network.threads');
    this.numIoThreads = this.getInt('num.io.threads');
    this.backgroundThreads = this.getInt('background.threads');
    this.queuedMaxRequests = this.getInt('queued.max.requests');
    this.queuedMaxBytes = this.getLong('queued.max.request.bytes');

    this.listenerSecurityProtocolMap = parseSecurityProtocolMap(this.getString('listener.security.protocol.map') ?? '');
    if (this.kraft) {
      // KRaft: controller listeners default to PLAINTEXT, and they are never advertised (effectiveAdvertisedListeners).
      // (validateKRaftConfig has refused an unmapped controller listener where the map had to name it.)
      const map = this.listenerSecurityProtocolMap as Map<string, string>;
      for (const l of this.kraft.listeners) if (!map.has(l.listenerName)) map.set(l.listenerName, l.securityProtocol);
      for (const n of this.kraft.controllerListenerNames) if (!map.has(n.toUpperCase())) map.set(n.toUpperCase(), 'PLAINTEXT');
      this.listeners = this.kraft.listeners.map((e) => ({ ...e }));
      this.advertisedListeners = this.kraft.advertisedListeners.map((e) => ({ ...e }));
    } else {
      this.listeners = listenerListToEndPoints('listeners', this.getString('listeners') ?? '', this.listenerSecurityProtocolMap, true);
      const advertised = this.getString('advertised.listeners');
      this.advertisedListeners =
        advertised !== null
          ? listenerListToEndPoints('advertised.listeners', advertised, this.listenerSecurityProtocolMap, false)
          : this.listeners.map((e) => ({ ...e }));
    }
    [this.interBrokerListenerName, this.interBrokerSecurityProtocol] = this.interBrokerListener();
    this.socketSendBufferBytes = this.getInt('socket.send.buffer.bytes');
    this.socketReceiveBufferBytes = this.getInt('socket.receive.buffer.bytes');
    this.socketRequestMaxBytes = this.getInt('socket.request.max.bytes');
    this.maxConnectionsPerIp = this.getInt('max.connections.per.ip');
    this.maxConnections = this.getInt('max.connections');
    this.connectionsMaxIdleMs = this.getLong('connections.max.idle.ms');
    this.rack = this.getString('broker.rack');
    this.authorizer = authorizerSettings(this.getString('authorizer.class.name'), this.originals, this.kraft !== null);
    this.metricsPrometheusPort = this.getInt('metrics.prometheus.port');
    this.metricsPrometheusHost = this.getString('metrics.prometheus.host') ?? '127.0.0.1';

    this.numPartitions = this.getInt('num.partitions');
    // CoreUtils.parseCsvList(Option(log.dirs).getOrElse(log.dir)): log.dirs wins; empty entries dropped.
    this.logDirs = (this.getString('log.dirs') ?? this.getString('log.dir') ?? '').split(CSV).filter((s) => s !== '');
    this.logSegmentBytes = this.getInt('log.segment.bytes');
    this.logRollTimeMillis = this.getOptional('log.roll.ms') ?? 3600000 * this.getInt('log.roll.hours');
    this.logRollTimeJitterMillis = this.getOptional('log.roll.jitter.ms') ?? 3600000 * this.getInt('log.roll.jitter.hours');
    this.logRetentionTimeMillis = this.deriveRetentionMs();
    this.logRetentionBytes = this.getLong('log.retention.bytes');
    this.logCleanupIntervalMs = this.getLong('log.retention.check.interval.ms');
    this.logCleanupPolicy = this.getList('log.cleanup.policy');
    this.logCleanerEnable = this.getBoolean('log.cleaner.enable');
    this.logCleanerThreads = this.getInt('log.cleaner.threads');
    this.logCleanerDedupeBufferSize = this.getLong('log.cleaner.dedupe.buffer.size');
    this.logCleanerBackoffMs = this.getLong('log.cleaner.backoff.ms');
    this.logCleanerMinCleanRatio = this.getDouble('log.cleaner.min.cleanable.ratio');
    this.logCleanerDeleteRetentionMs = this.getLong('log.cleaner.delete.retention.ms');
    this.logCleanerMinCompactionLagMs = this.getLong('log.cleaner.min.compaction.lag.ms');
    this.logCleanerMaxCompactionLagMs = this.getLong('log.cleaner.max.compaction.lag.ms');
    this.logIndexSizeMaxBytes = this.getInt('log.index.size.max.bytes');
    this.logIndexIntervalBytes = this.getInt('log.index.interval.bytes');
    this.logFlushIntervalMessages = this.getLong('log.flush.interval.messages');
    this.logFlushSchedulerIntervalMs = this.getLong('log.flush.scheduler.interval.ms');
    this.logFlushIntervalMs = this.getOptional('log.flush.interval.ms') ?? this.logFlushSchedulerIntervalMs;
    this.logFlushOffsetCheckpointIntervalMs = this.getInt('log.flush.offset.checkpoint.interval.ms');
    this.logFlushStartOffsetCheckpointIntervalMs = this.getInt('log.flush.start.offset.checkpoint.interval.ms');
    this.logDeleteDelayMs = this.getLong('log.segment.delete.delay.ms');
    this.logPreAllocateEnable = this.getBoolean('log.preallocate');
    this.logMessageTimestampType = this.getString('log.message.timestamp.type') as string;
    this.logMessageDownConversionEnable = this.getBoolean('log.message.downconversion.enable');
    this.numRecoveryThreadsPerDataDir = this.getInt('num.recovery.threads.per.data.dir');
    this.autoCreateTopicsEnable = this.getBoolean('auto.create.topics.enable');
    this.minInSyncReplicas = this.getInt('min.insync.replicas');
    this.compressionType = this.getString('compression.type') as string;
    this.deleteTopicEnable = this.getBoolean('delete.topic.enable');

    this.controllerSocketTimeoutMs = this.getInt('controller.socket.timeout.ms');
    this.defaultReplicationFactor = this.getInt('default.replication.factor');
    this.replicaLagTimeMaxMs = this.getLong('replica.lag.time.max.ms');
    this.replicaSocketTimeoutMs = this.getInt('replica.socket.timeout.ms');
    this.replicaSocketReceiveBufferBytes = this.getInt('replica.socket.receive.buffer.bytes');
    this.replicaFetchMaxBytes = this.getInt('replica.fetch.max.bytes');
    this.replicaFetchWaitMaxMs = this.getInt('replica.fetch.wait.max.ms');
    this.replicaFetchMinBytes = this.getInt('replica.fetch.min.bytes');
    this.replicaFetchResponseMaxBytes = this.getInt('replica.fetch.response.max.bytes');
    this.replicaFetchBackoffMs = this.getInt('replica.fetch.backoff.ms');
    this.numReplicaFetchers = this.getInt('num.replica.fetchers');
    this.replicaHighWatermarkCheckpointIntervalMs = this.getLong('replica.high.watermark.checkpoint.interval.ms');
    this.autoLeaderRebalanceEnable = this.getBoolean('auto.leader.rebalance.enable');
    this.leaderImbalancePerBrokerPercentage = this.getInt('leader.imbalance.per.broker.percentage');
    this.leaderImbalanceCheckIntervalSeconds = this.getLong('leader.imbalance.check.interval.seconds');
    this.uncleanLeaderElectionEnable = this.getBoolean('unclean.leader.election.enable');
    this.interBrokerProtocolVersion = this.getString('inter.broker.protocol.version') as string;
    this.controlledShutdownEnable = this.getBoolean('controlled.shutdown.enable');
    this.controlledShutdownMaxRetries = this.getInt('controlled.shutdown.max.retries');
    this.controlledShutdownRetryBackoffMs = this.getLong('controlled.shutdown.retry.backoff.ms');

    this.groupMinSessionTimeoutMs = this.getInt('group.min.session.timeout.ms');
    this.groupMaxSessionTimeoutMs = this.getInt('group.max.session.timeout.ms');
    this.groupInitialRebalanceDelay = this.getInt('group.initial.rebalance.delay.ms');
    this.groupMaxSize = this.getInt('group.max.size');
    this.offsetMetadataMaxSize = this.getInt('offset.metadata.max.bytes');
    this.offsetsLoadBufferSize = this.getInt('offsets.load.buffer.size');
    this.offsetsTopicReplicationFactor = this.getShort('offsets.topic.replication.factor');
    this.offsetsTopicPartitions = this.getInt('offsets.topic.num.partitions');
    this.offsetsTopicSegmentBytes = this.getInt('offsets.topic.segment.bytes');
    this.offsetsRetentionMinutes = this.getInt('offsets.retention.minutes');
    this.offsetsRetentionCheckIntervalMs = this.getLong('offsets.retention.check.interval.ms');
    this.offsetCommitTimeoutMs = this.getInt('offsets.commit.timeout.ms');
    this.transactionalIdExpirationMs = this.getInt('transactional.id.expiration.ms');
    this.producerIdExpirationMs = this.getInt('producer.id.expiration.ms');
    this.producerIdExpirationCheckIntervalMs = this.getInt('producer.id.expiration.check.interval.ms');
    this.transactionMaxTimeoutMs = this.getInt('transaction.max.timeout.ms');
    this.transactionTopicMinISR = this.getInt('transaction.state.log.min.isr');
    this.transactionTopicReplicationFactor = this.getShort('transaction.state.log.replication.factor');
    this.transactionTopicPartitions = this.getInt('transaction.state.log.num.partitions');
    this.transactionTopicSegmentBytes = this.getInt('transaction.state.log.segment.bytes');
    this.transactionsLoadBufferSize = this.getInt('transaction.state.log.load.buffer.size');
    this.transactionAbortTimedOutTransactionCleanupIntervalMs = this.getInt('transaction.abort.timed.out.transaction.cleanup.interval.ms');
    this.transactionRemoveExpiredTransactionalIdCleanupIntervalMs = this.getInt('transaction.remove.expired.transaction.cleanup.interval.ms');
    this.maxIncrementalFetchSessionCacheSlots = this.getInt('max.incremental.fetch.session.cache.slots');
    this.fetchMaxBytes = this.getInt('fetch.max.bytes');

    this.validateValues();
    this.securityWarnings = validateSecurityConfig(this);
  }

  /**
   * Listener-prefixed keys (`listener.name.<l>.<key>`, `listener.name.<l>.<mechanism>.sasl.jaas.config`) are read per
   * listener (KafkaConfigSecurity), as Kafka's valuesWithPrefixOverride reads them: not unknown.
   */
  override unknownKeys(): string[] {
    return super.unknownKeys().filter((k) => {
      const m = /^listener\.name\.[^.]+\.(.+)$/.exec(k);
      return !(m && (KAFKA_CONFIG_DEFS.has(m[1]) || /^[a-z0-9-]+\.sasl\.jaas\.config$/.test(m[1])));
    });
  }

  /** The broker-wide LogConfig (KafkaServer.copyKafkaConfigToLog). */
  logConfig(): BrokerLogDefaults {
    return {
      segmentBytes: this.logSegmentBytes,
      indexIntervalBytes: this.logIndexIntervalBytes,
      maxIndexSize: this.logIndexSizeMaxBytes,
      segmentMs: this.logRollTimeMillis,
      maxMessageBytes: this.messageMaxBytes,
      flushIntervalMessages: this.logFlushIntervalMessages,
      segmentJitterMs: this.logRollTimeJitterMillis,
      flushMs: this.logFlushIntervalMs,
      retentionBytes: this.logRetentionBytes,
      retentionMs: this.logRetentionTimeMillis,
      cleanupPolicy: [...this.logCleanupPolicy],
      deleteRetentionMs: this.logCleanerDeleteRetentionMs,
      minCompactionLagMs: this.logCleanerMinCompactionLagMs,
      maxCompactionLagMs: this.logCleanerMaxCompactionLagMs,
      fileDeleteDelayMs: this.logDeleteDelayMs,
      minCleanableRatio: this.logCleanerMinCleanRatio,
      minInSyncReplicas: this.minInSyncReplicas,
      compressionType: this.compressionType,
      uncleanLeaderElectionEnable: this.uncleanLeaderElectionEnable,
      preallocate: this.logPreAllocateEnable,
      messageTimestampType: this.logMessageTimestampType,
      messageDownConversionEnable: this.logMessageDownConversionEnable,
    };
  }

  /** KafkaConfig.logRetentionTimeMillis: ms, else minutes, else hours; any negative value means -1 (unlimited). */
  private deriveRetentionMs(): number {
    const ms = this.getOptional('log.retention.ms');
    const minutes = this.getOptional('log.retention.minutes');
    const millis = ms ?? (minutes !== null ? 60000 * minutes : 3600000 * this.getInt('log.retention.hours'));
    return millis < 0 ? -1 : millis;
  }

  /** KafkaConfig.getInterBrokerListenerNameAndSecurityProtocol */
  private interBrokerListener(): [string, string] {
    const name = this.getString('inter.broker.listener.name');
    if (name !== null) {
      if (this.isSupplied('security.inter.broker.protocol')) {
        throw new ConfigException('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.', 'inter.broker.listener.name');
      }
      const listenerName = name.toUpperCase();
      const protocol = this.listenerSecurityProtocolMap.get(listenerName);
      if (!protocol) {
        throw new ConfigException(
          `Listener with name ${listenerName} defined in inter.broker.listener.name not found in listener.security.protocol.map.`,
          'inter.broker.listener.name',
        );
      }
      return [listenerName, protocol];
    }
    const protocol = this.getString('security.inter.broker.protocol') as string;
    return [protocol, protocol];
  }

  /** The checks of validateValues on logs and replication, which hold in both modes (in Kafka's order). */
  private validateLogAndReplicaValues(require: (ok: boolean, key: string, msg: string) => void): void {
    require(this.logRollTimeMillis >= 1, 'log.roll.ms', 'log.roll.ms must be greater than or equal to 1');
    require(this.logRollTimeJitterMillis >= 0, 'log.roll.jitter.ms', 'log.roll.jitter.ms must be greater than or equal to 0');
    require(this.logRetentionTimeMillis >= 1 ||
      this.logRetentionTimeMillis === -1, 'log.retention.ms', 'log.retention.ms must be unlimited (-1) or, greater than or equal to 1');
    require(this.logDirs.length > 0, 'log.dirs', 'At least one log directory must be defined via log.dirs or log.dir.');
    require(this.logCleanerThreads === 0 ||
      this.logCleanerDedupeBufferSize / this.logCleanerThreads >
        1024 * 1024, 'log.cleaner.dedupe.buffer.size', 'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.');
    require(this.replicaFetchWaitMaxMs <=
      this
        .replicaSocketTimeoutMs, 'replica.socket.timeout.ms', 'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts');
    require(this.replicaFetchWaitMaxMs <=
      this
        .replicaLagTimeMaxMs, 'replica.fetch.wait.max.ms', 'replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR');
  }

  /** KafkaConfig.validateValues (the ZooKeeper-mode checks); Scala `require` failures become ConfigExceptions. */
  private validateValues(): void {
    const require = (ok: boolean, key: string, msg: string) => {
      if (!ok) throw new ConfigException(msg, key);
    };
    // A KRaft node's checks (validateKRaftConfig) ran in the constructor; what follows is ZooKeeper mode's.
    if (this.kraft) return this.validateLogAndReplicaValues(require);
    if (this.zkConnect === null) {
      throw new ConfigException('Missing required configuration "zookeeper.connect" which has no default value.', 'zookeeper.connect');
    }
    if (this.brokerIdGenerationEnable) {
      require(this.brokerId >= -1 &&
        this.brokerId <= this.maxReservedBrokerId, 'broker.id', 'broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id');
    } else {
      require(this.brokerId >= 0, 'broker.id', 'broker.id must be greater than or equal to 0');
    }
    this.validateLogAndReplicaValues(require);
    // ZooKeeper mode without migration: no controller listener.
    const controllerListenerNames = ((this.getString('controller.listener.names') as string | null) ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n.length > 0);
    require(controllerListenerNames.length ===
      0, 'controller.listener.names', `controller.listener.names must be empty when not running in KRaft mode: [${controllerListenerNames.join(', ')}]`);
    const advertisedNames = new Set(this.advertisedListeners.map((e) => e.listenerName));
    const listenerNames = new Set(this.listeners.map((e) => e.listenerName));
    require(advertisedNames.has(
      this.interBrokerListenerName,
    ), 'inter.broker.listener.name', `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${[...advertisedNames].join(',')}`);
    require([...advertisedNames].every((n) =>
      listenerNames.has(n),
    ), 'advertised.listeners', `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${[...advertisedNames].join(',')}. The valid options based on the current configuration are ${[...listenerNames].join(',')}`);
    require(!this.advertisedListeners.some(
      (e) => e.host === '0.0.0.0',
    ), 'advertised.listeners', 'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.');
    require(this.queuedMaxBytes <= 0 ||
      this.queuedMaxBytes >=
        this.socketRequestMaxBytes, 'queued.max.request.bytes', 'queued.max.request.bytes must be larger or equal to socket.request.max.bytes');
  }
}
