/**
 * kafka.server.ControllerServer (Kafka 3.7): the controller role of a KRaft node. It builds the QuorumController
 * over the node's Raft client (the KafkaRaftManager that KafkaRaftServer shares with a broker in combined mode),
 * serves the CONTROLLER listener(s) of `listeners` with QuorumControllerApis, writes the controller's event stream
 * (controller-events.jsonl in LOG_DIR, the ZooKeeper-mode controller's format) and, with metrics.prometheus.port,
 * serves its metrics. Shutdown begins, as Kafka's does (SharedServer.ensureNotRaftLeader), by stopping the Raft
 * client so that a leader resigns while the socket server still answers, then stops serving and closes the
 * controller.
 */
import * as fs from 'fs';
import * as path from 'path';
import { getLogger, Logger } from '../common/logger';
import { ControllerEventLog } from '../controller/ControllerEventLog';
import { ControllerRaft, QuorumController } from '../controller/quorum/QuorumController';
import { isTopicConfig, validateTopicConfigs } from '../log/TopicConfig';
import { BINARY_BOOTSTRAP_FILENAME, bootstrapRecords, readBootstrapFile } from '../metadata/bootstrap/BootstrapDirectory';
import { ApiMessageAndVersion } from '../metadata/MetadataRecordSerde';
import { LATEST_PRODUCTION, MINIMUM_BOOTSTRAP_VERSION, metadataVersionFromString } from '../metadata/MetadataVersion';
import { SocketServer } from '../network/SocketServer';
import { startMetricsEndpoint } from './ServerLifecycle';
import { KafkaConfig } from './config/KafkaConfig';
import { ConfigHelper } from './ConfigHelper';
import { QuorumControllerApis } from './handlers/QuorumControllerApis';
import type { KafkaRaftManager } from './KafkaRaftManager';
import type { PrometheusHttpServer } from './metrics/PrometheusHttpServer';
import { QuorumControllerMetrics } from './metrics/QuorumControllerMetrics';
import { listenerSecurity } from './config/KafkaConfigSecurity';
import type { ControllerSecurityForApis } from './handlers/QuorumControllerSecurityApis';
import { bindingOf } from '../controller/quorum/AclControlManager';
import { bindingFilterMatches } from '../security/authorizer/AclBinding';

/**
 * BootstrapDirectory.read: bootstrap.checkpoint in metadata.log.dir (written by kafka-storage format), else the
 * metadata.version of inter.broker.protocol.version when it is set in the file, else the latest production one.
 */
export function readBootstrapMetadata(metadataLogDir: string, ibp: string | null, log: Logger): ApiMessageAndVersion[] {
  const file = path.join(metadataLogDir, BINARY_BOOTSTRAP_FILENAME);
  if (fs.existsSync(file)) {
    log.info(`Loaded bootstrap metadata from ${file}`);
    return readBootstrapFile(file);
  }
  // BootstrapDirectory.readFromConfiguration: an IBP older than 3.3-IV0 bootstraps at the minimum bootstrap version.
  const configured = ibp ? metadataVersionFromString(ibp) : LATEST_PRODUCTION;
  const version = configured.ordinal < MINIMUM_BOOTSTRAP_VERSION.ordinal ? MINIMUM_BOOTSTRAP_VERSION : configured;
  log.info(`No ${BINARY_BOOTSTRAP_FILENAME} found in ${metadataLogDir}: bootstrapping with metadata.version ${version.version}`);
  return bootstrapRecords(version);
}

/**
 * ControllerConfigurationValidator for topics: the name must be a topic config (LogConfig.validateNames) and a value
 * being set must be valid for it (LogConfig.validate); the error message, or null when valid.
 */
export function validateTopicConfig(name: string, value: string | null): string | null {
  if (!isTopicConfig(name)) return `Unknown topic config name: ${name}`;
  if (value === null) return null;
  try {
    validateTopicConfigs({ [name]: value });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** kraftsec: the controller's SCRAM and ACL APIs over the quorum controller; ACL reads from its committed image. */
function controllerSecurity(controller: QuorumController, authorizerConfigured: boolean): ControllerSecurityForApis {
  return {
    authorizerConfigured,
    alterUserScramCredentials: (req) => controller.alterUserScramCredentials(req),
    createAcls: (bindings) => controller.createAcls(bindings),
    deleteAcls: (filters) => controller.deleteAcls(filters),
    acls: (filter) => [...controller.image().security.acls.values()].map((x) => bindingOf(x.acl)).filter((b) => bindingFilterMatches(filter, b)),
    alterClientQuotas: async (req) => ({
      throttleTimeMs: 0,
      entries: (await controller.alterClientQuotas(req.entries, req.validateOnly)).map((x) => ({
        errorCode: x.errorCode,
        errorMessage: x.errorMessage,
        entity: x.entity,
      })),
    }),
  };
}

/** SocketServer.openServerSocket's KafkaException: "Socket server failed to bind to host:port: Address already in use." */
function bindFailure(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.syscall !== 'listen') return e;
  const why = err.code === 'EADDRINUSE' ? 'Address already in use' : err.code === 'EADDRNOTAVAIL' ? 'Cannot assign requested address' : err.message;
  return new Error(`Socket server failed to bind to ${err.address ?? ''}:${err.port ?? ''}: ${why}.`);
}

export class ControllerServer {
  private readonly log: Logger;
  private socketServer: SocketServer | null = null;
  private controller: QuorumController | null = null;
  private events: ControllerEventLog | null = null;
  private metricsServer: PrometheusHttpServer | null = null;
  private state: 'SHUTDOWN' | 'STARTING' | 'STARTED' | 'SHUTTING_DOWN' = 'SHUTDOWN';
  private readonly shutdownDone: Promise<void>;
  private resolveShutdown!: () => void;

  constructor(
    readonly config: KafkaConfig,
    readonly raftManager: KafkaRaftManager,
    readonly clusterId: string,
  ) {
    if (!config.kraft) throw new Error('ControllerServer needs a KRaft configuration (process.roles)');
    this.log = getLogger('kafka.server.ControllerServer', `[ControllerServer id=${config.brokerId}] `);
    this.shutdownDone = new Promise<void>((r) => (this.resolveShutdown = r));
  }

  /** The quorum controller (null before startup). */
  get quorumController(): QuorumController | null {
    return this.controller;
  }

  /** The port a CONTROLLER listener is bound to (useful with port 0). */
  boundPort(listenerName: string): number {
    const port = this.socketServer?.boundPorts.get(listenerName);
    if (port === undefined) throw new Error(`No bound port for listener ${listenerName}`);
    return port;
  }

  async startup(): Promise<void> {
    if (this.state !== 'SHUTDOWN') return;
    this.state = 'STARTING';
    const cfg = this.config;
    const kraft = cfg.kraft!;
    this.log.info('Starting controller');
    try {
      // The voters come from controller.quorum.voters, already parsed (Kafka waits on a future for them).
      await this.waitWithLogging('controller quorum voters future', () => undefined);
      this.events = new ControllerEventLog(cfg.brokerId);
      const configHelper = new ConfigHelper(cfg);
      const controller = new QuorumController({
        nodeId: cfg.brokerId,
        clusterId: this.clusterId,
        raft: this.controllerRaft(),
        brokerSessionTimeoutMs: kraft.brokerSessionTimeoutMs,
        defaultNumPartitions: cfg.numPartitions,
        defaultReplicationFactor: cfg.defaultReplicationFactor,
        metadataMaxIdleIntervalMs: kraft.metadataMaxIdleIntervalMs,
        snapshotMaxNewRecordBytes: kraft.metadataSnapshotMaxNewRecordBytes,
        snapshotMaxIntervalMs: kraft.metadataSnapshotMaxIntervalMs,
        // QuorumController's periodic preferred-leader election (auto.leader.rebalance.enable).
        leaderImbalanceCheckIntervalMs: cfg.autoLeaderRebalanceEnable ? cfg.leaderImbalanceCheckIntervalSeconds * 1000 : undefined,
        bootstrapRecords: readBootstrapMetadata(kraft.metadataLogDir, cfg.getString('inter.broker.protocol.version') ?? null, this.log),
        validateTopicConfig,
        // CreateTopics v5+ reports every config the new topic has, defaults from this node's configuration included
        // (Kafka's KafkaConfigSchema.resolveEffectiveTopicConfigs over the controller's static config).
        effectiveTopicConfigs: (creation) =>
          configHelper
            .topicConfigEntries(Object.fromEntries(creation), false, false)
            .map((e) => ({ name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.configSource, isSensitive: e.isSensitive })),
        events: this.events,
        logger: getLogger('org.apache.kafka.controller.QuorumController', `[QuorumController id=${cfg.brokerId}] `),
      });
      this.controller = controller;

      let metrics: QuorumControllerMetrics | null = null;
      if (cfg.metricsPrometheusPort > 0) {
        metrics = new QuorumControllerMetrics(controller, { defaultMetrics: true });
        this.metricsServer = await startMetricsEndpoint(cfg, metrics.registry, this.log);
      }

      const apis = new QuorumControllerApis({
        nodeId: cfg.brokerId,
        clusterId: this.clusterId,
        controller,
        raft: this.raftManager,
        deleteTopicEnable: cfg.deleteTopicEnable,
        controllerNodes: (listenerName) => this.controllerNodes(listenerName),
        // kraftsec: SCRAM credentials and ACLs are written by this controller (ScramControlManager, AclControlManager).
        security: controllerSecurity(controller, cfg.authorizer !== null),
      });
      const listeners = cfg.listeners.filter((l) => kraft.controllerListenerNames.includes(l.listenerName));
      this.socketServer = new SocketServer(
        cfg.brokerId,
        cfg.socketRequestMaxBytes,
        cfg.connectionsMaxIdleMs,
        apis,
        metrics?.requestMetrics ?? null,
        'CONTROLLER',
      );
      // The controller registers as a Raft listener: the Raft client replays the committed log (or its latest
      // snapshot) to a new listener from the start, then every commit and leader change.
      await this.waitWithLogging('the controller metadata publishers to be installed', () => controller.start());
      // The controller listener authorizes nothing (see QuorumControllerSecurityApis): nothing to wait for.
      await this.waitWithLogging('all of the authorizer futures to be completed', () => undefined);
      await this.waitWithLogging('all of the SocketServer Acceptors to be started', () =>
        this.socketServer!.startup(
          // kraftsec: the controller listener's TLS/SASL (PLAIN users from its JAAS config).
          listeners.map((l) => ({
            listenerName: l.listenerName,
            host: l.host,
            port: l.port,
            security: listenerSecurity(cfg, l.listenerName, l.securityProtocol),
          })),
        ).catch((e: unknown) => {
          throw bindFailure(e);
        }),
      );
      this.state = 'STARTED';
    } catch (e) {
      this.log.error('Fatal error during controller startup. Prepare to shutdown', e);
      this.state = 'STARTED';
      await this.shutdown().catch(() => undefined);
      throw e;
    }
  }

  /**
   * The quorum controller's view of the Raft client: the client itself, plus the raft manager's wakeup so that
   * scheduled records are sent at once (Kafka's KafkaRaftClient.append wakes its I/O thread).
   */
  private controllerRaft(): ControllerRaft {
    const client = this.raftManager.client;
    return {
      register: (l) => client.register(l),
      leaderAndEpoch: () => client.leaderAndEpoch(),
      scheduleAtomicAppend: (epoch, requiredBaseOffset, records) => client.scheduleAtomicAppend(epoch, requiredBaseOffset, records),
      createSnapshot: (id, ts, batches) => client.createSnapshot(id, ts, batches),
      resign: (epoch) => client.resign(epoch),
      endOffset: () => client.endOffset(),
      wakeup: () => this.raftManager.wakeup(),
    };
  }

  /** FutureUtils.waitWithLogging: Kafka's start-up lines around each step a controller waits for. */
  private async waitWithLogging(action: string, fn: () => Promise<void> | void): Promise<void> {
    this.log.info(`Waiting for ${action}`);
    await fn();
    this.log.info(`Finished waiting for ${action}`);
  }

  /**
   * DescribeCluster's controllers (KIP-919): the registered controllers with an endpoint on the listener when there
   * are any (RegisterControllerRecords); we do not send ControllerRegistration yet, so otherwise the voters of
   * controller.quorum.voters, whose addresses are their CONTROLLER listeners.
   */
  private controllerNodes(listenerName: string): Array<{ id: number; host: string; port: number }> {
    const registered = this.controller ? [...this.controller.image().controllers.values()] : [];
    if (registered.length > 0) {
      return registered.flatMap((c) => {
        const ep = c.listeners.find((l) => l.name === listenerName);
        return ep ? [{ id: c.id, host: ep.host, port: ep.port }] : [];
      });
    }
    return [...this.config.kraft!.voters.entries()].filter(([, a]) => !a.unknown).map(([id, a]) => ({ id, host: a.host, port: a.port }));
  }

  /** ControllerServer.shutdown's order: Raft client first (a leader resigns), then the socket server, the controller. */
  async shutdown(): Promise<void> {
    if (this.state !== 'STARTED') return this.state === 'SHUTTING_DOWN' ? this.shutdownDone : undefined;
    this.state = 'SHUTTING_DOWN';
    this.log.info('shutting down');
    const swallow = async (what: string, fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (e) {
        this.log.warn(`Error during ${what}: ${(e as Error).message}`);
      }
    };
    try {
      await swallow('raft manager shutdown', () => this.raftManager.shutdown());
      await swallow('socket server shutdown', () => this.socketServer?.shutdown());
      await swallow('quorum controller close', () => this.controller?.close());
      await swallow('metrics endpoint shutdown', () => this.metricsServer?.shutdown());
      this.events?.close();
    } finally {
      this.state = 'SHUTDOWN';
      this.resolveShutdown();
    }
  }

  awaitShutdown(): Promise<void> {
    return this.shutdownDone;
  }
}
