import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeTransactionsApi, FindCoordinatorApi, InitProducerIdApi, ListTransactionsApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';

async function withClient<T>(port: number, fn: (c: NetworkClient) => Promise<T>): Promise<T> {
  const c = new NetworkClient('127.0.0.1', port, 'it-txconfig', 10000);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** The transaction coordinator's settings on single-broker clusters. */
describe('integration: transaction coordinator settings (single broker)', function () {
  this.timeout(90000);

  describe('transaction.state.log.replication.factor above the alive brokers', () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await TestCluster.start({ brokers: 1 });
    });
    after(async () => {
      await cluster?.stop();
    });

    it('FindCoordinator(TRANSACTION) is COORDINATOR_NOT_AVAILABLE with the log line naming the setting; nothing is created', async () => {
      const port = cluster.broker(1).port;
      const r = await withClient(port, (c) => c.send(FindCoordinatorApi, 3, { key: 'tx', keyType: 1, coordinatorKeys: [] }));
      expect([r.errorCode, r.nodeId]).to.deep.equal([ErrorCode.COORDINATOR_NOT_AVAILABLE, -1]);
      await waitFor('the log line', async () =>
        cluster
          .broker(1)
          .output.some((l) =>
            l.includes(
              "Number of alive brokers '1' does not meet the required replication factor '3' for the transactions state topic (configured via 'transaction.state.log.replication.factor')",
            ),
          ),
      );
      const md = await cluster.metadata(1, ['__transaction_state'], 4);
      expect(md.topics[0].errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      // Metadata v1 (which always auto-creates) tries with the topic's own replication factor, and fails as Kafka does.
      const v1 = await cluster.metadata(1, ['__transaction_state'], 1);
      expect(v1.topics[0].errorCode).to.equal(ErrorCode.INVALID_REPLICATION_FACTOR);
      // No partition of it is ours: not the coordinator.
      const init = await withClient(port, (c) =>
        c.send(InitProducerIdApi, 4, { transactionalId: 'tx', transactionTimeoutMs: 10000, producerId: -1, producerEpoch: -1 }),
      );
      expect(init.errorCode).to.equal(ErrorCode.NOT_COORDINATOR);
    });
  });

  describe('transactional.id.expiration.ms', () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await TestCluster.start({
        brokers: 1,
        overrides: {
          'transaction.state.log.replication.factor': '1',
          'transaction.state.log.min.isr': '1',
          'transaction.state.log.num.partitions': '2',
          'transactional.id.expiration.ms': '2000',
          'transaction.remove.expired.transaction.cleanup.interval.ms': '500',
        },
      });
    });
    after(async () => {
      await cluster?.stop();
    });

    it('an idle transactional id is expired (tombstoned) and forgotten; InitProducerId starts it again with a new producer id', async () => {
      const port = cluster.broker(1).port;
      await waitFor('a transaction coordinator', async () => {
        const r = await withClient(port, (c) => c.send(FindCoordinatorApi, 3, { key: 'idle', keyType: 1, coordinatorKeys: [] }));
        return r.errorCode === ErrorCode.NONE;
      });
      const first = await waitFor('InitProducerId', async () => {
        const r = await withClient(port, (c) =>
          c.send(InitProducerIdApi, 4, { transactionalId: 'idle', transactionTimeoutMs: 10000, producerId: -1, producerEpoch: -1 }),
        );
        return r.errorCode === ErrorCode.NONE ? r : undefined;
      });
      const listed = await withClient(port, (c) => c.send(ListTransactionsApi, 0, { stateFilters: [], producerIdFilters: [first.producerId] }));
      expect(listed.transactionStates.map((s) => s.transactionalId)).to.deep.equal(['idle']);
      await waitFor(
        'the id to expire',
        async () => {
          const d = await withClient(port, (c) => c.send(DescribeTransactionsApi, 0, { transactionalIds: ['idle'] }));
          return d.transactionStates[0].errorCode === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND;
        },
        15000,
      );
      const again = await withClient(port, (c) =>
        c.send(InitProducerIdApi, 4, { transactionalId: 'idle', transactionTimeoutMs: 10000, producerId: -1, producerEpoch: -1 }),
      );
      expect(again.errorCode).to.equal(ErrorCode.NONE);
      expect(again.producerId).to.not.equal(first.producerId);
      expect(again.producerEpoch).to.equal(0);
    });
  });
});
