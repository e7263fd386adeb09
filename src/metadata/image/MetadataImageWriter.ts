/**
 * MetadataImage.write (Kafka 3.7's image writers): the records that rebuild an image, as a snapshot holds them.
 * Order as Kafka's: features (metadata.version first, then the ZK migration state), cluster (brokers, then
 * controllers), topics (TopicRecord then its PartitionRecords), configs, client quotas, producer ids, ACLs, SCRAM credentials. Record versions follow the
 * image's metadata.version, as ImageWriterOptions does.
 */
import { ApiMessageAndVersion } from '../MetadataRecordSerde';
import { METADATA_VERSION_FEATURE_NAME, recordVersionsFor } from '../MetadataVersion';
import { MetadataRecordTypeId as T } from '../records/MetadataRecordType';
import { MetadataImage } from './MetadataImage';

const rec = (type: number, version: number, data: Record<string, unknown>): ApiMessageAndVersion => ({ type, version, data });

export function imageToRecords(image: MetadataImage): ApiMessageAndVersion[] {
  const level = image.metadataVersion();
  const v = recordVersionsFor(level);
  const out: ApiMessageAndVersion[] = [];
  if (level > 0) out.push(rec(T.FEATURE_LEVEL, 0, { name: METADATA_VERSION_FEATURE_NAME, featureLevel: level }));
  for (const [name, featureLevel] of image.features) if (name !== METADATA_VERSION_FEATURE_NAME) out.push(rec(T.FEATURE_LEVEL, 0, { name, featureLevel }));
  // FeaturesImage.write: the migration state from 3.4-IV0 (feature level 8).
  if (level >= 8) out.push(rec(T.ZK_MIGRATION_STATE, 0, { zkMigrationState: image.zkMigrationState }));
  for (const b of image.brokers.values()) {
    out.push(
      rec(T.REGISTER_BROKER, v.registerBroker, {
        brokerId: b.id,
        isMigratingZkBroker: b.isMigratingZkBroker,
        incarnationId: b.incarnationId,
        brokerEpoch: b.epoch,
        endPoints: b.listeners.map((e) => ({ ...e })),
        features: b.features.map((f) => ({ ...f })),
        rack: b.rack,
        fenced: b.fenced,
        inControlledShutdown: b.inControlledShutdown,
        logDirs: b.logDirs,
      }),
    );
  }
  if (v.controllerRegistration) {
    for (const c of image.controllers.values()) {
      out.push(
        rec(T.REGISTER_CONTROLLER, 0, {
          controllerId: c.id,
          incarnationId: c.incarnationId,
          zkMigrationReady: c.zkMigrationReady,
          endPoints: c.listeners.map((e) => ({ ...e })),
          features: c.features.map((f) => ({ ...f })),
        }),
      );
    }
  }
  for (const t of image.topicsById.values()) {
    out.push(rec(T.TOPIC, 0, { name: t.name, topicId: t.id }));
    for (const [partitionId, p] of t.partitions) {
      const data: Record<string, unknown> = {
        partitionId,
        topicId: t.id,
        replicas: p.replicas,
        isr: p.isr,
        removingReplicas: p.removingReplicas,
        addingReplicas: p.addingReplicas,
        leader: p.leader,
        leaderRecoveryState: p.leaderRecoveryState,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
      };
      if (v.directoryAssignment) data.directories = p.directories;
      if (v.partition >= 2) {
        data.eligibleLeaderReplicas = p.elr && p.elr.length > 0 ? p.elr : null;
        data.lastKnownELR = p.lastKnownElr && p.lastKnownElr.length > 0 ? p.lastKnownElr : null;
      }
      out.push(rec(T.PARTITION, v.partition, data));
    }
  }
  for (const [key, entries] of image.configs) {
    const sep = key.indexOf(':');
    const resourceType = Number(key.slice(0, sep));
    const resourceName = key.slice(sep + 1);
    for (const [name, value] of entries) out.push(rec(T.CONFIG, 0, { resourceType, resourceName, name, value }));
  }
  out.push(...image.security.quotaRecords());
  if (image.producerIds.nextProducerId >= 0) {
    out.push(rec(T.PRODUCER_IDS, 0, { brokerId: -1, brokerEpoch: -1, nextProducerId: image.producerIds.nextProducerId }));
  }
  out.push(...image.security.aclAndScramRecords(level));
  return out;
}
