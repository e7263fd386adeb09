/**
 * Directory ids (org.apache.kafka.common.DirectoryId, KIP-858): 16-byte uuids naming a broker's log dirs, carried by
 * RegisterBrokerRecord/BrokerRegistrationChangeRecord (logDirs) and PartitionRecord/PartitionChangeRecord (directories).
 */

/** The DirectoryId a replica gets when it has none yet (DirectoryId.UNASSIGNED / MIGRATING). */
export const DIRECTORY_UNASSIGNED = Buffer.alloc(16);
export const DIRECTORY_MIGRATING = (() => {
  const b = Buffer.alloc(16);
  b[15] = 2;
  return b;
})();

/** A record's uuid array, copied (absent or null: none). */
export const uuids = (v: unknown): Buffer[] => ((v as Buffer[] | null | undefined) ?? []).map((b) => Buffer.from(b));
