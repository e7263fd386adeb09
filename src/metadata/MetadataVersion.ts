/**
 * org.apache.kafka.server.common.MetadataVersion as of Kafka 3.7.0: every inter-broker protocol / metadata version,
 * its metadata.version feature level (-1 before KRaft), and Kafka's rules for reading a version string.
 */
export const METADATA_VERSION_FEATURE_NAME = 'metadata.version';

export interface MetadataVersion {
  readonly featureLevel: number;
  readonly release: string;
  /** ibpVersion: "3.7-IV4", or the release alone when there is no sub-version ("0.8.0"). */
  readonly version: string;
  readonly ordinal: number;
}

// [featureLevel, release, subVersion] in enum order.
const TABLE: ReadonlyArray<[number, string, string]> = [
  [-1, '0.8.0', ''],
  [-1, '0.8.1', ''],
  [-1, '0.8.2', ''],
  [-1, '0.9.0', ''],
  [-1, '0.10.0', 'IV0'],
  [-1, '0.10.0', 'IV1'],
  [-1, '0.10.1', 'IV0'],
  [-1, '0.10.1', 'IV1'],
  [-1, '0.10.1', 'IV2'],
  [-1, '0.10.2', 'IV0'],
  [-1, '0.11.0', 'IV0'],
  [-1, '0.11.0', 'IV1'],
  [-1, '0.11.0', 'IV2'],
  [-1, '1.0', 'IV0'],
  [-1, '1.1', 'IV0'],
  [-1, '2.0', 'IV0'],
  [-1, '2.0', 'IV1'],
  [-1, '2.1', 'IV0'],
  [-1, '2.1', 'IV1'],
  [-1, '2.1', 'IV2'],
  [-1, '2.2', 'IV0'],
  [-1, '2.2', 'IV1'],
  [-1, '2.3', 'IV0'],
  [-1, '2.3', 'IV1'],
  [-1, '2.4', 'IV0'],
  [-1, '2.4', 'IV1'],
  [-1, '2.5', 'IV0'],
  [-1, '2.6', 'IV0'],
  [-1, '2.7', 'IV0'],
  [-1, '2.7', 'IV1'],
  [-1, '2.7', 'IV2'],
  [-1, '2.8', 'IV0'],
  [-1, '2.8', 'IV1'],
  [-1, '3.0', 'IV0'],
  [1, '3.0', 'IV1'],
  [2, '3.1', 'IV0'],
  [3, '3.2', 'IV0'],
  [4, '3.3', 'IV0'],
  [5, '3.3', 'IV1'],
  [6, '3.3', 'IV2'],
  [7, '3.3', 'IV3'],
  [8, '3.4', 'IV0'],
  [9, '3.5', 'IV0'],
  [10, '3.5', 'IV1'],
  [11, '3.5', 'IV2'],
  [12, '3.6', 'IV0'],
  [13, '3.6', 'IV1'],
  [14, '3.6', 'IV2'],
  [15, '3.7', 'IV0'],
  [16, '3.7', 'IV1'],
  [17, '3.7', 'IV2'],
  [18, '3.7', 'IV3'],
  [19, '3.7', 'IV4'],
  [20, '3.8', 'IV0'],
];

export const METADATA_VERSIONS: readonly MetadataVersion[] = TABLE.map(([featureLevel, release, sub], ordinal) => ({
  featureLevel,
  release,
  version: sub === '' ? release : `${release}-${sub}`,
  ordinal,
}));

const byVersion = (v: string) => METADATA_VERSIONS.find((m) => m.version === v)!;

/** LATEST_PRODUCTION: 3.7-IV4. Later versions (3.8-IV0) are still in development in 3.7.0. */
export const LATEST_PRODUCTION: MetadataVersion = byVersion('3.7-IV4');
/** MINIMUM_BOOTSTRAP_VERSION: 3.3-IV0, the first to store metadata.version in the log. */
export const MINIMUM_BOOTSTRAP_VERSION: MetadataVersion = byVersion('3.3-IV0');

export function isProduction(v: MetadataVersion): boolean {
  return v.ordinal <= LATEST_PRODUCTION.ordinal;
}

export function isKRaftSupported(v: MetadataVersion): boolean {
  return v.featureLevel > 0;
}

/** IBP_VERSIONS: every version string, plus each release ("3.7") for its newest production version. */
const IBP_VERSIONS = new Map<string, MetadataVersion>();
{
  const maxInterVersion = new Map<string, MetadataVersion>();
  for (const v of METADATA_VERSIONS) {
    if (isProduction(v)) maxInterVersion.set(v.release, v);
    IBP_VERSIONS.set(v.version, v);
  }
  for (const [k, v] of maxInterVersion) IBP_VERSIONS.set(k, v);
}

/** MetadataVersion.fromVersionString: "3.7", "3.7-IV4", "0.10.0", "1.0.1" (digits past the release are ignored). */
export function metadataVersionFromString(versionString: string): MetadataVersion {
  const segments = versionString.split('.');
  while (segments.length > 0 && segments[segments.length - 1] === '') segments.pop(); // Java's split drops trailing empties
  const numSegments = versionString.startsWith('0.') ? 3 : 2;
  const key = numSegments >= segments.length ? versionString : segments.slice(0, numSegments).join('.');
  const v = IBP_VERSIONS.get(key);
  if (!v) throw new Error(`Version ${versionString} is not a valid version`);
  return v;
}

/** MetadataVersion.fromFeatureLevel */
export function metadataVersionFromFeatureLevel(level: number): MetadataVersion {
  const v = METADATA_VERSIONS.find((m) => m.featureLevel === level);
  if (!v) throw new Error(`No MetadataVersion with metadata version ${level}`);
  return v;
}

/**
 * The record versions Kafka 3.7 writes at a metadata.version feature level (MetadataVersion.registerBrokerRecordVersion,
 * partitionRecordVersion, partitionChangeRecordVersion; the Is*Supported gates: 3.3-IV2 = 6 BrokerRegistrationChangeRecord,
 * 3.3-IV3 = 7 inControlledShutdown, 3.4-IV0 = 8 migration, 3.7-IV0 = 15 RegisterControllerRecord, 3.7-IV2 = 17
 * directory assignment, 3.8-IV0 = 20 ELR).
 */
export interface MetadataRecordVersions {
  registerBroker: number;
  partition: number;
  partitionChange: number;
  /** BrokerRegistrationChangeRecord is supported (else FenceBrokerRecord/UnfenceBrokerRecord). */
  brokerRegistrationChangeRecord: boolean;
  /** BrokerRegistrationChangeRecord version: 1 carries inControlledShutdown, 2 logDirs. */
  brokerRegistrationChange: number;
  inControlledShutdownState: boolean;
  controllerRegistration: boolean;
  directoryAssignment: boolean;
}

export function recordVersionsFor(featureLevel: number): MetadataRecordVersions {
  const directoryAssignment = featureLevel >= 17;
  const elr = featureLevel >= 20;
  return {
    registerBroker: directoryAssignment ? 3 : featureLevel >= 8 ? 2 : featureLevel >= 7 ? 1 : 0,
    partition: elr ? 2 : directoryAssignment ? 1 : 0,
    partitionChange: elr ? 2 : directoryAssignment ? 1 : 0,
    brokerRegistrationChangeRecord: featureLevel >= 6,
    brokerRegistrationChange: directoryAssignment ? 2 : featureLevel >= 7 ? 1 : 0,
    inControlledShutdownState: featureLevel >= 7,
    controllerRegistration: featureLevel >= 15,
    directoryAssignment,
  };
}
