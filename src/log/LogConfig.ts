/**
 * Per-log settings (Kafka's `LogConfig`), named after the broker keys they come from. Topic-level overrides
 * (segment.bytes, ...) map onto the same fields. The typed fields below the first six are derived once per
 * config change (LogConfig.fromProps) so the produce path reads them per batch without string lookups; a
 * config built without them (tests, tools) means Kafka's defaults.
 */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** log.segment.bytes / segment.bytes: roll when the active segment would exceed this size. */
  segmentBytes: number;
  /** log.index.interval.bytes / index.interval.bytes: bytes of log between two offset index entries. */
  indexIntervalBytes: number;
  /** log.index.size.max.bytes / segment.index.bytes: preallocated index size; a full index rolls the segment. */
  maxIndexSize: number;
  /** log.roll.ms (log.roll.hours = 168) / segment.ms: roll a segment this old (by record timestamps). */
  segmentMs: number;
  /** message.max.bytes / max.message.bytes: largest accepted record batch (whole batch size). */
  maxMessageBytes: number;
  /** log.flush.interval.messages / flush.messages: fsync after this many unflushed records. */
  flushIntervalMessages: number;
  /** log.message.timestamp.type / message.timestamp.type (default CreateTime): LogAppendTime stamps the broker's time. */
  timestampType?: TimestampType;
  /** log.cleanup.policy / cleanup.policy contains `compact` (keyless records refused, the cleaner runs). */
  compact?: boolean;
  /** cleanup.policy contains `delete` (retention and DeleteRecords apply); default true. */
  deletePolicy?: boolean;
  /** compression.type as a codec id (CompressionType), or null for `producer` (keep the client's codec). */
  targetCodec?: number | null;
  /** min.insync.replicas (acks=all). */
  minInSyncReplicas?: number;
  /** message.downconversion.enable (default true): false refuses Fetch v0-3 from consumers (UNSUPPORTED_VERSION). */
  messageDownConversionEnable?: boolean;
}

export function defaultLogConfig(): LogConfig {
  return {
    segmentBytes: 1073741824,
    indexIntervalBytes: 4096,
    maxIndexSize: 10485760,
    segmentMs: 7 * 24 * 60 * 60 * 1000,
    maxMessageBytes: 1048588,
    flushIntervalMessages: Number.MAX_SAFE_INTEGER,
  };
}
