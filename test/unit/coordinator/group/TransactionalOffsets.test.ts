import { expect } from 'chai';
import { MockTime } from '../MockTime';
import { FakeOffsetsTopic, makeCoordinator, settle } from '../fakes';
import { GroupCoordinator } from '../../../../src/coordinator/group/GroupCoordinator';
import { OffsetAndMetadata } from '../../../../src/coordinator/group/GroupMetadata';
import { readMessageKey } from '../../../../src/coordinator/group/ConsumerOffsetsFormats';
import { JoinGroupParams } from '../../../../src/coordinator/group/GroupMembership';
import { JoinGroupResult } from '../../../../src/coordinator/group/MemberMetadata';
import { ControlRecordType, controlRecordKey } from '../../../../src/protocol/messages/ControlRecords';
import { ErrorCode } from '../../../../src/protocol/errors';
import { buildRecordBatch } from '../../../../src/protocol/records/MemoryRecordsBuilder';
import { iterateRecords, readBatchInfo } from '../../../../src/protocol/records/RecordBatch';

const G = 'txn-group';
const PID = 4000;
const EPOCH = 3;

/** An end-transaction marker batch as the partition leader writes it (MemoryRecords.withEndTransactionMarker). */
function markerBatch(producerId: number, producerEpoch: number, type: number, coordinatorEpoch = 0): Buffer {
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return buildRecordBatch({
    producerId,
    producerEpoch,
    isTransactional: true,
    isControl: true,
    records: [{ key: controlRecordKey(type), value, timestamp: 1 }],
  });
}

function joinParams(memberId = '', over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: G,
    memberId,
    groupInstanceId: null,
    requireKnownMemberId: false,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 10000,
    sessionTimeoutMs: 6000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 0]) }],
    ...over,
  };
}

describe('GroupCoordinator: transactional offset commits (TxnOffsetCommit, markers, RequireStable)', () => {
  let time: MockTime;
  let topic: FakeOffsetsTopic;
  let gc: GroupCoordinator;
  let p: number;

  const v = (offset: number, metadata = ''): OffsetAndMetadata => ({ offset, leaderEpoch: -1, metadata, commitTimestamp: time.now(), expireTimestamp: -1 });
  const txnCommit = (
    offsets: Array<[string, number, number]>,
    over: { group?: string; pid?: number; gen?: number; member?: string; instance?: string | null } = {},
  ) =>
    gc.handleTxnCommitOffsets(
      over.group ?? G,
      over.pid ?? PID,
      EPOCH,
      over.member ?? '',
      over.instance ?? null,
      over.gen ?? -1,
      offsets.map(([t, part, o]) => ({ topic: t, partition: part, value: v(o) })),
    );
  const fetch = (tps: Array<[string, number]>, requireStable = false, group = G) =>
    gc
      .handleFetchOffsets(
        group,
        tps.map(([t, part]) => ({ topic: t, partition: part })),
        requireStable,
      )
      .offsets.map((o) => [o.offset, o.errorCode]);
  const logOf = () => topic.logs.get(p) ?? [];

  beforeEach(async () => {
    time = new MockTime();
    topic = new FakeOffsetsTopic();
    gc = makeCoordinator(topic, time);
    for (let i = 0; i < 5; i++) gc.onElection(i);
    await settle(time);
    p = gc.partitionFor(G);
  });

  async function joinAlone(instance: string | null = null): Promise<JoinGroupResult> {
    const pj = gc.handleJoinGroup(joinParams('', { groupInstanceId: instance }));
    await settle(time);
    const j = await pj;
    expect(j.errorCode).to.equal(ErrorCode.NONE);
    const s = await gc.handleSyncGroup(G, j.generationId, j.memberId, instance, new Map([[j.memberId, Buffer.from('A')]]));
    expect(s.errorCode).to.equal(ErrorCode.NONE);
    return j;
  }

  it('appends one transactional batch of the producer (baseSequence 0, as Kafka) and keeps the offsets pending: invisible, UNSTABLE_OFFSET_COMMIT with requireStable', async () => {
    expect(
      await txnCommit([
        ['t', 0, 10],
        ['t', 1, 20],
      ]),
    ).to.deep.equal([0, 0]);
    expect(logOf()).to.have.length(1);
    const info = readBatchInfo(logOf()[0], 0);
    expect(info).to.include({ producerId: PID, producerEpoch: EPOCH, baseSequence: 0, isTransactional: true, isControl: false, recordCount: 2 });
    const keys = [...iterateRecords(logOf()[0])].map((r) => readMessageKey(r.key!));
    expect(keys.map((k) => (k.kind === 'offset' ? `${k.group}/${k.topic}-${k.partition}` : k.kind))).to.deep.equal([`${G}/t-0`, `${G}/t-1`]);
    // The group was created Empty by the commit, as Kafka does.
    expect(gc.handleDescribeGroup(G).summary.state).to.equal('Empty');
    expect(
      fetch([
        ['t', 0],
        ['t', 1],
        ['t', 2],
      ]),
    ).to.deep.equal([
      [-1, 0],
      [-1, 0],
      [-1, 0],
    ]);
    expect(
      fetch(
        [
          ['t', 0],
          ['t', 2],
        ],
        true,
      ),
    ).to.deep.equal([
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
      [-1, 0],
    ]);
    // All-partitions fetch lists committed offsets only.
    expect(gc.handleFetchOffsets(G, null, true).offsets).to.deep.equal([]);
    expect(gc.groupManager.isGroupOpenForProducer(PID, G)).to.equal(true);
  });

  it('COMMIT marker: the pending offsets become the committed ones; ABORT: they are dropped and the old ones stay', async () => {
    await txnCommit([['t', 0, 10]]);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(fetch([['t', 0]], true)).to.deep.equal([[10, 0]]);
    expect(gc.groupManager.isGroupOpenForProducer(PID, G)).to.equal(false);

    await txnCommit([['t', 0, 99]]);
    expect(fetch([['t', 0]])).to.deep.equal([[10, 0]]);
    gc.scheduleHandleTxnCompletion(PID, [p], false);
    expect(fetch([['t', 0]], true)).to.deep.equal([[10, 0]]);
    expect(gc.groupManager.getGroup(G)!.offsets.hasPendingOffsetCommitsFromProducer(PID)).to.equal(false);
  });

  it('a marker for another __consumer_offsets partition or another producer leaves the pending offsets alone', async () => {
    await txnCommit([['t', 0, 10]]);
    gc.scheduleHandleTxnCompletion(PID, [(p + 1) % 5], true);
    gc.scheduleHandleTxnCompletion(PID + 1, [p], true);
    expect(fetch([['t', 0]], true)).to.deep.equal([[-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]]);
    gc.scheduleHandleTxnCompletion(PID, [p, (p + 1) % 5], true);
    expect(fetch([['t', 0]], true)).to.deep.equal([[10, 0]]);
  });

  it('two producers pending on one group complete independently', async () => {
    await txnCommit([['t', 0, 10]], { pid: PID });
    await txnCommit([['t', 1, 20]], { pid: PID + 1 });
    gc.scheduleHandleTxnCompletion(PID + 1, [p], true);
    expect(
      fetch(
        [
          ['t', 0],
          ['t', 1],
        ],
        true,
      ),
    ).to.deep.equal([
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
      [20, 0],
    ]);
    gc.scheduleHandleTxnCompletion(PID, [p], false);
    expect(
      fetch(
        [
          ['t', 0],
          ['t', 1],
        ],
        true,
      ),
    ).to.deep.equal([
      [-1, 0],
      [20, 0],
    ]);
  });

  it('log order decides between a regular and a transactional commit of one partition (GroupMetadata.completePendingTxnOffsetCommit)', async () => {
    // Transactional first, regular after it: the regular one is newer in the log and stays after COMMIT.
    await txnCommit([['t', 0, 10]]);
    expect(await gc.handleCommitOffsets(G, '', null, -1, [{ topic: 't', partition: 0, value: v(15) }])).to.equal(0);
    // A regular commit's batch: no producer, but baseSequence 0 too (GroupMetadataManager.generateOffsetRecords).
    expect(readBatchInfo(logOf()[1], 0)).to.include({ producerId: -1, producerEpoch: -1, baseSequence: 0, isTransactional: false });
    expect(fetch([['t', 0]])).to.deep.equal([[15, 0]]);
    expect(fetch([['t', 0]], true)).to.deep.equal([[-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]]);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(fetch([['t', 0]], true)).to.deep.equal([[15, 0]]);
    // Regular first, transactional after it: COMMIT replaces it.
    await txnCommit([['t', 0, 30]]);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(fetch([['t', 0]], true)).to.deep.equal([[30, 0]]);
  });

  it('v3 checks against a group with members: ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID with nothing written; v0-2 commits need no member', async () => {
    const j = await joinAlone('instance-1');
    const before = logOf().length;
    expect(await txnCommit([['t', 0, 1]], { gen: j.generationId + 1, member: j.memberId, instance: 'instance-1' })).to.deep.equal([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(await txnCommit([['t', 0, 1]], { gen: j.generationId, member: 'nobody' })).to.deep.equal([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await txnCommit([['t', 0, 1]], { gen: j.generationId, member: 'zombie', instance: 'instance-1' })).to.deep.equal([ErrorCode.FENCED_INSTANCE_ID]);
    expect(logOf().length).to.equal(before);
    expect(gc.groupManager.getGroup(G)!.hasOffsets()).to.equal(false);
    // The right generation and member, and the older form without them (a producer outside the group), are taken.
    expect(await txnCommit([['t', 0, 1]], { gen: j.generationId, member: j.memberId, instance: 'instance-1' })).to.deep.equal([0]);
    expect(await txnCommit([['t', 1, 2]], { pid: PID + 1 })).to.deep.equal([0]);
    expect(logOf().length).to.equal(before + 2);
  });

  it('group id, coordinator and metadata checks: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, OFFSET_METADATA_TOO_LARGE', async () => {
    expect(await txnCommit([['t', 0, 1]], { group: '' })).to.deep.equal([ErrorCode.INVALID_GROUP_ID]);
    gc.onResignation(p);
    expect(await txnCommit([['t', 0, 1]])).to.deep.equal([ErrorCode.NOT_COORDINATOR]);
    gc.onElection(p);
    expect(await txnCommit([['t', 0, 1]])).to.deep.equal([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
    await settle(time);
    const res = await gc.handleTxnCommitOffsets(G, PID, EPOCH, '', null, -1, [
      { topic: 't', partition: 0, value: v(1, 'x'.repeat(4097)) },
      { topic: 't', partition: 1, value: v(2, 'ok') },
    ]);
    expect(res).to.deep.equal([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
    expect([...iterateRecords(logOf()[logOf().length - 1])]).to.have.length(1);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(
      fetch([
        ['t', 0],
        ['t', 1],
      ]),
    ).to.deep.equal([
      [-1, 0],
      [2, 0],
    ]);
  });

  it('producer id -1 (RecordBatch.NO_PRODUCER_ID) makes it a regular commit, visible at once, as GroupMetadataManager.storeOffsets decides', async () => {
    expect(await txnCommit([['t', 0, 10]], { pid: -1 })).to.deep.equal([0]);
    expect(readBatchInfo(logOf()[0], 0)).to.include({ producerId: -1, isTransactional: false });
    expect(fetch([['t', 0]], true)).to.deep.equal([[10, 0]]);
  });

  it('a failed append drops the pending offsets and maps the error (NOT_LEADER_OR_FOLLOWER -> NOT_COORDINATOR)', async () => {
    topic.appendError = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    expect(await txnCommit([['t', 0, 1]])).to.deep.equal([ErrorCode.NOT_COORDINATOR]);
    expect(fetch([['t', 0]], true)).to.deep.equal([[-1, 0]]);
    expect(gc.groupManager.getGroup(G)!.hasOffsets()).to.equal(false);
  });

  it('loading: COMMITted offsets applied, ABORTed ones never seen, an open transaction stays pending and completes later', async () => {
    await gc.handleCommitOffsets(G, '', null, -1, [{ topic: 't', partition: 3, value: v(3) }]);
    await txnCommit([['t', 0, 10]], { pid: 1 });
    await txnCommit([['t', 1, 11]], { pid: 2 });
    await txnCommit([['t', 2, 12]], { pid: 3 });
    await txnCommit([['u', 0, 50]], { pid: 1, group: 'simple-txn' });
    await topic.append(p, markerBatch(1, EPOCH, ControlRecordType.COMMIT));
    await topic.append(p, markerBatch(2, EPOCH, ControlRecordType.ABORT));
    if (gc.partitionFor('simple-txn') !== p) await topic.append(gc.partitionFor('simple-txn'), markerBatch(1, EPOCH, ControlRecordType.COMMIT));

    const other = makeCoordinator(topic, time);
    for (let i = 0; i < 5; i++) other.onElection(i);
    await settle(time);
    gc = other;
    expect(
      fetch(
        [
          ['t', 0],
          ['t', 1],
          ['t', 2],
          ['t', 3],
        ],
        true,
      ),
    ).to.deep.equal([
      [10, 0],
      [-1, 0],
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
      [3, 0],
    ]);
    expect(fetch([['u', 0]], true, 'simple-txn')).to.deep.equal([[50, 0]]);
    expect(gc.groupManager.isGroupOpenForProducer(3, G)).to.equal(true);
    gc.scheduleHandleTxnCompletion(3, [p], true);
    expect(fetch([['t', 2]], true)).to.deep.equal([[12, 0]]);
  });

  it('loading: a group with only an open transaction is loaded Empty with it pending; a later regular commit in the log wins over the COMMITted one', async () => {
    await txnCommit([['t', 0, 10]], { pid: 7 });
    await gc.handleCommitOffsets(G, '', null, -1, [{ topic: 't', partition: 0, value: v(12) }]);
    await topic.append(p, markerBatch(7, EPOCH, ControlRecordType.COMMIT));
    await txnCommit([['t', 1, 20]], { pid: 8 });
    const other = makeCoordinator(topic, time);
    for (let i = 0; i < 5; i++) other.onElection(i);
    await settle(time);
    gc = other;
    expect(
      fetch(
        [
          ['t', 0],
          ['t', 1],
        ],
        true,
      ),
    ).to.deep.equal([
      [12, 0],
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
    ]);

    // A group with nothing but a pending transaction still loads (and stays while it is pending).
    const lone = 'lone-txn';
    expect(await gc.handleTxnCommitOffsets(lone, 9, 0, '', null, -1, [{ topic: 't', partition: 0, value: v(1) }])).to.deep.equal([0]);
    const third = makeCoordinator(topic, time);
    third.onElection(gc.partitionFor(lone));
    await settle(time);
    expect(third.handleDescribeGroup(lone).summary.state).to.equal('Empty');
    expect(third.handleFetchOffsets(lone, [{ topic: 't', partition: 0 }], true).offsets[0].errorCode).to.equal(ErrorCode.UNSTABLE_OFFSET_COMMIT);
  });

  it('expiry: pending transactional offsets keep an Empty group alive; DeleteGroups removes them with the group', async () => {
    gc = makeCoordinator(topic, time, { retentionMs: 1000 });
    for (let i = 0; i < 5; i++) gc.onElection(i);
    await settle(time);
    await txnCommit([['t', 0, 10]]);
    time.advance(5000);
    expect(await gc.groupManager.cleanupGroupMetadata()).to.equal(0);
    expect(gc.handleListGroups().groups.map((g) => g.groupId)).to.deep.equal([G]);
    expect(fetch([['t', 0]], true)).to.deep.equal([[-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]]);
    // Committed, the offset then expires like any other once retention passed since the group became Empty.
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(await gc.groupManager.cleanupGroupMetadata()).to.equal(1);
    expect(gc.handleListGroups().groups).to.deep.equal([]);

    await txnCommit([['t', 0, 10]]);
    await gc.handleCommitOffsets(G, '', null, -1, [{ topic: 't', partition: 0, value: v(11) }]);
    const res = await gc.handleDeleteGroups([G]);
    expect(res.get(G)).to.equal(0);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(fetch([['t', 0]], true)).to.deep.equal([[-1, 0]]);
  });

  it('OffsetDelete drops pending commits of the partition too, even without a committed offset (GroupMetadata.removeOffsets)', async () => {
    await txnCommit([
      ['t', 0, 10],
      ['t', 1, 11],
    ]);
    const before = logOf().length;
    const res = await gc.handleDeleteOffsets(G, [{ topic: 't', partition: 0 }]);
    expect(res.partitions).to.deep.equal([{ topic: 't', partition: 0, errorCode: 0 }]);
    // Nothing was committed, so no tombstone is written.
    expect(logOf().length).to.equal(before);
    expect(
      fetch(
        [
          ['t', 0],
          ['t', 1],
        ],
        true,
      ),
    ).to.deep.equal([
      [-1, 0],
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
    ]);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(
      fetch([
        ['t', 0],
        ['t', 1],
      ]),
    ).to.deep.equal([
      [-1, 0],
      [11, 0],
    ]);
  });

  it('unloading the partition forgets the producer groups; a marker afterwards changes nothing', async () => {
    await txnCommit([['t', 0, 10]]);
    gc.onResignation(p);
    expect(gc.groupManager.isGroupOpenForProducer(PID, G)).to.equal(false);
    gc.scheduleHandleTxnCompletion(PID, [p], true);
    expect(gc.groupManager.getGroup(G)).to.equal(undefined);
  });
});
