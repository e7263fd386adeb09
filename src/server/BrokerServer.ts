import * as os from 'os';
import { interBrokerClientSecurity, listenerSecurity } from './config/KafkaConfigSecurity';
import { controllerClientSecurity } from './config/ControllerClientSecurity';
import type { ClientSecurity } from '../security/auth/ListenerSecurity';
import { setDefaultClientSecurity } from '../network/NetworkClient';
import { SUPPORTED_FEATURES } from '../common/BrokerFeatures';
import { getLogger, Logger } from '../common/logger';
import { GroupCoordinator } from '../coordinator/group/GroupCoordinator';
import type { LogCleaner } from '../log/LogCleaner';
import type { LogManager } from '../log/LogManager';
import type { LogRetention } from '../log/LogRetention';
import { SocketServer } from '../network/SocketServer';
import type { BrokerRegistrationListener } from '../protocol/apis/62-broker-registration';
import { ConfigResourceType } from '../protocol/apis/32-describe-configs';
import { BrokerLifecycleManager } from './BrokerLifecycleManager';
import { verifyKRaftStorage } from './BrokerMetadataCheckpoint';
import { BrokerToControllerChannel, ControllerNodeProvider } from './BrokerToControllerChannel';
import { TopicConfigRepository } from './config/DynamicConfigManager';
import { newLogManager, startLogMaintenance } from './LogMaintenance';
import { shutdownSteps, startMetricsEndpoint } from './ServerLifecycle';
import { KafkaConfig } from './config/KafkaConfig';
import { FORWARDED_APIS, ForwardingManager } from './ForwardingManager';
import { ConfigApis, ConfigStore } from './handlers/ConfigApis';
import { createGroupCoordinator } from './handlers/GroupApis';
import { createTransactionCoordinator } from './handlers/TransactionApis';
import type { TransactionCoordinator } from '../coordinator/transaction/TransactionCoordinator';
import { KafkaApis } from './KafkaApis';
import type { KafkaRaftManager } from './KafkaRaftManager';
import { MetadataCache } from './MetadataCache';
import { AutoTopicCreationManager } from './metadata/AutoTopicCreationManager';
import { BrokerMetadataListener } from './metadata/BrokerMetadataListener';
import { BrokerMetadataPublisher, topicConfigsOf } from './metadata/BrokerMetadataPublisher';
import { KRaftControllerHandle } from './metadata/KRaftControllerHandle';
import { raftControllerNodeProvider } from './metadata/RaftControllerNodeProvider';
import { BrokerState, KafkaMetrics } from './metrics/KafkaMetrics';
import type { PrometheusHttpServer } from './metrics/PrometheusHttpServer';
import { replicaManagerGauges } from './metrics/ReplicaManagerGauges';
import { ProducerIdManager, RPCProducerIdManager } from './ProducerIdManager';
import { ReplicaManager } from './ReplicaManager';
import { ScramCredentialCache } from '../security/scram/ScramCredential';
import { StandardAuthorizer } from '../security/authorizer/StandardAuthorizer';
import { BrokerSecurityPublisher } from './metadata/BrokerSecurityPublisher';
import { QuotaManagers } from './quota/QuotaManagers';
import { registerQuotaMetrics } from './quota/QuotaMetrics';
// dynconfig: dynamic broker configs applied from the metadata image (Kafka's DynamicConfigPublisher).
import { DynamicBrokerConfig } from './config/DynamicBrokerConfig';
import { dynamicLogConfig, listenerSslReconfigurable } from './config/DynamicBrokerReconfigurables';

/** SecurityProtocol ids as BrokerRegistration carries them. */
const SECURITY_PROTOCOL_IDS: Record<string, number> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };
/** BrokerServer.shutdown: lifecycleManager.controlledShutdownFuture.get(5L, TimeUnit.MINUTES). */
const CONTROLLED_SHUTDOWN_MAX_WAIT_MS = 5 * 60 * 1000;
const CONTROLLED_SHUTDOWN_CHECK_MS = 100;

/**
 * kafka.server.BrokerServer: a KRaft broker (process.roles=broker). It shares the log, replica manager, group
 * coordinator and network layers with the ZooKeeper-mode KafkaServer, but takes its metadata from the
 * __cluster_metadata log (BrokerMetadataListener -> BrokerMetadataPublisher) instead of ZooKeeper, LeaderAndIsr and
 * UpdateMetadata; registers and heartbeats with the quorum controller (BrokerLifecycleManager); and forwards admin
 * requests to it (ForwardingManager).
 *
 * Start-up (Kafka's order): logs, replica manager, coordinators, metadata listener, socket server, registration;
 * then wait for the controller to report us caught up, for the first metadata publish, and for unfencing.
 * Shutdown: controlled shutdown by heartbeat, then the socket server, coordinators, replica manager and logs.
 */
export class BrokerServer {
  private readonly log: Logger;
  readonly metadataCache: MetadataCache;
  readonly metrics: KafkaMetrics;
  private metricsServer: PrometheusHttpServer | null = null;
  private socketServer: SocketServer | null = null;
  private logManager: LogManager | null = null;
  private replicaManager: ReplicaManager | null = null;
  private groupCoordinator: GroupCoordinator | null = null;
  private transactionCoordinator: TransactionCoordinator | null = null;
  private producerIdManager: ProducerIdManager | null = null;
  private logCleaner: LogCleaner | null = null;
  private logRetention: LogRetention | null = null;
  private lifecycle: BrokerLifecycleManager | null = null;
  private listener: BrokerMetadataListener | null = null;
  private readonly channels: BrokerToControllerChannel[] = [];
  private readonly controllerNode: ControllerNodeProvider;
  private brokerState: number = BrokerState.NOT_RUNNING;
  private shutdownPromise: Promise<void> | null = null;
  private shutdownResolve: (() => void) | null = null;
  private readonly shutdownDone = new Promise<void>((r) => (this.shutdownResolve = r));
  /** kraftsec: the SCRAM credentials of the metadata image (CredentialCache), what the SCRAM SASL server checks. */
  readonly credentialCache = new ScramCredentialCache();
  /** kraftsec: authorizer.class.name=...StandardAuthorizer: the ACLs of the metadata image. */
  private authorizer: StandardAuthorizer | null = null;
  /** kraftsec: the controller listener's client security (SASL/TLS to the controllers). */
  private readonly controllerSecurity: ClientSecurity;

  constructor(
    readonly config: KafkaConfig,
    private readonly raftManager: KafkaRaftManager,
    private readonly clusterId: string,
  ) {
    if (!config.kraft) throw new Error('BrokerServer needs a KRaft configuration (process.roles=broker)');
    this.log = getLogger('kafka.server.BrokerServer', `[BrokerServer id=${config.brokerId}] `);
    this.metadataCache = new MetadataCache(config.brokerId);
    this.metrics = new KafkaMetrics({ defaultMetrics: config.metricsPrometheusPort > 0 });
    this.metrics.registerBrokerState(() => this.lifecycle?.state ?? this.brokerState);
    this.controllerNode = raftControllerNodeProvider(raftManager);
    this.controllerSecurity = controllerClientSecurity(config, config.kraft.controllerListenerNames);
  }

  private channel(purpose: string, timeoutMs = this.config.controllerSocketTimeoutMs): BrokerToControllerChannel {
    const c = new BrokerToControllerChannel(this.config.brokerId, purpose, this.controllerNode, timeoutMs, this.controllerSecurity);
    this.channels.push(c);
    return c;
  }

  private get brokerEpoch(): number {
    return this.lifecycle?.brokerEpoch ?? -1;
  }

  async startup(): Promise<void> {
    const cfg = this.config;
    const kraft = cfg.kraft!;
    this.log.info('Transition from SHUTDOWN to STARTING');
    this.brokerState = BrokerState.STARTING;
    this.metricsServer = await startMetricsEndpoint(cfg, this.metrics, this.log);
    // KafkaRaftServer has checked the directories; their meta.properties give the log dir ids we register with.
    const ensemble = verifyKRaftStorage(cfg.logDirs, kraft.metadataLogDir, cfg.brokerId);
    const logDirIds = cfg.logDirs.flatMap((d) => {
      const id = ensemble.logDirProps.get(d)?.directoryId;
      return id ? [id.toBytes()] : [];
    });

    // kraftsec: StandardAuthorizer (ACLs from the metadata image; changes go to the controller by forwarding).
    if (cfg.authorizer) this.authorizer = new StandardAuthorizer(cfg.authorizer, cfg.brokerId);
    // kraftsec: client quotas from ClientQuotaRecords (QuotaFactory.instantiate; DynamicClientQuotaPublisher feeds it).
    const quotas = new QuotaManagers(
      { numQuotaSamples: cfg.getInt('quota.window.num'), quotaWindowSizeSeconds: cfg.getInt('quota.window.size.seconds') },
      Date.now,
      cfg.brokerId,
    );
    registerQuotaMetrics(this.metrics.registry, quotas);
    const securityPublisher = new BrokerSecurityPublisher(
      this.credentialCache,
      this.authorizer,
      getLogger('kafka.server.metadata.ScramPublisher', `[ScramPublisher nodeType=broker id=${cfg.brokerId}] `),
      quotas,
    );
    // The metadata listener replays __cluster_metadata; topic configs come from its image.
    let publisher: BrokerMetadataPublisher | null = null;
    const listener = new BrokerMetadataListener(
      (image, changes) => {
        securityPublisher.publish(image, changes.security, changes.full);
        return publisher?.publish(image, changes);
      },
      getLogger('kafka.server.metadata.BrokerMetadataListener', `[BrokerMetadataListener id=${cfg.brokerId}] `),
      () => this.raftManager.client.highWatermark(),
    );
    this.listener = listener;

    const logManager = newLogManager(cfg);
    const topicConfigs = new TopicConfigRepository(
      cfg.logConfig(),
      async (t) => topicConfigsOf(listener.currentImage(), t),
      (t) => logManager.allLogs().filter((l) => l.topic === t),
      cfg.brokerId,
    );
    // Logs open with the broker defaults; each topic's overrides reach them on the first metadata publish.
    logManager.loadLogs((t) => topicConfigs.logConfigFor(t));
    logManager.startup(cfg.logFlushOffsetCheckpointIntervalMs);
    this.logManager = logManager;

    const replicaManager = new ReplicaManager({
      config: cfg,
      logManager,
      metadataCache: this.metadataCache,
      brokerEpoch: () => this.brokerEpoch,
      logConfigFor: (t) => topicConfigs.logConfigFor(t),
      brokerTopicStats: this.metrics.brokerTopicStats,
      meters: this.metrics.replicaManagerMeters,
      kraft: { controllerNode: this.controllerNode, brokerEpochOf: (id) => this.metadataCache.aliveBrokerEpoch(id) },
    });
    this.replicaManager = replicaManager;
    this.metrics.registerReplicaManager(replicaManagerGauges(() => replicaManager.allPartitions(), cfg.minInSyncReplicas));
    replicaManager.startup();
    const maintenance = startLogMaintenance(cfg, logManager, replicaManager, topicConfigs);
    this.logRetention = maintenance.logRetention;
    this.logCleaner = maintenance.logCleaner;
    this.groupCoordinator = createGroupCoordinator(cfg, replicaManager, this.metadataCache);
    this.groupCoordinator.startup();
    // KRaft brokers always get producer id blocks from the controller (AllocateProducerIds, KIP-730).
    this.producerIdManager = new RPCProducerIdManager(cfg.brokerId, () => this.brokerEpoch, this.channel('allocate-producer-ids'));
    // The transaction coordinator, as in ZooKeeper mode (leadership of __transaction_state loads its partitions).
    this.transactionCoordinator = createTransactionCoordinator(cfg, replicaManager, this.metadataCache, this.producerIdManager);
    this.transactionCoordinator.startup();

    // dynconfig: the controller validated and stored the BROKER ConfigRecords; this broker applies those of its own id
    // and of the cluster default as a ZooKeeper-mode broker applies /config/brokers (passwords are stored as given).
    const dynamicConfig = new DynamicBrokerConfig(cfg);
    dynamicConfig.addReconfigurable(dynamicLogConfig(topicConfigs, () => logManager.allLogs()));
    publisher = new BrokerMetadataPublisher({
      brokerConfigs: (name, props) => (name === '' ? dynamicConfig.updateDefaultConfig(props) : dynamicConfig.updateBrokerConfig(cfg.brokerId, props)),
      brokerId: cfg.brokerId,
      interBrokerListenerName: cfg.interBrokerListenerName,
      metadataCache: this.metadataCache,
      replicaManager,
      logManager,
      topicConfigs,
      metadataLeaderId: () => this.raftManager.leaderAndEpoch().leaderId ?? -1,
      log: getLogger('kafka.server.metadata.BrokerMetadataPublisher', `[BrokerMetadataPublisher id=${cfg.brokerId}] `),
    });
    const pub = publisher;
    this.raftManager.register(listener);
    this.raftManager.startup();

    const forwarding = new ForwardingManager(cfg.brokerId, this.channel('forwarding'), cfg.controllerSocketTimeoutMs);
    const image = () => listener.currentImage();
    const configStore: ConfigStore = {
      topicExists: async (t) => image().topicsByName.has(t),
      getTopicConfig: async (t) => topicConfigsOf(image(), t),
      setOrCreateEntityConfigs: () => Promise.reject(new Error('configs are changed through the controller in KRaft mode')),
      createConfigChangeNotification: () => Promise.reject(new Error('configs are changed through the controller in KRaft mode')),
      dynamicBrokerConfigs: (name) => Object.fromEntries(image().configsOf(ConfigResourceType.BROKER, name)),
      staticBrokerConfig: dynamicConfig.staticConfig,
    };
    const apis = new KafkaApis({
      config: cfg,
      clusterId: this.clusterId,
      brokerEpoch: () => this.brokerEpoch,
      metadataCache: this.metadataCache,
      replicaManager,
      adminManager: new AutoTopicCreationManager(cfg, this.channel('auto-topic-creation')),
      controller: new KRaftControllerHandle(),
      loadTopicConfigs: async () => undefined,
      producerIdManager: this.producerIdManager,
      groupCoordinator: this.groupCoordinator,
      transactionCoordinator: this.transactionCoordinator,
      configApis: new ConfigApis(cfg, configStore, this.metadataCache),
      features: () => pub.finalizedFeatures(),
      kraft: {
        forward: (ctx, r) => forwarding.forward(ctx, r),
        forwardedApis: FORWARDED_APIS,
        security: {
          image: () => image().security,
          topicName: (id) => image().topicById(id)?.name,
          forwardDecoded: (ctx, codec, req) => forwarding.forwardDecoded(ctx, codec, req),
        },
      },
      authorizer: this.authorizer ?? undefined,
      quotas,
    });
    // The broker's listeners: every listener but the controller's (a combined node's ControllerServer binds those).
    const controllerListeners = new Set(kraft.controllerListenerNames.map((n) => n.toUpperCase()));
    const brokerListeners = cfg.listeners.filter((l) => !controllerListeners.has(l.listenerName.toUpperCase()));
    this.socketServer = new SocketServer(cfg.brokerId, cfg.socketRequestMaxBytes, cfg.connectionsMaxIdleMs, apis, this.metrics.requestMetrics);
    // secnet: the listeners' TLS/SASL; kraftsec: SCRAM logins check the credentials of the metadata image.
    this.socketServer.setScramCredentials(this.credentialCache);
    // kraftsec: the broker's own inter-broker clients (replica fetchers, transaction markers) use the inter-broker
    // listener's TLS/SASL, as in ZooKeeper mode; the controller channels and the Raft client have their own.
    setDefaultClientSecurity(interBrokerClientSecurity(cfg));
    await this.socketServer.startup(
      brokerListeners.map((l) => ({
        listenerName: l.listenerName,
        host: l.host,
        port: l.port,
        security: listenerSecurity(cfg, l.listenerName, l.securityProtocol),
      })),
    );
    // dynconfig: listener keystores reload live once the listeners are bound (SslFactory.reconfigure).
    dynamicConfig.addReconfigurable(listenerSslReconfigurable(this.socketServer, () => dynamicConfig.currentKafkaConfig));

    const lifecycle = new BrokerLifecycleManager({
      nodeId: cfg.brokerId,
      clusterId: this.clusterId,
      rack: cfg.rack,
      brokerHeartbeatIntervalMs: kraft.brokerHeartbeatIntervalMs,
      brokerSessionTimeoutMs: kraft.brokerSessionTimeoutMs,
      initialBrokerRegistrationTimeoutMs: kraft.initialBrokerRegistrationTimeoutMs,
      // KAFKA-14392: a heartbeat that hangs longer than half the session would let the session expire unnoticed.
      channel: this.channel('heartbeat', Math.floor(kraft.brokerSessionTimeoutMs / 2)),
      listeners: () => this.registrationListeners(),
      // BrokerFeatures.supportedFeatures: metadata.version up to 3.7-IV4.
      features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
      highestMetadataOffset: () => listener.highestMetadataOffset(),
      logDirs: logDirIds,
      onRegistrationTimeout: () => void this.shutdown(),
    });
    this.lifecycle = lifecycle;
    lifecycle.start();

    this.log.info('Waiting for the controller to acknowledge that we are caught up');
    await lifecycle.initialCatchUpPromise;
    this.log.info('Finished waiting for the controller to acknowledge that we are caught up');
    // Usually published already: being caught up means our metadata offset reached our own registration record.
    await listener.awaitPublished(0);
    this.log.info('Waiting for the broker to be unfenced');
    await lifecycle.setReadyToUnfence();
    this.log.info('Finished waiting for the broker to be unfenced');
    this.brokerState = BrokerState.RUNNING;
    this.log.info('Transition from STARTING to STARTED');
  }

  /** The advertised listeners with Kafka's substitutions: blank host -> canonical host name, port 0 -> bound port. */
  private registrationListeners(): BrokerRegistrationListener[] {
    return this.config.advertisedListeners.map((l) => ({
      name: l.listenerName,
      host: l.host === '' ? os.hostname() : l.host,
      port: l.port === 0 ? (this.socketServer?.boundPorts.get(l.listenerName) ?? 0) : l.port,
      securityProtocol: SECURITY_PROTOCOL_IDS[l.securityProtocol] ?? 0,
    }));
  }

  /** The port a listener is bound to (tests start brokers on port 0). */
  boundPort(listenerName: string): number | undefined {
    return this.socketServer?.boundPorts.get(listenerName);
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.log.info('shutting down');
    const step = shutdownSteps(this.log);
    const lifecycle = this.lifecycle;
    if (this.config.controlledShutdownEnable && lifecycle && lifecycle.brokerEpoch >= 0) {
      await step('controlled shutdown', () => this.controlledShutdown(lifecycle));
    }
    this.brokerState = BrokerState.SHUTTING_DOWN;
    lifecycle?.beginShutdown();
    await step('socket server shutdown', () => this.socketServer?.shutdown());
    this.listener?.close();
    await step('producer id manager shutdown', () => this.producerIdManager?.shutdown());
    await step('transaction coordinator shutdown', () => this.transactionCoordinator?.shutdown());
    await step('group coordinator shutdown', () => this.groupCoordinator?.shutdown());
    await step('replica manager shutdown', () => this.replicaManager?.shutdown());
    await step('log cleaner shutdown', () => this.logCleaner?.shutdown());
    await step('log retention shutdown', () => this.logRetention?.shutdown());
    await step('log manager shutdown', () => this.logManager?.shutdown());
    for (const c of this.channels) c.shutdown();
    this.brokerState = BrokerState.NOT_RUNNING;
    await step('metrics endpoint shutdown', () => this.metricsServer?.shutdown());
    this.log.info('shut down completed');
    this.shutdownResolve?.();
  }

  /**
   * Controlled shutdown by heartbeat (BrokerServer.shutdown): wantShutDown until the controller answers
   * shouldShutDown, at most 5 minutes as Kafka. When the controller stops answering for longer than
   * broker.session.timeout.ms it has fenced us anyway (our leaderships moved): we stop waiting and shut down
   * uncleanly rather than hang (Kafka waits out its 5 minutes).
   */
  private async controlledShutdown(lifecycle: BrokerLifecycleManager): Promise<void> {
    this.brokerState = BrokerState.PENDING_CONTROLLED_SHUTDOWN;
    lifecycle.beginControlledShutdown();
    const start = Date.now();
    let done = false;
    void lifecycle.controlledShutdownPromise.then(() => (done = true));
    const sessionTimeoutMs = this.config.kraft!.brokerSessionTimeoutMs;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (done) return resolve();
        if (Date.now() - start >= CONTROLLED_SHUTDOWN_MAX_WAIT_MS) {
          this.log.error('Timed out waiting for the controller to approve controlled shutdown');
          return resolve();
        }
        if (lifecycle.millisSinceLastContact() > sessionTimeoutMs) {
          this.log.error(`The controller has not answered for ${sessionTimeoutMs} ms (broker.session.timeout.ms): shutting down without its approval`);
          return resolve();
        }
        setTimeout(check, CONTROLLED_SHUTDOWN_CHECK_MS);
      };
      void lifecycle.controlledShutdownPromise.then(() => resolve());
      check();
    });
  }

  awaitShutdown(): Promise<void> {
    return this.shutdownDone;
  }
}
