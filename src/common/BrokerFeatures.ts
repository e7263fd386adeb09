/**
 * kafka.server.BrokerFeatures of Kafka 3.7: what a broker supports, metadata.version from IBP_3_0_IV1 (level 1)
 * to 3.7-IV4 (level 19), the latest production MetadataVersion of 3.7. A ZK-mode broker advertises this range in
 * ApiVersions v3 but registers `"features":{}` in /brokers/ids/<id> (zk-mode.md), which is why a ZK controller
 * can finalize no feature: every live broker looks incompatible with any finalized level.
 */
export const SUPPORTED_FEATURES: ReadonlyArray<{ name: string; minVersion: number; maxVersion: number }> = [
  { name: 'metadata.version', minVersion: 1, maxVersion: 19 },
];

/** BrokerFeatures.hasIncompatibleFeatures: a finalized feature the broker lacks, or a level outside its range. */
export function hasIncompatibleFeatures(
  supported: Readonly<Record<string, { minVersion: number; maxVersion: number }>>,
  finalized: ReadonlyMap<string, number>,
): boolean {
  for (const [name, level] of finalized) {
    const r = supported[name];
    if (!r || level < r.minVersion || level > r.maxVersion) return true;
  }
  return false;
}
