import { expect } from 'chai';
import { RequestContext } from '../../../../src/network/RequestContext';
import { WriteTxnMarkersApi } from '../../../../src/protocol/apis';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../../../src/protocol/apis/27-write-txn-markers';
import { ErrorCode } from '../../../../src/protocol/errors';
import { ControlRecordType } from '../../../../src/protocol/messages/ControlRecords';
import { readBatchInfo } from '../../../../src/protocol/records/RecordBatch';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { readEndTxnMarker } from '../../../../src/log/EndTransactionMarker';
import { TxnMarkerApis } from '../../../../src/server/handlers/TxnMarkerApis';
import type { ReplicaManager, ProducePartitionResult } from '../../../../src/server/ReplicaManager';

interface Appended {
  acks: number;
  origin: string | undefined;
  entries: Array<{ topic: string; partition: number; records: Buffer }>;
}

/** A replica manager hosting `hosted` partitions whose appends answer `errorFor(topic, partition)`. */
function fakeReplicaManager(hosted: string[], errorFor: (t: string, p: number) => number, async: boolean): { rm: ReplicaManager; appended: Appended[] } {
  const appended: Appended[] = [];
  const rm = {
    getPartition: (t: string, p: number) => (hosted.includes(`${t}-${p}`) ? {} : undefined),
    appendRecords: (_v: number, acks: number, _timeout: number, entries: Appended['entries'], origin?: string) => {
      appended.push({ acks, origin, entries });
      const results: ProducePartitionResult[] = entries.map((e) => ({
        errorCode: errorFor(e.topic, e.partition),
        errorMessage: null,
        baseOffset: 0,
        logAppendTimeMs: -1,
        logStartOffset: 0,
      }));
      return async ? Promise.resolve(results) : results;
    },
  } as unknown as ReplicaManager;
  return { rm, appended };
}

async function call(api: TxnMarkerApis, v: number, req: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
  const w = new Writer();
  WriteTxnMarkersApi.encodeRequest(w, v, req);
  const ctx = {
    header: { apiKey: 27, apiVersion: v, correlationId: 1, clientId: 'coordinator' },
    listenerName: 'PLAINTEXT',
    clientAddress: '127.0.0.1',
    connectionId: 'c',
  };
  const body = await api.handleWriteTxnMarkers(ctx as RequestContext, new Reader(w.toBuffer()));
  return WriteTxnMarkersApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
}

describe('TxnMarkerApis: WriteTxnMarkers on the partition leaders (KafkaApis.handleWriteTxnMarkersRequest)', () => {
  for (const async of [false, true]) {
    it(`appends one control batch per partition as the coordinator with acks=-1, answers per producer (${async ? 'acks wait' : 'at once'})`, async () => {
      const calls: Array<[number, number[], boolean]> = [];
      const { rm, appended } = fakeReplicaManager(
        ['t-0', 't-1', '__consumer_offsets-3', '__consumer_offsets-4'],
        (t, p) => (t === 't' && p === 1 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : p === 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : ErrorCode.NONE),
        async,
      );
      const api = new TxnMarkerApis(rm, { scheduleHandleTxnCompletion: (pid, parts, committed) => calls.push([pid, parts, committed]) }, 1);
      const res = await call(api, 1, {
        markers: [
          {
            producerId: 42,
            producerEpoch: 3,
            transactionResult: false,
            coordinatorEpoch: 9,
            topics: [
              { name: 't', partitionIndexes: [0, 1, 2] },
              { name: '__consumer_offsets', partitionIndexes: [3, 4] },
            ],
          },
        ],
      });
      expect(res.markers).to.deep.equal([
        {
          producerId: 42,
          topics: [
            {
              name: 't',
              partitions: [
                { partitionIndex: 0, errorCode: ErrorCode.NONE },
                { partitionIndex: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
                { partitionIndex: 2, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
              ],
            },
            {
              name: '__consumer_offsets',
              partitions: [
                { partitionIndex: 3, errorCode: ErrorCode.NONE },
                { partitionIndex: 4, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH },
              ],
            },
          ],
        },
      ]);
      expect(appended).to.have.length(1);
      expect(appended[0].acks).to.equal(-1);
      expect(appended[0].origin).to.equal('coordinator');
      expect(appended[0].entries.map((e) => `${e.topic}-${e.partition}`)).to.deep.equal(['t-0', 't-1', '__consumer_offsets-3', '__consumer_offsets-4']);
      for (const e of appended[0].entries) {
        const b = readBatchInfo(e.records, 0);
        expect(b).to.include({ producerId: 42, producerEpoch: 3, isControl: true, isTransactional: true, recordCount: 1 });
        expect(readEndTxnMarker(e.records)).to.deep.equal({ type: ControlRecordType.ABORT, coordinatorEpoch: 9 });
      }
      expect(new Set(appended[0].entries.map((e) => e.records)).size, 'each partition its own buffer').to.equal(4);
      // Only the offsets partitions the marker reached: the group coordinator materialises or drops the offsets.
      expect(calls).to.deep.equal([[42, [3], false]]);
    });
  }

  it('markers of several producers are answered per producer id; no offsets partition, no group coordinator call', async () => {
    const calls: unknown[] = [];
    const { rm, appended } = fakeReplicaManager(['t-0'], () => ErrorCode.NONE, false);
    const api = new TxnMarkerApis(rm, { scheduleHandleTxnCompletion: (...a) => calls.push(a) }, 1);
    const res = await call(api, 0, {
      markers: [
        { producerId: 1, producerEpoch: 0, transactionResult: true, coordinatorEpoch: 0, topics: [{ name: 't', partitionIndexes: [0] }] },
        { producerId: 2, producerEpoch: 0, transactionResult: true, coordinatorEpoch: 0, topics: [{ name: 'gone', partitionIndexes: [0] }] },
      ],
    });
    expect(res.markers.map((m) => [m.producerId, m.topics.map((t) => [t.name, t.partitions.map((p) => p.errorCode)])])).to.deep.equal([
      [1, [['t', [ErrorCode.NONE]]]],
      [2, [['gone', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]],
    ]);
    expect(appended).to.have.length(1); // nothing to append for producer 2
    expect(readEndTxnMarker(appended[0].entries[0].records)).to.deep.equal({ type: ControlRecordType.COMMIT, coordinatorEpoch: 0 });
    expect(calls).to.deep.equal([]);
  });
});
