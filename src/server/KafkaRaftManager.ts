/**
 * kafka.raft.KafkaRaftManager: one node's Raft client for `__cluster_metadata`, over real sockets. It opens the
 * metadata log in `<metadata.log.dir>/__cluster_metadata-0/` (with `quorum-state` beside it), talks to the voters
 * of controller.quorum.voters on their CONTROLLER listener through NetworkClient, and runs the client on the event
 * loop (RaftDriver, Kafka's KafkaRaftClientDriver thread). A controller (a voter) also answers the Raft APIs that
 * reach its CONTROLLER listener: the ControllerServer's request handler hands them to handleRaftRequest. A broker
 * is an observer: it only fetches.
 */
import { getLogger, Logger } from '../common/logger';
import { ApiMessageAndVersion, METADATA_RECORD_SERDE } from '../metadata/MetadataRecordSerde';
import { NetworkClient } from '../network/NetworkClient';
import type { ClientSecurity } from '../security/auth/ListenerSecurity';
import { controllerClientSecurity } from './config/ControllerClientSecurity';
import { RequestContext } from '../network/RequestContext';
import { FetchApi } from '../protocol/apis/01-fetch';
import { VoteApi } from '../protocol/apis/52-vote';
import { BeginQuorumEpochApi } from '../protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochApi } from '../protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumApi } from '../protocol/apis/55-describe-quorum';
import { FetchSnapshotApi } from '../protocol/apis/59-fetch-snapshot';
import { ApiCodec, encodeResponse, isFlexible } from '../protocol/apis/types';
import { Reader } from '../protocol/Reader';
import { KafkaRaftClient, LeaderAndEpoch, RaftListener } from '../raft/KafkaRaftClient';
import { MetadataLog, quorumStatePath } from '../raft/MetadataLog';
import { promiseChannel, RAFT_API_VERSIONS, RaftApiKeyValue } from '../raft/NetworkChannel';
import { FileBasedStateStore } from '../raft/QuorumStateStore';
import { Batch } from '../raft/RaftBatches';
import { RaftDriver } from '../raft/RaftDriver';
import { KafkaConfig } from './config/KafkaConfig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const RAFT_CODECS: ReadonlyMap<number, ApiCodec<any, any>> = new Map<number, ApiCodec<any, any>>([
  [1, FetchApi],
  [52, VoteApi],
  [53, BeginQuorumEpochApi],
  [54, EndQuorumEpochApi],
  [55, DescribeQuorumApi],
  [59, FetchSnapshotApi],
]);

/** How long a graceful shutdown may take (a leader resigns and tells the voters first): KafkaRaftManager's 5 s. */
const SHUTDOWN_TIMEOUT_MS = 5000;

export interface KafkaRaftManagerOptions {
  config: KafkaConfig;
  clusterId: string;
  logger?: Logger;
}

export class KafkaRaftManager {
  readonly client: KafkaRaftClient<ApiMessageAndVersion>;
  readonly log: MetadataLog;
  private readonly driver: RaftDriver<ApiMessageAndVersion>;
  private readonly peers = new Map<number, NetworkClient>();
  private controllerSecurity: ClientSecurity | undefined;
  private readonly leaderListeners: Array<(l: LeaderAndEpoch) => void> = [];
  private readonly failureListeners: Array<(e: Error) => void> = [];
  private readonly logger: Logger;
  private started = false;
  private shutdownPromise: Promise<void> | null = null;
  /** The error that stopped the Raft client, if one did (the process must then exit, as Kafka's fault handler does). */
  failure: Error | undefined;

  constructor(private readonly opts: KafkaRaftManagerOptions) {
    const cfg = opts.config;
    const kraft = cfg.kraft;
    if (!kraft) throw new Error('KafkaRaftManager needs a KRaft configuration (process.roles)');
    this.logger = opts.logger ?? getLogger('kafka.raft.KafkaRaftManager', `[RaftManager id=${cfg.brokerId}] `);
    this.log = MetadataLog.open(kraft.metadataLogDir, { segmentBytes: kraft.metadataLogSegmentBytes, segmentMs: kraft.metadataLogSegmentMs });
    const raftLogger = getLogger('org.apache.kafka.raft.KafkaRaftClient', `[RaftManager id=${cfg.brokerId}] `);
    this.client = new KafkaRaftClient<ApiMessageAndVersion>({
      nodeId: cfg.brokerId,
      voters: kraft.voters.keys(),
      clusterId: opts.clusterId,
      log: this.log,
      store: new FileBasedStateStore(quorumStatePath(kraft.metadataLogDir)),
      channel: promiseChannel(
        (to, apiKey, version, data) => this.send(to, apiKey, version, data),
        () => this.driver.wakeup(),
      ),
      serde: METADATA_RECORD_SERDE,
      config: {
        electionTimeoutMs: kraft.quorumElectionTimeoutMs,
        electionBackoffMaxMs: kraft.quorumElectionBackoffMaxMs,
        fetchTimeoutMs: kraft.quorumFetchTimeoutMs,
        requestTimeoutMs: kraft.quorumRequestTimeoutMs,
        retryBackoffMs: kraft.quorumRetryBackoffMs,
        appendLingerMs: kraft.quorumAppendLingerMs,
      },
      logger: (m) => raftLogger.info(m),
    });
    this.driver = new RaftDriver(this.client, (e) => {
      this.failure = e;
      this.logger.error(`Unexpected error in raft IO thread, the Raft client has stopped: ${e.message}`, e);
      for (const fn of this.failureListeners) fn(e);
    });
    // Leader changes reach interested parties through one listener of our own (RaftClient.Listener.handleLeaderChange).
    const onLeader = (l: LeaderAndEpoch) => {
      for (const fn of this.leaderListeners) fn(l);
    };
    this.client.register({
      handleCommit: (_b: Batch<ApiMessageAndVersion>) => undefined,
      handleLoadSnapshot: () => undefined,
      handleLeaderChange: onLeader,
    });
  }

  get nodeId(): number {
    return this.opts.config.brokerId;
  }

  /** True for a voter (a controller), false for an observer (a broker only). */
  get isVoter(): boolean {
    return this.opts.config.kraft!.voters.has(this.nodeId);
  }

  register(listener: RaftListener<ApiMessageAndVersion>): void {
    this.client.register(listener);
    this.driver.wakeup();
  }

  onLeaderChange(fn: (l: LeaderAndEpoch) => void): void {
    this.leaderListeners.push(fn);
  }

  /** Told once if the Raft client stops on an unexpected error (Kafka's raft IO thread fault handler). */
  onFailure(fn: (e: Error) => void): void {
    this.failureListeners.push(fn);
  }

  startup(): void {
    if (this.started) return;
    this.started = true;
    const voters = [...this.opts.config.kraft!.voters.entries()].map(([id, a]) => `${id}@${a.host}:${a.port}`).join(',');
    this.logger.info(`Starting the Raft client as ${this.isVoter ? 'a voter' : 'an observer'} of ${voters}, metadata log in ${this.log.dir}`);
    this.driver.start();
  }

  /**
   * Polls the client on the next turn of the event loop: after scheduling records (Kafka's KafkaRaftClient.append
   * wakes its I/O thread the same way), so they are sent without waiting for the next timed poll.
   */
  wakeup(): void {
    this.driver.wakeup();
  }

  leaderAndEpoch(): LeaderAndEpoch {
    return this.client.leaderAndEpoch();
  }

  /** A voter's CONTROLLER listener address, from controller.quorum.voters. */
  voterAddress(id: number): { host: string; port: number } | undefined {
    const a = this.opts.config.kraft!.voters.get(id);
    return a && !a.unknown ? { host: a.host, port: a.port } : undefined;
  }

  isRaftApi(apiKey: number): boolean {
    return RAFT_CODECS.has(apiKey);
  }

  /** The Raft APIs' version ranges, for a controller's ApiVersions. */
  raftApiVersions(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...RAFT_CODECS.values()].map((c) => ({ apiKey: c.apiKey, minVersion: c.minVersion, maxVersion: c.maxVersion }));
  }

  /** Whether a Raft API version is served (undefined: not), and whether it is flexible: the RequestHandler contract. */
  raftApiIsFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const c = RAFT_CODECS.get(apiKey);
    if (!c || apiVersion < c.minVersion || apiVersion > c.maxVersion) return undefined;
    return isFlexible(c, apiVersion);
  }

  /** Answers a Raft request that reached the CONTROLLER listener; resolves with the encoded response body. */
  async handleRaftRequest(ctx: RequestContext, body: Reader): Promise<Buffer[]> {
    const c = RAFT_CODECS.get(ctx.header.apiKey);
    if (!c) throw new Error(`API key ${ctx.header.apiKey} is not a Raft API`);
    const v = ctx.header.apiVersion;
    const req = c.decodeRequest(body, v) as object;
    const res = await this.driver.handle(-1, ctx.header.apiKey as RaftApiKeyValue, req);
    return encodeResponse(c, v, res);
  }

  private send(to: number, apiKey: RaftApiKeyValue, version: number, data: object): Promise<object> {
    let peer = this.peers.get(to);
    if (!peer) {
      const addr = this.voterAddress(to);
      if (!addr) return Promise.reject(new Error(`No address known for voter ${to}`));
      const timeout = this.opts.config.kraft!.quorumRequestTimeoutMs;
      // kraftsec: the controller listener's security (SASL/TLS), as Kafka's RaftManager builds its channel.
      this.controllerSecurity ??= controllerClientSecurity(this.opts.config, this.opts.config.kraft!.controllerListenerNames);
      peer = new NetworkClient(addr.host, addr.port, `raft-client-${this.nodeId}`, timeout, timeout, this.controllerSecurity);
      this.peers.set(to, peer);
    }
    return peer.send(RAFT_CODECS.get(apiKey)!, version ?? RAFT_API_VERSIONS[apiKey], data) as Promise<object>;
  }

  /** Graceful: a leader resigns (EndQuorumEpoch) within 5 s, then the client stops, connections close, the log closes. */
  shutdown(): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    if (this.started && this.client.isRunning() && !this.failure) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS + 1000);
        this.client.shutdown(SHUTDOWN_TIMEOUT_MS).onComplete(() => {
          clearTimeout(timer);
          resolve();
        });
        this.driver.wakeup();
      });
    }
    this.driver.stop();
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    try {
      this.log.close();
    } catch (e) {
      this.logger.warn(`Error closing the metadata log: ${(e as Error).message}`);
    }
  }
}
