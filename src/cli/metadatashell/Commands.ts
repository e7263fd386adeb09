/**
 * The commands of kafka-metadata-shell (Kafka 3.7's shell.command.*): cat, find, ls and tree everywhere; cd, exit,
 * help, history, man and pwd only in the shell (Commands(addShellCommands)). Output and error lines are 3.7's.
 */
import { absolutePath, effectivePaths, lastPathComponent, ShellState, visitGlob } from './Glob';
import { compareJava, MetadataNode, NodePrinter } from './MetadataNodes';

type Out = (line: string) => void;

/** What a command can ask of the interactive shell (InteractiveShell). */
export interface ShellContext {
  /** The terminal's width; null when not on a terminal (ls then prints one entry a line). */
  screenWidth(): number | null;
  /** [index, line] of the last `n` entries. */
  history(n: number): Array<[number, string]>;
  exit(): void;
}

export interface CommandType {
  name: string;
  description: string;
  shellOnly: boolean;
  /** The usage after the name, as argparse4j prints it. */
  args: string;
  /** Positional argument help lines. */
  argHelp: string[];
  create(args: string[]): Handler | string;
}

export type Handler = (shell: ShellContext | null, out: Out, state: ShellState) => void;

/** ShellNodePrinter: `name:` then the children two spaces further in. */
export function shellNodePrinter(out: Out): NodePrinter {
  let level = 0;
  const indent = (): string => '  '.repeat(level);
  return {
    enterNode(name) {
      out(`${indent()}${name}:`);
      level++;
    },
    leaveNode() {
      level--;
    },
    output(text) {
      out(`${indent()}${text}`);
    },
  };
}

// ---- ls (LsCommandHandler.printTargets / printEntries / calculateColumnSchema) ----------------------------------

interface ColumnSchema {
  widths: number[];
  entriesPerColumn: number;
}

export function calculateColumnSchema(screenWidth: number | null, entries: string[]): ColumnSchema {
  if (screenWidth === null) return { widths: [0], entriesPerColumn: entries.length };
  const maxColumns = Math.floor(screenWidth / 4);
  if (maxColumns <= 1) return { widths: [0], entriesPerColumn: entries.length };
  const schemas: ColumnSchema[] = [];
  for (let n = 1; n <= maxColumns; n++) schemas.push({ widths: new Array<number>(n).fill(0), entriesPerColumn: Math.ceil(entries.length / n) });
  entries.forEach((entry, i) => {
    for (const s of schemas) {
      const col = Math.floor(i / s.entriesPerColumn);
      s.widths[col] = Math.max(s.widths[col], entry.length + 2);
    }
  });
  for (let s = schemas.length - 1; s > 0; s--) {
    const schema = schemas[s];
    const total = schema.widths.reduce((a, b) => a + b, 0);
    if (schema.widths[schema.widths.length - 1] !== 0 && total <= screenWidth) return schema;
  }
  return schemas[0];
}

function printEntries(out: Out, intro: string, screenWidth: number | null, entries: string[]): void {
  if (entries.length === 0) return;
  if (intro !== '') out(intro);
  const schema = calculateColumnSchema(screenWidth, entries);
  const numColumns = schema.widths.length;
  const numLines = Math.ceil(entries.length / numColumns);
  for (let line = 0; line < numLines; line++) {
    let s = '';
    for (let column = 0; column < numColumns; column++) {
      const i = line + column * schema.entriesPerColumn;
      if (i >= entries.length) continue;
      s += column < numColumns - 1 ? entries[i].padEnd(schema.widths[column]) : entries[i];
    }
    out(s);
  }
}

export function printTargets(out: Out, screenWidth: number | null, files: string[], dirs: Array<{ name: string; children: string[] }>): void {
  printEntries(out, '', screenWidth, files);
  const needIntro = files.length > 0 || dirs.length > 1;
  let firstIntro = files.length === 0;
  for (const d of dirs) {
    let intro = '';
    if (needIntro) {
      // String.format("%n") then the name: a blank line before every directory but the first.
      if (!firstIntro) out('');
      intro = `${d.name}:`;
      firstIntro = false;
    }
    printEntries(out, intro, screenWidth, d.children);
  }
}

const ls: CommandType = {
  name: 'ls',
  description: 'List metadata nodes.',
  shellOnly: false,
  args: '[targets [targets ...]]',
  argHelp: ['  targets                The metadata node paths to list.'],
  create: (targets) => (shell, out, state) => {
    const files: string[] = [];
    const dirs: Array<{ name: string; children: string[] }> = [];
    for (const target of effectivePaths(targets)) {
      visitGlob(state, target, (info) => {
        if (!info) out(`ls: ${target}: no such file or directory.`);
        else if (info.node.isDirectory()) dirs.push({ name: lastPathComponent(info), children: [...info.node.childNames()].sort(compareJava) });
        else files.push(lastPathComponent(info));
      });
    }
    printTargets(out, shell ? shell.screenWidth() : null, files, dirs);
  },
};

const cat: CommandType = {
  name: 'cat',
  description: 'Show the contents of metadata files.',
  shellOnly: false,
  args: 'targets [targets ...]',
  argHelp: ['  targets                The metadata files to display.'],
  create: (targets) =>
    targets.length === 0
      ? 'too few arguments'
      : (_shell, out, state) => {
          for (const target of targets) {
            visitGlob(state, target, (info) => {
              if (!info) out(`cat: ${target}: No such file or directory.`);
              else if (info.node.isDirectory()) out(`cat: ${target}: Is a directory`);
              else info.node.print(shellNodePrinter(out));
            });
          }
        },
};

const tree: CommandType = {
  name: 'tree',
  description: 'Show the contents of metadata nodes in a tree structure.',
  shellOnly: false,
  args: 'targets [targets ...]',
  argHelp: ['  targets                The metadata nodes to display.'],
  create: (targets) =>
    targets.length === 0
      ? 'too few arguments'
      : (_shell, out, state) => {
          for (const target of targets) {
            visitGlob(state, target, (info) => {
              if (!info) out(`tree: ${target}: No such file or directory.`);
              else info.node.print(shellNodePrinter(out));
            });
          }
        },
};

function find(out: Out, p: string, node: MetadataNode): void {
  out(p);
  if (!node.isDirectory()) return;
  for (const name of [...node.childNames()].sort(compareJava)) {
    const child = node.child(name);
    if (!child) throw new Error(`Expected ${name} to be a valid child of ${p}, but it was not.`);
    find(out, p === '/' ? p + name : `${p}/${name}`, child);
  }
}

const findCommand: CommandType = {
  name: 'find',
  description: 'Search for nodes in the directory hierarchy.',
  shellOnly: false,
  args: '[paths [paths ...]]',
  argHelp: ['  paths                  The paths to start at.'],
  create: (paths) => (_shell, out, state) => {
    for (const p of effectivePaths(paths)) {
      visitGlob(state, p, (info) => {
        if (!info) out(`find: ${p}: no such file or directory.`);
        else find(out, p, info.node);
      });
    }
  },
};

const cd: CommandType = {
  name: 'cd',
  description: 'Set the current working directory.',
  shellOnly: true,
  args: '[target]',
  argHelp: ['  target                 The directory to change to.'],
  create: (args) => {
    if (args.length > 1) return `unrecognized arguments: '${args.slice(1).join(' ')}'`;
    const target = args[0] ?? '/';
    return (_shell, out, state) => {
      visitGlob(state, target, (info) => {
        if (!info) out(`cd: ${target}: no such directory.`);
        else if (!info.node.isDirectory()) out(`cd: ${target}: not a directory.`);
        else state.workingDirectory = absolutePath(info);
      });
    };
  },
};

const pwd: CommandType = {
  name: 'pwd',
  description: 'Print the current working directory.',
  shellOnly: true,
  args: '',
  argHelp: [],
  create: (args) => (args.length > 0 ? `unrecognized arguments: '${args.join(' ')}'` : (_shell, out, state) => out(state.workingDirectory)),
};

const exit: CommandType = {
  name: 'exit',
  description: 'Exit the metadata shell.',
  shellOnly: true,
  args: '',
  argHelp: [],
  create: () => (shell) => shell?.exit(),
};

const history: CommandType = {
  name: 'history',
  description: 'Print command history.',
  shellOnly: true,
  args: '[numEntriesToShow]',
  argHelp: ['  numEntriesToShow       The number of entries to show.'],
  create: (args) => {
    if (args.length > 1) return `unrecognized arguments: '${args.slice(1).join(' ')}'`;
    const n = args.length === 0 ? Number.MAX_SAFE_INTEGER : Number(args[0]);
    if (!Number.isInteger(n)) return `argument numEntriesToShow: could not convert '${args[0]}' to Integer`;
    return (shell, out) => {
      if (!shell) throw new Error('The history command requires a shell.');
      // "% 5d  %s".
      for (const [i, line] of shell.history(n)) out(`${String(i).padStart(5)}  ${line}`);
    };
  },
};

const help: CommandType = {
  name: 'help',
  description: 'Display this help message.',
  shellOnly: true,
  args: '',
  argHelp: [],
  create: () => (_shell, out) => {
    out('Welcome to the Apache Kafka metadata shell.');
    out('');
    for (const l of commandsHelp(true)) out(l);
  },
};

const man: CommandType = {
  name: 'man',
  description: 'Show the help text for a specific command.',
  shellOnly: true,
  args: 'cmd',
  argHelp: ['  cmd                    The command to get help text for.'],
  create: (args) => {
    if (args.length !== 1) return args.length === 0 ? 'too few arguments' : `unrecognized arguments: '${args.slice(1).join(' ')}'`;
    const cmd = args[0];
    return (_shell, out) => {
      const type = TYPES.get(cmd);
      if (!type) {
        out(`man: unknown command ${cmd}. Type help to get a list of commands.`);
        return;
      }
      out(`${cmd}: ${type.description}`);
      out('');
      out(`usage: ${type.name}${type.args ? ' ' + type.args : ''}`);
      if (type.argHelp.length > 0) for (const l of ['', 'positional arguments:', ...type.argHelp]) out(l);
    };
  },
};

/** Commands.TYPES: by name, in name order. */
export const TYPES: ReadonlyMap<string, CommandType> = new Map(
  [cat, cd, exit, findCommand, help, history, ls, man, pwd, tree].sort((a, b) => compareJava(a.name, b.name)).map((t) => [t.name, t]),
);

function available(shell: boolean): CommandType[] {
  return [...TYPES.values()].filter((t) => shell || !t.shellOnly);
}

/** argparse4j's help for the command sub-parsers. */
export function commandsHelp(shell: boolean): string[] {
  const names = available(shell).map((t) => t.name);
  return [
    `usage:  {${names.join(',')}} ...`,
    '',
    'positional arguments:',
    `  {${names.join(',')}}`,
    ...available(shell).map((t) => `    ${t.name.padEnd(21)}${t.description}`),
  ];
}

/**
 * Commands.parseCommand: trailing empty words dropped; an unknown command or bad arguments give a handler that
 * prints the parser's message (ErroneousCommandHandler); an unambiguous prefix is answered "did you mean".
 */
export function parseCommand(words: string[], shell: boolean): Handler {
  const args = [...words];
  while (args.length > 0 && args[args.length - 1] === '') args.pop();
  if (args.length === 0) return () => undefined;
  const [name, ...rest] = args;
  const types = available(shell);
  const type = types.find((t) => t.name === name);
  if (!type) {
    const prefixed = types.filter((t) => t.name.startsWith(name));
    const message =
      prefixed.length === 1
        ? `invalid choice: '${name}': did you mean '${prefixed[0].name}'?`
        : `invalid choice: '${name}' (choose from ${types.map((t) => `'${t.name}'`).join(', ')})`;
    return (_s, out) => out(message);
  }
  const created = type.create(rest);
  if (typeof created === 'string') return (_s, out) => out(created);
  return created;
}

/** Splits a command line into words: whitespace-separated, with '...' and "..." quoting (JLine's DefaultParser). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      // Kept for GlobComponent: a backslash escapes a glob character there.
      cur += c + line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
