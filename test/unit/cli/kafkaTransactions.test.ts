import { expect } from 'chai';
import { run } from '../../../src/cli/kafka-transactions';
import { parseTransactionsArgs, transactionsHelp, UsageError } from '../../../src/cli/TransactionsCommandArgs';
import {
  AbortTransactionSpec,
  AdminError,
  ProducerState,
  TopicPartition,
  TopicPartitionInfo,
  TransactionDescription,
  TransactionListing,
  TransactionsAdmin,
  tpString,
} from '../../../src/cli/TransactionsAdmin';

const NOW = 1_765_000_000_000;

/** A fake Admin (TransactionsCommandTest mocks Kafka's Admin the same way). */
class FakeAdmin implements TransactionsAdmin {
  listings = new Map<number, TransactionListing[]>();
  listFilters: number[][] = [];
  descriptions = new Map<string, TransactionDescription | AdminError>();
  producers = new Map<string, ProducerState[]>();
  producerCalls: Array<{ partitions: TopicPartition[]; brokerId?: number }> = [];
  producersError: AdminError | null = null;
  aborted: AbortTransactionSpec[] = [];
  abortError: AdminError | null = null;
  topics = new Map<string, TopicPartitionInfo[]>();
  closed = false;

  async listTransactions(filter: number[] = []): Promise<Map<number, TransactionListing[]>> {
    this.listFilters.push(filter);
    if (filter.length === 0) return this.listings;
    return new Map([...this.listings].map(([b, ls]) => [b, ls.filter((l) => filter.includes(l.producerId))]));
  }
  async describeTransactions(ids: string[]): Promise<Map<string, TransactionDescription | AdminError>> {
    return new Map(
      ids.map((id) => [
        id,
        this.descriptions.get(id) ?? new AdminError(`DescribeTransactions request for transactionalId \`${id}\` failed because the ID could not be found`, 105),
      ]),
    );
  }
  async describeProducers(partitions: TopicPartition[], brokerId?: number): Promise<Map<string, ProducerState[]>> {
    this.producerCalls.push({ partitions, brokerId });
    if (this.producersError) throw this.producersError;
    return new Map(partitions.map((tp) => [tpString(tp), this.producers.get(tpString(tp)) ?? []]));
  }
  async abortTransaction(spec: AbortTransactionSpec): Promise<void> {
    if (this.abortError) throw this.abortError;
    this.aborted.push(spec);
  }
  async listTopics(): Promise<string[]> {
    return [...this.topics.keys()];
  }
  async describeTopics(topics: string[]): Promise<Map<string, TopicPartitionInfo[]>> {
    return new Map(topics.map((t) => [t, this.topics.get(t) ?? []]));
  }
  close(): void {
    this.closed = true;
  }
}

async function exec(admin: FakeAdmin, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    ['--bootstrap-server', 'localhost:9092', ...argv],
    (l) => out.push(l),
    (l) => err.push(l),
    {
      adminSupplier: () => admin,
      now: () => NOW,
    },
  );
  return { code, out, err };
}

function producer(p: Partial<ProducerState>): ProducerState {
  return { producerId: 1, producerEpoch: 0, lastSequence: 0, lastTimestamp: NOW, coordinatorEpoch: null, currentTransactionStartOffset: null, ...p };
}

describe('kafka-transactions (TransactionsCommand)', () => {
  describe('arguments', () => {
    it('parses each command with argparse4j types and the find-hanging default', () => {
      expect(parseTransactionsArgs(['--bootstrap-server', 'b:1', 'describe', '--transactional-id', 'tx'])).to.include({
        bootstrapServer: 'b:1',
        command: 'describe',
        transactionalId: 'tx',
      });
      expect(
        parseTransactionsArgs([
          '--bootstrap-server=b:1',
          'abort',
          '--topic',
          't',
          '--partition',
          '2',
          '--producer-id',
          '7',
          '--producer-epoch',
          '3',
          '--coordinator-epoch',
          '-1',
        ]),
      ).to.include({
        partition: 2,
        producerId: 7,
        producerEpoch: 3,
        coordinatorEpoch: -1,
      });
      expect(parseTransactionsArgs(['--bootstrap-server', 'b:1', 'find-hanging', '--broker-id', '1'])).to.include({ maxTransactionTimeout: 15, brokerId: 1 });
      // argparse4j accepts an unambiguous prefix.
      expect(parseTransactionsArgs(['--bootstrap', 'b:1', 'describe', '--transactional', 'x']).transactionalId).to.equal('x');
    });

    it('fails as argparse4j does: usage of the failing parser, then "<prog>: error: ..."', async () => {
      const cases: Array<[string[], string, string]> = [
        [
          ['list'],
          'usage: kafka-transactions [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ...',
          'kafka-transactions: error: argument --bootstrap-server is required',
        ],
        [
          ['--bootstrap-server', 'b:1'],
          'usage: kafka-transactions [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ...',
          'kafka-transactions: error: too few arguments',
        ],
        [
          ['--bootstrap-server', 'b:1', 'describe'],
          'usage: kafka-transactions describe [-h] --transactional-id TRANSACTIONAL_ID',
          'kafka-transactions describe: error: argument --transactional-id is required',
        ],
        [
          ['--bootstrap-server', 'b:1', 'describe-producers', '--topic', 't', '--partition', 'x'],
          'usage: kafka-transactions describe-producers [-h] [--broker-id BROKER_ID] --topic TOPIC --partition PARTITION',
          `kafka-transactions describe-producers: error: argument --partition: could not convert 'x' to Integer (For input string: "x")`,
        ],
        [
          ['--bootstrap-server', 'b:1', 'abort', '--topic', 't', '--partition', '0', '--producer-epoch', '40000'],
          'usage: kafka-transactions abort [-h] --topic TOPIC --partition PARTITION [--start-offset START_OFFSET] [--producer-id PRODUCER_ID] [--producer-epoch PRODUCER_EPOCH] [--coordinator-epoch COORDINATOR_EPOCH]',
          `kafka-transactions abort: error: argument --producer-epoch: could not convert '40000' to Short (Value out of range. Value:"40000" Radix:10)`,
        ],
        [
          ['--bootstrap-server', 'b:1', 'hang'],
          'usage: kafka-transactions [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ...',
          `kafka-transactions: error: invalid choice: 'hang' (choose from 'list', 'describe', 'describe-producers', 'abort', 'find-hanging')`,
        ],
      ];
      for (const [argv, usage, message] of cases) {
        const err: string[] = [];
        const code = await run(
          argv,
          () => undefined,
          (l) => err.push(l),
        );
        expect(code, argv.join(' ')).to.equal(1);
        expect(err).to.deep.equal([usage, message]);
      }
      expect(() => parseTransactionsArgs(['--bootstrap-server', 'b:1', 'abort', '--p', '1'])).to.throw(
        UsageError,
        'ambiguous option: --p could match --partition, --producer-id, --producer-epoch',
      );
    });

    it('prints the help of the base parser and of a command', async () => {
      const help = transactionsHelp('');
      expect(help[0]).to.equal('usage: kafka-transactions [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ...');
      expect(help).to.include('  --command-config FILE  property file containing configs to be passed to admin client');
      expect(help).to.include('  --bootstrap-server host:port');
      expect(help).to.include('    describe-producers     describe the states of active producers for a topic partition');
      expect(help).to.include('    find-hanging           find hanging transactions');
      const abort = transactionsHelp('abort');
      expect(abort).to.include('  --partition PARTITION  partition number');
      expect(abort.join('\n')).to.contain(
        'Brokers on versions 3.0 and above:\n  For newer brokers, only the start offset of the transaction to be aborted is required\n\n  --start-offset START_OFFSET\n                         start offset of the transaction to abort',
      );
      const out: string[] = [];
      expect(
        await run(
          ['describe', '-h'],
          (l) => out.push(l),
          () => undefined,
        ),
      ).to.equal(0);
      expect(out.slice(0, 3)).to.deep.equal([
        'usage: kafka-transactions describe [-h] --transactional-id TRANSACTIONAL_ID',
        '',
        'Describe the state of an active transactional-id.',
      ]);
    });
  });

  describe('list', () => {
    it('prints one row per listing with its broker, in broker id order, as a padded tab-separated table', async () => {
      const admin = new FakeAdmin();
      admin.listings.set(2, [{ transactionalId: 'payments', producerId: 1001, state: 'Ongoing' }]);
      admin.listings.set(1, [
        { transactionalId: 'a', producerId: 5, state: 'CompleteCommit' },
        { transactionalId: 'orders-tx', producerId: 12, state: 'Empty' },
      ]);
      const r = await exec(admin, 'list');
      expect(r.code).to.equal(0);
      expect(r.out).to.deep.equal([
        'TransactionalId\tCoordinator\tProducerId\tTransactionState\t',
        'a              \t1          \t5         \tCompleteCommit  \t',
        'orders-tx      \t1          \t12        \tEmpty           \t',
        'payments       \t2          \t1001      \tOngoing         \t',
      ]);
      expect(admin.closed).to.equal(true);
    });

    it('prints only the headers when no transaction exists', async () => {
      const r = await exec(new FakeAdmin(), 'list');
      expect(r.out).to.deep.equal(['TransactionalId\tCoordinator\tProducerId\tTransactionState\t']);
    });
  });

  describe('describe', () => {
    it('prints the coordinator, state, start time and duration of an open transaction', async () => {
      const admin = new FakeAdmin();
      admin.descriptions.set('tx', {
        coordinatorId: 2,
        state: 'Ongoing',
        producerId: 3000,
        producerEpoch: 4,
        transactionTimeoutMs: 60000,
        transactionStartTimeMs: NOW - 1500,
        topicPartitions: [{ topic: 'foo', partition: 0 }],
      });
      const r = await exec(admin, 'describe', '--transactional-id', 'tx');
      expect(r.code).to.equal(0);
      const cells = r.out.map((l) => l.split('\t').map((c) => c.trimEnd()));
      expect(cells[0]).to.deep.equal([
        ...'CoordinatorId TransactionalId ProducerId ProducerEpoch TransactionState TransactionTimeoutMs CurrentTransactionStartTimeMs TransactionDurationMs TopicPartitions'.split(
          ' ',
        ),
        '',
      ]);
      expect(cells[1]).to.deep.equal(['2', 'tx', '3000', '4', 'Ongoing', '60000', String(NOW - 1500), '1500', 'foo-0', '']);
    });

    it('prints None for the start time and duration of a transaction that is not open', async () => {
      const admin = new FakeAdmin();
      admin.descriptions.set('tx', {
        coordinatorId: 1,
        state: 'Empty',
        producerId: 7,
        producerEpoch: 0,
        transactionTimeoutMs: 10000,
        transactionStartTimeMs: null,
        topicPartitions: [],
      });
      const r = await exec(admin, 'describe', '--transactional-id', 'tx');
      expect(r.out[1].split('\t').map((c) => c.trimEnd())).to.deep.equal(['1', 'tx', '7', '0', 'Empty', '10000', 'None', 'None', '', '']);
    });

    it('fails with printErrorAndExit text for an unknown transactional id', async () => {
      const r = await exec(new FakeAdmin(), 'describe', '--transactional-id', 'nope');
      expect(r.code).to.equal(1);
      expect(r.out).to.deep.equal([]);
      expect(r.err).to.deep.equal([
        'Failed to describe transaction state of transactional-id `nope`: DescribeTransactions request for transactionalId `nope` failed because the ID could not be found. Enable debug logging for additional detail.',
      ]);
    });
  });

  describe('describe-producers', () => {
    it('prints -1 for an absent coordinator epoch and None for no open transaction', async () => {
      const admin = new FakeAdmin();
      admin.producers.set('t-0', [
        producer({ producerId: 12, producerEpoch: 1, lastSequence: 9, lastTimestamp: 1700000000000 }),
        producer({ producerId: 13, producerEpoch: 0, lastSequence: 3, lastTimestamp: 1700000000001, coordinatorEpoch: 5, currentTransactionStartOffset: 42 }),
      ]);
      const r = await exec(admin, 'describe-producers', '--topic', 't', '--partition', '0', '--broker-id', '3');
      expect(admin.producerCalls).to.deep.equal([{ partitions: [{ topic: 't', partition: 0 }], brokerId: 3 }]);
      expect(r.out).to.deep.equal([
        'ProducerId\tProducerEpoch\tLatestCoordinatorEpoch\tLastSequence\tLastTimestamp\tCurrentTransactionStartOffset\t',
        '12        \t1            \t-1                    \t9           \t1700000000000\tNone                         \t',
        '13        \t0            \t5                     \t3           \t1700000000001\t42                           \t',
      ]);
    });

    it('names the leader or the broker in its failure', async () => {
      const admin = new FakeAdmin();
      admin.producersError = new AdminError('Failed to describe active producers for partition t-0 on brokerId 3', 6);
      let r = await exec(admin, 'describe-producers', '--topic', 't', '--partition', '0', '--broker-id', '3');
      expect(r.err).to.deep.equal([
        'Failed to describe producers for partition t-0 on broker 3: Failed to describe active producers for partition t-0 on brokerId 3. Enable debug logging for additional detail.',
      ]);
      admin.producersError = new AdminError('boom');
      r = await exec(admin, 'describe-producers', '--topic', 't', '--partition', '0');
      expect(r.err[0]).to.match(/^Failed to describe producers for partition t-0 on leader: boom\./);
    });
  });

  describe('abort', () => {
    it('aborts by start offset with the producer found in DescribeProducers', async () => {
      const admin = new FakeAdmin();
      admin.producers.set('t-1', [
        producer({ producerId: 20, currentTransactionStartOffset: 3 }),
        producer({ producerId: 21, producerEpoch: 2, coordinatorEpoch: 4, currentTransactionStartOffset: 10 }),
      ]);
      const r = await exec(admin, 'abort', '--topic', 't', '--partition', '1', '--start-offset', '10');
      expect(r.code).to.equal(0);
      expect(r.out).to.deep.equal([]);
      expect(admin.aborted).to.deep.equal([{ topicPartition: { topic: 't', partition: 1 }, producerId: 21, producerEpoch: 2, coordinatorEpoch: 4 }]);
    });

    it('uses coordinator epoch 0 when the producer has none, and refuses an offset no transaction starts at', async () => {
      const admin = new FakeAdmin();
      admin.producers.set('t-0', [producer({ producerId: 30, producerEpoch: 1, currentTransactionStartOffset: 0 })]);
      await exec(admin, 'abort', '--topic', 't', '--partition', '0', '--start-offset', '0');
      expect(admin.aborted[0]).to.deep.include({ producerId: 30, producerEpoch: 1, coordinatorEpoch: 0 });
      const r = await exec(admin, 'abort', '--topic', 't', '--partition', '0', '--start-offset', '5');
      expect(r.code).to.equal(1);
      expect(r.err).to.deep.equal(['Could not find any open transactions starting at offset 5 on partition t-0']);
    });

    it('aborts by producer id, epoch and coordinator epoch (a negative coordinator epoch becomes 0)', async () => {
      const admin = new FakeAdmin();
      const r = await exec(admin, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '9', '--producer-epoch', '2', '--coordinator-epoch', '-1');
      expect(r.code).to.equal(0);
      expect(admin.producerCalls).to.deep.equal([]);
      expect(admin.aborted).to.deep.equal([{ topicPartition: { topic: 't', partition: 0 }, producerId: 9, producerEpoch: 2, coordinatorEpoch: 0 }]);
    });

    it('reports the missing identification and the failed abort as Kafka does', async () => {
      const admin = new FakeAdmin();
      let r = await exec(admin, 'abort', '--topic', 't', '--partition', '0');
      expect(r.err).to.deep.equal([
        'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)',
      ]);
      r = await exec(admin, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '9');
      expect(r.err).to.deep.equal(['Missing required argument --producer-epoch']);
      r = await exec(admin, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '9', '--producer-epoch', '1');
      expect(r.err).to.deep.equal(['Missing required argument --coordinator-epoch']);
      admin.abortError = new AdminError('WriteTxnMarkers request with X failed due an invalid producer epoch', 47);
      r = await exec(admin, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '9', '--producer-epoch', '1', '--coordinator-epoch', '3');
      expect(r.code).to.equal(1);
      expect(r.err).to.deep.equal([
        'Failed to abort transaction AbortTransactionSpec(topicPartition=t-0, producerId=9, producerEpoch=1, coordinatorEpoch=3): WriteTxnMarkers request with X failed due an invalid producer epoch. Enable debug logging for additional detail.',
      ]);
    });
  });

  describe('find-hanging', () => {
    function cluster(): FakeAdmin {
      const admin = new FakeAdmin();
      admin.topics.set('t', [
        { partition: 0, replicas: [1, 2] },
        { partition: 1, replicas: [2, 3] },
      ]);
      admin.topics.set('u', [{ partition: 0, replicas: [1] }]);
      const old = NOW - 20 * 60000 - 1;
      // 100: no transactional id known to any coordinator -> hanging.
      admin.producers.set('t-0', [producer({ producerId: 100, producerEpoch: 2, coordinatorEpoch: 1, currentTransactionStartOffset: 7, lastTimestamp: old })]);
      // 200: its coordinator still lists t-1 -> not hanging; it also has u-0, which it does not list -> hanging.
      admin.producers.set('t-1', [producer({ producerId: 200, currentTransactionStartOffset: 3, lastTimestamp: old })]);
      admin.producers.set('u-0', [
        producer({ producerId: 200, currentTransactionStartOffset: 11, lastTimestamp: old }),
        // recent: below the max transaction timeout.
        producer({ producerId: 300, currentTransactionStartOffset: 12, lastTimestamp: NOW - 1000 }),
        // no open transaction.
        producer({ producerId: 400, lastTimestamp: old }),
      ]);
      admin.listings.set(1, [{ transactionalId: 'tx-200', producerId: 200, state: 'Ongoing' }]);
      admin.descriptions.set('tx-200', {
        coordinatorId: 1,
        state: 'Ongoing',
        producerId: 200,
        producerEpoch: 0,
        transactionTimeoutMs: 60000,
        transactionStartTimeMs: old,
        topicPartitions: [{ topic: 't', partition: 1 }],
      });
      return admin;
    }

    it('finds open transactions older than the timeout that their coordinator does not know', async () => {
      const admin = cluster();
      const r = await exec(admin, 'find-hanging', '--broker-id', '1');
      expect(r.code).to.equal(0);
      // broker 1 hosts t-0 and u-0 only.
      expect(admin.producerCalls).to.deep.equal([
        {
          partitions: [
            { topic: 't', partition: 0 },
            { topic: 'u', partition: 0 },
          ],
          brokerId: 1,
        },
      ]);
      expect(admin.listFilters).to.deep.equal([[100, 200]]);
      expect(r.out.map((l) => l.split('\t').map((c) => c.trimEnd()))).to.deep.equal([
        ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)', ''],
        ['t', '0', '100', '2', '1', '7', String(NOW - 20 * 60000 - 1), '20', ''],
        ['u', '0', '200', '0', '-1', '11', String(NOW - 20 * 60000 - 1), '20', ''],
      ]);
    });

    it('searches one topic or one partition and honours --max-transaction-timeout', async () => {
      let admin = cluster();
      let r = await exec(admin, 'find-hanging', '--topic', 't');
      expect(r.out.length).to.equal(2);
      expect(r.out[1].split('\t').slice(0, 3)).to.deep.equal(['t    ', '0        ', '100       ']);
      admin = cluster();
      r = await exec(admin, 'find-hanging', '--topic', 't', '--partition', '1');
      expect(admin.producerCalls[0].partitions).to.deep.equal([{ topic: 't', partition: 1 }]);
      expect(r.out.length).to.equal(1);
      admin = cluster();
      r = await exec(admin, 'find-hanging', '--topic', 'u', '--max-transaction-timeout', '30');
      expect(r.out.length).to.equal(1);
      expect(admin.listFilters).to.deep.equal([]);
    });

    it('requires a scope', async () => {
      let r = await exec(new FakeAdmin(), 'find-hanging');
      expect(r.code).to.equal(1);
      expect(r.err).to.deep.equal(['The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search']);
      r = await exec(new FakeAdmin(), 'find-hanging', '--broker-id', '1', '--partition', '0');
      expect(r.err).to.deep.equal(['The --partition argument requires --topic to be provided']);
    });
  });
});
