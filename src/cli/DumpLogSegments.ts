/**
 * kafka-dump-log (Kafka's kafka.tools.DumpLogSegments): prints the batches of `.log` segments (with
 * --deep-iteration or --print-data-log, every record), the entries of `.index` and `.timeindex` files, and
 * with --offsets-decoder the __consumer_offsets records in Kafka's OffsetsMessageParser form, with
 * --cluster-metadata-decoder KRaft metadata records (`__cluster_metadata-0/*.log`, snapshots `*.checkpoint`,
 * bootstrap.checkpoint) as Kafka 3.7's ClusterMetadataLogMessageParser prints them, with --transaction-log-decoder
 * __transaction_state records as TransactionLog.formatRecordKeyAndValue prints them, and the transaction files of a
 * partition: `.txnindex` (aborted transactions) and producer state `.snapshot` files (DumpTxnFiles). Line formats are
 * Kafka 3.x's, so scripts written for Kafka's tool read ours.
 */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { readGroupMessageValue, readMessageKey, readOffsetMessageValue } from '../coordinator/group/ConsumerOffsetsFormats';
import { formatTxnRecordKeyAndValue } from '../coordinator/transaction/TransactionLog';
import { dumpProducerIdSnapshot, dumpTxnIndex } from './DumpTxnFiles';
import { Reader } from '../protocol/Reader';
import { compressionName } from '../protocol/records/compression';
import {
  ATTRIBUTES,
  BatchInfo,
  CRC,
  DELETE_HORIZON_FLAG_MASK,
  HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC,
  Record,
  TIMESTAMP_TYPE_MASK,
  iterateRecords,
  readBatchInfo,
  readInt64,
} from '../protocol/records/RecordBatch';
import { crc32c } from '../protocol/records/crc32c';
import { messageToJson } from '../metadata/MetadataJson';
import { METADATA_RECORD_SERDE } from '../metadata/MetadataRecordSerde';
import { metadataRecordTypeById } from '../metadata/records/MetadataRecordType';
import {
  ControlRecordType,
  SnapshotFooterRecord,
  SnapshotHeaderRecord,
  controlRecordTypeName,
  parseControlRecordTypeId,
  snapshotFooterCodec,
  snapshotHeaderCodec,
} from '../metadata/control/ControlRecords';

interface DumpOptions {
  printDataLog?: boolean;
  deepIteration?: boolean;
  offsetsDecoder?: boolean;
  transactionLogDecoder?: boolean;
  clusterMetadataDecoder?: boolean;
  skipRecordMetadata?: boolean;
}

/**
 * Kafka's ClusterMetadataLogMessageParser: {"type":"TOPIC_RECORD","version":0,"data":{...}}, or, for a record it
 * cannot read, "Error at <offset>, skipping. <message>".
 */
function parseMetadataRecord(r: Record): string {
  try {
    if (r.value === null) throw new Error('null value');
    const m = METADATA_RECORD_SERDE.read(r.value);
    const t = metadataRecordTypeById(m.type)!;
    return `{"type":${JSON.stringify(t.name)},"version":${m.version},"data":${messageToJson(t.spec, m.version, m.data)}}`;
  } catch (e) {
    return `Error at ${r.offset}, skipping. ${(e as Error).message}`;
  }
}

/** A control record as DumpLogSegments.dumpLog prints it: transaction markers, snapshot header/footer as JSON. */
function controlRecordText(r: Record): string {
  const type = parseControlRecordTypeId(r.key);
  switch (type) {
    case ControlRecordType.ABORT:
    case ControlRecordType.COMMIT: {
      // EndTransactionMarker.deserialize: int16 version, int32 coordinator epoch.
      const epoch = r.value !== null && r.value.length >= 6 ? r.value.readInt32BE(2) : -1;
      return ` endTxnMarker: ${type === ControlRecordType.COMMIT ? 'COMMIT' : 'ABORT'} coordinatorEpoch: ${epoch}`;
    }
    case ControlRecordType.SNAPSHOT_HEADER: {
      const h = snapshotHeaderCodec.read(new Reader(r.value ?? Buffer.alloc(0)), 0);
      return ` SnapshotHeader ${messageToJson(SnapshotHeaderRecord, h.version, h)}`;
    }
    case ControlRecordType.SNAPSHOT_FOOTER: {
      const f = snapshotFooterCodec.read(new Reader(r.value ?? Buffer.alloc(0)), 0);
      return ` SnapshotFooter ${messageToJson(SnapshotFooterRecord, f.version, f)}`;
    }
    default:
      return ` controlType: ${controlRecordTypeName(type)}(${type})`;
  }
}

/** Snapshots.parse: `<20-digit end offset>-<10-digit epoch>.checkpoint`. */
function snapshotId(file: string): { offset: number; epoch: number } | null {
  const m = /^(\d{20})-(\d{10})\.checkpoint$/.exec(path.basename(file));
  return m ? { offset: Number(m[1]), epoch: Number(m[2]) } : null;
}

type Out = (line: string) => void;

/** Kafka's OffsetsMessageParser: `offset_commit::group=g,partition=t-0` / `offset=5`, groups as JSON. */
function parseOffsetsRecord(r: Record): { key: string | null; payload: string | null } {
  if (r.key === null) return { key: null, payload: null };
  const k = readMessageKey(r.key);
  if (k.kind === 'offset') {
    const keyString = `offset_commit::group=${k.group},partition=${k.topic}-${k.partition}`;
    const v = readOffsetMessageValue(r.value);
    if (v === null) return { key: keyString, payload: '<DELETE>' };
    return { key: keyString, payload: v.metadata === '' ? `offset=${v.offset}` : `offset=${v.offset},metadata=${v.metadata}` };
  }
  if (k.kind === 'group') {
    const g = readGroupMessageValue(r.value);
    if (g === null) return { key: `group_metadata::group=${k.group}`, payload: '<DELETE>' };
    const assignment = g.members
      .map((m) => `${m.memberId}=${g.protocolType === 'consumer' ? consumerAssignment(m.assignment) : m.assignment.toString('hex')}`)
      .join(',');
    return {
      key: JSON.stringify({ metadata: k.group }),
      payload: JSON.stringify({ protocolType: g.protocolType, protocol: g.protocol, generationId: g.generation, assignment: `{${assignment}}` }),
    };
  }
  return { key: `unknown::version=${k.version}`, payload: r.value === null ? '<DELETE>' : r.value.toString('hex') };
}

/** Kafka's TransactionLogMessageParser (TransactionLog.formatRecordKeyAndValue); a record it cannot read fails the segment as Kafka's does. */
function parseTransactionLogRecord(r: Record): { key: string | null; payload: string | null } {
  if (r.key === null) throw new Error(`Failed to decode message at offset ${r.offset}: the key is null`);
  return formatTxnRecordKeyAndValue(r.key, r.value);
}

/** ConsumerProtocol assignment (version, [topic, [partition]], userData) as Java prints List<TopicPartition>. */
function consumerAssignment(buf: Buffer): string {
  try {
    const r = new Reader(buf);
    r.int16();
    const parts: string[] = [];
    r.array((rt) => {
      const topic = rt.string();
      rt.array((rp) => parts.push(`${topic}-${rp.int32()}`));
    });
    return `[${parts.join(', ')}]`;
  } catch {
    return buf.toString('hex');
  }
}

function optionalLong(info: BatchInfo): string {
  return (info.attributes & DELETE_HORIZON_FLAG_MASK) !== 0 ? `OptionalLong[${info.baseTimestamp}]` : 'OptionalLong.empty';
}

function seqAt(base: number, delta: number): number {
  if (base < 0) return -1;
  const s = base + delta;
  return s > 0x7fffffff ? s - 0x80000000 : s;
}

/** Kafka's DumpLogSegments.dumpLog. */
function dumpLog(file: string, opts: DumpOptions, out: Out): void {
  if (file.endsWith('.log')) {
    out(`Log starting offset: ${Number(path.basename(file).split('.')[0])}`);
  } else if (path.basename(file) === 'bootstrap.checkpoint') {
    out('KRaft bootstrap snapshot');
  } else {
    const id = snapshotId(file);
    if (id === null) throw new Error(`${path.basename(file)} is not a snapshot file name (<end offset>-<epoch>.checkpoint)`);
    out(`Snapshot end offset: ${id.offset}, epoch: ${id.epoch}`);
  }
  const data = fs.readFileSync(file);
  const printContents = opts.printDataLog || opts.offsetsDecoder || opts.transactionLogDecoder || opts.clusterMetadataDecoder;
  const deep = opts.deepIteration || printContents;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= data.length) {
    const size = data.readInt32BE(pos + 8) + LOG_OVERHEAD;
    if (size < HEADER_SIZE || pos + size > data.length || data[pos + MAGIC] !== 2) break;
    const batch = data.subarray(pos, pos + size);
    const info = readBatchInfo(batch, 0);
    const tsType = (info.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime';
    const crc = batch.readUInt32BE(CRC);
    const valid = crc === crc32c(batch, ATTRIBUTES, size);
    const recordLines: string[] = [];
    if (deep) {
      try {
        for (const r of iterateRecords(batch)) {
          // dumpLog's prefix: "| " before the first item printed, " " after; the payload always gets " payload: ".
          let line = '';
          let prefix = '| ';
          if (!opts.skipRecordMetadata) {
            line += `${prefix}offset: ${r.offset} ${tsType}: ${r.timestamp} keySize: ${r.key === null ? -1 : r.key.length} valueSize: ${r.value === null ? -1 : r.value.length}`;
            line += ` sequence: ${seqAt(info.baseSequence, r.offsetDelta)} headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
            if (info.isControl) line += controlRecordText(r);
            prefix = ' ';
          }
          if (printContents && !info.isControl) {
            let key: string | null = null;
            let payload: string | null = null;
            if (opts.offsetsDecoder) {
              ({ key, payload } = parseOffsetsRecord(r));
            } else if (opts.transactionLogDecoder) {
              ({ key, payload } = parseTransactionLogRecord(r));
            } else if (opts.clusterMetadataDecoder) {
              payload = parseMetadataRecord(r); // no keys for metadata records
            } else {
              key = r.key === null ? null : r.key.toString('utf8');
              payload = r.value === null ? null : r.value.toString('utf8');
            }
            if (key !== null) line += `${prefix}key: ${key}`;
            if (payload !== null) line += ` payload: ${payload}`;
          }
          recordLines.push(line);
        }
      } catch (e) {
        recordLines.push(`Could not read records: ${(e as Error).message}`);
      }
    }
    out(
      `baseOffset: ${info.baseOffset} lastOffset: ${info.lastOffset} count: ${info.recordCount} baseSequence: ${info.baseSequence} ` +
        `lastSequence: ${seqAt(info.baseSequence, info.lastOffsetDelta)} producerId: ${info.producerId} producerEpoch: ${info.producerEpoch} ` +
        `partitionLeaderEpoch: ${info.partitionLeaderEpoch} isTransactional: ${info.isTransactional} isControl: ${info.isControl} ` +
        `deleteHorizonMs: ${optionalLong(info)} position: ${pos} ${tsType}: ${info.maxTimestamp} size: ${size} magic: 2 ` +
        `compresscodec: ${compressionName(info.compression)} crc: ${crc} isvalid: ${valid}`,
    );
    for (const l of recordLines) out(l);
    pos += size;
  }
  if (pos < data.length) out(`Found ${data.length - pos} invalid bytes at the end of ${path.basename(file)}`);
}

/** Kafka's dumpIndex: `offset: N position: P`; stops at the zero-filled preallocated tail. */
function dumpIndex(file: string, out: Out): void {
  const base = Number(path.basename(file).split('.')[0]);
  const data = fs.readFileSync(file);
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const rel = data.readInt32BE(i);
    const position = data.readInt32BE(i + 4);
    if (i > 0 && rel === 0 && position === 0) break;
    out(`offset: ${base + rel} position: ${position}`);
  }
}

/** Kafka's dumpTimeIndex: `timestamp: T offset: O`. */
function dumpTimeIndex(file: string, out: Out): void {
  const base = Number(path.basename(file).split('.')[0]);
  const data = fs.readFileSync(file);
  for (let i = 0; i + 12 <= data.length; i += 12) {
    const ts = readInt64(data, i);
    const rel = data.readInt32BE(i + 8);
    if (i > 0 && ts === 0 && rel === 0) break;
    out(`timestamp: ${ts} offset: ${base + rel}`);
  }
}

/** DumpLogSegments.main's dispatch on the file suffix; unknown files are reported on stderr. */
export function dumpFile(file: string, opts: DumpOptions, out: Out, err: Out = out): void {
  out(`Dumping ${file}`);
  if (file.endsWith('.log') || file.endsWith('.checkpoint')) dumpLog(file, opts, out);
  else if (file.endsWith('.index')) dumpIndex(file, out);
  else if (file.endsWith('.timeindex')) dumpTimeIndex(file, out);
  else if (file.endsWith('.snapshot')) dumpProducerIdSnapshot(file, out, err);
  else if (file.endsWith('.txnindex')) dumpTxnIndex(file, out);
  else err(`Ignoring unknown file ${file}`);
}

function buildProgram(): Command {
  return new Command('kafka-dump-log')
    .description('This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.')
    .requiredOption('--files <file1, file2, ...>', 'REQUIRED: The comma separated list of data and index log files to be dumped.')
    .option('--print-data-log', 'If set, printing the messages content when dumping data logs. Automatically set if any decoder option is specified.')
    .option('--deep-iteration', 'if set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled.')
    .option('--offsets-decoder', 'if set, log data will be parsed as offset data from the __consumer_offsets topic.')
    .option('--transaction-log-decoder', 'if set, log data will be parsed as transaction metadata from the __transaction_state topic.')
    .option('--cluster-metadata-decoder', 'if set, log data will be parsed as cluster metadata records.')
    .option('--skip-record-metadata', 'whether to skip printing metadata for each record.');
}

export function main(argv: string[] = process.argv): void {
  const program = buildProgram();
  program.parse(argv);
  const o = program.opts<DumpOptions & { files: string }>();
  const lines: string[] = [];
  const flush = (): void => {
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    lines.length = 0;
  };
  const out: Out = (l) => {
    lines.push(l);
    if (lines.length >= 1000) flush();
  };
  for (const f of o.files
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    try {
      dumpFile(f, o, out, (l) => {
        flush();
        process.stderr.write(l + '\n');
      });
    } catch (e) {
      flush();
      process.stderr.write(`Error dumping ${f}: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
  flush();
}
