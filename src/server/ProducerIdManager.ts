/**
 * kafka.coordinator.transaction.ProducerIdManager: producer ids for idempotent producers, handed out from blocks
 * of 1000. Below IBP 3.0 a broker claims blocks in ZooKeeper itself (ZkProducerIdManager); from IBP 3.0-IV0 it
 * asks the active controller with AllocateProducerIds (RPCProducerIdManager, KIP-730), which claims the block in
 * ZooKeeper for it. Either way every id is unique across the cluster and across restarts.
 */
import { getLogger, Logger } from '../common/logger';
import { AllocateProducerIdsApi } from '../protocol/apis';
import { ErrorCode, errorName, KafkaError } from '../protocol/errors';
import { claimNewProducerIdBlock, ProducerIdZk } from '../zk/ProducerIdBlockClaim';
import type { BrokerToControllerChannel } from './BrokerToControllerChannel';

export interface ProducerIdManager {
  /** The next unused id; rejects with a KafkaError the client may retry (COORDINATOR_LOAD_IN_PROGRESS). */
  generateProducerId(): Promise<number>;
  shutdown(): void;
}

/** ZkProducerIdManager: claims blocks at /latest_producer_id_block directly (IBP < 3.0). */
export class ZkProducerIdManager implements ProducerIdManager {
  private blockEnd = -1n;
  private nextProducerId = 0n;
  private pending: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(
    private readonly brokerId: number,
    private readonly zk: ProducerIdZk,
  ) {
    this.logger = getLogger('kafka.coordinator.transaction.ProducerIdManager', `[ZK ProducerId Manager ${brokerId}]: `);
  }

  /** Calls are serialised, so one block is claimed at a time. */
  generateProducerId(): Promise<number> {
    const result = this.pending.then(async () => {
      if (this.nextProducerId > this.blockEnd) {
        const block = await claimNewProducerIdBlock(this.zk, this.brokerId, this.logger);
        this.nextProducerId = block.blockStart;
        this.blockEnd = block.blockEnd;
      }
      const id = this.nextProducerId;
      this.nextProducerId += 1n;
      return Number(id);
    });
    this.pending = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  shutdown(): void {}
}

/** ProducerIdManager.PidPrefetchThreshold: ask for the next block once 90% of the current one is used. */
const PREFETCH_THRESHOLD = 0.9;
/** RPCProducerIdManager.RetryBackoffMs. */
const RETRY_BACKOFF_MS = 50;

interface Block {
  readonly first: number;
  readonly size: number;
}

/**
 * RPCProducerIdManager: ids from the current block; at 90% of it the next block is requested from the controller.
 * When the current block is spent and the next has not arrived, Kafka answers COORDINATOR_LOAD_IN_PROGRESS (which
 * clients retry) rather than wait; so do we. One request in flight at a time, a 50 ms back-off after a failure.
 */
export class RPCProducerIdManager implements ProducerIdManager {
  private current: Block = { first: 0, size: 0 };
  private nextId = 0;
  private nextBlock: Block | null = null;
  private inFlight = false;
  private backoffUntil = 0;
  private readonly logger: Logger;

  constructor(
    private readonly brokerId: number,
    private readonly brokerEpoch: () => number,
    private readonly channel: Pick<BrokerToControllerChannel, 'send' | 'shutdown'>,
    private readonly time: () => number = Date.now,
  ) {
    this.logger = getLogger('kafka.coordinator.transaction.ProducerIdManager', `[RPC ProducerId Manager ${brokerId}]: `);
  }

  generateProducerId(): Promise<number> {
    for (;;) {
      if (this.nextId < this.current.first + this.current.size) {
        const id = this.nextId++;
        if (id === this.current.first + Math.floor(this.current.size * PREFETCH_THRESHOLD)) this.maybeRequestNextBlock();
        return Promise.resolve(id);
      }
      const block = this.nextBlock;
      if (block === null) {
        this.maybeRequestNextBlock();
        return Promise.reject(new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, 'Producer ID block is full. Waiting for next block'));
      }
      this.nextBlock = null;
      this.current = block;
      this.nextId = block.first;
    }
  }

  private maybeRequestNextBlock(): void {
    if (this.nextBlock !== null || this.inFlight || this.time() < this.backoffUntil) return;
    this.inFlight = true;
    this.logger.debug('Requesting next Producer ID block');
    this.channel.send(AllocateProducerIdsApi, 0, { brokerId: this.brokerId, brokerEpoch: this.brokerEpoch() }).then(
      (res) => this.handleResponse(res.errorCode, res.producerIdStart, res.producerIdLen),
      (e: Error) => {
        this.logger.warn(`AllocateProducerIds to the controller failed: ${e.message}`);
        this.backoffUntil = this.time() + RETRY_BACKOFF_MS;
        this.inFlight = false;
      },
    );
  }

  private handleResponse(errorCode: number, start: number, len: number): void {
    let ok = false;
    if (errorCode === ErrorCode.NONE) {
      if (start < this.current.first + this.current.size) {
        this.logger.error(`Producer ID block is not monotonic with current block: current first=${this.current.first} response start=${start}`);
      } else if (start < 0 || len <= 0) {
        this.logger.error(`Producer ID block includes invalid ID range: start=${start} len=${len}`);
      } else {
        this.nextBlock = { first: start, size: len };
        ok = true;
      }
    } else if (errorCode === ErrorCode.STALE_BROKER_EPOCH || errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
      this.logger.warn(`AllocateProducerIds answered ${errorName(errorCode)}, trying again.`);
    } else {
      this.logger.error(`Received an unexpected error code from the controller: ${errorName(errorCode)}`);
    }
    if (!ok) this.backoffUntil = this.time() + RETRY_BACKOFF_MS;
    this.inFlight = false;
  }

  shutdown(): void {
    this.channel.shutdown();
  }
}
