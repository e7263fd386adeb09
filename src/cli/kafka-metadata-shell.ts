/**
 * kafka-metadata-shell (Kafka 3.7's org.apache.kafka.shell.MetadataShell.main):
 *   kafka-metadata-shell --snapshot <file> [command ...]
 * With a command (ls, cat, tree, find) it runs that one command and exits; without, it opens the shell on a
 * terminal, or runs stdin's lines as commands when stdin is not a terminal. Kafka also reads a snapshot's
 * directory `.lock` to refuse a directory a running node holds; our nodes keep no lock file, so the shell reads
 * the files as they are (a segment being appended to is read up to its last whole batch).
 */
import { loadImage, runCommand, runShell } from './metadatashell/MetadataShell';

const USAGE = 'usage: kafka-metadata-shell [-h] [--snapshot SNAPSHOT] [command [command ...]]';

const HELP = [
  USAGE,
  '',
  'The Apache Kafka metadata shell',
  '',
  'positional arguments:',
  '  command                The command to run.',
  '',
  'named arguments:',
  '  -h, --help             show this help message and exit',
  '  --snapshot SNAPSHOT, -s SNAPSHOT',
  '                         The snapshot file to read.',
];

type Out = (line: string) => void;

export interface ShellArgs {
  snapshot: string | null;
  command: string[];
  help: boolean;
}

/** argparse4j: options may come before the commands; everything from the first positional on is the command. */
export function parseArgs(argv: readonly string[]): ShellArgs {
  const args: ShellArgs = { snapshot: null, command: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (args.command.length === 0 && (a === '-h' || a === '--help')) args.help = true;
    else if (args.command.length === 0 && (a === '--snapshot' || a === '-s')) {
      const v = argv[++i];
      if (v === undefined) throw new Error('argument --snapshot/-s: expected one argument');
      args.snapshot = v;
    } else if (args.command.length === 0 && a.startsWith('--snapshot=')) args.snapshot = a.slice('--snapshot='.length);
    else if (args.command.length === 0 && a.startsWith('-') && a.length > 1) throw new Error(`unrecognized arguments: '${a}'`);
    else args.command.push(a);
  }
  return args;
}

/** MetadataShell.main without the exit: returns the exit code. */
export async function run(
  argv: readonly string[],
  out: Out,
  err: Out,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; terminal: boolean },
): Promise<number> {
  let args: ShellArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(USAGE);
    err(`kafka-metadata-shell: error: ${(e as Error).message}`);
    return 1;
  }
  if (args.help) {
    for (const l of HELP) out(l);
    return 0;
  }
  try {
    if (args.snapshot === null) throw new Error('You must specify either a raft manager or a snapshot file reader.');
    const interactive = args.command.length === 0;
    if (interactive && io.terminal) out('Loading...');
    const image = loadImage(args.snapshot);
    if (interactive) await runShell(image, io.input, io.output, io.terminal);
    else runCommand(image, args.command, out);
    return 0;
  } catch (e) {
    const err0 = e as NodeJS.ErrnoException;
    // Kafka: "Unexpected error: " + the exception's message (a missing file's NoSuchFileException names the path).
    err(`Unexpected error: ${err0.code === 'ENOENT' ? `${args.snapshot} (No such file or directory)` : err0.message}`);
    return 1;
  }
}

export function main(argv: string[] = process.argv): void {
  void run(
    argv.slice(2),
    (l) => process.stdout.write(`${l}\n`),
    (l) => process.stderr.write(`${l}\n`),
    { input: process.stdin, output: process.stdout, terminal: !!process.stdin.isTTY && !!process.stdout.isTTY },
  ).then((code) => {
    process.exitCode = code;
    // stdin may keep the loop alive after a one-shot command.
    process.stdin.destroy();
  });
}
