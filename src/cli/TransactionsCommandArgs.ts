/**
 * kafka-transactions' arguments as Kafka 3.7's TransactionsCommand declares them with argparse4j: the base parser
 * (--bootstrap-server required, --command-config, -v) and one subparser per command, with argparse4j's usage lines,
 * help layout (option column of 25, long invocations on their own line), value conversion messages and errors.
 * Options may be abbreviated to an unambiguous prefix and given as `--opt=value`, as argparse4j allows.
 */

export const PROG = 'kafka-transactions';

export type TransactionsCommandName = 'list' | 'describe' | 'describe-producers' | 'abort' | 'find-hanging';

export interface TransactionsArgs {
  bootstrapServer?: string;
  commandConfig?: string;
  version?: boolean;
  /** Set when -h/--help was given: '' for the base parser, else the command whose help to print. */
  help?: string;
  command?: TransactionsCommandName;
  transactionalId?: string;
  topic?: string;
  partition?: number;
  brokerId?: number;
  startOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  coordinatorEpoch?: number;
  maxTransactionTimeout?: number;
}

/** argparse4j's ArgumentParserException: printed as the parser's usage, then "<prog>: error: <message>". */
export class UsageError extends Error {
  constructor(
    readonly prog: string,
    readonly usage: string,
    message: string,
  ) {
    super(message);
  }
}

type ArgType = 'String' | 'Integer' | 'Long' | 'Short';
type Dest = keyof TransactionsArgs;

interface OptSpec {
  flag: string;
  dest: Dest;
  type: ArgType;
  help: string;
  required?: boolean;
  metavar?: string;
}

interface Group {
  title: string;
  description: string;
  opts: OptSpec[];
}

interface CommandSpec {
  name: TransactionsCommandName;
  help: string;
  description?: string;
  opts: OptSpec[];
  groups?: Group[];
}

const TOPIC: OptSpec = { flag: '--topic', dest: 'topic', type: 'String', help: 'topic name', required: true };
const PARTITION: OptSpec = { flag: '--partition', dest: 'partition', type: 'Integer', help: 'partition number', required: true };

/** In TransactionsCommand.execute's order: list, describe, describe-producers, abort, find-hanging. */
const COMMANDS: CommandSpec[] = [
  { name: 'list', help: 'list transactions', opts: [] },
  {
    name: 'describe',
    help: 'describe the state of an active transactional-id',
    description: 'Describe the state of an active transactional-id.',
    opts: [{ flag: '--transactional-id', dest: 'transactionalId', type: 'String', help: 'transactional id', required: true }],
  },
  {
    name: 'describe-producers',
    help: 'describe the states of active producers for a topic partition',
    opts: [
      { flag: '--broker-id', dest: 'brokerId', type: 'Integer', help: 'optional broker id to describe the producer state on a specific replica' },
      TOPIC,
      PARTITION,
    ],
  },
  {
    name: 'abort',
    help: 'abort a hanging transaction (requires administrative privileges)',
    opts: [TOPIC, PARTITION],
    groups: [
      {
        title: 'Brokers on versions 3.0 and above',
        description: 'For newer brokers, only the start offset of the transaction to be aborted is required',
        opts: [{ flag: '--start-offset', dest: 'startOffset', type: 'Long', help: 'start offset of the transaction to abort' }],
      },
      {
        title: 'Brokers on versions older than 3.0',
        description: 'For older brokers, you must provide all of these arguments',
        opts: [
          { flag: '--producer-id', dest: 'producerId', type: 'Long', help: 'producer id' },
          { flag: '--producer-epoch', dest: 'producerEpoch', type: 'Short', help: 'producer epoch' },
          { flag: '--coordinator-epoch', dest: 'coordinatorEpoch', type: 'Integer', help: 'coordinator epoch' },
        ],
      },
    ],
  },
  {
    name: 'find-hanging',
    help: 'find hanging transactions',
    opts: [
      { flag: '--broker-id', dest: 'brokerId', type: 'Integer', help: 'broker id to search for hanging transactions' },
      {
        flag: '--max-transaction-timeout',
        dest: 'maxTransactionTimeout',
        type: 'Integer',
        help: 'maximum transaction timeout in minutes to limit the scope of the search (15 minutes by default)',
      },
      { flag: '--topic', dest: 'topic', type: 'String', help: 'topic name to limit search to (required if --partition is specified)' },
      { flag: '--partition', dest: 'partition', type: 'Integer', help: 'partition number' },
    ],
  },
];

const BASE_OPTS: OptSpec[] = [
  { flag: '--command-config', dest: 'commandConfig', type: 'String', help: 'property file containing configs to be passed to admin client', metavar: 'FILE' },
  {
    flag: '--bootstrap-server',
    dest: 'bootstrapServer',
    type: 'String',
    help: 'hostname and port for the broker to connect to, in the form `host:port`  (multiple comma-separated entries can be given)',
    required: true,
    metavar: 'host:port',
  },
];

const DESCRIPTION =
  'This tool is used to analyze the transactional state of producers in the cluster. It can be used to detect and recover from hanging transactions.';

/** argparse4j's default metavar: the dest upper-cased with '-' as '_'. */
const metavar = (o: OptSpec): string => o.metavar ?? o.flag.substring(2).toUpperCase().replace(/-/g, '_');
const invocation = (o: OptSpec): string => `${o.flag} ${metavar(o)}`;
const usageOf = (o: OptSpec): string => (o.required ? invocation(o) : `[${invocation(o)}]`);
const allOpts = (c: CommandSpec): OptSpec[] => [...c.opts, ...(c.groups ?? []).flatMap((g) => g.opts)];

const BASE_USAGE = `usage: ${PROG} [-h] [-v] ${BASE_OPTS.map(usageOf).join(' ')} COMMAND ...`;
const commandUsage = (c: CommandSpec): string =>
  `usage: ${PROG} ${c.name} [-h]${allOpts(c)
    .map((o) => ' ' + usageOf(o))
    .join('')}`;

/** TextHelper.printHelp: the title at indent, the help at column 25 (or on the next line past 21 characters). */
function helpLine(title: string, help: string, indent = 2, column = 25): string[] {
  const head = ' '.repeat(indent) + title;
  if (head.length <= column - 2) return [head.padEnd(column) + help];
  return [head, ' '.repeat(column) + help];
}

export function transactionsHelp(command: string): string[] {
  const c = COMMANDS.find((x) => x.name === command);
  if (!c) {
    return [
      BASE_USAGE,
      '',
      DESCRIPTION,
      '',
      'named arguments:',
      ...helpLine('-h, --help', 'show this help message and exit'),
      ...helpLine('-v, --version', 'show the version of this Kafka distribution and exit'),
      ...BASE_OPTS.flatMap((o) => helpLine(invocation(o), o.help)),
      '',
      'commands:',
      '  COMMAND',
      ...COMMANDS.flatMap((x) => helpLine(x.name, x.help, 4, 27)),
    ];
  }
  const lines = [commandUsage(c), ''];
  if (c.description) lines.push(c.description, '');
  lines.push('named arguments:', ...helpLine('-h, --help', 'show this help message and exit'), ...c.opts.flatMap((o) => helpLine(invocation(o), o.help)));
  for (const g of c.groups ?? []) lines.push('', `${g.title}:`, `  ${g.description}`, '', ...g.opts.flatMap((o) => helpLine(invocation(o), o.help)));
  return lines;
}

const RANGES: Record<ArgType, [number, number]> = {
  String: [0, 0],
  Short: [-32768, 32767],
  Integer: [-2147483648, 2147483647],
  Long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Integer.valueOf & co. as argparse4j's ReflectArgumentType calls them, with Java's NumberFormatException text. */
function convert(o: OptSpec, raw: string, prog: string, usage: string): string | number {
  if (o.type === 'String') return raw;
  const [min, max] = RANGES[o.type];
  const fail = (why: string): never => {
    throw new UsageError(prog, usage, `argument ${o.flag}: could not convert '${raw}' to ${o.type} (${why})`);
  };
  if (!/^[+-]?\d+$/.test(raw)) fail(`For input string: "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) fail(o.type === 'Short' ? `Value out of range. Value:"${raw}" Radix:10` : `For input string: "${raw}"`);
  return n;
}

/** argparse4j's option lookup: an exact flag, or the one flag the text is a prefix of. */
function findOpt(opts: OptSpec[], flag: string, prog: string, usage: string): OptSpec | null {
  const exact = opts.find((o) => o.flag === flag);
  if (exact) return exact;
  const matches = opts.filter((o) => o.flag.startsWith(flag));
  if (matches.length > 1) throw new UsageError(prog, usage, `ambiguous option: ${flag} could match ${matches.map((o) => o.flag).join(', ')}`);
  return matches[0] ?? null;
}

/** Parses one parser's options from argv[i..]; stops at the first positional (returns its index). */
function parseOpts(
  argv: readonly string[],
  start: number,
  opts: OptSpec[],
  args: TransactionsArgs,
  prog: string,
  usage: string,
  base: boolean,
  helpKey: string,
): number {
  let i = start;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      args.help = helpKey;
      return argv.length;
    }
    if (base && (a === '-v' || a === '--version')) {
      args.version = true;
      return argv.length;
    }
    if (!a.startsWith('-') || a === '-') {
      if (base) return i;
      throw new UsageError(prog, usage, `unrecognized arguments: '${argv.slice(i).join(' ')}'`);
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.substring(0, eq) : a;
    const o = findOpt(opts, flag, prog, usage);
    if (o === null) throw new UsageError(prog, usage, `unrecognized arguments: '${argv.slice(i).join(' ')}'`);
    let raw: string;
    if (eq > 0) raw = a.substring(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) throw new UsageError(prog, usage, `argument ${o.flag}: expected one argument`);
      raw = next;
      i++;
    }
    (args as Record<string, unknown>)[o.dest] = convert(o, raw, prog, usage);
  }
  return i;
}

export function parseTransactionsArgs(argv: readonly string[]): TransactionsArgs {
  const args: TransactionsArgs = {};
  const i = parseOpts(argv, 0, BASE_OPTS, args, PROG, BASE_USAGE, true, '');
  if (args.help !== undefined || args.version) return args;
  if (i >= argv.length) {
    if (args.bootstrapServer === undefined) throw new UsageError(PROG, BASE_USAGE, 'argument --bootstrap-server is required');
    throw new UsageError(PROG, BASE_USAGE, 'too few arguments');
  }
  const c = COMMANDS.find((x) => x.name === argv[i]);
  if (!c) {
    throw new UsageError(PROG, BASE_USAGE, `invalid choice: '${argv[i]}' (choose from ${COMMANDS.map((x) => `'${x.name}'`).join(', ')})`);
  }
  args.command = c.name;
  const prog = `${PROG} ${c.name}`;
  const usage = commandUsage(c);
  parseOpts(argv, i + 1, allOpts(c), args, prog, usage, false, c.name);
  if (args.help !== undefined) return args;
  // The subparser checks its required arguments before the base parser checks its own.
  for (const o of allOpts(c)) {
    if (o.required && args[o.dest] === undefined) throw new UsageError(prog, usage, `argument ${o.flag} is required`);
  }
  if (args.bootstrapServer === undefined) throw new UsageError(PROG, BASE_USAGE, 'argument --bootstrap-server is required');
  if (c.name === 'find-hanging' && args.maxTransactionTimeout === undefined) args.maxTransactionTimeout = 15;
  return args;
}
