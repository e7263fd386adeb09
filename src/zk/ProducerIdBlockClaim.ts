import { Logger } from '../common/logger';
import { decodeProducerIdBlock, encodeProducerIdBlock, ProducerIdsBlock } from './data/misc';
import { ProducerIdBlockZNode } from './data/paths';

/** ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** The ZooKeeper operations a block claim needs (KafkaZkClient implements them). */
export interface ProducerIdZk {
  getDataAndStat(path: string): Promise<{ data: Buffer | null; stat: { version: number } } | null>;
  conditionalUpdatePath(path: string, data: Buffer, expectVersion: number): Promise<{ succeeded: boolean; version: number }>;
  makeSurePersistentPathExists(path: string): Promise<void>;
}

/**
 * ZkProducerIdManager.getNewProducerIdBlock: claims the next block of 1000 ids at /latest_producer_id_block
 * (`{"version":1,"broker":<id>,"block_start":"0","block_end":"999"}`) with a conditional setData on the znode's
 * version; a lost race re-reads and claims the following block, so ids are unique across the cluster and restarts.
 * Called by a broker itself below IBP 3.0, by the controller (AllocateProducerIds) from 3.0.
 */
export async function claimNewProducerIdBlock(zk: ProducerIdZk, brokerId: number, logger: Logger): Promise<ProducerIdsBlock> {
  const path = ProducerIdBlockZNode.path;
  for (let attempt = 0; attempt < 100; attempt++) {
    let current = await zk.getDataAndStat(path);
    if (current === null) {
      await zk.makeSurePersistentPathExists(path);
      current = await zk.getDataAndStat(path);
      if (current === null) continue;
    }
    const prev = current.data && current.data.length > 0 ? decodeProducerIdBlock(current.data) : null;
    const start = prev ? prev.blockEnd + 1n : 0n;
    if (start + BigInt(PRODUCER_ID_BLOCK_SIZE) - 1n > 0x7fffffffffffffffn) {
      throw new Error(`Exhausted all producerIds as the next block's end producerId has exceeded the int64 type limit`);
    }
    const block: ProducerIdsBlock = { brokerId, blockStart: start, blockEnd: start + BigInt(PRODUCER_ID_BLOCK_SIZE) - 1n };
    const r = await zk.conditionalUpdatePath(path, encodeProducerIdBlock(block), current.stat.version);
    if (r.succeeded) {
      logger.info(
        `Acquired new producerId block ProducerIdsBlock(assignedBrokerId=${block.brokerId}, firstProducerId=${block.blockStart}, size=${PRODUCER_ID_BLOCK_SIZE}) by writing to Zk with path version ${r.version}`,
      );
      return block;
    }
    logger.debug(`Lost the race for the producer id block at version ${current.stat.version}; retrying`);
  }
  throw new Error('Could not claim a producer id block after 100 attempts');
}
