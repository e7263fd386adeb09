/**
 * org.apache.kafka.metadata.bootstrap.BootstrapDirectory + BatchFileWriter (Kafka 3.7): `kafka-storage format`
 * leaves in each directory a bootstrap.checkpoint, a snapshot file the first active controller replays into the
 * empty metadata log (today: the metadata.version FeatureLevelRecord, later SCRAM credentials). Its layout, as
 * BatchFileWriter writes it through Raft's BatchAccumulator with epoch 0: a control batch with the SnapshotHeader
 * (offset 0), one batch of metadata records, a control batch with the SnapshotFooter; every batch uncompressed,
 * CreateTime, no producer, partitionLeaderEpoch 0.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildRecordBatch } from '../../protocol/records/MemoryRecordsBuilder';
import { LOG_OVERHEAD, iterateRecords, readBatchInfo } from '../../protocol/records/RecordBatch';
import {
  ControlRecordType,
  SNAPSHOT_FOOTER_CURRENT_VERSION,
  SNAPSHOT_HEADER_CURRENT_VERSION,
  controlRecordKey,
  snapshotFooterCodec,
  snapshotHeaderCodec,
} from '../control/ControlRecords';
import { ApiMessageAndVersion, METADATA_RECORD_SERDE } from '../MetadataRecordSerde';
import { Writer } from '../../protocol/Writer';
import { MetadataVersion, METADATA_VERSION_FEATURE_NAME } from '../MetadataVersion';
import { metadataRecordType } from '../records/MetadataRecordType';

export const BINARY_BOOTSTRAP_FILENAME = 'bootstrap.checkpoint';

/** StorageTool.buildBootstrapMetadata: the FeatureLevelRecord for metadata.version, then any extra records. */
export function bootstrapRecords(version: MetadataVersion, extra: readonly ApiMessageAndVersion[] = []): ApiMessageAndVersion[] {
  const featureLevel: ApiMessageAndVersion = {
    type: metadataRecordType('FeatureLevelRecord').id,
    version: 0,
    data: { name: METADATA_VERSION_FEATURE_NAME, featureLevel: version.featureLevel },
  };
  return [featureLevel, ...extra];
}

/** The bytes of a snapshot file holding `records` (BatchFileWriter.open, append, close). */
export function snapshotFileBytes(records: readonly ApiMessageAndVersion[], now: number = Date.now()): Buffer {
  const epoch = 0;
  const header = new Writer(16);
  snapshotHeaderCodec.write(header, SNAPSHOT_HEADER_CURRENT_VERSION, { version: SNAPSHOT_HEADER_CURRENT_VERSION, lastContainedLogTimestamp: 0 });
  const footer = new Writer(8);
  snapshotFooterCodec.write(footer, SNAPSHOT_FOOTER_CURRENT_VERSION, { version: SNAPSHOT_FOOTER_CURRENT_VERSION });
  const batches = [
    buildRecordBatch({
      baseOffset: 0,
      partitionLeaderEpoch: epoch,
      isControl: true,
      records: [{ key: controlRecordKey(ControlRecordType.SNAPSHOT_HEADER), value: header.toBuffer(), timestamp: now }],
    }),
  ];
  if (records.length > 0) {
    batches.push(
      buildRecordBatch({
        baseOffset: 1,
        partitionLeaderEpoch: epoch,
        records: records.map((r) => ({ key: null, value: METADATA_RECORD_SERDE.write(r), timestamp: now })),
      }),
    );
  }
  batches.push(
    buildRecordBatch({
      baseOffset: 1 + records.length,
      partitionLeaderEpoch: epoch,
      isControl: true,
      records: [{ key: controlRecordKey(ControlRecordType.SNAPSHOT_FOOTER), value: footer.toBuffer(), timestamp: now }],
    }),
  );
  return Buffer.concat(batches);
}

/** BootstrapDirectory.writeBinaryFile: written to bootstrap.checkpoint.tmp, then moved over bootstrap.checkpoint. */
export function writeBootstrapFile(directory: string, records: readonly ApiMessageAndVersion[]): void {
  if (!fs.statSync(directory, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`No such directory as ${directory}`);
  const tmp = path.join(directory, `${BINARY_BOOTSTRAP_FILENAME}.tmp`);
  fs.rmSync(tmp, { force: true });
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      fs.writeSync(fd, snapshotFileBytes(records));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(directory, BINARY_BOOTSTRAP_FILENAME));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** BootstrapDirectory.readFromBinaryFile: the metadata records of every non-control batch. */
export function readBootstrapFile(file: string): ApiMessageAndVersion[] {
  const data = fs.readFileSync(file);
  const out: ApiMessageAndVersion[] = [];
  let pos = 0;
  while (pos + LOG_OVERHEAD <= data.length) {
    const size = data.readInt32BE(pos + 8) + LOG_OVERHEAD;
    if (pos + size > data.length) throw new Error(`${file}: truncated record batch at position ${pos}`);
    const batch = data.subarray(pos, pos + size);
    if (!readBatchInfo(batch, 0).isControl) {
      for (const r of iterateRecords(batch)) {
        if (r.value === null) throw new Error(`${file}: a metadata record at offset ${r.offset} has no value`);
        out.push(METADATA_RECORD_SERDE.read(r.value));
      }
    }
    pos += size;
  }
  return out;
}
