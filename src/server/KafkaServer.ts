import * as os from 'os';
import { getLogger, Logger } from '../common/logger';
import { Uuid } from '../common/Uuid';
import { KafkaController } from '../controller/KafkaController';
import { LogConfig } from '../log/LogConfig';
import type { LogManager } from '../log/LogManager';
import type { LogCleaner } from '../log/LogCleaner';
import { SocketServer } from '../network/SocketServer';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { BrokerInfo, ConfigType } from '../zk/ZkData';
import { checkAndWriteBrokerMetadata } from './BrokerMetadataCheckpoint';
import { ControlledShutdown } from './ControlledShutdown';
import { KafkaApis } from './KafkaApis';
import { shutdownSteps, startMetricsEndpoint } from './ServerLifecycle';
import { KafkaConfig } from './config/KafkaConfig';
import { MetadataCache } from './MetadataCache';
import { ReplicaManager } from './ReplicaManager';
import { ProducerIdManager, RPCProducerIdManager, ZkProducerIdManager } from './ProducerIdManager';
import { BrokerToControllerChannel, metadataCacheControllerNodeProvider } from './BrokerToControllerChannel';
import { ZkAdminManager } from './ZkAdminManager';
import { GroupCoordinator } from '../coordinator/group/GroupCoordinator';
import { createGroupCoordinator } from './handlers/GroupApis';
import { createTransactionCoordinator } from './handlers/TransactionApis';
import type { TransactionCoordinator } from '../coordinator/transaction/TransactionCoordinator';
import { TRANSACTION_STATE_TOPIC_NAME } from '../coordinator/transaction/TransactionStateManager';
import { FinalizedFeatureChangeListener } from './FinalizedFeatureChangeListener';
import { TopicConfigRepository, ZkConfigManager } from './config/DynamicConfigManager';
import { newLogManager, startLogMaintenance } from './LogMaintenance';
import { ConfigApis } from './handlers/ConfigApis';
import type { LogRetention } from '../log/LogRetention';
import { BrokerState, KafkaMetrics } from './metrics/KafkaMetrics';
import type { PrometheusHttpServer } from './metrics/PrometheusHttpServer';
import { replicaManagerGauges } from './metrics/ReplicaManagerGauges';
import { ScramCredentialCache } from '../security/scram/ScramCredential';
import { zkUserConfigStore } from '../security/scram/ZkUserConfigStore';
import type { DelegationTokenManager } from '../security/token/DelegationTokenManager'; // dtoken
import { createZkDelegationTokenManager, withTokenCredentials } from '../security/token/TokenCredentialSource'; // dtoken
import { UserConfigHandler } from './config/UserConfigHandler';
import { interBrokerClientSecurity, listenerSecurity } from './config/KafkaConfigSecurity';
import { setDefaultClientSecurity } from '../network/NetworkClient';
import { ScramApis } from './handlers/ScramApis';
import { ClientQuotaAdmin } from './ClientQuotaAdmin';
import { AclAuthorizer } from '../security/authorizer/AclAuthorizer';
import { ZkAclStore } from '../security/authorizer/ZkAclStore';
import { QuotaManagers } from './quota/QuotaManagers';
import { ClientQuotaConfigHandler } from './config/ClientQuotaConfigHandler';
import { registerQuotaMetrics } from './quota/QuotaMetrics';
// dynconfig: dynamic broker configs (DynamicBrokerConfig, BrokerConfigHandler, the reconfigurables).
import { DynamicBrokerConfig, zkBrokerConfigStore } from './config/DynamicBrokerConfig';
import { BrokerConfigHandler } from './config/BrokerConfigHandler';
import { dynamicListenerConfig, dynamicLogConfig, dynamicThreadPool, listenerSslReconfigurable } from './config/DynamicBrokerReconfigurables';

/**
 * kafka.server.KafkaServer: the start-up and shutdown order of one ZooKeeper-mode broker.
 * Start-up: ZooKeeper session and top-level paths, cluster id, meta.properties, log recovery, socket
 * server, replica manager, broker registration (epoch = czxid), controller election.
 * Shutdown: controlled shutdown, socket server, controller, replica manager, logs (clean-shutdown
 * marker), ZooKeeper session (which removes our ephemeral znodes).
 */
export class KafkaServer {
  private readonly log: Logger;
  private zkClient: KafkaZkClient | null = null;
  private socketServer: SocketServer | null = null;
  private logManager: LogManager | null = null;
  private replicaManager: ReplicaManager | null = null;
  private controller: KafkaController | null = null;
  private groupCoordinator: GroupCoordinator | null = null;
  private transactionCoordinator: TransactionCoordinator | null = null;
  private brokerEpoch = -1;
  private clusterId = '';
  /** The broker's one cache of topic configs; the config change listener updates it (DynamicConfigManager). */
  private topicConfigs: TopicConfigRepository | null = null;
  private logCleaner: LogCleaner | null = null;
  private configManager: ZkConfigManager | null = null;
  private authorizer: AclAuthorizer | null = null;
  private featureChangeListener: FinalizedFeatureChangeListener | null = null;
  private producerIdManager: ProducerIdManager | null = null;
  private logRetention: LogRetention | null = null;
  private shutdownPromise: Promise<void> | null = null;
  private shutdownResolve: (() => void) | null = null;
  private readonly shutdownDone = new Promise<void>((r) => (this.shutdownResolve = r));
  readonly metadataCache: MetadataCache;
  /** The broker's metrics registry (Kafka's Yammer registry, served as the JMX exporter would). */
  readonly metrics: KafkaMetrics;
  private metricsServer: PrometheusHttpServer | null = null;
  private brokerState: number = BrokerState.NOT_RUNNING;
  /** secscram: the broker's SCRAM credentials (CredentialCache), kept in step with /config/users; the SCRAM SASL server's provider. */
  readonly credentialCache = new ScramCredentialCache();
  /** dtoken: delegation tokens (DelegationTokenManagerZk). */
  private tokenManager: DelegationTokenManager | null = null;
  /** dynconfig: /config/brokers/<id> and /config/brokers/<default> over server.properties (Kafka's config.dynamicConfig). */
  private dynamicConfig: DynamicBrokerConfig | null = null;

  constructor(readonly config: KafkaConfig) {
    this.log = getLogger('kafka.server.KafkaServer', `[KafkaServer id=${config.brokerId}] `);
    this.metadataCache = new MetadataCache(config.brokerId);
    this.metrics = new KafkaMetrics({ defaultMetrics: config.metricsPrometheusPort > 0 });
    this.metrics.registerBrokerState(() => this.brokerState);
  }

  async startup(): Promise<void> {
    const cfg = this.config;
    this.log.info('starting');
    this.brokerState = BrokerState.STARTING;
    // First, as the JMX exporter agent binds before a real broker starts: a busy port fails the start-up at once.
    this.metricsServer = await startMetricsEndpoint(cfg, this.metrics, this.log);
    this.log.info(`Connecting to zookeeper on ${cfg.zkConnect}`);
    const zk = await KafkaZkClient.create(cfg.zkConnect, cfg.zkSessionTimeoutMs, cfg.zkConnectionTimeoutMs, `[ZooKeeperClient Kafka server] `);
    this.zkClient = zk;
    zk.zk.requestLatencyListener = this.metrics.observeZooKeeperLatency;
    this.metrics.registerZooKeeperClient(zk.zk);
    await zk.createTopLevelPaths();
    this.clusterId = await zk.createOrGetClusterId(Uuid.randomUuid().toString());
    this.log.info(`Cluster ID = ${this.clusterId}`);
    checkAndWriteBrokerMetadata(cfg.logDirs, this.clusterId, cfg.brokerId);
    // dynconfig: KafkaServer.startup initializes the dynamic config right after ZooKeeper, so the log defaults, the
    // listeners' keystores and everything built below already run with /config/brokers' values.
    const brokerConfigStore = zkBrokerConfigStore(zk);
    this.dynamicConfig = new DynamicBrokerConfig(cfg);
    await this.dynamicConfig.initialize(brokerConfigStore);

    this.brokerState = BrokerState.RECOVERY;
    // Every log is created with its topic's /config/topics/<t> overrides, whoever wrote them (Kafka's
    // LogManager.startup fetches the overrides of the topics it loads; getOrCreateLog gets them from the
    // LeaderAndIsr handling, which re-reads the znode). The broker defaults include log.message.timestamp.type.
    const logManager = newLogManager(cfg);
    const topicConfigs = new TopicConfigRepository(
      cfg.logConfig(),
      (t) => zk.getTopicConfig(t),
      (t) => logManager.allLogs().filter((l) => l.topic === t),
      cfg.brokerId,
    );
    this.topicConfigs = topicConfigs;
    await topicConfigs.load(logManager.topicsOnDisk());
    logManager.loadLogs((t) => topicConfigs.logConfigFor(t));
    logManager.startup(cfg.logFlushOffsetCheckpointIntervalMs);
    this.logManager = logManager;

    this.replicaManager = new ReplicaManager({
      config: cfg,
      logManager,
      metadataCache: this.metadataCache,
      brokerEpoch: () => this.brokerEpoch,
      logConfigFor: (t) => this.logConfigFor(t),
      brokerTopicStats: this.metrics.brokerTopicStats,
      meters: this.metrics.replicaManagerMeters,
    });
    const rm = this.replicaManager;
    this.metrics.registerReplicaManager(replicaManagerGauges(() => rm.allPartitions(), cfg.minInSyncReplicas));
    this.replicaManager.startup();
    // LogManager's kafka-log-retention task and Kafka's LogCleaner (compacts cleanup.policy=compact logs,
    // __consumer_offsets included): only what lies below the partition's high watermark.
    const maintenance = startLogMaintenance(cfg, logManager, this.replicaManager, topicConfigs);
    this.logRetention = maintenance.logRetention;
    this.logCleaner = maintenance.logCleaner;
    this.groupCoordinator = createGroupCoordinator(cfg, this.replicaManager, this.metadataCache);
    this.groupCoordinator.startup();
    const adminManager = new ZkAdminManager(cfg, zk, this.metadataCache);
    const brokerInfo = (): BrokerInfo => this.brokerInfo();
    this.controller = new KafkaController(
      {
        brokerId: cfg.brokerId,
        interBrokerListenerName: cfg.interBrokerListenerName,
        controllerSocketTimeoutMs: cfg.controllerSocketTimeoutMs,
        // dynconfig: read at each election, so a dynamic unclean.leader.election.enable applies (cfg follows DynamicBrokerConfig).
        get uncleanLeaderElectionEnable() {
          return cfg.uncleanLeaderElectionEnable;
        },
        deleteTopicEnable: cfg.deleteTopicEnable,
        autoLeaderRebalanceEnable: cfg.autoLeaderRebalanceEnable,
        leaderImbalanceCheckIntervalSeconds: cfg.leaderImbalanceCheckIntervalSeconds,
        leaderImbalancePerBrokerPercentage: cfg.leaderImbalancePerBrokerPercentage,
      },
      zk,
      brokerInfo(),
      () => this.registerBroker(),
    );
    this.metrics.registerController(this.controller);
    // Kafka starts the feature listener before the socket server, so ApiVersions v3 knows the finalized features.
    this.featureChangeListener = new FinalizedFeatureChangeListener(zk, cfg.brokerId);
    await this.featureChangeListener.startup();
    // KafkaServer: from IBP 3.0-IV0 (isAllocateProducerIdsSupported) brokers get producer id blocks from the controller.
    this.producerIdManager =
      Number(/^(\d+)\./.exec(cfg.interBrokerProtocolVersion)?.[1] ?? 0) >= 3
        ? new RPCProducerIdManager(
            cfg.brokerId,
            () => this.brokerEpoch,
            new BrokerToControllerChannel(
              cfg.brokerId,
              'allocate-producer-ids',
              metadataCacheControllerNodeProvider(this.metadataCache, cfg.interBrokerListenerName),
              cfg.controllerSocketTimeoutMs,
            ),
          )
        : new ZkProducerIdManager(cfg.brokerId, zk);
    // KafkaServer: the transaction coordinator, with __transaction_state's partition count from ZooKeeper (the
    // config's until the topic exists).
    this.transactionCoordinator = createTransactionCoordinator(cfg, this.replicaManager, this.metadataCache, this.producerIdManager);
    const txnPartitions = (await zk.getPartitionsOfTopic(TRANSACTION_STATE_TOPIC_NAME)).length || cfg.transactionTopicPartitions;
    this.transactionCoordinator.startup(true, txnPartitions);
    // KafkaServer.startup: the authorizer is configured and started (every ACL loaded, change notifications followed)
    // before the socket server accepts clients, so the first request is already judged by the stored ACLs.
    if (cfg.authorizer) {
      this.authorizer = new AclAuthorizer(cfg.authorizer, new ZkAclStore(zk, cfg.brokerId));
      await this.authorizer.start();
    }
    // dtoken: DelegationTokenManagerZk.startup (paths, every token cached, change notifications followed) before clients connect.
    this.tokenManager = createZkDelegationTokenManager(cfg, zk, () => this.controller?.isActive() === true);
    await this.tokenManager.startup();
    // quota: QuotaFactory.instantiate; every quota of /config/users and /config/clients is loaded before clients connect.
    const quotas = new QuotaManagers(
      { numQuotaSamples: cfg.getInt('quota.window.num'), quotaWindowSizeSeconds: cfg.getInt('quota.window.size.seconds') },
      Date.now,
      cfg.brokerId,
    );
    registerQuotaMetrics(this.metrics.registry, quotas);
    const quotaConfigHandler = new ClientQuotaConfigHandler(zk, quotas, cfg.brokerId);
    await quotaConfigHandler.loadAll();
    const apis = new KafkaApis({
      config: cfg,
      clusterId: this.clusterId,
      brokerEpoch: () => this.brokerEpoch,
      metadataCache: this.metadataCache,
      replicaManager: this.replicaManager,
      adminManager,
      controller: this.controller,
      loadTopicConfigs: (topics) => this.loadTopicConfigs(topics),
      producerIdManager: this.producerIdManager,
      groupCoordinator: this.groupCoordinator,
      transactionCoordinator: this.transactionCoordinator,
      consumerOffsetsZk: zk,
      configApis: new ConfigApis(cfg, zk, this.metadataCache, { config: this.dynamicConfig, store: brokerConfigStore }),
      scramApis: new ScramApis(zkUserConfigStore(zk), this.controller),
      // qadmin: DescribeClientQuotas / AlterClientQuotas read and write the quota znodes (ZkAdminManager).
      clientQuotaAdmin: new ClientQuotaAdmin(zk),
      features: () => this.featureChangeListener!.features(),
      authorizer: this.authorizer ?? undefined,
      delegationTokenManager: this.tokenManager,
      quotas,
    });
    // secscram: every user's SCRAM credentials are in the cache before clients can connect (DynamicConfigManager.startup).
    const userConfigHandler = new UserConfigHandler(zkUserConfigStore(zk), this.credentialCache, cfg.brokerId);
    await userConfigHandler.loadAll();
    this.socketServer = new SocketServer(cfg.brokerId, cfg.socketRequestMaxBytes, cfg.connectionsMaxIdleMs, apis, this.metrics.requestMetrics);
    // secnet: listener security (TLS, SASL with the SCRAM credential cache) and the inter-broker clients' TLS/SASL.
    this.socketServer.setScramCredentials(withTokenCredentials(this.credentialCache, this.tokenManager)); // dtoken: + token credentials
    for (const w of cfg.securityWarnings) this.log.warn(w);
    setDefaultClientSecurity(interBrokerClientSecurity(cfg));
    await this.socketServer.startup(
      cfg.listeners.map((l) => ({
        listenerName: l.listenerName,
        host: l.host,
        port: l.port,
        security: listenerSecurity(cfg, l.listenerName, l.securityProtocol),
      })),
    );

    // dynconfig: DynamicBrokerConfig.addReconfigurables (KafkaServer does it once the socket server exists).
    const dynamicConfig = this.dynamicConfig;
    const socketServer = this.socketServer;
    dynamicConfig.addReconfigurable(dynamicThreadPool);
    dynamicConfig.addReconfigurable(dynamicLogConfig(topicConfigs, () => logManager.allLogs()));
    dynamicConfig.addReconfigurable(dynamicListenerConfig);
    dynamicConfig.addReconfigurable(listenerSslReconfigurable(socketServer, () => dynamicConfig.currentKafkaConfig));

    await this.registerBroker();
    await this.controller.startup();
    this.configManager = new ZkConfigManager(zk, topicConfigs, cfg.brokerId);
    this.configManager.registerHandler(ConfigType.User, userConfigHandler);
    this.configManager.registerHandler(ConfigType.User, quotaConfigHandler.users);
    this.configManager.registerHandler(ConfigType.Client, quotaConfigHandler.clients);
    this.configManager.registerHandler(ConfigType.Broker, new BrokerConfigHandler(cfg.brokerId, dynamicConfig, brokerConfigStore));
    await this.configManager.startup();
    this.brokerState = BrokerState.RUNNING;
    this.log.info('started');
  }

  /** Advertised endpoints with Kafka's substitutions: blank host -> canonical host name, port 0 -> bound port. */
  private brokerInfo(): BrokerInfo {
    const endpoints = this.config.advertisedListeners.map((l) => ({
      listenerName: l.listenerName,
      securityProtocol: l.securityProtocol,
      host: l.host === '' ? os.hostname() : l.host,
      port: l.port === 0 ? (this.socketServer?.boundPorts.get(l.listenerName) ?? 0) : l.port,
    }));
    return { id: this.config.brokerId, endpoints, rack: this.config.rack, jmxPort: -1 };
  }

  private async registerBroker(): Promise<number> {
    const info = this.brokerInfo();
    this.brokerEpoch = await this.zkClient!.registerBroker(info);
    this.log.info(
      `Registered broker ${info.id} at path /brokers/ids/${info.id} with addresses: ${info.endpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`).join(',')}, czxid (broker epoch): ${this.brokerEpoch}`,
    );
    return this.brokerEpoch;
  }

  /**
   * Re-reads /config/topics/<t> for the topics of a LeaderAndIsr (ZK-mode brokers read a topic's config when
   * they create its log, so a re-created topic never keeps a stale override) and reconfigures their live logs.
   */
  private async loadTopicConfigs(topics: string[]): Promise<void> {
    await this.topicConfigs!.load(topics);
  }

  /** Broker defaults overridden by the topic's /config/topics/<t> entries (kafka.log.LogConfig). */
  private logConfigFor(topic: string): LogConfig {
    return this.topicConfigs!.logConfigFor(topic);
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.log.info('shutting down');
    const step = shutdownSteps(this.log);
    if (this.config.controlledShutdownEnable && this.zkClient && this.brokerEpoch >= 0) {
      this.brokerState = BrokerState.PENDING_CONTROLLED_SHUTDOWN;
      await step('controlled shutdown', () =>
        new ControlledShutdown(
          this.config,
          this.metadataCache,
          () => this.brokerEpoch,
          () => this.controller?.controllerId ?? -1,
        ).run(),
      );
    }
    this.brokerState = BrokerState.SHUTTING_DOWN;
    await step('socket server shutdown', () => this.socketServer?.shutdown());
    await step('controller shutdown', () => this.controller?.shutdown());
    await step('config manager shutdown', () => this.configManager?.shutdown());
    await step('authorizer close', () => this.authorizer?.close());
    await step('token manager shutdown', () => this.tokenManager?.shutdown());
    await step('feature change listener shutdown', () => this.featureChangeListener?.shutdown());
    await step('producer id manager shutdown', () => this.producerIdManager?.shutdown());
    await step('transaction coordinator shutdown', () => this.transactionCoordinator?.shutdown());
    await step('group coordinator shutdown', () => this.groupCoordinator?.shutdown());
    await step('replica manager shutdown', () => this.replicaManager?.shutdown());
    await step('log cleaner shutdown', () => this.logCleaner?.shutdown());
    await step('log retention shutdown', () => this.logRetention?.shutdown());
    await step('log manager shutdown', () => this.logManager?.shutdown());
    await step('ZooKeeper client shutdown', () => this.zkClient?.close());
    this.brokerState = BrokerState.NOT_RUNNING;
    await step('metrics endpoint shutdown', () => this.metricsServer?.shutdown());
    this.log.info('shut down completed');
    this.shutdownResolve?.();
  }

  awaitShutdown(): Promise<void> {
    return this.shutdownDone;
  }
}
