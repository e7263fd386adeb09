/**
 * org.apache.kafka.metadata.BrokerRegistration and ControllerRegistration as the KRaft metadata image holds them,
 * built from RegisterBrokerRecord / RegisterControllerRecord and changed by BrokerRegistrationChangeRecord
 * (ClusterDelta.replay).
 */
import { uuids } from './DirectoryId';
import { MetadataReplayError } from './MetadataReplayError';

export interface BrokerEndpoint {
  name: string;
  host: string;
  port: number;
  securityProtocol: number;
}

export interface SupportedFeature {
  name: string;
  minSupportedVersion: number;
  maxSupportedVersion: number;
}

/** org.apache.kafka.metadata.BrokerRegistration. */
export interface BrokerRegistration {
  id: number;
  epoch: number;
  incarnationId: Buffer;
  listeners: BrokerEndpoint[];
  features: SupportedFeature[];
  rack: string | null;
  fenced: boolean;
  inControlledShutdown: boolean;
  isMigratingZkBroker: boolean;
  /** Directory ids of the broker's log dirs (RegisterBrokerRecord v3+). */
  logDirs: Buffer[];
}

/** org.apache.kafka.metadata.ControllerRegistration (RegisterControllerRecord, KIP-919). */
export interface ControllerRegistration {
  id: number;
  incarnationId: Buffer;
  zkMigrationReady: boolean;
  listeners: BrokerEndpoint[];
  features: SupportedFeature[];
}

/** BrokerRegistrationFencingChange: what BrokerRegistrationChangeRecord.fenced means. */
const FENCE = 1;
const UNFENCE = -1;
/** BrokerRegistrationInControlledShutdownChange.IN_CONTROLLED_SHUTDOWN. */
const IN_CONTROLLED_SHUTDOWN = 1;

function endpoints(v: unknown): BrokerEndpoint[] {
  return (v as BrokerEndpoint[]).map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol }));
}

function features(v: unknown): SupportedFeature[] {
  return (v as SupportedFeature[]).map((f) => ({ name: f.name, minSupportedVersion: f.minSupportedVersion, maxSupportedVersion: f.maxSupportedVersion }));
}

/** BrokerRegistration.fromRecord(RegisterBrokerRecord). */
export function brokerFromRecord(d: Record<string, unknown>): BrokerRegistration {
  const id = d.brokerId as number;
  return {
    id,
    epoch: d.brokerEpoch as number,
    incarnationId: Buffer.from(d.incarnationId as Buffer),
    listeners: endpoints(d.endPoints),
    features: features(d.features),
    rack: (d.rack as string | null) ?? null,
    fenced: (d.fenced as boolean | undefined) ?? true,
    inControlledShutdown: (d.inControlledShutdown as boolean | undefined) ?? false,
    isMigratingZkBroker: (d.isMigratingZkBroker as boolean | undefined) ?? false,
    logDirs: uuids(d.logDirs),
  };
}

/** ControllerRegistration from RegisterControllerRecord. */
export function controllerFromRecord(d: Record<string, unknown>): ControllerRegistration {
  const id = d.controllerId as number;
  return {
    id,
    incarnationId: Buffer.from(d.incarnationId as Buffer),
    zkMigrationReady: d.zkMigrationReady as boolean,
    listeners: endpoints(d.endPoints),
    features: features(d.features),
  };
}

/** ClusterDelta.replay(BrokerRegistrationChangeRecord) on the broker's registration: fencing, controlled shutdown, log dirs. */
export function applyBrokerRegistrationChange(b: BrokerRegistration, d: Record<string, unknown>): void {
  const fenced = (d.fenced as number | undefined) ?? 0;
  if (fenced === FENCE) b.fenced = true;
  else if (fenced === UNFENCE) b.fenced = false;
  else if (fenced !== 0) throw new MetadataReplayError(`Invalid value for fenced field: ${fenced}`);
  const ics = (d.inControlledShutdown as number | undefined) ?? 0;
  if (ics === IN_CONTROLLED_SHUTDOWN) b.inControlledShutdown = true;
  else if (ics !== 0) throw new MetadataReplayError(`Invalid value for inControlledShutdown field: ${ics}`);
  if (d.logDirs !== undefined && d.logDirs !== null && (d.logDirs as Buffer[]).length > 0) b.logDirs = uuids(d.logDirs);
}

/** A deep copy (MetadataImage.clone). */
export function cloneBroker(b: BrokerRegistration): BrokerRegistration {
  return { ...b, listeners: b.listeners.map((e) => ({ ...e })), features: b.features.map((f) => ({ ...f })), logDirs: b.logDirs.slice() };
}

/** A deep copy (MetadataImage.clone). */
export function cloneController(c: ControllerRegistration): ControllerRegistration {
  return { ...c, listeners: c.listeners.map((e) => ({ ...e })), features: c.features.map((f) => ({ ...f })) };
}
