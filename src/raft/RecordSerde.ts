/**
 * How the Raft log turns the records of its state machine into bytes and back (Kafka's
 * org.apache.kafka.server.common.serialization.RecordSerde). The Raft layer stores them as opaque record values in
 * RecordBatch v2; the metadata records' serde (src/metadata) implements it for KRaft.
 */
export interface RecordSerde<T> {
  /** The record's value bytes. */
  write(record: T): Buffer;
  /** Throws on bytes that do not decode: a corrupt log is an error, never a silent skip. */
  read(value: Buffer): T;
}

/** For tests and tools: records that are strings (Kafka's raft StringSerde). */
export const StringSerde: RecordSerde<string> = {
  write: (s) => Buffer.from(s, 'utf8'),
  read: (b) => b.toString('utf8'),
};
