/**
 * The binary formats of __consumer_offsets records (zk-mode.md §7; Kafka's generated OffsetCommitKey/Value,
 * GroupMetadataKey/Value, used by GroupMetadataManager.offsetCommitKey/Value, groupMetadataKey/Value and
 * readMessageKey/readOffsetMessageValue/readGroupMessageValue). Every key and value is an int16 version
 * followed by that version's fields, non-flexible encoding. A null value is a tombstone.
 *
 *   key v0/v1 (offset commit)   => group STRING, topic STRING, partition INT32     (3.x writes v1)
 *   key v2    (group metadata)  => group STRING
 *   offset value v0 => offset INT64, metadata STRING, commit_timestamp INT64
 *   offset value v1 => offset, metadata, commit_timestamp, expire_timestamp INT64  (explicit retention)
 *   offset value v2 => offset, metadata, commit_timestamp                            (never written here)
 *   offset value v3 => offset, leader_epoch INT32, metadata, commit_timestamp      (the normal 3.x case)
 *   group value v0..v3 => protocol_type STRING, generation INT32, protocol NULLABLE_STRING,
 *                         leader NULLABLE_STRING, [v2+ current_state_timestamp INT64], members [...]
 *     member v0 => member_id, client_id, client_host, session_timeout INT32, subscription BYTES, assignment BYTES
 *     member v1-2 => adds rebalance_timeout INT32 before session_timeout
 *     member v3 => adds group_instance_id NULLABLE_STRING after member_id
 */
import { Reader } from '../../protocol/Reader';
import { Writer } from '../../protocol/Writer';

const OFFSET_COMMIT_KEY_VERSION = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_METADATA_VALUE_VERSION = 3;

type OffsetsRecordKey =
  | { kind: 'offset'; version: number; group: string; topic: string; partition: number }
  | { kind: 'group'; version: number; group: string }
  | { kind: 'unknown'; version: number };

interface OffsetCommitValue {
  offset: number;
  /** -1 when unknown (and for value versions before 3). */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only value v1 carries it; -1 otherwise. */
  expireTimestamp: number;
}

interface GroupMemberValue {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMemberValue[];
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return new Writer(64).int16(OFFSET_COMMIT_KEY_VERSION).string(group).string(topic).int32(partition).toBuffer();
}

export function groupMetadataKey(group: string): Buffer {
  return new Writer(32).int16(GROUP_METADATA_KEY_VERSION).string(group).toBuffer();
}

/** Value v3, or v1 when the commit carried an explicit expire timestamp (GroupMetadataManager.offsetCommitValue). */
export function offsetCommitValue(v: OffsetCommitValue): Buffer {
  const w = new Writer(64);
  if (v.expireTimestamp >= 0) {
    w.int16(OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY).int64(v.offset).string(v.metadata).int64(v.commitTimestamp).int64(v.expireTimestamp);
  } else {
    w.int16(OFFSET_COMMIT_VALUE_VERSION).int64(v.offset).int32(v.leaderEpoch).string(v.metadata).int64(v.commitTimestamp);
  }
  return w.toBuffer();
}

export function groupMetadataValue(g: GroupMetadataValue): Buffer {
  const w = new Writer(256);
  w.int16(GROUP_METADATA_VALUE_VERSION).string(g.protocolType).int32(g.generation).nullableString(g.protocol).nullableString(g.leader);
  w.int64(g.currentStateTimestamp);
  w.array(g.members, (wm, m) => {
    wm.string(m.memberId).nullableString(m.groupInstanceId).string(m.clientId).string(m.clientHost);
    wm.int32(m.rebalanceTimeout).int32(m.sessionTimeout).bytes(m.subscription).bytes(m.assignment);
  });
  return w.toBuffer();
}

export function readMessageKey(buf: Buffer): OffsetsRecordKey {
  const r = new Reader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) return { kind: 'offset', version, group: r.string(), topic: r.string(), partition: r.int32() };
  if (version === 2) return { kind: 'group', version, group: r.string() };
  // Versions >= 3 belong to KRaft-era group types (KIP-848); a ZK-mode coordinator skips them.
  return { kind: 'unknown', version };
}

export function readOffsetMessageValue(buf: Buffer | null): OffsetCommitValue | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) throw new Error(`Unknown offset message version ${version}`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function readGroupMessageValue(buf: Buffer | null): GroupMetadataValue | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) throw new Error(`Unknown group metadata message version ${version}`);
  const protocolType = r.string();
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestamp = version >= 2 ? r.int64() : -1;
  const members = r.array((rm): GroupMemberValue => {
    const memberId = rm.string();
    const groupInstanceId = version >= 3 ? rm.nullableString() : null;
    const clientId = rm.string();
    const clientHost = rm.string();
    const rebalanceTimeout = version >= 1 ? rm.int32() : -1;
    const sessionTimeout = rm.int32();
    if (version === 0)
      return {
        memberId,
        groupInstanceId,
        clientId,
        clientHost,
        rebalanceTimeout: sessionTimeout,
        sessionTimeout,
        subscription: Buffer.from(rm.bytes()),
        assignment: Buffer.from(rm.bytes()),
      };
    return {
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeout,
      sessionTimeout,
      subscription: Buffer.from(rm.bytes()),
      assignment: Buffer.from(rm.bytes()),
    };
  });
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}
