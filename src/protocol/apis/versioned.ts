import { Reader } from '../Reader';
import { Writer } from '../Writer';

/**
 * Version-aware primitives shared by the API codecs: flexible versions (KIP-482) use the compact forms of
 * strings and arrays, older versions the classic int16/int32 lengths.
 */
export function readStr(r: Reader, flex: boolean): string {
  return flex ? r.compactString() : r.string();
}

export function writeStr(w: Writer, flex: boolean, s: string): void {
  if (flex) w.compactString(s);
  else w.string(s);
}

export function readArr<T>(r: Reader, flex: boolean, item: (r: Reader) => T): T[] {
  return flex ? r.compactArray(item) : r.array(item);
}

export function writeArr<T>(w: Writer, flex: boolean, items: readonly T[], item: (w: Writer, v: T) => void): void {
  if (flex) w.compactArray(items, item);
  else w.array(items, item);
}

export const readInt32 = (r: Reader): number => r.int32();

export const writeInt32 = (w: Writer, v: number): void => {
  w.int32(v);
};

/** Copy, so a long-lived topic id does not pin the whole request frame in memory. */
export const readUuid = (r: Reader): Buffer => Buffer.from(r.uuid());
