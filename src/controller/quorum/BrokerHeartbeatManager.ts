/**
 * Kafka 3.7's org.apache.kafka.controller.BrokerHeartbeatManager: the active controller's in-memory view of broker
 * sessions (never written to the log). A broker's session lasts broker.session.timeout.ms from its last heartbeat;
 * an unfenced broker whose session expired is fenced by the controller. It also decides the next state a heartbeat
 * asks for (FENCED, UNFENCED, CONTROLLED_SHUTDOWN, SHUTDOWN_NOW) and when a broker in controlled shutdown may stop:
 * once it leads nothing and every active broker's metadata offset has passed its controlled-shutdown offset.
 */
import { Logger } from '../../common/logger';

export enum BrokerControlState {
  FENCED = 'FENCED',
  UNFENCED = 'UNFENCED',
  CONTROLLED_SHUTDOWN = 'CONTROLLED_SHUTDOWN',
  SHUTDOWN_NOW = 'SHUTDOWN_NOW',
}

export function stateIsFenced(s: BrokerControlState): boolean {
  return s === BrokerControlState.FENCED || s === BrokerControlState.SHUTDOWN_NOW;
}

export function stateInControlledShutdown(s: BrokerControlState): boolean {
  return s === BrokerControlState.CONTROLLED_SHUTDOWN;
}

export function stateShouldShutDown(s: BrokerControlState): boolean {
  return s === BrokerControlState.SHUTDOWN_NOW;
}

class BrokerHeartbeatState {
  lastContactMs = 0;
  metadataOffset = -1;
  /** -1 unless the broker is in controlled shutdown: the offset of the batch that put it there. */
  controlledShutdownOffset = -1;
  fenced = true;

  constructor(readonly id: number) {}

  shuttingDown(): boolean {
    return this.controlledShutdownOffset >= 0;
  }
}

export interface HeartbeatRequestView {
  wantFence: boolean;
  wantShutDown: boolean;
  currentMetadataOffset: number;
}

export class BrokerHeartbeatManager {
  private readonly brokers = new Map<number, BrokerHeartbeatState>();

  constructor(
    private readonly time: { milliseconds(): number },
    private readonly sessionTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  brokerIds(): number[] {
    return [...this.brokers.keys()];
  }

  remove(brokerId: number): void {
    this.brokers.delete(brokerId);
  }

  /** register: a new registration (or a replayed one on activation) starts its session now. */
  register(brokerId: number, fenced: boolean): void {
    let broker = this.brokers.get(brokerId);
    let metadataOffset = -1;
    if (!broker) {
      broker = new BrokerHeartbeatState(brokerId);
      this.brokers.set(brokerId, broker);
    } else if (broker.fenced !== fenced) {
      metadataOffset = broker.metadataOffset;
    }
    this.touch(brokerId, fenced, metadataOffset);
  }

  touch(brokerId: number, fenced: boolean, metadataOffset: number): void {
    const broker = this.stateOrThrow(brokerId);
    broker.lastContactMs = this.time.milliseconds();
    broker.metadataOffset = metadataOffset;
    broker.fenced = fenced;
    // A fenced broker leaves controlled shutdown; its next heartbeat shuts it down at once.
    if (fenced) broker.controlledShutdownOffset = -1;
  }

  fence(brokerId: number): void {
    const broker = this.brokers.get(brokerId);
    if (broker) {
      broker.fenced = true;
      broker.controlledShutdownOffset = -1;
    }
  }

  hasValidSession(brokerId: number): boolean {
    const broker = this.brokers.get(brokerId);
    return broker !== undefined && this.validSession(broker);
  }

  private validSession(broker: BrokerHeartbeatState): boolean {
    return !broker.fenced && broker.lastContactMs + this.sessionTimeoutMs >= this.time.milliseconds();
  }

  /** findOneStaleBroker: the unfenced broker with the oldest contact, if its session has expired. */
  findOneStaleBroker(): number | undefined {
    let oldest: BrokerHeartbeatState | undefined;
    for (const b of this.brokers.values()) if (!b.fenced && (!oldest || b.lastContactMs < oldest.lastContactMs)) oldest = b;
    return oldest && !this.validSession(oldest) ? oldest.id : undefined;
  }

  /** When the next unfenced broker's session expires (Infinity when none is unfenced). */
  nextCheckTimeMs(): number {
    let next = Infinity;
    for (const b of this.brokers.values()) if (!b.fenced) next = Math.min(next, b.lastContactMs + this.sessionTimeoutMs + 1);
    return next;
  }

  /** The lowest metadata offset among unfenced brokers not shutting down (Infinity when there are none). */
  lowestActiveOffset(): number {
    let lowest = Infinity;
    for (const b of this.brokers.values()) if (!b.fenced && !b.shuttingDown()) lowest = Math.min(lowest, b.metadataOffset);
    return lowest;
  }

  maybeUpdateControlledShutdownOffset(brokerId: number, offset: number): void {
    const broker = this.stateOrThrow(brokerId);
    if (broker.fenced) throw new Error('Fenced brokers cannot enter controlled shutdown.');
    if (broker.controlledShutdownOffset < 0) {
      broker.controlledShutdownOffset = offset;
      this.log.debug(`Updated the controlled shutdown offset for broker ${brokerId} to ${offset}.`);
    }
  }

  currentState(brokerId: number): BrokerControlState {
    const broker = this.stateOrThrow(brokerId);
    if (broker.shuttingDown()) return BrokerControlState.CONTROLLED_SHUTDOWN;
    return broker.fenced ? BrokerControlState.FENCED : BrokerControlState.UNFENCED;
  }

  /** calculateNextBrokerState, with Kafka's log lines. */
  calculateNextBrokerState(
    brokerId: number,
    request: HeartbeatRequestView,
    registerBrokerRecordOffset: number,
    hasLeaderships: () => boolean,
  ): { current: BrokerControlState; next: BrokerControlState } {
    const broker = this.stateOrThrow(brokerId);
    const current = this.currentState(brokerId);
    const to = (next: BrokerControlState) => ({ current, next });
    switch (current) {
      case BrokerControlState.FENCED:
        if (request.wantShutDown) {
          this.log.info(`Fenced broker ${brokerId} has requested and been granted an immediate shutdown.`);
          return to(BrokerControlState.SHUTDOWN_NOW);
        }
        if (!request.wantFence) {
          if (request.currentMetadataOffset >= registerBrokerRecordOffset) {
            this.log.info(
              `The request from broker ${brokerId} to unfence has been granted because it has caught up with the offset of its register broker record ${registerBrokerRecordOffset}.`,
            );
            return to(BrokerControlState.UNFENCED);
          }
          this.log.debug(
            `The request from broker ${brokerId} to unfence cannot yet be granted because it has not caught up with the offset of its register broker record ${registerBrokerRecordOffset}. It is still at offset ${request.currentMetadataOffset}.`,
          );
        }
        return to(BrokerControlState.FENCED);
      case BrokerControlState.UNFENCED:
        if (request.wantFence) {
          if (request.wantShutDown) {
            this.log.info(`Unfenced broker ${brokerId} has requested and been granted an immediate shutdown.`);
            return to(BrokerControlState.SHUTDOWN_NOW);
          }
          this.log.info(`Unfenced broker ${brokerId} has requested and been granted fencing`);
          return to(BrokerControlState.FENCED);
        }
        if (request.wantShutDown) {
          if (hasLeaderships()) {
            this.log.info(`Unfenced broker ${brokerId} has requested and been granted a controlled shutdown.`);
            return to(BrokerControlState.CONTROLLED_SHUTDOWN);
          }
          this.log.info(`Unfenced broker ${brokerId} has requested and been granted an immediate shutdown.`);
          return to(BrokerControlState.SHUTDOWN_NOW);
        }
        return to(BrokerControlState.UNFENCED);
      case BrokerControlState.CONTROLLED_SHUTDOWN: {
        if (hasLeaderships()) {
          this.log.debug(`Broker ${brokerId} is in controlled shutdown state, but can not shut down because more leaders still need to be moved.`);
          return to(BrokerControlState.CONTROLLED_SHUTDOWN);
        }
        const lowestActiveOffset = this.lowestActiveOffset();
        if (broker.controlledShutdownOffset <= lowestActiveOffset) {
          this.log.info(
            `The request from broker ${brokerId} to shut down has been granted since the lowest active offset ${lowestActiveOffset === Infinity ? '9223372036854775807' : lowestActiveOffset} is now greater than the broker's controlled shutdown offset ${broker.controlledShutdownOffset}.`,
          );
          return to(BrokerControlState.SHUTDOWN_NOW);
        }
        this.log.debug(
          `The request from broker ${brokerId} to shut down can not yet be granted because the lowest active offset ${lowestActiveOffset} is not greater than the broker's shutdown offset ${broker.controlledShutdownOffset}.`,
        );
        return to(BrokerControlState.CONTROLLED_SHUTDOWN);
      }
      default:
        return to(BrokerControlState.SHUTDOWN_NOW);
    }
  }

  private stateOrThrow(brokerId: number): BrokerHeartbeatState {
    const b = this.brokers.get(brokerId);
    if (!b) throw new Error(`Broker ${brokerId} is not registered.`);
    return b;
  }
}
