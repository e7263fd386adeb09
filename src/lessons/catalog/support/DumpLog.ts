/** Reading what bin/kafka-dump-log prints (Kafka's DumpLogSegments format), for the lessons' checks. */

export interface DumpedBatch {
  /** The segment file the batch was dumped from ("Dumping <file>"). */
  file: string;
  baseOffset: number;
  lastOffset: number;
  count: number;
  position: number;
  size: number;
  compresscodec: string;
}

export interface DumpedRecord {
  file: string;
  offset: number;
  key: string | undefined;
  payload: string | undefined;
}

/** The batch lines (`baseOffset: 0 lastOffset: 4 count: 5 ... position: 0 ... size: 371 ... compresscodec: none`). */
export function parseBatches(output: string): DumpedBatch[] {
  const out: DumpedBatch[] = [];
  let file = '';
  for (const line of output.split('\n')) {
    const dumping = /^Dumping (.*)$/.exec(line);
    if (dumping) file = dumping[1];
    if (!line.startsWith('baseOffset: ')) continue;
    const field = (name: string): string => new RegExp(`(?:^| )${name}: (\\S+)`).exec(line)?.[1] ?? '';
    out.push({
      file,
      baseOffset: Number(field('baseOffset')),
      lastOffset: Number(field('lastOffset')),
      count: Number(field('count')),
      position: Number(field('position')),
      size: Number(field('size')),
      compresscodec: field('compresscodec'),
    });
  }
  return out;
}

/** The record lines of --print-data-log (`| offset: 3 CreateTime: ... key: k payload: v`). */
export function parseRecords(output: string): DumpedRecord[] {
  const out: DumpedRecord[] = [];
  let file = '';
  for (const line of output.split('\n')) {
    const dumping = /^Dumping (.*)$/.exec(line);
    if (dumping) file = dumping[1];
    const m = /^\| offset: (\d+) .*?(?: key: (.*?))?(?: payload: (.*))?$/.exec(line);
    if (m) out.push({ file, offset: Number(m[1]), key: m[2], payload: m[3] });
  }
  return out;
}

/** The entries of a dumped .index (`offset: 27 position: 0`). */
export function parseIndexEntries(output: string): Array<{ offset: number; position: number }> {
  const out: Array<{ offset: number; position: number }> = [];
  for (const line of output.split('\n')) {
    const m = /^offset: (\d+) position: (\d+)$/.exec(line);
    if (m) out.push({ offset: Number(m[1]), position: Number(m[2]) });
  }
  return out;
}
