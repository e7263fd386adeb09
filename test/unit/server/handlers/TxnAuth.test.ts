/**
 * Transaction API authorization (KafkaApis 3.7: handleInitProducerIdRequest, handleAddPartitionsToTxnRequest,
 * handleAddOffsetsToTxnRequest, handleEndTxnRequest, handleTxnOffsetCommitRequest, handleDescribeTransactionsRequest,
 * handleListTransactionsRequest) against a fake authorizer and fake coordinators.
 */
import { expect } from 'chai';
import {
  AddOffsetsToTxnApi,
  AddPartitionsToTxnApi,
  DescribeTransactionsApi,
  EndTxnApi,
  InitProducerIdApi,
  ListTransactionsApi,
  TxnOffsetCommitApi,
} from '../../../../src/protocol/apis';
import { ErrorCode } from '../../../../src/protocol/errors';
import { AclOperation as O } from '../../../../src/security/AclEntry';
import { CLUSTER_NAME, ResourceType as R } from '../../../../src/security/authorizer/Authorizer';
import type { GroupCoordinator } from '../../../../src/coordinator/group/GroupCoordinator';
import type { TransactionCoordinator } from '../../../../src/coordinator/transaction/TransactionCoordinator';
import { KafkaApisDeps } from '../../../../src/server/handlers/ApiDeps';
import { TransactionApis } from '../../../../src/server/handlers/TransactionApis';
import { TxnOffsetCommitApis } from '../../../../src/server/handlers/TxnOffsetCommitApis';
import { FakeAuthorizer } from './FakeAuthorizer';
import { callAsAlice as call, oneBrokerCache } from './authTestSupport';

type Grant = [number, number, string];

function setup(grants: Grant[]) {
  const calls: string[] = [];
  const txn = {
    handleInitProducerId: async () => (calls.push('init'), { error: 0, producerId: 7, producerEpoch: 0 }),
    handleAddPartitionsToTransaction: async (_id: string, _p: number, _e: number, tps: Array<{ topic: string }>) => (
      calls.push(`add:${tps.map((t) => t.topic).join(',')}`),
      0
    ),
    handleVerifyPartitionsInTransaction: () => new Map(),
    handleEndTransaction: async () => (calls.push('end'), 0),
    handleDescribeTransactions: (transactionalId: string) => ({
      errorCode: 0,
      transactionalId,
      transactionState: 'Ongoing',
      transactionTimeoutMs: 1000,
      transactionStartTimeMs: 1,
      producerId: 7,
      producerEpoch: 0,
      topics: [
        { topic: 'a', partitions: [0] },
        { topic: 'b', partitions: [0] },
      ],
    }),
    handleListTransactions: () => ({
      errorCode: 0,
      unknownStateFilters: [],
      transactionStates: ['t1', 't2'].map((transactionalId) => ({ transactionalId, producerId: 1, transactionState: 'Ongoing' })),
    }),
  } as unknown as TransactionCoordinator;
  const group = {
    partitionFor: () => 0,
    handleTxnCommitOffsets: async (_g: string, _p: number, _e: number, _m: string, _i: string | null, _gen: number, offsets: Array<{ topic: string }>) => {
      calls.push(`txnCommit:${offsets.map((o) => o.topic).join(',')}`);
      return offsets.map(() => 0);
    },
  } as unknown as GroupCoordinator;
  const deps = {
    config: { brokerId: 1, offsetsTopicPartitions: 50 },
    metadataCache: oneBrokerCache(['a', 'b']),
    groupCoordinator: group,
    authorizer: new FakeAuthorizer(grants),
  } as unknown as KafkaApisDeps;
  return { calls, txns: new TransactionApis(deps, txn), offsets: new TxnOffsetCommitApis(deps, group) };
}

const init = (txns: TransactionApis, transactionalId: string | null) =>
  call(InitProducerIdApi, 4, { transactionalId, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 }, (c, r) => txns.handleInitProducerId(c, r));

describe('Transaction API authorization (KafkaApis 3.7 with an authorizer)', () => {
  it('InitProducerId: transactional id WRITE; idempotent: cluster IDEMPOTENT_WRITE or WRITE on any topic', async () => {
    const none = setup([]);
    expect((await init(none.txns, 'tx')).errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await init(none.txns, null)).errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect(none.calls).to.deep.equal([]);
    expect((await init(setup([[O.WRITE, R.TRANSACTIONAL_ID, 'tx']]).txns, 'tx')).producerId).to.equal(7);
    expect((await init(setup([[O.IDEMPOTENT_WRITE, R.CLUSTER, CLUSTER_NAME]]).txns, null)).errorCode).to.equal(0);
    expect((await init(setup([[O.WRITE, R.TOPIC, 'b']]).txns, null)).errorCode).to.equal(0);
  });

  it('AddPartitionsToTxn v3: transactional id WRITE, then topic WRITE; one denied topic fails the transaction', async () => {
    const req = (txns: TransactionApis) =>
      call(
        AddPartitionsToTxnApi,
        3,
        {
          transactions: [],
          v3AndBelowTransactionalId: 'tx',
          v3AndBelowProducerId: 7,
          v3AndBelowProducerEpoch: 0,
          v3AndBelowTopics: [
            { name: 'a', partitions: [0] },
            { name: 'b', partitions: [0] },
          ],
        },
        (c, r) => txns.handleAddPartitionsToTxn(c, r),
      );
    const rows = (res: Awaited<ReturnType<typeof req>>) => res.resultsByTopicV3AndBelow.map((t) => [t.name, t.resultsByPartition[0].partitionErrorCode]);
    const noTxn = setup([[O.WRITE, R.TOPIC, 'a']]);
    expect(rows(await req(noTxn.txns))).to.deep.equal([
      ['a', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
      ['b', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
    ]);
    const oneTopic = setup([
      [O.WRITE, R.TRANSACTIONAL_ID, 'tx'],
      [O.WRITE, R.TOPIC, 'a'],
    ]);
    expect(rows(await req(oneTopic.txns))).to.deep.equal([
      ['a', ErrorCode.OPERATION_NOT_ATTEMPTED],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect([...noTxn.calls, ...oneTopic.calls]).to.deep.equal([]);
    const both = setup([
      [O.WRITE, R.TRANSACTIONAL_ID, 'tx'],
      [O.WRITE, R.TOPIC, 'a'],
      [O.WRITE, R.TOPIC, 'b'],
    ]);
    expect(rows(await req(both.txns))).to.deep.equal([
      ['a', 0],
      ['b', 0],
    ]);
    expect(both.calls).to.deep.equal(['add:a,b']);
  });

  it('AddPartitionsToTxn v4 (broker verification) needs CLUSTER_ACTION', async () => {
    const { txns, calls } = setup([[O.WRITE, R.TRANSACTIONAL_ID, 'tx']]);
    const res = await call(
      AddPartitionsToTxnApi,
      4,
      {
        transactions: [{ transactionalId: 'tx', producerId: 7, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'a', partitions: [0] }] }],
        v3AndBelowTransactionalId: '',
        v3AndBelowProducerId: 0,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [],
      },
      (c, r) => txns.handleAddPartitionsToTxn(c, r),
    );
    expect(res.errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect(calls).to.deep.equal([]);
  });

  it('AddOffsetsToTxn: transactional id WRITE, then group READ; EndTxn: transactional id WRITE', async () => {
    const add = (txns: TransactionApis) =>
      call(AddOffsetsToTxnApi, 3, { transactionalId: 'tx', producerId: 7, producerEpoch: 0, groupId: 'g' }, (c, r) => txns.handleAddOffsetsToTxn(c, r));
    expect((await add(setup([[O.READ, R.GROUP, 'g']]).txns)).errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await add(setup([[O.WRITE, R.TRANSACTIONAL_ID, 'tx']]).txns)).errorCode).to.equal(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const ok = setup([
      [O.WRITE, R.TRANSACTIONAL_ID, 'tx'],
      [O.READ, R.GROUP, 'g'],
    ]);
    expect((await add(ok.txns)).errorCode).to.equal(0);
    const end = (txns: TransactionApis) =>
      call(EndTxnApi, 3, { transactionalId: 'tx', producerId: 7, producerEpoch: 0, committed: true }, (c, r) => txns.handleEndTxn(c, r));
    expect((await end(setup([]).txns)).errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await end(ok.txns)).errorCode).to.equal(0);
    expect(ok.calls).to.deep.equal(['add:__consumer_offsets', 'end']);
  });

  it('TxnOffsetCommit: transactional id WRITE, group READ (whole request), then topic READ', async () => {
    const commit = (s: ReturnType<typeof setup>) =>
      call(
        TxnOffsetCommitApi,
        3,
        {
          transactionalId: 'tx',
          groupId: 'g',
          producerId: 7,
          producerEpoch: 0,
          generationId: -1,
          memberId: '',
          groupInstanceId: null,
          topics: ['a', 'b'].map((name) => ({
            name,
            partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: '' }],
          })),
        },
        (c, r) => s.offsets.handleTxnOffsetCommit(c, r),
      ).then((res) => res.topics.map((t) => [t.name, t.partitions[0].errorCode]));
    expect(await commit(setup([[O.READ, R.GROUP, 'g']]))).to.deep.equal([
      ['a', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
      ['b', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
    ]);
    expect(await commit(setup([[O.WRITE, R.TRANSACTIONAL_ID, 'tx']]))).to.deep.equal([
      ['a', ErrorCode.GROUP_AUTHORIZATION_FAILED],
      ['b', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    ]);
    const partial = setup([
      [O.WRITE, R.TRANSACTIONAL_ID, 'tx'],
      [O.READ, R.GROUP, 'g'],
      [O.READ, R.TOPIC, 'b'],
    ]);
    expect(await commit(partial)).to.deep.equal([
      ['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['b', 0],
    ]);
    expect(partial.calls).to.deep.equal(['txnCommit:b']);
  });

  it('DescribeTransactions: transactional id DESCRIBE, only DESCRIBE-able topics; ListTransactions filters ids', async () => {
    const { txns } = setup([
      [O.DESCRIBE, R.TRANSACTIONAL_ID, 't1'],
      [O.DESCRIBE, R.TOPIC, 'b'],
    ]);
    const d = await call(DescribeTransactionsApi, 0, { transactionalIds: ['t1', 't2'] }, (c, r) => txns.handleDescribeTransactions(c, r));
    expect(d.transactionStates.map((s) => [s.transactionalId, s.errorCode, s.topics.map((t) => t.topic)])).to.deep.equal([
      ['t1', 0, ['b']],
      ['t2', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, []],
    ]);
    const l = await call(ListTransactionsApi, 0, { stateFilters: [], producerIdFilters: [] }, (c, r) => txns.handleListTransactions(c, r));
    expect(l.transactionStates.map((s) => s.transactionalId)).to.deep.equal(['t1']);
  });
});
