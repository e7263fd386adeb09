/**
 * WriteTxnMarkers (key 27, KIP-98): the transaction coordinator -> each partition leader, writing the COMMIT or
 * ABORT control batch (TransactionResult true = COMMIT) of a producer's transaction with the coordinator epoch.
 * Inter-broker only; v0-1.
 */
import * as schema from '../messages/WriteTxnMarkers';
import { messageApi } from './messageApi';

export interface WritableTxnMarkerTopic {
  name: string;
  partitionIndexes: number[];
}

export interface WritableTxnMarker {
  producerId: number;
  producerEpoch: number;
  /** true: COMMIT, false: ABORT. */
  transactionResult: boolean;
  topics: WritableTxnMarkerTopic[];
  coordinatorEpoch: number;
}

export interface WriteTxnMarkersRequest {
  markers: WritableTxnMarker[];
}

export interface WritableTxnMarkerPartitionResult {
  partitionIndex: number;
  errorCode: number;
}

export interface WritableTxnMarkerTopicResult {
  name: string;
  partitions: WritableTxnMarkerPartitionResult[];
}

export interface WritableTxnMarkerResult {
  producerId: number;
  topics: WritableTxnMarkerTopicResult[];
}

export interface WriteTxnMarkersResponse {
  markers: WritableTxnMarkerResult[];
}

export const WriteTxnMarkersApi = messageApi<WriteTxnMarkersRequest, WriteTxnMarkersResponse>(schema.WriteTxnMarkersRequest, schema.WriteTxnMarkersResponse, {
  minVersion: 0,
  maxVersion: 1,
});
