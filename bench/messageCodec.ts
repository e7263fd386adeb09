/**
 * `node dist/bench/messageCodec.js`: nanoseconds per encode/decode of a 6-partition Fetch request and response
 * (the follower fetch loop's messages) at v11 and v16, through the codecs derived by MessageCodec.
 */
import { FetchApi } from '../src/protocol/apis';
import { FetchRequest, FetchResponse } from '../src/protocol/apis/01-fetch';
import { Reader } from '../src/protocol/Reader';
import { Writer } from '../src/protocol/Writer';

const records = Buffer.alloc(1200, 1);
const topicId = Buffer.alloc(16, 3);
const partitions = [0, 1, 2, 3, 4, 5];

const response: FetchResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 5,
  responses: [
    {
      topic: 'bench-topic',
      topicId,
      partitions: partitions.map((i) => ({
        partitionIndex: i,
        errorCode: 0,
        highWatermark: 1000,
        lastStableOffset: 1000,
        logStartOffset: 0,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: [records],
      })),
    },
  ],
};

const request = {
  clusterId: null,
  replicaId: 2,
  replicaState: { replicaId: 2, replicaEpoch: -1 },
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 1 << 20,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [
    {
      topic: 'bench-topic',
      topicId,
      partitions: partitions.map((i) => ({
        partition: i,
        currentLeaderEpoch: 0,
        fetchOffset: 100,
        lastFetchedEpoch: 0,
        logStartOffset: 0,
        partitionMaxBytes: 1 << 20,
      })),
    },
  ],
  forgottenTopicsData: [],
  rackId: '',
} as unknown as FetchRequest;

function time(name: string, fn: () => void, n = 200_000): void {
  for (let i = 0; i < 20_000; i++) fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  console.log(`${name.padEnd(34)} ${(Number(process.hrtime.bigint() - t) / n).toFixed(0).padStart(6)} ns`);
}

for (const v of [11, 16]) {
  const reqBytes = (() => {
    const w = new Writer(256);
    FetchApi.encodeRequest(w, v, request);
    return w.toBuffer();
  })();
  const resBytes = (() => {
    const w = new Writer(256);
    FetchApi.encodeResponse(w, v, response);
    return w.toBuffer();
  })();
  time(`Fetch v${v} encode response`, () => withResponse(v).toBuffers());
  time(`Fetch v${v} decode request`, () => FetchApi.decodeRequest(new Reader(reqBytes), v));
  time(`Fetch v${v} decode response`, () => FetchApi.decodeResponse(new Reader(resBytes), v));
}

function withResponse(v: number): Writer {
  const w = new Writer(256);
  FetchApi.encodeResponse(w, v, response);
  return w;
}
