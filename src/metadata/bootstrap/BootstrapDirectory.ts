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
import { buildSnapshot, parseSnapshot } from '../../raft/Snapshots';
import { ApiMessageAndVersion, METADATA_RECORD_SERDE } from '../MetadataRecordSerde';
import { MetadataVersion, METADATA_VERSION_FEATURE_NAME } from '../MetadataVersion';
import { metadataRecordType } from '../records/MetadataRecordType';

/** BatchFileWriter writes with snapshot id 0-0: epoch 0 in every batch, offsets from 0. */
const BOOTSTRAP_SNAPSHOT_ID = { offset: 0, epoch: 0 };

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

/** The bytes of a snapshot file holding `records` (BatchFileWriter.open, append, close): Raft's snapshot layout. */
export function snapshotFileBytes(records: readonly ApiMessageAndVersion[], now: number = Date.now()): Buffer {
  return buildSnapshot(BOOTSTRAP_SNAPSHOT_ID, METADATA_RECORD_SERDE, [records], 0, now);
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

/** BootstrapDirectory.readFromBinaryFile: the metadata records of every non-control batch (a checked snapshot). */
export function readBootstrapFile(file: string): ApiMessageAndVersion[] {
  return parseSnapshot(fs.readFileSync(file), BOOTSTRAP_SNAPSHOT_ID, METADATA_RECORD_SERDE, file).batches.flatMap((b) => b.records);
}
