/**
 * Names of partition folders in a log dir, as Kafka's LocalLog companion object gives them: `<topic>-<partition>`,
 * and the suffixed `-future` / `-delete` folders of replicas being moved or deleted (logFutureDirName,
 * logDeleteDirName, parseTopicPartitionName); plus LogLoader's clean-shutdown marker.
 */
import { randomUUID } from 'crypto';

/** Kafka's `LogLoader.CleanShutdownFile`. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** `<topic>-<partition>`: the topic is everything before the LAST '-' (topic names may contain '-'). */
export function parseTopicPartitionName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const topic = name.slice(0, dash);
  const part = name.slice(dash + 1);
  if (!/^\d+$/.test(part) || !/^[a-zA-Z0-9._-]+$/.test(topic)) return null;
  return { topic, partition: Number(part) };
}

/** Kafka's LocalLog.FutureDirSuffix / DeleteDirSuffix: `<topic>-<partition>.<uuid without dashes><suffix>`. */
export const FUTURE_DIR_SUFFIX = '-future';
export const DELETE_DIR_SUFFIX = '-delete';
const SUFFIXED_DIR = /^(.+)\.([0-9a-f]{32})(-future|-delete)$/;

export function suffixedDirName(topic: string, partition: number, suffix: string): string {
  return `${topic}-${partition}.${randomUUID().replace(/-/g, '')}${suffix}`;
}

/** A future (`-future`) or to-be-deleted (`-delete`) partition folder: its partition and kind, else null. */
export function parseSuffixedDirName(name: string): { topic: string; partition: number; suffix: string } | null {
  const m = SUFFIXED_DIR.exec(name);
  const tp = m ? parseTopicPartitionName(m[1]) : null;
  return m && tp ? { ...tp, suffix: m[3] } : null;
}

/** The key of a partition's log in LogManager's maps (its folder name). */
export function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** recoveryPoints key of a future log (its checkpoint entry, in its own dir, is keyed like the current one). */
export function futureKey(k: string): string {
  return `${k}${FUTURE_DIR_SUFFIX}`;
}
