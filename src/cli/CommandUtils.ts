/**
 * Shared plumbing of the command-line tools (Kafka's server.util.CommandLineUtils and ToolsUtils in spirit):
 * one entry point that turns every failure into one clear line and an exit code, the kafkajs client
 * factory with short, bounded retries (so an unreachable broker fails within a timeout instead of
 * hanging), and the small parsers Kafka's tools share (key=value lists, property files).
 */
import * as fs from 'fs';
import { registerKafkajsCodecs } from './KafkajsCodecs';
import { Command, CommanderError } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { setDefaultClientSecurity } from '../network/NetworkClient';
import { ClientRole, ClientSecurityConfigError, clientSecuritySettings, ClientSecuritySettings } from './ClientSecurityConfig';

/** A user error: printed as one line (no stack trace), exit code 1. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Kafka's AdminOperationException / IllegalArgumentException family: same treatment as CommandError. */
export function fail(message: string): never {
  throw new CommandError(message);
}

/** The innermost useful message of a kafkajs error (retries wrap the cause in originalError). */
export function errorMessage(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const err = cur as { name?: string; message?: string; originalError?: unknown; type?: string };
    if (err.name === 'KafkaJSNumberOfRetriesExceeded' || err.name === 'KafkaJSNonRetriableError') {
      if (err.originalError) {
        cur = err.originalError;
        continue;
      }
    }
    if (err.name === 'AuthenticationError') {
      // Our NetworkClient's refusal (AdminRequests): the broker's message, as above.
      return (err.message ?? '').replace(/^SASL authentication with \S+ failed: /, '');
    }
    if (err.name === 'KafkaJSSASLAuthenticationError') {
      // Kafka's tools print the broker's SaslAuthenticate error message (SaslAuthenticationException) alone.
      return (err.message ?? '').replace(/^SASL [\w-]+(?: SHA\d+)? authentication failed: /, '');
    }
    if (
      err.name === 'KafkaJSConnectionError' ||
      err.name === 'KafkaJSConnectionClosedError' ||
      err.name === 'KafkaJSBrokerNotFound' ||
      /Closed connection|Connection (timeout|error)|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/i.test(err.message ?? '')
    ) {
      return `Timed out waiting for a node assignment (${err.message ?? 'connection failed'})`;
    }
    return err.message ?? String(cur);
  }
  return String(cur);
}

/**
 * Runs a tool: commander parse errors exit with commander's code (its one-line message is already on
 * stderr), help exits 0, CommandError prints its line, any other error prints `prefix + message`.
 */
export function runTool(program: Command, action: (program: Command) => Promise<number | void>, errorPrefix = ''): void {
  program.exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });
  let parsed = false;
  try {
    program.parse(process.argv);
    parsed = true;
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    throw e;
  }
  if (!parsed) return;
  action(program).then(
    (code) => finish(typeof code === 'number' ? code : 0),
    (e: unknown) => {
      if (e instanceof CommandError) {
        // Kafka's tools print usage errors on stderr but "Error while executing ... command" on stdout.
        const out = errorPrefix && e.message.startsWith(errorPrefix) ? process.stdout : process.stderr;
        out.write(e.message + '\n');
        finish(e.exitCode);
      } else {
        process.stdout.write(errorPrefix + errorMessage(e) + '\n');
        finish(1);
      }
    },
  );
}

/** Flushes stdout/stderr before exiting (pipes are asynchronous in Node). */
function finish(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** commander collector for repeatable options (--config a=b --config c=d). */
export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat([value]);
}

/** key=value pairs (Kafka's CommandLineUtils.parseKeyValueArgs); a list may also be comma-separated. */
export function parseKeyValues(items: readonly string[], allowCommaList = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const parts = allowCommaList ? item.split(',').filter((s) => s.length > 0) : [item];
    for (const kv of parts) {
      const eq = kv.indexOf('=');
      if (eq <= 0) fail(`Invalid command line properties: '${kv}' is not of the form key=value`);
      out.set(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
  }
  return out;
}

/** A Java properties file (--command-config, --producer.config, --consumer.config). */
export function loadProps(file: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!file) return out;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message})`);
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

export function brokerList(bootstrap: string | undefined, optionName = 'bootstrap-server'): string[] {
  if (!bootstrap) fail(`Missing required argument "[${optionName}]"`);
  const list = bootstrap
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) fail(`Missing required argument "[${optionName}]"`);
  return list;
}

interface ClientOptions {
  clientId?: string;
  /** ms until an unreachable cluster is reported (Kafka's default.api.timeout.ms is 60 s; ours is shorter). */
  timeoutMs?: number;
  props?: Map<string, string>;
  /** Which Kafka client the tool stands for (the wording of a bad security setting's error). */
  role?: ClientRole;
}

/**
 * The client security settings of a tool's properties (security.protocol, ssl.*, sasl.*: ClientSecurityConfig.ts),
 * also made the default of every NetworkClient the tool opens (AdminRequests), so that the tool's own requests and its
 * kafkajs client connect alike. A bad setting fails the tool with Kafka's message.
 */
export function useClientSecurity(props: ReadonlyMap<string, string> | undefined, role: ClientRole = 'admin'): ClientSecuritySettings {
  let settings: ClientSecuritySettings;
  try {
    settings = clientSecuritySettings(props ?? new Map(), role);
  } catch (e) {
    if (e instanceof ClientSecurityConfigError) fail(e.message);
    throw e;
  }
  setDefaultClientSecurity(settings.security);
  return settings;
}

/**
 * A kafkajs client with logging off (tools print only their own lines), retries bounded so that
 * the whole connection attempt fits in `timeoutMs`, and the security of `props` (TLS and SASL).
 */
export function createKafka(brokers: string[], opts: ClientOptions = {}): Kafka {
  registerKafkajsCodecs();
  const settings = useClientSecurity(opts.props, opts.role);
  if (settings.kafkajsUnsupported) fail(`Failed to create the client: ${settings.kafkajsUnsupported}`);
  const { ssl, sasl } = settings.kafkajs;
  const timeoutMs = opts.timeoutMs ?? Number(opts.props?.get('default.api.timeout.ms') ?? 15000);
  const requestTimeout = Number(opts.props?.get('request.timeout.ms') ?? Math.min(30000, timeoutMs));
  return new Kafka({
    clientId: opts.clientId ?? opts.props?.get('client.id') ?? 'kafka-cli',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(5000, timeoutMs),
    requestTimeout,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: Math.max(1000, Math.floor(timeoutMs / 5)) },
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
  });
}
