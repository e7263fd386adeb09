/**
 * Kafka's ZkProducerIdManager: producer ids for idempotent producers, handed out from blocks of 1000
 * claimed in ZooKeeper at /latest_producer_id_block with a conditional setData on the znode's version
 * (`{"version":1,"broker":<id>,"block_start":"0","block_end":"999"}`). A lost race re-reads and claims
 * the next block, so every id is unique across the cluster and across restarts.
 */
import { getLogger, Logger } from '../common/logger';
import { decodeProducerIdBlock, encodeProducerIdBlock, ProducerIdsBlock } from '../zk/data/misc';
import { ProducerIdBlockZNode } from '../zk/data/paths';

const PRODUCER_ID_BLOCK_SIZE = 1000;

/** The ZooKeeper operations the manager needs (KafkaZkClient implements them). */
interface ProducerIdZk {
  getDataAndStat(path: string): Promise<{ data: Buffer | null; stat: { version: number } } | null>;
  conditionalUpdatePath(path: string, data: Buffer, expectVersion: number): Promise<{ succeeded: boolean; version: number }>;
  makeSurePersistentPathExists(path: string): Promise<void>;
}

export class ProducerIdManager {
  private block: ProducerIdsBlock | null = null;
  private nextProducerId = 0n;
  private pending: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(
    private readonly brokerId: number,
    private readonly zk: ProducerIdZk,
  ) {
    this.logger = getLogger('kafka.coordinator.transaction.ProducerIdManager', `[ZK ProducerId Manager ${brokerId}]: `);
  }

  /** Next unused id; claims a new block when the current one is exhausted (calls are serialised). */
  generateProducerId(): Promise<number> {
    const result = this.pending.then(async () => {
      if (this.block === null || this.nextProducerId > this.block.blockEnd) {
        this.block = await this.claimNewBlock();
        this.nextProducerId = this.block.blockStart;
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

  private async claimNewBlock(): Promise<ProducerIdsBlock> {
    const path = ProducerIdBlockZNode.path;
    for (let attempt = 0; attempt < 100; attempt++) {
      let current = await this.zk.getDataAndStat(path);
      if (current === null) {
        await this.zk.makeSurePersistentPathExists(path);
        current = await this.zk.getDataAndStat(path);
        if (current === null) continue;
      }
      const prev = current.data && current.data.length > 0 ? decodeProducerIdBlock(current.data) : null;
      const start = prev ? prev.blockEnd + 1n : 0n;
      if (start + BigInt(PRODUCER_ID_BLOCK_SIZE) - 1n > 0x7fffffffffffffffn) {
        throw new Error(`Exhausted all producerIds as the next block's end producerId has exceeded the int64 type limit`);
      }
      const block: ProducerIdsBlock = { brokerId: this.brokerId, blockStart: start, blockEnd: start + BigInt(PRODUCER_ID_BLOCK_SIZE) - 1n };
      const r = await this.zk.conditionalUpdatePath(path, encodeProducerIdBlock(block), current.stat.version);
      if (r.succeeded) {
        this.logger.info(
          `Acquired new producerId block ProducerIdsBlock(assignedBrokerId=${block.brokerId}, firstProducerId=${block.blockStart}, size=${PRODUCER_ID_BLOCK_SIZE}) by writing to Zk with path version ${r.version}`,
        );
        return block;
      }
      this.logger.debug(`Lost the race for the producer id block at version ${current.stat.version}; retrying`);
    }
    throw new Error('Could not claim a producer id block after 100 attempts');
  }
}
