/**
 * JAAS configuration as Kafka reads it (org.apache.kafka.common.security.JaasConfig / JaasContext): a
 * `sasl.jaas.config` value is `<LoginModule class> <required|requisite|sufficient|optional> (key=value)*;` (several
 * modules allowed), and a JAAS file (-Djava.security.auth.login.config=<file> in KAFKA_OPTS) holds named sections
 * `KafkaServer { ... };`, `<listener lower-case>.KafkaServer { ... };`, `KafkaClient { ... };`.
 */

export interface LoginModuleEntry {
  loginModule: string;
  controlFlag: string;
  options: Map<string, string>;
}

export class JaasConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JaasConfigError';
  }
}

const CONTROL_FLAGS = new Set(['required', 'requisite', 'sufficient', 'optional']);

/** Tokens: words, quoted strings (with \" escapes), and the punctuation = ; { }. Comments (// and /* *\/) are skipped. */
function tokenize(text: string): { kind: 'word' | 'string' | 'punct'; value: string }[] {
  const tokens: { kind: 'word' | 'string' | 'punct'; value: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if ('=;{}'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      i++;
    } else if (c === '"' || c === "'") {
      let v = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        v += text[i++];
      }
      if (i >= text.length) throw new JaasConfigError('Unterminated quoted string in JAAS config');
      i++;
      tokens.push({ kind: 'string', value: v });
    } else {
      let v = '';
      while (i < text.length && !/\s/.test(text[i]) && !'=;{}"\''.includes(text[i])) v += text[i++];
      tokens.push({ kind: 'word', value: v });
    }
  }
  return tokens;
}

function parseEntries(tokens: ReturnType<typeof tokenize>, pos: { i: number }, stopAt: string | null): LoginModuleEntry[] {
  const entries: LoginModuleEntry[] = [];
  while (pos.i < tokens.length && !(stopAt !== null && tokens[pos.i].value === stopAt && tokens[pos.i].kind === 'punct')) {
    const module = tokens[pos.i++];
    if (module.kind !== 'word') throw new JaasConfigError(`Unexpected token '${module.value}' in JAAS config: a login module class name was expected`);
    const flag = tokens[pos.i++];
    if (!flag || flag.kind !== 'word') throw new JaasConfigError('Login module control flag not specified in JAAS config');
    if (!CONTROL_FLAGS.has(flag.value.toLowerCase())) throw new JaasConfigError(`Invalid control flag '${flag.value}' in JAAS config`);
    const options = new Map<string, string>();
    for (;;) {
      const t = tokens[pos.i];
      if (!t) throw new JaasConfigError("Expected ';' after the options of a login module in JAAS config");
      if (t.kind === 'punct' && t.value === ';') {
        pos.i++;
        break;
      }
      if (t.kind === 'punct') throw new JaasConfigError(`Unexpected '${t.value}' in JAAS config`);
      const eq = tokens[pos.i + 1];
      const value = tokens[pos.i + 2];
      if (!eq || eq.value !== '=' || !value || value.kind === 'punct') throw new JaasConfigError(`Value not specified for key '${t.value}' in JAAS config`);
      options.set(t.value, value.value);
      pos.i += 3;
    }
    entries.push({ loginModule: module.value, controlFlag: flag.value.toLowerCase(), options });
  }
  return entries;
}

/** A sasl.jaas.config value. Kafka requires exactly one login module for a mechanism's config. */
export function parseJaasConfigValue(text: string): LoginModuleEntry[] {
  const tokens = tokenize(text);
  const pos = { i: 0 };
  const entries = parseEntries(tokens, pos, null);
  if (entries.length === 0) throw new JaasConfigError('JAAS config entry not terminated by semi-colon');
  return entries;
}

/** A JAAS file: section name -> login modules. */
export function parseJaasFile(text: string): Map<string, LoginModuleEntry[]> {
  const tokens = tokenize(text);
  const sections = new Map<string, LoginModuleEntry[]>();
  const pos = { i: 0 };
  while (pos.i < tokens.length) {
    const name = tokens[pos.i++];
    if (name.kind !== 'word') throw new JaasConfigError(`Unexpected token '${name.value}' in JAAS file: a section name was expected`);
    if (tokens[pos.i]?.value !== '{') throw new JaasConfigError(`Expected '{' after section ${name.value} in JAAS file`);
    pos.i++;
    const entries = parseEntries(tokens, pos, '}');
    if (tokens[pos.i]?.value !== '}') throw new JaasConfigError(`Section ${name.value} in JAAS file is not closed by '}'`);
    pos.i++;
    if (tokens[pos.i]?.value === ';') pos.i++;
    sections.set(name.value, entries);
  }
  return sections;
}

/** `-Djava.security.auth.login.config=<file>` from KAFKA_OPTS (the way kafka-run-class passes it to the JVM). */
export function jaasFileFromKafkaOpts(kafkaOpts: string | undefined): string | null {
  if (!kafkaOpts) return null;
  const m = /(?:^|\s)-Djava\.security\.auth\.login\.config=("([^"]*)"|'([^']*)'|(\S+))/.exec(kafkaOpts);
  if (!m) return null;
  return m[2] ?? m[3] ?? m[4] ?? null;
}

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

/** PlainLoginModule's `user_<name>="<password>"` options: the users PlainServerCallbackHandler accepts. */
export function plainUsers(entries: LoginModuleEntry[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const e of entries) {
    for (const [k, v] of e.options) if (k.startsWith('user_')) users.set(k.substring('user_'.length), v);
  }
  return users;
}

/** The username/password the broker's own client logs in with (the module's `username` and `password` options). */
export function clientCredentials(entries: LoginModuleEntry[]): { username: string; password: string } | null {
  for (const e of entries) {
    const username = e.options.get('username');
    const password = e.options.get('password');
    if (username !== undefined && password !== undefined) return { username, password };
  }
  return null;
}
