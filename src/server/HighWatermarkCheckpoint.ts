import * as fs from 'fs';
import * as path from 'path';

/**
 * replication-offset-checkpoint in each log dir (kafka.server.checkpoints.OffsetCheckpointFile):
 * version line `0`, a count line, then `topic partition offset` per line. Written atomically (temp file +
 * rename), read at start-up so a restarted leader does not lose its high watermark.
 */
export const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';

export function writeOffsetCheckpoint(dir: string, name: string, entries: Array<{ topic: string; partition: number; offset: number }>): void {
  const body = `0\n${entries.length}\n${entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`).join('\n')}${entries.length ? '\n' : ''}`;
  const file = path.join(dir, name);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readOffsetCheckpoint(dir: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[0]?.trim() !== '0') return out;
  for (const line of lines.slice(2)) {
    const m = /^(\S+) (\d+) (-?\d+)$/.exec(line.trim());
    if (m) out.set(`${m[1]}-${m[2]}`, Number(m[3]));
  }
  return out;
}
