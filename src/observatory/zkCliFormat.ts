/**
 * What ZooKeeper's CLI (zkCli.sh, which Kafka's zookeeper-shell runs) prints for `get -s <path>`: the data as a
 * string (Java's `new String(bytes)`, "null" for a node without data), then the stat as
 * org.apache.zookeeper.cli.StatPrinter prints it, with the times in java.util.Date.toString()'s format.
 */
import type { ZkStat } from '../zk/ZkStat';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** The zone's short name as Java shows it: "UTC" for UTC; other zones by Intl's short name (e.g. "CET", "GMT+1"). */
function zoneName(d: Date, timeZone?: string): string {
  const tz = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** java.util.Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy", e.g. "Mon Dec 07 06:16:52 UTC 2026". */
export function javaDateString(ms: number, timeZone?: string): string {
  const d = new Date(ms);
  const tz = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const utc = !tz || tz === 'UTC' || tz === 'Etc/UTC';
  // Wall-clock fields in the zone: Intl for a named zone, the UTC getters for UTC.
  let f: { wd: number; mon: number; day: number; h: number; mi: number; s: number; y: number };
  if (utc) {
    f = {
      wd: d.getUTCDay(),
      mon: d.getUTCMonth(),
      day: d.getUTCDate(),
      h: d.getUTCHours(),
      mi: d.getUTCMinutes(),
      s: d.getUTCSeconds(),
      y: d.getUTCFullYear(),
    };
  } else {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(d);
    const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '0';
    f = {
      wd: DAYS.indexOf(get('weekday')),
      mon: Number(get('month')) - 1,
      day: Number(get('day')),
      h: Number(get('hour')),
      mi: Number(get('minute')),
      s: Number(get('second')),
      y: Number(get('year')),
    };
  }
  return `${DAYS[f.wd]} ${MONTHS[f.mon]} ${pad(f.day)} ${pad(f.h)}:${pad(f.mi)}:${pad(f.s)} ${zoneName(d, tz)} ${f.y}`;
}

/** Java's Long.toHexString with StatPrinter's "0x" prefix. */
const hex = (n: number): string => `0x${n.toString(16)}`;

/** StatPrinter.printStat's lines, in its order. */
export function statLines(s: ZkStat, timeZone?: string): string[] {
  return [
    `cZxid = ${hex(s.czxid)}`,
    `ctime = ${javaDateString(s.ctime, timeZone)}`,
    `mZxid = ${hex(s.mzxid)}`,
    `mtime = ${javaDateString(s.mtime, timeZone)}`,
    `pZxid = ${hex(s.pzxid)}`,
    `cversion = ${s.cversion}`,
    `dataVersion = ${s.version}`,
    `aclVersion = ${s.aversion}`,
    `ephemeralOwner = 0x${s.ephemeralOwner}`,
    `dataLength = ${s.dataLength}`,
    `numChildren = ${s.numChildren}`,
  ];
}

/** GetCommand's first line: the bytes as a (UTF-8) string, or "null" when the node has no data. */
export function dataText(data: Buffer | null): string {
  return data === null ? 'null' : data.toString('utf8');
}
