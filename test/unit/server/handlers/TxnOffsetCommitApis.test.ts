/**
 * The TxnOffsetCommit handler (KafkaApis.handleTxnOffsetCommitRequest) over a real GroupCoordinator with an in-memory
 * __consumer_offsets: unknown topics and partitions, request-order answers, committed leader epoch and metadata kept,
 * and COORDINATOR_LOAD_IN_PROGRESS turned into COORDINATOR_NOT_AVAILABLE for v0-1 (KAFKA-7296).
 */
import { expect } from 'chai';
import { MockTime } from '../../coordinator/MockTime';
import { FakeOffsetsTopic, makeCoordinator, settle } from '../../coordinator/fakes';
import type { GroupCoordinator } from '../../../../src/coordinator/group/GroupCoordinator';
import type { RequestContext } from '../../../../src/network/RequestContext';
import { TxnOffsetCommitApi } from '../../../../src/protocol/apis';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../../../src/protocol/apis/28-txn-offset-commit';
import { ErrorCode } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import type { KafkaApisDeps } from '../../../../src/server/handlers/ApiDeps';
import { TxnOffsetCommitApis } from '../../../../src/server/handlers/TxnOffsetCommitApis';

const G = 'handler-group';

function ctx(apiVersion: number): RequestContext {
  return { header: { apiKey: 28, apiVersion, correlationId: 1, clientId: 'test' }, listenerName: 'PLAINTEXT', clientAddress: '127.0.0.1', connectionId: 'c' };
}

describe('server: TxnOffsetCommitApis (TxnOffsetCommit v0-3)', () => {
  let time: MockTime;
  let topic: FakeOffsetsTopic;
  let gc: GroupCoordinator;
  let apis: TxnOffsetCommitApis;

  beforeEach(async () => {
    time = new MockTime();
    topic = new FakeOffsetsTopic();
    gc = makeCoordinator(topic, time);
    for (let i = 0; i < 5; i++) gc.onElection(i);
    await settle(time);
    // Topic "t" has partitions 0 and 1.
    const metadataCache = {
      contains: (name: string) => name === 't',
      partitionState: (name: string, p: number) => (name === 't' && (p === 0 || p === 1) ? { leader: 1 } : undefined),
    };
    apis = new TxnOffsetCommitApis({ metadataCache } as unknown as KafkaApisDeps, gc);
  });

  async function send(v: number, topics: TxnOffsetCommitRequest['topics'], groupId = G): Promise<TxnOffsetCommitResponse> {
    const w = new Writer();
    const req: TxnOffsetCommitRequest = {
      transactionalId: 'tx',
      groupId,
      producerId: 77,
      producerEpoch: 1,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics,
    };
    TxnOffsetCommitApi.encodeRequest(w, v, req);
    const out = await apis.handleTxnOffsetCommit(ctx(v), new Reader(w.toBuffer()));
    return TxnOffsetCommitApi.decodeResponse(new Reader(Buffer.concat(out!)), v);
  }

  const part = (partitionIndex: number, committedOffset: number, committedMetadata: string | null = null, committedLeaderEpoch = -1) => ({
    partitionIndex,
    committedOffset,
    committedLeaderEpoch,
    committedMetadata,
  });

  for (const v of [0, 1, 2, 3]) {
    it(`v${v}: unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION, the others are pending until the COMMIT marker`, async () => {
      const res = await send(v, [
        { name: 't', partitions: [part(1, 11, 'm1', 4), part(7, 1)] },
        { name: 'nope', partitions: [part(0, 1)] },
        { name: 't', partitions: [part(0, 10)] },
      ]);
      expect(res.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])])).to.deep.equal([
        [
          't',
          [
            [1, 0],
            [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
          ],
        ],
        ['nope', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
        ['t', [[0, 0]]],
      ]);
      const asked = [
        { topic: 't', partition: 0 },
        { topic: 't', partition: 1 },
      ];
      expect(gc.handleFetchOffsets(G, asked, true).offsets.map((o) => o.errorCode)).to.deep.equal([
        ErrorCode.UNSTABLE_OFFSET_COMMIT,
        ErrorCode.UNSTABLE_OFFSET_COMMIT,
      ]);
      gc.scheduleHandleTxnCompletion(77, [gc.partitionFor(G)], true);
      // The leader epoch is carried from v2 on; a null metadata is stored as "".
      expect(gc.handleFetchOffsets(G, asked, true).offsets.map((o) => [o.offset, o.leaderEpoch, o.metadata, o.errorCode])).to.deep.equal([
        [10, -1, '', 0],
        [11, v >= 2 ? 4 : -1, 'm1', 0],
      ]);
    });
  }

  it('nothing known: no coordinator call, nothing written', async () => {
    const res = await send(3, [{ name: 'nope', partitions: [part(0, 1)] }], '');
    expect(res.topics[0].partitions[0].errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect([...topic.logs.values()].flat()).to.have.length(0);
  });

  it('COORDINATOR_LOAD_IN_PROGRESS for v2-3, COORDINATOR_NOT_AVAILABLE for v0-1 (producers before 2.0, KAFKA-7296)', async () => {
    const p = gc.partitionFor(G);
    gc.onResignation(p);
    gc.onElection(p);
    const codes = [];
    for (const v of [0, 1, 2, 3]) codes.push((await send(v, [{ name: 't', partitions: [part(0, 1)] }])).topics[0].partitions[0].errorCode);
    expect(codes).to.deep.equal([
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    ]);
  });
});
