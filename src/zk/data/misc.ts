/**
 * Codecs of the remaining znodes (zk-mode.md §1.2), each with Kafka's key order and value types.
 */
import { randomBytes } from 'crypto';
import { encodePropertiesJson, jsonIntArray, jsonString } from './json';
import type { TopicPartition } from './paths';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const parse = <T>(data: Buffer | null): T | null => (data && data.length ? (JSON.parse(data.toString('utf8')) as T) : null);

// ---- /controller, /controller_epoch, /cluster/id, /feature -----------------------------------------

/** ControllerZNode.encode (3.4+): `{"version":2,"brokerid":N,"timestamp":"ms","kraftControllerEpoch":-1}`. */
export function encodeController(brokerId: number, timestampMs: number, kraftControllerEpoch = -1): Buffer {
  return utf8(`{"version":2,"brokerid":${brokerId},"timestamp":"${timestampMs}","kraftControllerEpoch":${kraftControllerEpoch}}`);
}

interface ControllerRegistration {
  brokerId: number;
  timestamp: string;
  kraftControllerEpoch: number;
}

export function decodeController(data: Buffer | null): ControllerRegistration | null {
  const j = parse<{ brokerid: number; timestamp?: string; kraftControllerEpoch?: number }>(data);
  if (!j) return null;
  return { brokerId: j.brokerid, timestamp: j.timestamp ?? '', kraftControllerEpoch: j.kraftControllerEpoch ?? -1 };
}

/** ControllerEpochZNode: plain decimal text. */
export const encodeControllerEpoch = (epoch: number): Buffer => utf8(String(epoch));
export const decodeControllerEpoch = (data: Buffer | null): number => Number((data ?? Buffer.alloc(0)).toString('utf8'));

/** ClusterIdZNode: `{"version":"1","id":"..."}`, version is the STRING "1". */
export const encodeClusterId = (id: string): Buffer => utf8(`{"version":"1","id":${jsonString(id)}}`);
export function decodeClusterId(data: Buffer | null): string {
  const j = parse<{ id: string }>(data);
  if (!j) throw new Error('Invalid /cluster/id data');
  return j.id;
}

/** FeatureZNode (3.3+ v2): `{"features":{},"version":2,"status":1}`; status 1 enabled, 0 disabled. */
export function encodeFeature(features: Record<string, { minVersionLevel?: number; maxVersionLevel: number }> = {}, status = 1, version = 2): Buffer {
  const f = Object.keys(features)
    .map((k) => {
      const v = features[k];
      const min = version === 1 ? `"min_version_level":${v.minVersionLevel ?? 1},` : '';
      return `${jsonString(k)}:{${min}"max_version_level":${v.maxVersionLevel}}`;
    })
    .join(',');
  return utf8(`{"features":{${f}},"version":${version},"status":${status}}`);
}

export function decodeFeature(data: Buffer | null): { version: number; status: number; features: Record<string, { maxVersionLevel: number }> } | null {
  const j = parse<{ version: number; status: number; features: Record<string, { max_version_level: number }> }>(data);
  if (!j) return null;
  const features: Record<string, { maxVersionLevel: number }> = {};
  for (const [k, v] of Object.entries(j.features ?? {})) features[k] = { maxVersionLevel: v.max_version_level };
  return { version: j.version, status: j.status, features };
}

// ---- /config -----------------------------------------------------------------------------------

/** ConfigEntityZNode: `{"version":1,"config":{…}}`, config in Java 9+ Properties order (§0.3c). */
export function encodeConfigEntity(config: Readonly<Record<string, string>>): Buffer {
  return utf8(`{"version":1,"config":${encodePropertiesJson(config)}}`);
}

export function decodeConfigEntity(data: Buffer | null): Record<string, string> {
  const j = parse<{ config?: Record<string, unknown> }>(data);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(j?.config ?? {})) out[k] = String(v);
  return out;
}

/** ConfigEntityChangeNotificationSequenceZNode: `{"version":2,"entity_path":"topics/t"}`. */
export const encodeConfigChangeNotification = (sanitizedEntityPath: string): Buffer => utf8(`{"version":2,"entity_path":${jsonString(sanitizedEntityPath)}}`);

/** Accepts v2 and the legacy v1 `{"version":1,"entity_type":"topics","entity_name":"t"}`. */
export function decodeConfigChangeNotification(data: Buffer | null): string | null {
  const j = parse<{ version: number; entity_path?: string; entity_type?: string; entity_name?: string }>(data);
  if (!j) return null;
  if (j.version === 1 && j.entity_type !== undefined) return `${j.entity_type}/${j.entity_name ?? ''}`;
  return j.entity_path ?? null;
}

// ---- partition lists -----------------------------------------------------------------------------

function encodePartitionList(partitions: readonly TopicPartition[]): string {
  return `[${partitions.map((p) => `{"topic":${jsonString(p.topic)},"partition":${p.partition}}`).join(',')}]`;
}

function decodePartitionList(data: Buffer | null): TopicPartition[] {
  const j = parse<{ partitions?: Array<{ topic: string; partition: number }> }>(data);
  return (j?.partitions ?? []).map((p) => ({ topic: p.topic, partition: p.partition }));
}

/** IsrChangeNotificationSequenceZNode: `{"version":1,"partitions":[{"topic":"t","partition":0}]}`. */
export const encodeIsrChangeNotification = (partitions: readonly TopicPartition[]): Buffer =>
  utf8(`{"version":1,"partitions":${encodePartitionList(partitions)}}`);

/** PreferredReplicaElectionZNode: same shape as the ISR notification. */
export const encodePreferredReplicaElection = encodeIsrChangeNotification;
export const decodePreferredReplicaElection = decodePartitionList;

/** ReassignPartitionsZNode: `{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}`. */
export function encodeReassignPartitions(entries: ReadonlyArray<TopicPartition & { replicas: readonly number[] }>): Buffer {
  const items = entries.map((e) => `{"topic":${jsonString(e.topic)},"partition":${e.partition},"replicas":${jsonIntArray(e.replicas)}}`);
  return utf8(`{"version":1,"partitions":[${items.join(',')}]}`);
}

export function decodeReassignPartitions(data: Buffer | null): Array<TopicPartition & { replicas: number[] }> {
  const j = parse<{ partitions?: Array<{ topic: string; partition: number; replicas: number[] }> }>(data);
  return (j?.partitions ?? []).map((p) => ({ topic: p.topic, partition: p.partition, replicas: p.replicas }));
}

/** LogDirEventNotificationSequenceZNode: `{"version":1,"broker":2,"event":1}` (1 = log dir failure). */
export const encodeLogDirEvent = (brokerId: number, event = 1): Buffer => utf8(`{"version":1,"broker":${brokerId},"event":${event}}`);

// ---- /latest_producer_id_block --------------------------------------------------------------------

export interface ProducerIdsBlock {
  brokerId: number;
  /** first id of the block (64-bit; kept as bigint) */
  blockStart: bigint;
  /** last id of the block, inclusive */
  blockEnd: bigint;
}

/** ProducerIdBlockZNode: `{"version":1,"broker":0,"block_start":"0","block_end":"999"}` (strings). */
export const encodeProducerIdBlock = (b: ProducerIdsBlock): Buffer =>
  utf8(`{"version":1,"broker":${b.brokerId},"block_start":"${b.blockStart}","block_end":"${b.blockEnd}"}`);

export function decodeProducerIdBlock(data: Buffer | null): ProducerIdsBlock | null {
  const j = parse<{ broker: number; block_start: string; block_end: string }>(data);
  if (!j) return null;
  return { brokerId: j.broker, blockStart: BigInt(j.block_start), blockEnd: BigInt(j.block_end) };
}

// ---- ids -----------------------------------------------------------------------------------------

function randomUuidBytes(): Buffer {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // IETF variant
  return b;
}

/** CoreUtils.generateUuidAsBase64: random UUID, URL-safe base64 without padding (may start with '-'). */
export function generateClusterId(): string {
  return randomUuidBytes().toString('base64url');
}

/** Uuid.randomUuid().toString: like the cluster id but never starting with '-' and never ZERO/METADATA. */
export function randomTopicId(): string {
  for (;;) {
    const b = randomUuidBytes();
    const s = b.toString('base64url');
    const hi = b.readBigUInt64BE(0);
    const lo = b.readBigUInt64BE(8);
    if (!s.startsWith('-') && !(hi === 0n && (lo === 0n || lo === 1n))) return s;
  }
}
