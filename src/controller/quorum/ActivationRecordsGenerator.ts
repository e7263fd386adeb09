/**
 * Kafka 3.7's org.apache.kafka.controller.ActivationRecordsGenerator: what a newly active controller writes first.
 * Into an empty log (no metadata.version yet), the bootstrap records from bootstrap.checkpoint — from 3.6-IV1 inside
 * a metadata transaction — and, from 3.4-IV0, the ZooKeeper-migration state NONE; otherwise nothing.
 */
import { Logger } from '../../common/logger';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { METADATA_VERSION_FEATURE_NAME, metadataVersionFromFeatureLevel } from '../../metadata/MetadataVersion';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { record } from './MetadataRecords';

/** IBP_3_6_IV1: isMetadataTransactionSupported. */
const METADATA_TRANSACTIONS = 13;
/** IBP_3_4_IV0: isMigrationSupported. */
const MIGRATION_SUPPORTED = 8;

export function activationRecords(log: Logger, committed: MetadataImage, bootstrapRecords: readonly ApiMessageAndVersion[]): ApiMessageAndVersion[] {
  if (committed.features.has(METADATA_VERSION_FEATURE_NAME)) return [];
  const mvRecord = bootstrapRecords.find((r) => r.data.name === METADATA_VERSION_FEATURE_NAME);
  const level = (mvRecord?.data.featureLevel as number | undefined) ?? 0;
  const inTransaction = level >= METADATA_TRANSACTIONS;
  let version = String(level);
  try {
    version = metadataVersionFromFeatureLevel(level).version;
  } catch {
    // an unknown level is reported by number
  }
  log.info(
    `The metadata log appears to be empty. Appending ${bootstrapRecords.length} bootstrap record(s) ${inTransaction ? 'in metadata transaction ' : ''}at metadata.version ${version} from the binary bootstrap metadata file.`,
  );
  const records: ApiMessageAndVersion[] = [];
  if (inTransaction) records.push(record('BeginTransactionRecord', 0, { name: 'Bootstrap records' }));
  records.push(...bootstrapRecords);
  if (level >= MIGRATION_SUPPORTED) records.push(record('ZkMigrationStateRecord', 0, { zkMigrationState: 0 }));
  if (inTransaction) records.push(record('EndTransactionRecord', 0, {}));
  return records;
}
