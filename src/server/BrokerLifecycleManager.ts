/**
 * kafka.server.BrokerLifecycleManager: a KRaft broker's registration and heartbeats with the active controller.
 *
 * STARTING: BrokerRegistration (incarnation id, advertised listeners, supported features, rack, log dir ids), retried
 *   with exponential backoff (100 ms doubling up to broker.session.timeout.ms, 2% jitter) on any error or when no
 *   controller is known; if no registration succeeds within initial.broker.registration.timeout.ms the broker shuts
 *   down. The broker epoch comes from the registration response. Heartbeats then report currentMetadataOffset and
 *   wantFence=true until the broker is ready; the controller's isCaughtUp moves it to RECOVERY.
 * RECOVERY: once the broker has published its metadata it sets readyToUnfence (wantFence=false); when the controller
 *   answers isFenced=false it is RUNNING.
 * PENDING_CONTROLLED_SHUTDOWN: wantShutDown heartbeats until the controller answers shouldShutDown (it has moved the
 *   broker's leaderships away), then SHUTTING_DOWN.
 */
import { randomBytes } from 'crypto';
import { getLogger, Logger } from '../common/logger';
import { BrokerHeartbeatApi, BrokerRegistrationApi } from '../protocol/apis';
import type { BrokerHeartbeatResponse } from '../protocol/apis/63-broker-heartbeat';
import type { BrokerRegistrationFeature, BrokerRegistrationListener } from '../protocol/apis/62-broker-registration';
import type { ApiCodec } from '../protocol/apis/types';
import { ErrorCode, errorName } from '../protocol/errors';
import { BrokerState } from './metrics/KafkaMetrics';

/** BrokerRegistrationRequest.Builder / BrokerHeartbeatRequest.Builder of 3.7: the latest versions. */
const REGISTRATION_VERSION = 3;
const HEARTBEAT_VERSION = 1;
/** Heartbeats while STARTING go out after 10 ms (Kafka: "so that ... we start up a bit quicker"). */
const STARTING_HEARTBEAT_MS = 10;
/** The first heartbeat after controlled shutdown began and was not yet granted comes after 50 ms. */
const FIRST_CONTROLLED_SHUTDOWN_HEARTBEAT_MS = 50;

/** What the manager needs of its channel to the controller (BrokerToControllerChannel). */
export interface ControllerChannel {
  send<Req, Res>(codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res>;
  reset?(): void;
}

export interface BrokerLifecycleOptions {
  nodeId: number;
  clusterId: string;
  rack: string | null;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  initialBrokerRegistrationTimeoutMs: number;
  channel: ControllerChannel;
  /** Advertised listeners with their bound ports (asked at each registration attempt). */
  listeners: () => BrokerRegistrationListener[];
  features: BrokerRegistrationFeature[];
  /** The offset of the last metadata the broker has published. */
  highestMetadataOffset: () => number;
  /** The directory ids of the log dirs (meta.properties directory.id), sorted as Kafka sorts them. */
  logDirs?: Buffer[];
  incarnationId?: Buffer;
  /** Called when no registration succeeded within initial.broker.registration.timeout.ms (Kafka shuts the broker down). */
  onRegistrationTimeout?: () => void;
  logger?: Logger;
  random?: () => number;
}

/** A promise with its resolve/reject at hand (Kafka's CompletableFuture). */
class Future {
  resolve!: () => void;
  reject!: (e: Error) => void;
  done = false;
  readonly promise = new Promise<void>((res, rej) => {
    this.resolve = () => {
      this.done = true;
      res();
    };
    this.reject = (e) => {
      this.done = true;
      rej(e);
    };
  });
  constructor() {
    this.promise.catch(() => undefined);
  }
}

/** org.apache.kafka.common.utils.ExponentialBackoff(100, 2, max, 0.02). */
export function exponentialBackoff(attempts: number, maxMs: number, random: () => number): number {
  const exp = Math.min(100 * Math.pow(2, attempts), maxMs);
  const jitter = 1 + 0.02 * (random() * 2 - 1);
  return Math.round(exp * jitter);
}

export class BrokerLifecycleManager {
  private stateValue: number = BrokerState.NOT_RUNNING;
  private brokerEpochValue = -1;
  private registered = false;
  private readyToUnfence = false;
  private failedAttempts = 0;
  private gotControlledShutdownResponse = false;
  private timer: NodeJS.Timeout | null = null;
  private registrationTimer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private closed = false;
  /** When the controller last answered us without error (for giving up controlled shutdown when it is gone). */
  private lastContactMs = Date.now();
  private readonly log: Logger;
  private readonly random: () => number;
  readonly incarnationId: Buffer;
  private readonly initialCatchUp = new Future();
  private readonly initialUnfence = new Future();
  private readonly controlledShutdown = new Future();

  constructor(private readonly opts: BrokerLifecycleOptions) {
    this.log = opts.logger ?? getLogger('kafka.server.BrokerLifecycleManager', `[BrokerLifecycleManager id=${opts.nodeId}] `);
    this.random = opts.random ?? Math.random;
    this.incarnationId = opts.incarnationId ?? randomBytes(16);
  }

  /** The BrokerState metric's value. */
  get state(): number {
    return this.stateValue;
  }

  /** How long since the controller last answered a registration or heartbeat without error. */
  millisSinceLastContact(): number {
    return Date.now() - this.lastContactMs;
  }

  /** The epoch from the last successful registration; -1 before. */
  get brokerEpoch(): number {
    return this.brokerEpochValue;
  }

  /** Completes when the controller first reports this broker caught up with the metadata log. */
  get initialCatchUpPromise(): Promise<void> {
    return this.initialCatchUp.promise;
  }

  /** Completes when the controller has asked us to shut down (or the wait is abandoned). */
  get controlledShutdownPromise(): Promise<void> {
    return this.controlledShutdown.promise;
  }

  start(): void {
    this.stateValue = BrokerState.STARTING;
    this.lastContactMs = Date.now();
    this.registrationTimer = setTimeout(() => {
      if (this.registered || this.closed) return;
      this.log.error('Shutting down because we were unable to register with the controller quorum.');
      this.initialCatchUp.reject(new Error('The broker was unable to register with the controller quorum'));
      this.opts.onRegistrationTimeout?.();
    }, this.opts.initialBrokerRegistrationTimeoutMs);
    this.registrationTimer.unref?.();
    this.log.info(`Incarnation ${this.incarnationId.toString('hex')} of broker ${this.opts.nodeId} in cluster ${this.opts.clusterId} is now STARTING.`);
    this.schedule(0);
  }

  /** The broker has published its metadata: heartbeats stop asking to stay fenced. Resolves once unfenced. */
  setReadyToUnfence(): Promise<void> {
    this.readyToUnfence = true;
    if (this.registered && this.stateValue !== BrokerState.SHUTTING_DOWN) this.schedule(0);
    return this.initialUnfence.promise;
  }

  /** Starts controlled shutdown: wantShutDown heartbeats from now on, the first right away. */
  beginControlledShutdown(): void {
    if (this.closed || this.stateValue === BrokerState.SHUTTING_DOWN) return this.controlledShutdown.resolve();
    this.log.info('Beginning controlled shutdown.');
    this.stateValue = BrokerState.PENDING_CONTROLLED_SHUTDOWN;
    if (!this.registered) {
      // Nothing to hand over: a broker that never registered leads nothing.
      this.controlledShutdown.resolve();
      return;
    }
    this.schedule(0);
  }

  /** Stops all communication (BrokerLifecycleManager.beginShutdown). */
  beginShutdown(): void {
    this.stateValue = BrokerState.SHUTTING_DOWN;
    this.close();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.registrationTimer) clearTimeout(this.registrationTimer);
    this.timer = null;
    this.registrationTimer = null;
    if (!this.initialCatchUp.done) this.initialCatchUp.reject(new Error('The broker is shutting down'));
    if (!this.initialUnfence.done) this.initialUnfence.reject(new Error('The broker is shutting down'));
    if (!this.controlledShutdown.done) this.controlledShutdown.resolve();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const due = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      // Kafka heartbeats from its own thread; ours shares the event loop, so say when a long task delayed it.
      const late = Date.now() - due;
      if (late >= Math.max(1000, this.opts.brokerSessionTimeoutMs / 4))
        this.log.warn(`The broker heartbeat ran ${late} ms late: the event loop was busy (broker.session.timeout.ms is ${this.opts.brokerSessionTimeoutMs})`);
      void this.communicate();
    }, delayMs);
  }

  private afterFailure(): void {
    const delay = exponentialBackoff(this.failedAttempts, this.opts.brokerSessionTimeoutMs, this.random);
    this.failedAttempts++;
    this.schedule(delay);
  }

  private afterSuccess(): void {
    this.schedule(this.opts.brokerHeartbeatIntervalMs);
  }

  private async communicate(): Promise<void> {
    if (this.closed) return;
    if (this.inFlight) return; // the response schedules the next communication
    this.inFlight = true;
    try {
      if (this.registered) await this.sendHeartbeat();
      else await this.sendRegistration();
    } finally {
      this.inFlight = false;
    }
  }

  private async sendRegistration(): Promise<void> {
    const o = this.opts;
    try {
      const res = await o.channel.send(BrokerRegistrationApi, REGISTRATION_VERSION, {
        brokerId: o.nodeId,
        clusterId: o.clusterId,
        incarnationId: this.incarnationId,
        listeners: o.listeners(),
        features: o.features,
        rack: o.rack,
        isMigratingZkBroker: false,
        logDirs: [...(o.logDirs ?? [])].sort(Buffer.compare),
        previousBrokerEpoch: -1,
      });
      if (this.closed) return;
      if (res.errorCode !== ErrorCode.NONE) {
        this.log.info(`Unable to register broker ${o.nodeId} because the controller returned error ${errorName(res.errorCode)}`);
        if (res.errorCode === ErrorCode.NOT_CONTROLLER) o.channel.reset?.();
        return this.afterFailure();
      }
      this.failedAttempts = 0;
      this.lastContactMs = Date.now();
      this.brokerEpochValue = res.brokerEpoch;
      this.registered = true;
      this.log.info(`Successfully registered broker ${o.nodeId} with broker epoch ${res.brokerEpoch}`);
      this.schedule(0); // immediately send a heartbeat
    } catch (e) {
      if (this.closed) return;
      this.log.info(`Unable to register broker ${o.nodeId}: ${(e as Error).message}`);
      o.channel.reset?.();
      this.afterFailure();
    }
  }

  private async sendHeartbeat(): Promise<void> {
    const o = this.opts;
    let res: BrokerHeartbeatResponse;
    try {
      res = await o.channel.send(BrokerHeartbeatApi, HEARTBEAT_VERSION, {
        brokerId: o.nodeId,
        brokerEpoch: this.brokerEpochValue,
        currentMetadataOffset: o.highestMetadataOffset(),
        wantFence: !this.readyToUnfence,
        wantShutDown: this.stateValue === BrokerState.PENDING_CONTROLLED_SHUTDOWN,
        offlineLogDirs: [],
      });
    } catch (e) {
      if (this.closed) return;
      this.log.warn(`Unable to send broker heartbeat for ${o.nodeId}. Retrying. (${(e as Error).message})`);
      o.channel.reset?.();
      return this.afterFailure();
    }
    if (this.closed) return;
    if (res.errorCode !== ErrorCode.NONE) {
      this.log.warn(`Broker ${o.nodeId} sent a heartbeat request but received error ${errorName(res.errorCode)}.`);
      if (res.errorCode === ErrorCode.NOT_CONTROLLER) o.channel.reset?.();
      return this.afterFailure();
    }
    this.failedAttempts = 0;
    this.lastContactMs = Date.now();
    this.onHeartbeatResponse(res);
  }

  /** BrokerHeartbeatResponseEvent. */
  private onHeartbeatResponse(res: BrokerHeartbeatResponse): void {
    switch (this.stateValue) {
      case BrokerState.STARTING:
        if (res.isCaughtUp) {
          this.log.info('The broker has caught up. Transitioning from STARTING to RECOVERY.');
          this.stateValue = BrokerState.RECOVERY;
          this.initialCatchUp.resolve();
        } else {
          this.log.debug('The broker is STARTING. Still waiting to catch up with cluster metadata.');
        }
        return this.schedule(STARTING_HEARTBEAT_MS);
      case BrokerState.RECOVERY:
        if (!res.isFenced) {
          this.log.info('The broker has been unfenced. Transitioning from RECOVERY to RUNNING.');
          this.stateValue = BrokerState.RUNNING;
          this.initialUnfence.resolve();
        } else {
          this.log.info('The broker is in RECOVERY.');
        }
        return this.afterSuccess();
      case BrokerState.RUNNING:
        return this.afterSuccess();
      case BrokerState.PENDING_CONTROLLED_SHUTDOWN:
        if (!res.shouldShutDown) {
          this.log.info('The broker is in PENDING_CONTROLLED_SHUTDOWN state, still waiting for the active controller.');
          this.schedule(this.gotControlledShutdownResponse ? this.opts.brokerHeartbeatIntervalMs : FIRST_CONTROLLED_SHUTDOWN_HEARTBEAT_MS);
          this.gotControlledShutdownResponse = true;
        } else {
          this.log.info('The controller has asked us to exit controlled shutdown.');
          this.gotControlledShutdownResponse = true;
          this.beginShutdown();
        }
        return;
      default:
        return;
    }
  }
}
