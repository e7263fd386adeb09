/**
 * AlterPartition (key 56, named AlterIsr before Kafka 3.2), partition leader -> controller: propose a new
 * ISR (KIP-497, KIP-704, KIP-841, KIP-903). In a 3.x ZK-mode cluster (IBP >= 2.7-IV2) leaders never
 * write the state znode themselves; they send this and the controller writes it conditionally
 * (kafka.server.AlterPartitionManager -> KafkaController.processAlterPartition).
 * Schema: AlterPartitionRequest.json / AlterPartitionResponse.json (Kafka 3.7, versions 0-3, all flexible).
 * The layout of each version is the description in ../messages.
 *
 * Fields absent in a version decode to the schema default: TopicName "", TopicId the zero UUID,
 * NewIsr [] (v3), NewIsrWithEpochs [] (v0-2), LeaderRecoveryState 0. Use `alterPartitionNewIsr`
 * to read the proposed ISR whatever the version.
 */
import * as schema from '../messages/AlterPartition';
import { messageApi } from './messageApi';

interface AlterPartitionBrokerState {
  brokerId: number;
  /** -1 when the sender does not know it (KIP-903). */
  brokerEpoch: number;
}

interface AlterPartitionPartitionData {
  partitionIndex: number;
  leaderEpoch: number;
  /** v0-2. */
  newIsr: number[];
  /** v3+. */
  newIsrWithEpochs: AlterPartitionBrokerState[];
  /** 0 RECOVERED, 1 RECOVERING (KIP-704); v1+. */
  leaderRecoveryState: number;
  /** The partition's state-znode dataVersion as the leader last saw it (ZK mode). */
  partitionEpoch: number;
}

interface AlterPartitionTopicData {
  /** v0-1; "" otherwise. */
  topicName: string;
  /** v2+; 16 zero bytes otherwise. */
  topicId: Buffer;
  partitions: AlterPartitionPartitionData[];
}

export interface AlterPartitionRequest {
  brokerId: number;
  brokerEpoch: number;
  topics: AlterPartitionTopicData[];
}

export interface AlterPartitionResponsePartitionData {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  isr: number[];
  leaderRecoveryState: number;
  partitionEpoch: number;
}

interface AlterPartitionResponseTopicData {
  /** v0-1; "" otherwise. */
  topicName: string;
  /** v2+; 16 zero bytes otherwise. */
  topicId: Buffer;
  partitions: AlterPartitionResponsePartitionData[];
}

export interface AlterPartitionResponse {
  throttleTimeMs: number;
  errorCode: number;
  topics: AlterPartitionResponseTopicData[];
}

/** The proposed ISR broker ids, from NewIsr (v0-2) or NewIsrWithEpochs (v3+), as Kafka's controller reads it. */
export function alterPartitionNewIsr(p: AlterPartitionPartitionData, version: number): number[] {
  return version >= 3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : p.newIsr;
}

export const AlterPartitionApi = messageApi<AlterPartitionRequest, AlterPartitionResponse>(schema.AlterPartitionRequest, schema.AlterPartitionResponse, {
  minVersion: 0,
  maxVersion: 3,
});
