/**
 * The lines Kafka 3.7's control managers log as they replay records (ClusterControlManager, ReplicationControlManager,
 * FeatureControlManager, ConfigurationControlManager), written here as each controller replays committed batches.
 */
import { Logger } from '../../common/logger';
import { Uuid } from '../../common/Uuid';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { METADATA_VERSION_FEATURE_NAME, metadataVersionFromFeatureLevel } from '../../metadata/MetadataVersion';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { isRecord, recordName } from './MetadataRecords';

const TYPE_NAMES: Record<number, string> = { 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER' };

function uuid(b: unknown): string {
  return Buffer.isBuffer(b) && b.length === 16 ? Uuid.fromBytes(b).toString() : String(b);
}

/** A record as Kafka's generated toString prints it, near enough: Name(field=value, ...). */
function describe(r: ApiMessageAndVersion): string {
  const fields = Object.entries(r.data).map(([k, v]) => {
    if (Buffer.isBuffer(v)) return `${k}=${uuid(v)}`;
    if (Array.isArray(v)) return `${k}=${JSON.stringify(v, (_k, x) => (x && x.type === 'Buffer' ? uuid(Buffer.from(x.data)) : x))}`;
    return `${k}=${typeof v === 'string' ? `'${v}'` : String(v)}`;
  });
  return `${recordName(r)}(${fields.join(', ')})`;
}

/** Call before replaying `records` into `image`: some lines need what the image held before. */
export function logReplay(log: Logger, image: MetadataImage, records: readonly ApiMessageAndVersion[]): void {
  for (const r of records) {
    const d = r.data as Record<string, unknown>;
    if (isRecord(r, 'RegisterBrokerRecord')) {
      const initial = !image.brokers.has(d.brokerId as number);
      log.info(
        `Replayed ${initial ? 'initial RegisterBrokerRecord' : 'RegisterBrokerRecord modifying the registration'} for broker ${d.brokerId}: ${describe(r)}`,
      );
    } else if (isRecord(r, 'UnregisterBrokerRecord')) {
      log.info(`Replayed ${describe(r)}`);
    } else if (isRecord(r, 'FenceBrokerRecord') || isRecord(r, 'UnfenceBrokerRecord')) {
      log.info(`Replayed ${recordName(r)} modifying the registration for broker ${d.id}: ${describe(r)}`);
    } else if (isRecord(r, 'BrokerRegistrationChangeRecord')) {
      log.info(`Replayed BrokerRegistrationChangeRecord modifying the registration for broker ${d.brokerId}: ${describe(r)}`);
    } else if (isRecord(r, 'TopicRecord')) {
      log.info(`Replayed TopicRecord for topic ${d.name} with topic ID ${uuid(d.topicId)}.`);
    } else if (isRecord(r, 'RemoveTopicRecord')) {
      const t = image.topicById(d.topicId as Buffer);
      log.info(`Replayed RemoveTopicRecord for topic ${t?.name ?? '(unknown)'} with ID ${uuid(d.topicId)}.`);
    } else if (isRecord(r, 'FeatureLevelRecord')) {
      if (d.name === METADATA_VERSION_FEATURE_NAME) {
        let v = String(d.featureLevel);
        try {
          v = metadataVersionFromFeatureLevel(d.featureLevel as number).version;
        } catch {
          // an unknown level is printed as a number
        }
        log.info(`Replayed a FeatureLevelRecord setting metadata.version to ${v}`);
      } else log.info(`Replayed a FeatureLevelRecord setting feature ${d.name} to ${d.featureLevel}`);
    } else if (isRecord(r, 'ConfigRecord')) {
      const resource = `ConfigResource(type=${TYPE_NAMES[d.resourceType as number] ?? d.resourceType}, name='${d.resourceName}')`;
      if (d.value === null) log.info(`Replayed ConfigRecord for ${resource} which removed configuration ${d.name}`);
      else log.info(`Replayed ConfigRecord for ${resource} which set configuration ${d.name} to ${d.value}`);
    } else if (isRecord(r, 'ProducerIdsRecord')) {
      log.debug(`Replayed ${describe(r)}`);
    }
  }
}
