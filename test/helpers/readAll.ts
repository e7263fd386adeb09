import { NetworkClient } from '../../src/network/NetworkClient';
import { FetchApi } from '../../src/protocol/apis';
import { iterateRecords, validateBatches } from '../../src/protocol/records/RecordBatch';
import { TestCluster } from './cluster';
import { waitFor } from './ports';

/** Reads a partition from offset 0 up to `end` with raw Fetch requests and returns the record values. */
export async function readPartition(port: number, topic: string, partition: number, end: number): Promise<string[]> {
  const c = new NetworkClient('127.0.0.1', port, 'read-all', 10000);
  const values: string[] = [];
  let offset = 0;
  try {
    while (offset < end) {
      const res = await c.send(FetchApi, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 4 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 4 << 20 }] }],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = res.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      const buf = p.records === null ? Buffer.alloc(0) : Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
      if (buf.length === 0) break;
      for (const b of validateBatches(buf)) {
        const batch = buf.subarray(b.position, b.position + b.size);
        for (const r of iterateRecords(batch)) {
          const off = b.baseOffset + r.offsetDelta;
          if (off >= offset && r.value) values.push(r.value.toString('utf8'));
        }
        offset = b.lastOffset + 1;
      }
    }
  } finally {
    c.close();
  }
  return values;
}

/**
 * Reads a whole partition from its leader as a client would: the leader comes from Metadata (not from the
 * state znode, which the controller writes before its LeaderAndIsr reaches the new leader), and a retriable
 * answer (NOT_LEADER_OR_FOLLOWER while that request is in flight, a broker still starting) means refresh and retry.
 */
export async function readFromLeader(cluster: TestCluster, topic: string, partition: number, timeoutMs = 20000): Promise<{ leader: number; values: string[] }> {
  return waitFor(
    `${topic}-${partition} readable from its leader`,
    async () => {
      const md = await cluster.metadata(undefined, [topic]);
      const leader = md.topics[0]?.partitions.find((p) => p.partitionIndex === partition)?.leaderId ?? -1;
      if (leader < 0 || !cluster.broker(leader).proc) return null;
      return { leader, values: await readPartition(cluster.broker(leader).port, topic, partition, 1e9) };
    },
    timeoutMs,
  );
}
