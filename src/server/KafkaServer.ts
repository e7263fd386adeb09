import * as os from 'os';
import { getLogger, Logger } from '../common/logger';
import { Uuid } from '../common/Uuid';
import { KafkaController } from '../controller/KafkaController';
import { LogConfig } from '../log/LogConfig';
import { LogManager } from '../log/LogManager';
import { SocketServer } from '../network/SocketServer';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { BrokerInfo } from '../zk/ZkData';
import { checkAndWriteBrokerMetadata } from './BrokerMetadataCheckpoint';
import { ControlledShutdown } from './ControlledShutdown';
import { KafkaApis } from './KafkaApis';
import { KafkaConfig } from './KafkaConfig';
import { MetadataCache } from './MetadataCache';
import { ReplicaManager } from './ReplicaManager';
import { ProducerIdManager } from './ProducerIdManager';
import { ZkAdminManager } from './ZkAdminManager';
import { GroupCoordinator } from '../coordinator/group/GroupCoordinator';
import { createGroupCoordinator } from './GroupApis';

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
  private brokerEpoch = -1;
  private clusterId = '';
  private readonly topicConfigs = new Map<string, Record<string, string>>();
  private shutdownPromise: Promise<void> | null = null;
  private shutdownResolve: (() => void) | null = null;
  private readonly shutdownDone = new Promise<void>((r) => (this.shutdownResolve = r));
  readonly metadataCache: MetadataCache;

  constructor(readonly config: KafkaConfig) {
    this.log = getLogger('kafka.server.KafkaServer', `[KafkaServer id=${config.brokerId}] `);
    this.metadataCache = new MetadataCache(config.brokerId);
  }

  async startup(): Promise<void> {
    const cfg = this.config;
    this.log.info('starting');
    this.log.info(`Connecting to zookeeper on ${cfg.zkConnect}`);
    const zk = await KafkaZkClient.create(cfg.zkConnect, cfg.zkSessionTimeoutMs, cfg.zkConnectionTimeoutMs, `[ZooKeeperClient Kafka server] `);
    this.zkClient = zk;
    await zk.createTopLevelPaths();
    this.clusterId = await zk.createOrGetClusterId(Uuid.randomUuid().toString());
    this.log.info(`Cluster ID = ${this.clusterId}`);
    checkAndWriteBrokerMetadata(cfg.logDirs, this.clusterId, cfg.brokerId);

    const logManager = new LogManager(cfg.logDirs, cfg.logConfig());
    logManager.loadLogs();
    logManager.startup(cfg.logFlushOffsetCheckpointIntervalMs);
    this.logManager = logManager;

    this.replicaManager = new ReplicaManager({
      config: cfg,
      logManager,
      metadataCache: this.metadataCache,
      brokerEpoch: () => this.brokerEpoch,
      logConfigFor: (t) => this.logConfigFor(t),
      topicConfig: (t, key) => this.topicConfigs.get(t)?.[key],
    });
    this.replicaManager.startup();
    this.groupCoordinator = createGroupCoordinator(cfg, this.replicaManager, this.metadataCache);
    this.groupCoordinator.startup();
    const adminManager = new ZkAdminManager(cfg, zk, this.metadataCache);
    const brokerInfo = (): BrokerInfo => this.brokerInfo();
    this.controller = new KafkaController(
      {
        brokerId: cfg.brokerId,
        interBrokerListenerName: cfg.interBrokerListenerName,
        controllerSocketTimeoutMs: cfg.controllerSocketTimeoutMs,
        uncleanLeaderElectionEnable: cfg.uncleanLeaderElectionEnable,
        deleteTopicEnable: cfg.deleteTopicEnable,
        autoLeaderRebalanceEnable: cfg.autoLeaderRebalanceEnable,
        leaderImbalanceCheckIntervalSeconds: cfg.leaderImbalanceCheckIntervalSeconds,
        leaderImbalancePerBrokerPercentage: cfg.leaderImbalancePerBrokerPercentage,
      },
      zk,
      brokerInfo(),
      () => this.registerBroker(),
    );
    const apis = new KafkaApis({
      config: cfg,
      clusterId: this.clusterId,
      brokerEpoch: () => this.brokerEpoch,
      metadataCache: this.metadataCache,
      replicaManager: this.replicaManager,
      adminManager,
      controller: this.controller,
      loadTopicConfigs: (topics) => this.loadTopicConfigs(topics),
      producerIdManager: new ProducerIdManager(cfg.brokerId, zk),
      groupCoordinator: this.groupCoordinator,
    });
    this.socketServer = new SocketServer(cfg.brokerId, cfg.socketRequestMaxBytes, cfg.connectionsMaxIdleMs, apis);
    await this.socketServer.startup(cfg.listeners.map((l) => ({ listenerName: l.listenerName, host: l.host, port: l.port })));

    await this.registerBroker();
    await this.controller.startup();
    this.log.info('started');
  }

  /** Advertised endpoints with Kafka's substitutions: blank host -> canonical host name, port 0 -> bound port. */
  private brokerInfo(): BrokerInfo {
    const endpoints = this.config.advertisedListeners.map((l) => ({
      listenerName: l.listenerName,
      securityProtocol: l.securityProtocol,
      host: l.host === '' ? os.hostname() : l.host,
      port: l.port === 0 ? this.socketServer?.boundPorts.get(l.listenerName) ?? 0 : l.port,
    }));
    return { id: this.config.brokerId, endpoints, rack: this.config.rack, jmxPort: -1 };
  }

  private async registerBroker(): Promise<number> {
    const info = this.brokerInfo();
    this.brokerEpoch = await this.zkClient!.registerBroker(info);
    this.log.info(`Registered broker ${info.id} at path /brokers/ids/${info.id} with addresses: ${info.endpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`).join(',')}, czxid (broker epoch): ${this.brokerEpoch}`);
    return this.brokerEpoch;
  }

  private async loadTopicConfigs(topics: string[]): Promise<void> {
    for (const t of topics) {
      if (!this.topicConfigs.has(t)) this.topicConfigs.set(t, await this.zkClient!.getTopicConfig(t));
    }
  }

  /** Broker defaults overridden by the topic's /config/topics/<t> entries (kafka.log.LogConfig). */
  private logConfigFor(topic: string): LogConfig {
    const base = this.config.logConfig();
    const o = this.topicConfigs.get(topic) ?? {};
    const num = (k: string, d: number) => (o[k] !== undefined ? Number(o[k]) : d);
    return {
      ...base,
      segmentBytes: num('segment.bytes', base.segmentBytes),
      indexIntervalBytes: num('index.interval.bytes', base.indexIntervalBytes),
      maxIndexSize: num('segment.index.bytes', base.maxIndexSize),
      segmentMs: num('segment.ms', base.segmentMs),
      maxMessageBytes: num('max.message.bytes', base.maxMessageBytes),
      flushIntervalMessages: num('flush.messages', base.flushIntervalMessages),
    };
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.log.info('shutting down');
    const step = async (name: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (e) {
        this.log.warn(`Error during ${name}`, e);
      }
    };
    if (this.config.controlledShutdownEnable && this.zkClient && this.brokerEpoch >= 0) {
      await step('controlled shutdown', () =>
        new ControlledShutdown(this.config, this.metadataCache, () => this.brokerEpoch, () => this.controller?.controllerId ?? -1).run(),
      );
    }
    await step('socket server shutdown', () => this.socketServer?.shutdown());
    await step('controller shutdown', () => this.controller?.shutdown());
    await step('group coordinator shutdown', () => this.groupCoordinator?.shutdown());
    await step('replica manager shutdown', () => this.replicaManager?.shutdown());
    await step('log manager shutdown', () => this.logManager?.shutdown());
    await step('ZooKeeper client shutdown', () => this.zkClient?.close());
    this.log.info('shut down completed');
    this.shutdownResolve?.();
  }

  awaitShutdown(): Promise<void> {
    return this.shutdownDone;
  }
}
