/**
 * The iteration order of a java.util.HashMap / HashSet, for tools whose Kafka original prints one (LogDirsCommand
 * writes nested HashMaps with Jackson, so its JSON keys and list entries come out in hash order, not insertion
 * order). A HashMap's table grows by doubling from its initial capacity (16 by default) while size > 0.75 *
 * capacity; entries iterate by bucket (hash ^ hash >>> 16, masked) and, within a bucket, in insertion order
 * (resizes keep that order; treeified buckets, 8+ colliding keys, do not occur in these small maps).
 */

/** String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(). */
export function javaTopicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHash(topic)) | 0;
}

/** HashMap.tableSizeFor: the smallest power of two >= n (at least 1). */
function tableSizeFor(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/**
 * `entries` (in insertion order) as a HashMap with that initial capacity would iterate them. Keys are assumed
 * distinct; `hash` is the key's hashCode().
 */
export function javaHashMapOrder<T>(entries: readonly T[], hash: (e: T) => number, initialCapacity = 16): T[] {
  let capacity = tableSizeFor(Math.max(1, initialCapacity));
  while (entries.length > capacity * 0.75) capacity *= 2;
  const bucket = (e: T) => {
    const h = hash(e);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return entries
    .map((e, i) => ({ e, i, b: bucket(e) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.e);
}

/** A JSON object whose keys come out in the order a Java HashMap<String, Object> of them iterates. */
export function javaHashMapJson(fields: ReadonlyArray<readonly [string, string]>): string {
  return `{${javaHashMapOrder(fields, ([k]) => javaStringHash(k))
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;
}
