/**
 * Logging in Kafka's log4j line shape: `[2024-01-01 12:00:00,123] INFO [Component id=1] message (logger.name)`
 * (config/log4j.properties: ConversionPattern `[%d] %p %m (%c)%n`), written through winston.
 *
 * Until configureLogging() is called everything at INFO and above goes to stdout. configureLogging() sets up
 * the appenders of Kafka's log4j.properties in the log dir:
 *   - stdout + server.log: the root logger (level `opts.level`, default INFO);
 *   - controller.log: loggers under `kafka.controller`, at TRACE, not additive (not in server.log/stdout);
 *   - state-change.log: `state.change.logger`, at INFO, not additive;
 *   - log-cleaner.log: `kafka.log.LogCleaner`, at INFO, not additive;
 *   - kafka-request.log: `kafka.request.logger`, at WARN, not additive;
 *   - kafka-authorizer.log: `kafka.authorizer.logger` (the ACL authorizer's audit lines), at INFO, not additive:
 *     Kafka's log4j.properties routes it to authorizerAppender with additivity false, so denied actions (INFO) are
 *     recorded and allowed ones (DEBUG) are not unless the level is raised (`KAFKA_AUTHORIZER_LOG_LEVEL=DEBUG`).
 * Level checks happen before any formatting, so disabled debug/trace calls only cost a comparison.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as winston from 'winston';

export interface Logger {
  error(msg: string, err?: unknown): void;
  warn(msg: string, err?: unknown): void;
  info(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  isDebugEnabled(): boolean;
  /** Optional so that test fakes need not implement it; getLogger's loggers always do. */
  isTraceEnabled?(): boolean;
}

interface LoggingOptions {
  /** Directory for server.log etc.; else env LOG_DIR, else `<cwd>/logs`. */
  logDir?: string;
  /** Root level: ERROR, WARN, INFO, DEBUG or TRACE (case-insensitive); default INFO. */
  level?: string;
  /** Also write root-logger lines to stdout (default true). */
  console?: boolean;
  /** Whether to write the log files (default true). */
  files?: boolean;
  /** Where console lines go (default process.stdout); for tests and embedding. */
  stream?: NodeJS.WritableStream;
  /**
   * Level of kafka.authorizer.logger (log4j.logger.kafka.authorizer.logger=INFO in Kafka's log4j.properties); else
   * env KAFKA_AUTHORIZER_LOG_LEVEL, else INFO. DEBUG also records every allowed action.
   */
  authorizerLevel?: string;
}

const LEVELS = { ERROR: 0, WARN: 1, INFO: 2, DEBUG: 3, TRACE: 4 } as const;
type LevelName = keyof typeof LEVELS;
const WINSTON_LEVELS = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };

/** One log4j appender group: a winston logger and the threshold of the loggers routed to it. */
interface Route {
  threshold: number;
  out: winston.Logger | null;
}

interface State {
  generation: number;
  root: Route;
  special: Array<{ matches: (name: string) => boolean; route: Route }>;
  files: fs.WriteStream[];
  consoleStream: NodeJS.WritableStream | null;
}

function consoleLogger(stream: NodeJS.WritableStream): winston.Logger {
  return winston.createLogger({
    levels: WINSTON_LEVELS,
    level: 'trace',
    format: winston.format.printf((info) => String(info.message)),
    transports: [new winston.transports.Stream({ stream, eol: '\n' })],
  });
}

let state: State = {
  generation: 0,
  root: { threshold: LEVELS.INFO, out: consoleLogger(process.stdout) },
  special: [],
  files: [],
  consoleStream: process.stdout,
};

function parseLevel(level: string | undefined): number {
  if (level === undefined) return LEVELS.INFO;
  const l = level.trim().toUpperCase();
  if (!(l in LEVELS)) throw new Error(`Unknown log level ${level} (expected ERROR, WARN, INFO, DEBUG or TRACE)`);
  return LEVELS[l as LevelName];
}

/** Sets up Kafka's log4j appenders (see the header). May be called again; old files are closed. */
export function configureLogging(opts: LoggingOptions = {}): void {
  const logDir = opts.logDir ?? process.env.LOG_DIR ?? path.join(process.cwd(), 'logs');
  const withFiles = opts.files !== false;
  const previous = state.files;
  const files: fs.WriteStream[] = [];
  const fileTransport = (name: string) => {
    const s = fs.createWriteStream(path.join(logDir, name), { flags: 'a' });
    files.push(s);
    return new winston.transports.Stream({ stream: s, eol: '\n' });
  };
  const make = (transports: winston.transport[]): winston.Logger | null =>
    transports.length === 0
      ? null
      : winston.createLogger({
          levels: WINSTON_LEVELS,
          level: 'trace',
          format: winston.format.printf((info) => String(info.message)),
          transports,
        });
  if (withFiles) fs.mkdirSync(logDir, { recursive: true });
  const rootTransports: winston.transport[] = [];
  const consoleStream = opts.console === false ? null : (opts.stream ?? process.stdout);
  if (consoleStream) rootTransports.push(new winston.transports.Stream({ stream: consoleStream, eol: '\n' }));
  if (withFiles) rootTransports.push(fileTransport('server.log'));
  const only = (file: string, threshold: number): Route => ({ threshold, out: withFiles ? make([fileTransport(file)]) : null });
  state = {
    generation: state.generation + 1,
    root: { threshold: parseLevel(opts.level), out: make(rootTransports) },
    special: [
      { matches: (n) => n === 'kafka.controller' || n.startsWith('kafka.controller.'), route: only('controller.log', LEVELS.TRACE) },
      { matches: (n) => n === 'state.change.logger', route: only('state-change.log', LEVELS.INFO) },
      { matches: (n) => n.startsWith('kafka.log.LogCleaner'), route: only('log-cleaner.log', LEVELS.INFO) },
      { matches: (n) => n === 'kafka.request.logger', route: only('kafka-request.log', LEVELS.WARN) },
      {
        matches: (n) => n === 'kafka.authorizer.logger',
        route: only('kafka-authorizer.log', parseLevel(opts.authorizerLevel ?? process.env.KAFKA_AUTHORIZER_LOG_LEVEL)),
      },
    ],
    files,
    consoleStream,
  };
  for (const s of previous) s.end();
}

/** Flushes and closes the log files (call before process.exit so the last lines reach disk). */
export function shutdownLogging(): Promise<void> {
  const files = state.files;
  const out = state.consoleStream ? consoleLogger(state.consoleStream) : null;
  state = { ...state, generation: state.generation + 1, files: [], special: [], root: { threshold: state.root.threshold, out } };
  return Promise.all(
    files.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.closed) resolve();
          else s.end(() => resolve());
        }),
    ),
  ).then(() => undefined);
}

let lastMs = -1;
let lastStamp = '';
/** log4j's ISO8601 date format in local time: `yyyy-MM-dd HH:mm:ss,SSS` (cached per millisecond). */
function formatTimestamp(d: Date): string {
  const ms = d.getTime();
  if (ms === lastMs) return lastStamp;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  lastStamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
  lastMs = ms;
  return lastStamp;
}

/** One log4j line (`[%d] %p %m (%c)`), with a throwable's stack on the following lines as log4j prints it. */
export function formatLogLine(level: LevelName, loggerName: string, logIdent: string, msg: string, err?: unknown, date = new Date()): string {
  const line = `[${formatTimestamp(date)}] ${level} ${logIdent}${msg} (${loggerName})`;
  if (err === undefined || err === null) return line;
  return `${line}\n${err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)}`;
}

/**
 * @param loggerName Kafka's logger (class) name, e.g. `kafka.server.KafkaServer`.
 * @param logIdent   the bracketed prefix, e.g. `[KafkaServer id=1] ` (with trailing space), as Kafka's Logging trait.
 */
export function getLogger(loggerName: string, logIdent = ''): Logger {
  let generation = -1;
  let route: Route = state.root;
  const current = (): Route => {
    if (generation !== state.generation) {
      route = state.special.find((s) => s.matches(loggerName))?.route ?? state.root;
      generation = state.generation;
    }
    return route;
  };
  const emit = (level: LevelName, msg: string, err?: unknown) => {
    const r = current();
    if (LEVELS[level] > r.threshold || r.out === null) return;
    r.out.log(level.toLowerCase(), formatLogLine(level, loggerName, logIdent, msg, err));
  };
  return {
    error: (m, e) => emit('ERROR', m, e),
    warn: (m, e) => emit('WARN', m, e),
    info: (m) => emit('INFO', m),
    debug: (m) => {
      if (current().threshold >= LEVELS.DEBUG) emit('DEBUG', m);
    },
    trace: (m) => {
      if (current().threshold >= LEVELS.TRACE) emit('TRACE', m);
    },
    isDebugEnabled: () => current().out !== null && current().threshold >= LEVELS.DEBUG,
    isTraceEnabled: () => current().out !== null && current().threshold >= LEVELS.TRACE,
  };
}
