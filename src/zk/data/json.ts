/**
 * JSON as Kafka's Jackson ObjectMapper writes it (compact, UTF-8, `/` not escaped, control characters as
 * `\uXXXX` with upper-case hex) and the iteration orders of the JVM collections Kafka serialises
 * (zk-mode.md §0.3): Scala 2.13 `mutable.HashMap` and Java 9+ `ConcurrentHashMap` (Properties).
 */

/** Java's String.hashCode over UTF-16 code units, 32-bit overflow. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: abs(Integer.MIN_VALUE) is 0, not MIN_VALUE. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** A JSON string literal as Jackson writes it (JSON.stringify differs only in the hex case of \u escapes). */
export function jsonString(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\u${hex.toUpperCase()}`);
}

/** Compact JSON array of ints. */
export function jsonIntArray(xs: readonly number[]): string {
  return `[${xs.join(',')}]`;
}

// ---- Scala 2.13 collection.mutable.HashMap -------------------------------------------------------

/** Table size of `mutable.HashMap.from(k entries)` (tableSizeFor((k+1)/0.75)), 16 for an empty map. */
export function scalaHashMapInitialTableSize(knownSize: number): number {
  const cap = knownSize > 0 ? Math.floor((knownSize + 1) / 0.75) : 16;
  const c = Math.max(cap - 1, 4);
  return Math.min(2 ** Math.floor(Math.log2(c)) * 2, 1 << 30);
}

/** Table size after `n` keys were added one by one to a map whose table started at `initial` buckets. */
export function scalaHashMapTableSize(initial: number, n: number): number {
  let size = initial;
  // put0: `if (contentSize + 1 >= threshold) growTable(length * 2)`, threshold = (length * 0.75).toInt.
  for (let contentSize = 0; contentSize < n; contentSize++) {
    if (contentSize + 1 >= Math.floor(size * 0.75)) size *= 2;
  }
  return size;
}

/**
 * Iteration order of a Scala 2.13 mutable.HashMap[String, _] with the given keys and final table size:
 * ascending bucket index (improved hash `h ^ (h >>> 16)` masked), ascending improved hash inside a bucket.
 * Growth splits buckets preserving order, so only the final size matters.
 */
export function scalaMutableHashMapOrder(keys: readonly string[], tableSize: number): string[] {
  const mask = tableSize - 1;
  const entries = keys.map((k) => {
    const h = javaStringHashCode(k);
    const g = (h ^ (h >>> 16)) | 0;
    return { k, g, b: g & mask };
  });
  entries.sort((a, b) => a.b - b.b || a.g - b.g);
  return entries.map((e) => e.k);
}

/** Order of a map built empty then filled key by key (TopicZNode's partitions maps). */
export function scalaGrownHashMapOrder(keys: readonly string[]): string[] {
  return scalaMutableHashMapOrder(keys, scalaHashMapTableSize(16, keys.length));
}

// ---- Java 9+ java.util.Properties (ConcurrentHashMap) --------------------------------------------

interface ChmNode {
  key: string;
  hash: number;
}

/**
 * Iteration order of `new Properties()` (ConcurrentHashMap(8) → 16 bins) after putting keys in the given
 * order: ascending bin, insertion order inside a bin; resizes at 0.75·n with the lo/hi split (`lastRun`
 * kept, the nodes before it reversed) as ConcurrentHashMap.transfer does. Repeated keys keep their place.
 */
export function javaPropertiesOrder(keysInInsertionOrder: readonly string[]): string[] {
  let n = 16;
  let table: ChmNode[][] = Array.from({ length: n }, () => []);
  let count = 0;
  for (const key of keysInInsertionOrder) {
    const h = javaStringHashCode(key);
    const hash = (h ^ (h >>> 16)) & 0x7fffffff;
    const bin = table[hash & (n - 1)];
    if (bin.some((e) => e.key === key)) continue;
    bin.push({ key, hash });
    count++;
    if (count >= n - (n >>> 2)) {
      const next: ChmNode[][] = Array.from({ length: n * 2 }, () => []);
      table.forEach((nodes, i) => {
        if (nodes.length === 0) return;
        let runBit = nodes[0].hash & n;
        let lastRun = 0;
        for (let j = 1; j < nodes.length; j++) {
          const b = nodes[j].hash & n;
          if (b !== runBit) {
            runBit = b;
            lastRun = j;
          }
        }
        const tail = nodes.slice(lastRun);
        let lo: ChmNode[] = runBit === 0 ? tail : [];
        let hi: ChmNode[] = runBit === 0 ? [] : tail;
        for (let j = 0; j < lastRun; j++) {
          const p = nodes[j];
          if ((p.hash & n) === 0) lo = [p, ...lo];
          else hi = [p, ...hi];
        }
        next[i] = lo;
        next[i + n] = hi;
      });
      table = next;
      n *= 2;
    }
  }
  return table.flatMap((bin) => bin.map((e) => e.key));
}

/** `{"k":"v",...}` of a Properties object filled in the given order. */
export function encodePropertiesJson(config: Readonly<Record<string, string>>): string {
  const keys = javaPropertiesOrder(Object.keys(config));
  return `{${keys.map((k) => `${jsonString(k)}:${jsonString(config[k])}`).join(',')}}`;
}
