/**
 * What kafka-transactions asks of the admin client (Kafka's Admin methods and result types that TransactionsCommand
 * uses): an interface, so the command is unit-tested with a fake, served over the wire by TransactionsAdminClient.
 */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** TopicPartition.toString. */
export function tpString(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** org.apache.kafka.clients.admin.TransactionListing. */
export interface TransactionListing {
  transactionalId: string;
  producerId: number;
  state: string;
}

/** org.apache.kafka.clients.admin.TransactionDescription (startTimeMs null = OptionalLong.empty). */
export interface TransactionDescription {
  coordinatorId: number;
  state: string;
  producerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number | null;
  topicPartitions: TopicPartition[];
}

/** org.apache.kafka.clients.admin.ProducerState (null = Optional empty). */
export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number | null;
  currentTransactionStartOffset: number | null;
}

export interface AbortTransactionSpec {
  topicPartition: TopicPartition;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
}

/** AbortTransactionSpec.toString. */
export function abortSpecString(s: AbortTransactionSpec): string {
  return `AbortTransactionSpec(topicPartition=${tpString(s.topicPartition)}, producerId=${s.producerId}, producerEpoch=${s.producerEpoch}, coordinatorEpoch=${s.coordinatorEpoch})`;
}

export interface TopicPartitionInfo {
  partition: number;
  replicas: number[];
}

/** A failed admin future: `message` is what the Java exception's getMessage() returns. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly code: number = -1,
  ) {
    super(message);
  }
}

/** The Admin methods TransactionsCommand uses; an interface so the command is unit-tested with a fake. */
export interface TransactionsAdmin {
  /** listTransactions(options).allByBrokerId(): broker id -> listings. */
  listTransactions(filterProducerIds?: number[]): Promise<Map<number, TransactionListing[]>>;
  /** describeTransactions(ids): each id's description or the AdminError its future failed with. */
  describeTransactions(transactionalIds: string[]): Promise<Map<string, TransactionDescription | AdminError>>;
  /** describeProducers(partitions, brokerId).all(): fails with the first partition's error. */
  describeProducers(partitions: TopicPartition[], brokerId?: number): Promise<Map<string, ProducerState[]>>;
  abortTransaction(spec: AbortTransactionSpec): Promise<void>;
  /** listTopics(listInternal = true). */
  listTopics(): Promise<string[]>;
  /** describeTopics(topics).allTopicNames(). */
  describeTopics(topics: string[]): Promise<Map<string, TopicPartitionInfo[]>>;
  close(): void;
}
