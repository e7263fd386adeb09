/**
 * DescribeProducers (key 61, KIP-664), admin client -> the partition's leader (kafka-transactions.sh
 * describe-producers): the active producers of each partition from the replica's producer state (id, epoch, last
 * sequence and timestamp, coordinator epoch, start offset of the open transaction or -1). We serve v0, the only
 * version. Kafka's Partition.activeProducerState answers from any replica with a log, not only the leader.
 */
import * as schema from '../messages/DescribeProducers';
import { messageApi } from './messageApi';

interface DescribeProducersTopicRequest {
  name: string;
  partitionIndexes: number[];
}

export interface DescribeProducersRequest {
  topics: DescribeProducersTopicRequest[];
}

export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** -1 without an ongoing transaction. */
  currentTxnStartOffset: number;
}

export interface DescribeProducersPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  activeProducers: ProducerState[];
}

interface DescribeProducersTopicResponse {
  name: string;
  partitions: DescribeProducersPartitionResponse[];
}

export interface DescribeProducersResponse {
  throttleTimeMs: number;
  topics: DescribeProducersTopicResponse[];
}

export const DescribeProducersApi = messageApi<DescribeProducersRequest, DescribeProducersResponse>(
  schema.DescribeProducersRequest,
  schema.DescribeProducersResponse,
  { minVersion: 0, maxVersion: 0 },
);
