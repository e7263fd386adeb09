/**
 * kafka-metadata-shell's engine (Kafka 3.7's shell.MetadataShell with its SnapshotFileReader and InteractiveShell):
 * loads a snapshot (`<offset>-<epoch>.checkpoint`, also bootstrap.checkpoint) or a `__cluster_metadata` log segment
 * (`.log`) into a MetadataImage, then runs one command (non-interactive), a shell on a terminal (readline with
 * history and tab completion, prompt ">> "), or the lines of a script read from a non-terminal stdin.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { METADATA_RECORD_SERDE } from '../../metadata/MetadataRecordSerde';
import { validateBatches } from '../../protocol/records/RecordBatch';
import { readBatches } from '../../raft/RaftBatches';
import { parseSnapshot, parseSnapshotFileName } from '../../raft/Snapshots';
import { parseCommand, ShellContext, splitWords, TYPES } from './Commands';
import { ShellState, splitPath, stripDotPathComponents } from './Glob';
import { compareJava, rootShellNode } from './MetadataNodes';

type Out = (line: string) => void;

/**
 * Reads the file's record batches into an image. A snapshot named `<offset>-<epoch>.checkpoint` is loaded as one
 * (its provenance is the snapshot id); anything else is replayed batch by batch, control batches included only to
 * advance the provenance, as SnapshotFileReader hands them to the MetadataLoader.
 */
export function loadImage(file: string): MetadataImage {
  const image = new MetadataImage();
  const bytes = fs.readFileSync(file);
  const snap = parseSnapshotFileName(path.basename(file));
  if (snap && !snap.partial && !snap.deleted) {
    image.loadSnapshot(parseSnapshot(bytes, snap.snapshotId, METADATA_RECORD_SERDE, file));
    return image;
  }
  // A segment being appended to may end in a torn batch: read its whole batches, CRCs checked (FileRecords).
  const whole = bytes.subarray(0, wholeBatchesLength(bytes));
  if (whole.length === 0) return image;
  validateBatches(whole, { client: false });
  for (const batch of readBatches(whole, METADATA_RECORD_SERDE)) image.replayBatch(batch);
  return image;
}

/** Bytes taken by the complete batches at the start of `buf` (the batch header's length field, as FileRecords reads it). */
function wholeBatchesLength(buf: Buffer): number {
  let pos = 0;
  // baseOffset (8) + length (4): a batch is 12 bytes plus its length field.
  while (pos + 12 <= buf.length) {
    const size = 12 + buf.readInt32BE(pos + 8);
    if (size < 61 || pos + size > buf.length) break;
    pos += size;
  }
  return pos;
}

/** Non-interactive mode: one command of Commands(false) (cat, find, ls, tree). */
export function runCommand(image: MetadataImage, words: string[], out: Out): void {
  const state: ShellState = { root: rootShellNode(image), workingDirectory: '/' };
  parseCommand(words, false)(null, out, state);
}

/** CommandUtils.completeCommand / completePath for readline's completer. */
export function complete(state: ShellState, line: string): [string[], string] {
  const words = splitWords(line);
  if (/\s$/.test(line) || line === '') words.push('');
  if (words.length <= 1) {
    const prefix = words[0] ?? '';
    return [[...TYPES.keys()].filter((n) => n.startsWith(prefix)), prefix];
  }
  const prefix = words[words.length - 1];
  const abs = prefix.startsWith('/') ? prefix : `${state.workingDirectory}/${prefix}`;
  const components = stripDotPathComponents(splitPath(abs));
  const numDirectories = prefix.endsWith('/') || prefix === '' ? components.length : components.length - 1;
  let dir = state.root;
  for (let i = 0; i < numDirectories; i++) {
    const next = dir.child(components[i]);
    if (!next || !next.isDirectory()) return [[], prefix];
    dir = next;
  }
  const last = numDirectories < components.length ? components[numDirectories] : '';
  const effectivePrefix = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const hits = [...dir.childNames()]
    .sort(compareJava)
    .filter((n) => n.startsWith(last))
    .map((n) => effectivePrefix + n + (dir.child(n)?.isDirectory() ? '/' : ''));
  return [hits, prefix];
}

/**
 * The shell's main loop over `input`. On a terminal: the 3.7 banners, prompt ">> ", history and completion; from
 * a pipe or file: each line run as a command with no prompt, so scripts get only the commands' output.
 */
export function runShell(image: MetadataImage, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, terminal: boolean): Promise<void> {
  const state: ShellState = { root: rootShellNode(image), workingDirectory: '/' };
  const out: Out = (l) => output.write(`${l}\n`);
  const entries: string[] = [];
  return new Promise((resolve) => {
    const rl = readline.createInterface({
      input,
      output: terminal ? output : undefined,
      terminal,
      prompt: '>> ',
      historySize: 1000,
      completer: terminal ? (line: string) => complete(state, line) : undefined,
    });
    let closed = false;
    const ctx: ShellContext = {
      screenWidth: () => (terminal ? (output as NodeJS.WriteStream).columns || 80 : null),
      // InteractiveShell.history: the last n entries, numbered from 0 (JLine's DefaultHistory).
      history: (n) => {
        const count = Math.max(0, Math.min(n, entries.length));
        return entries.slice(entries.length - count).map((l, i) => [entries.length - count + i, l] as [number, string]);
      },
      exit: () => {
        closed = true;
        rl.close();
      },
    };
    if (terminal) {
      out('Starting...');
      out('[ Kafka Metadata Shell ]');
      rl.prompt();
    }
    rl.on('line', (line) => {
      // readline may still deliver lines it had buffered when `exit` closed it.
      if (closed) return;
      if (line.trim() !== '') entries.push(line);
      try {
        parseCommand(splitWords(line), true)(ctx, out, state);
      } catch (e) {
        out((e as Error).message);
      }
      if (terminal && !closed) rl.prompt();
    });
    // Ctrl-C prints ^C and goes on (UserInterruptException); Ctrl-D ends the shell (EndOfFileException).
    rl.on('SIGINT', () => {
      out('^C');
      rl.prompt();
    });
    rl.on('close', () => {
      closed = true;
      resolve();
    });
  });
}
