import { NetworkClient } from '../../src/network/NetworkClient';
import { FetchApi, FindCoordinatorApi, ProduceApi } from '../../src/protocol/apis';
import { buildRecordBatch } from '../../src/protocol/records/MemoryRecordsBuilder';

/** Protocol-level helpers for tests that need exact error codes rather than a client library's retries. */
export function batchOf(values: string[], key: string | null = null): Buffer {
  return buildRecordBatch({
    records: values.map((v) => ({ key: key === null ? null : Buffer.from(key), value: Buffer.from(v), timestamp: Date.now() })),
  });
}

export async function produceRaw(
  port: number,
  topic: string,
  partition: number,
  records: Buffer,
  acks = 1,
): Promise<{ errorCode: number; baseOffset: number }> {
  const c = new NetworkClient('127.0.0.1', port, 'raw-test', 10000);
  try {
    const res = await c.send(ProduceApi, 7, {
      transactionalId: null,
      acks,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    });
    const p = res.responses[0].partitionResponses[0];
    return { errorCode: p.errorCode, baseOffset: p.baseOffset };
  } finally {
    c.close();
  }
}

export async function fetchRaw(
  port: number,
  topic: string,
  partition: number,
  offset: number,
  maxWaitMs = 0,
): Promise<{ errorCode: number; highWatermark: number; bytes: number }> {
  const c = new NetworkClient('127.0.0.1', port, 'raw-test', 10000 + maxWaitMs);
  try {
    const res = await c.send(FetchApi, 11, {
      replicaId: -1,
      maxWaitMs,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const p = res.responses[0].partitions[0];
    // Decoded records are one slice of the frame; the response type names the chunk list the broker writes.
    const records = p.records as Buffer | Buffer[] | null;
    return {
      errorCode: p.errorCode,
      highWatermark: p.highWatermark,
      bytes: records === null ? 0 : Array.isArray(records) ? records.reduce((n, b) => n + b.length, 0) : records.length,
    };
  } finally {
    c.close();
  }
}

/** FindCoordinator v1 for a group, asked of the broker on `port`: the coordinator's node id and port. */
export async function findCoordinatorRaw(port: number, groupId: string): Promise<{ errorCode: number; nodeId: number; port: number }> {
  const c = new NetworkClient('127.0.0.1', port, 'raw-test', 5000);
  try {
    const res = await c.send(FindCoordinatorApi, 1, { key: groupId, keyType: 0 });
    return { errorCode: res.errorCode, nodeId: res.nodeId, port: res.port };
  } finally {
    c.close();
  }
}
