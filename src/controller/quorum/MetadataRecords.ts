/**
 * Builders of the metadata records the quorum controller writes, at the versions Kafka 3.7 writes them for the
 * cluster's metadata.version (MetadataVersion.registerBrokerRecordVersion, partitionRecordVersion,
 * partitionChangeRecordVersion ...). Field names are the schemas' camelCase names; uuids are 16-byte Buffers.
 */
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { recordVersionsFor } from '../../metadata/MetadataVersion';
import { metadataRecordType, metadataRecordTypeById } from '../../metadata/records/MetadataRecordType';

/** Feature levels of the MetadataVersions whose gates the controller checks (MetadataVersion.java at 3.7.0). */
export const MV = {
  IBP_3_2_IV0: 3, // isLeaderRecoverySupported
  IBP_3_3_IV1: 5, // isNoOpRecordSupported
  IBP_3_3_IV2: 6, // isBrokerRegistrationChangeRecordSupported
  IBP_3_3_IV3: 7, // isInControlledShutdownStateSupported
  IBP_3_6_IV0: 12, // !isLeaderEpochBumpRequiredOnIsrShrink
  IBP_3_7_IV2: 17, // isDirectoryAssignmentSupported
} as const;

const TYPE_IDS = new Map<string, number>();
function typeId(name: string): number {
  let id = TYPE_IDS.get(name);
  if (id === undefined) {
    id = metadataRecordType(name).id;
    TYPE_IDS.set(name, id);
  }
  return id;
}

export function record(name: string, version: number, data: Record<string, unknown>): ApiMessageAndVersion {
  return { type: typeId(name), version, data };
}

/** The schema name of a record, e.g. 'TopicRecord'. */
export function recordName(r: ApiMessageAndVersion): string {
  return metadataRecordTypeById(r.type)?.spec.name ?? `record type ${r.type}`;
}

export function isRecord(r: ApiMessageAndVersion, name: string): boolean {
  return r.type === typeId(name);
}

export function registerBrokerRecordVersion(mv: number): number {
  return recordVersionsFor(mv).registerBroker;
}

export function partitionRecordVersion(mv: number): number {
  return recordVersionsFor(mv).partition;
}

export function partitionChangeRecordVersion(mv: number): number {
  return recordVersionsFor(mv).partitionChange;
}

/** BrokerRegistrationFencingChange: FENCE 1, NONE 0, UNFENCE -1. */
export const FencingChange = { FENCE: 1, NONE: 0, UNFENCE: -1 } as const;
/** BrokerRegistrationInControlledShutdownChange: NONE 0, IN_CONTROLLED_SHUTDOWN 1. */
export const InControlledShutdownChange = { NONE: 0, IN_CONTROLLED_SHUTDOWN: 1 } as const;

/** ConfigResource.Type ids as ConfigRecord.ResourceType carries them. */
export const ConfigResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
