/**
 * WriteTxnMarkers on the partition leaders (KafkaApis.handleWriteTxnMarkersRequest): the transaction coordinator
 * sends each producer's COMMIT or ABORT to every partition of the transaction, even when the leader is itself.
 * Per marker entry, one control batch (MemoryRecords.withEndTransactionMarker) per partition is appended with
 * AppendOrigin.COORDINATOR and acks=-1; the log checks the producer epoch (INVALID_PRODUCER_EPOCH) and the
 * coordinator epoch (TRANSACTION_COORDINATOR_FENCED) before writing. Once markers land on __consumer_offsets
 * partitions the group coordinator materialises or drops that producer's pending offsets
 * (GroupCoordinator.scheduleHandleTxnCompletion). Answers per producer id and partition. Without an authorizer
 * (our only mode) Kafka's CLUSTER_ACTION check always passes.
 */
import type { RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { WriteTxnMarkersApi } from '../../protocol/apis';
import type { WritableTxnMarker, WritableTxnMarkerResult } from '../../protocol/apis/27-write-txn-markers';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { ControlRecordType } from '../../protocol/messages/ControlRecords';
import { Reader } from '../../protocol/Reader';
import { getLogger, Logger } from '../../common/logger';
import { buildEndTxnMarkerBatch } from '../../log/EndTransactionMarker';
import type { ProducePartitionResult, ReplicaManager } from '../ReplicaManager';

/** Topic.GROUP_METADATA_TOPIC_NAME. */
const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';
/** request.timeout.ms's default, which Kafka's marker appends wait for acks=-1 (config.requestTimeoutMs). */
const MARKER_APPEND_TIMEOUT_MS = 30000;

/** The group coordinator's hook for transactional offset commits (contract: GroupCoordinator.scheduleHandleTxnCompletion). */
interface TxnCompletionListener {
  scheduleHandleTxnCompletion(producerId: number, offsetsPartitions: number[], committed: boolean): void;
}

type PartitionErrors = Map<string, Map<number, number>>;

export class TxnMarkerApis {
  private readonly log: Logger;

  constructor(
    private readonly rm: ReplicaManager,
    private readonly groupCoordinator: TxnCompletionListener | undefined,
    brokerId: number,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${brokerId}] `);
  }

  handleWriteTxnMarkers(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    const req = WriteTxnMarkersApi.decodeRequest(r, v);
    // WriteTxnMarkersResponse(Map[producerId, Map[tp, error]]): one result per producer id, first-seen order.
    const errors = new Map<number, PartitionErrors>();
    const pending = req.markers.map((m) => this.writeMarker(m, errors));
    const respond = (): ResponseBody => {
      const markers: WritableTxnMarkerResult[] = [...errors].map(([producerId, topics]) => ({
        producerId,
        topics: [...topics].map(([name, parts]) => ({ name, partitions: [...parts].map(([partitionIndex, errorCode]) => ({ partitionIndex, errorCode })) })),
      }));
      return encodeResponse(WriteTxnMarkersApi, v, { markers });
    };
    const waits = pending.filter((p): p is Promise<void> => p instanceof Promise);
    return waits.length === 0 ? respond() : Promise.all(waits).then(respond);
  }

  private writeMarker(marker: WritableTxnMarker, errors: Map<number, PartitionErrors>): void | Promise<void> {
    let byTopic = errors.get(marker.producerId);
    if (!byTopic) {
      byTopic = new Map();
      errors.set(marker.producerId, byTopic);
    }
    const put = (topic: string, partition: number, code: number): void => {
      let parts = byTopic.get(topic);
      if (!parts) {
        parts = new Map();
        byTopic.set(topic, parts);
      }
      parts.set(partition, code);
    };
    const committed = marker.transactionResult;
    const batch = buildEndTxnMarkerBatch(marker.producerId, marker.producerEpoch, {
      type: committed ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
      coordinatorEpoch: marker.coordinatorEpoch,
    });
    const entries: Array<{ topic: string; partition: number; records: Buffer }> = [];
    for (const t of marker.topics) {
      for (const partition of t.partitionIndexes) {
        // ReplicaManager.getMagic: a partition without a local replica is UNKNOWN_TOPIC_OR_PARTITION; a follower here
        // is answered NOT_LEADER_OR_FOLLOWER by the append. (Every log here is message format v2.)
        if (!this.rm.getPartition(t.name, partition)) {
          put(t.name, partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        put(t.name, partition, ErrorCode.NONE);
        // Each partition gets its own copy: the append patches offsets and the leader epoch in place.
        entries.push({ topic: t.name, partition, records: Buffer.from(batch) });
      }
    }
    if (entries.length === 0) return;
    const onAppended = (results: ProducePartitionResult[]): void => {
      const offsetsPartitions: number[] = [];
      results.forEach((res, i) => {
        const e = entries[i];
        put(e.topic, e.partition, res.errorCode);
        if (e.topic === GROUP_METADATA_TOPIC_NAME && res.errorCode === ErrorCode.NONE) offsetsPartitions.push(e.partition);
      });
      if (offsetsPartitions.length === 0 || !this.groupCoordinator) return;
      // As soon as the marker is written for transactional offset commits, the group coordinator materialises them.
      try {
        this.groupCoordinator.scheduleHandleTxnCompletion(marker.producerId, offsetsPartitions, committed);
      } catch (e) {
        this.log.error('Received an exception while trying to update the offsets cache on transaction marker append', e);
        for (const p of offsetsPartitions) put(GROUP_METADATA_TOPIC_NAME, p, ErrorCode.UNKNOWN_SERVER_ERROR);
      }
    };
    const out = this.rm.appendRecords(3, -1, MARKER_APPEND_TIMEOUT_MS, entries, 'coordinator');
    return Array.isArray(out) ? onAppended(out) : out.then(onAppended);
  }
}
