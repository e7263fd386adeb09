/**
 * CRC-32C (Castagnoli), the checksum of record batch v2 (Kafka's `Crc32C`, over bytes 21..end of a batch).
 * Native SIMD implementation from `@node-rs/crc32`; a table-driven fallback only if the addon fails to load.
 */

type Crc32cFn = (input: Uint8Array, initialState?: number | null) => number;

function tableCrc32c(): Crc32cFn {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (input, initialState) => {
    let crc = ~(initialState ?? 0) >>> 0;
    for (let i = 0; i < input.length; i++) crc = table[(crc ^ input[i]) & 0xff] ^ (crc >>> 8);
    return ~crc >>> 0;
  };
}

function loadNative(): Crc32cFn {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@node-rs/crc32') as { crc32c: Crc32cFn };
    if (mod.crc32c(Buffer.from('123456789')) >>> 0 === 0xe3069283) return mod.crc32c;
  } catch {
    // fall through to the table implementation
  }
  return tableCrc32c();
}

const impl: Crc32cFn = loadNative();

/** Unsigned CRC-32C of `buf[start, end)`. Slicing is a view (no copy). */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return impl(view) >>> 0;
}

/** Exposed for tests: the pure-TypeScript fallback. */
export const crc32cFallback: (buf: Buffer) => number = (() => {
  const f = tableCrc32c();
  return (buf: Buffer) => f(buf);
})();
