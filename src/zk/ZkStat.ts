/** ZooKeeper's Stat with 64-bit fields as numbers (zxids stay far below 2^53) and ids as hex strings. */
import type * as zookeeper from 'node-zookeeper-client';

export interface ZkStat {
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  /** dataVersion */
  version: number;
  cversion: number;
  aversion: number;
  /** session id as Java's Long.toHexString ("0" for persistent nodes) */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

function num64(b: Buffer | undefined): number {
  return b && b.length === 8 ? Number(b.readBigInt64BE(0)) : 0;
}

/** Java's Long.toHexString of a signed 64-bit id. */
export function sessionIdHex(b: Buffer | undefined): string {
  return b && b.length === 8 ? b.readBigUInt64BE(0).toString(16) : '0';
}

export function toZkStat(s: zookeeper.Stat): ZkStat {
  return {
    czxid: num64(s.czxid),
    mzxid: num64(s.mzxid),
    pzxid: num64(s.pzxid),
    ctime: num64(s.ctime),
    mtime: num64(s.mtime),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: sessionIdHex(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}
