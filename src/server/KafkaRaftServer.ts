/**
 * kafka.server.KafkaRaftServer (Kafka 3.7): a KRaft node. It checks the directories `kafka-storage format` prepared
 * (initializeLogDirs: every meta.properties names this node and one cluster, whose id it takes), builds the one
 * KafkaRaftManager for `__cluster_metadata` and the roles of process.roles on top of it: a ControllerServer and/or
 * a BrokerServer. Start-up: the Raft client, then the controller, then the broker. Shutdown: the broker first
 * (the controller may be needed for its controlled shutdown), then the controller, and the Raft client last.
 */
import { getLogger, Logger } from '../common/logger';
import { MetaProperties } from '../metadata/properties/MetaProperties';
import { MetaPropertiesEnsemble, verifyKRaftStorage, writeMetaProperties } from './BrokerMetadataCheckpoint';
import { KafkaConfig } from './config/KafkaConfig';
import { BrokerServer } from './BrokerServer';
import { ControllerServer } from './ControllerServer';
import { KafkaRaftManager } from './KafkaRaftManager';
import { shutdownSteps } from './ServerLifecycle';

/** KafkaBroker.STARTED_MESSAGE */
export const STARTED_MESSAGE = 'Kafka Server started';

/**
 * KafkaRaftServer.initializeLogDirs: the storage checks (Kafka's messages), then a directory id for every
 * directory that has none, rewriting its meta.properties (MetaPropertiesEnsemble.Copier). Returns the cluster id.
 */
export function initializeLogDirs(config: KafkaConfig, log: Logger): { clusterId: string; ensemble: MetaPropertiesEnsemble } {
  const kraft = config.kraft!;
  const ensemble = verifyKRaftStorage(kraft.logDirs, kraft.metadataLogDir, kraft.nodeId);
  let clusterId: string | null = null;
  for (const [dir, meta] of ensemble.logDirProps) {
    if (meta.nodeId === null) throw new Error(`Error: node ID not found in ${dir}`);
    if (meta.clusterId === null) throw new Error(`Error: cluster ID not found in ${dir}`);
    clusterId = meta.clusterId;
    if (meta.directoryId === null) {
      log.info(`Rewriting ${dir}/meta.properties`);
      writeMetaProperties(dir, new MetaProperties(meta.version, meta.clusterId, meta.nodeId, ensemble.generateValidDirectoryId()));
    }
  }
  return { clusterId: clusterId!, ensemble };
}

export class KafkaRaftServer {
  private readonly log: Logger;
  readonly clusterId: string;
  readonly raftManager: KafkaRaftManager;
  readonly controller: ControllerServer | null;
  readonly broker: BrokerServer | null;
  private shutdownPromise: Promise<void> | null = null;
  private resolveDone!: () => void;
  private readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(readonly config: KafkaConfig) {
    const kraft = config.kraft;
    if (!kraft) throw new Error('KafkaRaftServer needs process.roles (KRaft mode)');
    this.log = getLogger('kafka.server.KafkaRaftServer', `[KafkaRaftServer nodeId=${config.brokerId}] `);
    this.clusterId = initializeLogDirs(config, this.log).clusterId;
    this.raftManager = new KafkaRaftManager({ config, clusterId: this.clusterId });
    this.controller = kraft.processRoles.has('controller') ? new ControllerServer(config, this.raftManager, this.clusterId) : null;
    this.broker = kraft.processRoles.has('broker') ? new BrokerServer(config, this.raftManager, this.clusterId) : null;
  }

  async startup(): Promise<void> {
    // SharedServer.startForController / startForBroker: the Raft client runs before either role starts.
    this.watchRaftClient();
    this.raftManager.startup();
    await this.controller?.startup();
    await this.broker?.startup();
    this.log.info(STARTED_MESSAGE);
  }

  /**
   * The Raft client stopping on an unexpected error is fatal (Kafka's raft IO thread fault handler exits the
   * process): shut down so that main exits.
   */
  private watchRaftClient(): void {
    this.raftManager.onFailure((e) => {
      if (this.shutdownPromise) return;
      this.log.error('The Raft client stopped on a fatal error; shutting down', e);
      void this.shutdown();
    });
  }

  /** The broker first, then the controller (which begins by stopping the Raft client), and the Raft client last. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const step = shutdownSteps(this.log, 'error');
      await step('broker shutdown', () => this.broker?.shutdown());
      await step('controller shutdown', () => this.controller?.shutdown());
      await step('raft manager shutdown', () => this.raftManager.shutdown());
      this.resolveDone();
    })();
    return this.shutdownPromise;
  }

  /**
   * Resolves once the node has shut down: on a signal (main calls shutdown), or when a role stops by itself (a broker
   * whose registration timed out), which then shuts the whole node down, as Kafka's fatal fault handlers exit.
   */
  async awaitShutdown(): Promise<void> {
    const roles = [this.broker?.awaitShutdown(), this.controller?.awaitShutdown()].filter((p): p is Promise<void> => p !== undefined);
    await Promise.race([this.done, ...roles]);
    await this.shutdown();
  }

  /** Whether the Raft client has failed (main exits 1 then). */
  get failed(): boolean {
    return this.raftManager.failure !== undefined;
  }
}
