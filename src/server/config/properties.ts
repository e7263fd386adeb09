/**
 * java.util.Properties.load for server.properties files, as Kafka's Utils.loadProps reads them: natural lines
 * end at \n, \r or \r\n; leading blanks (space, \t, \f) are skipped; lines whose first non-blank char is '#' or
 * '!' are comments; a line ending in an odd number of backslashes continues on the next line (whose leading
 * blanks are dropped); the key ends at the first unescaped '=', ':' or blank; escapes \t \n \r \f \uXXXX,
 * and '\x' → 'x' otherwise. Files are read as ISO-8859-1, like Properties.load(InputStream).
 */
import { readFileSync } from 'fs';

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\f';

/** Parses .properties text; later duplicates win. The result has no prototype, so any key is safe. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of logicalLines(text)) {
    const { key, value } = splitKeyValue(line);
    out[key] = value;
  }
  return out;
}

/** Utils.loadProps(filename). Throws the fs error (ENOENT etc.) if the file cannot be read. */
export function loadProperties(path: string): Record<string, string> {
  return parseProperties(readFileSync(path, 'latin1'));
}

/** Properties.LineReader: yields logical lines (continuations joined), skipping comments and blank lines. */
function* logicalLines(text: string): Generator<string> {
  const natural = text.split(/\r\n|\r|\n/);
  let i = 0;
  while (i < natural.length) {
    let line = stripLeading(natural[i++]);
    if (line === '' || line[0] === '#' || line[0] === '!') continue; // comments never continue
    while (endsWithContinuation(line) && i <= natural.length) {
      line = line.slice(0, -1);
      if (i === natural.length) break; // a trailing backslash at end of input is dropped
      line += stripLeading(natural[i++]);
    }
    yield line;
  }
}

function stripLeading(s: string): string {
  let j = 0;
  while (j < s.length && isBlank(s[j])) j++;
  return s.slice(j);
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** Properties.load0: key up to the first unescaped separator; then blanks, one optional '='/':', blanks. */
function splitKeyValue(line: string): { key: string; value: string } {
  let keyLen = 0;
  let valueStart = line.length;
  let hasSep = false;
  let precedingBackslash = false;
  while (keyLen < line.length) {
    const c = line[keyLen];
    if ((c === '=' || c === ':') && !precedingBackslash) {
      valueStart = keyLen + 1;
      hasSep = true;
      break;
    } else if (isBlank(c) && !precedingBackslash) {
      valueStart = keyLen + 1;
      break;
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false;
    keyLen++;
  }
  while (valueStart < line.length) {
    const c = line[valueStart];
    if (!isBlank(c)) {
      if (!hasSep && (c === '=' || c === ':')) hasSep = true;
      else break;
    }
    valueStart++;
  }
  return { key: unescape(line.slice(0, keyLen)), value: unescape(line.slice(valueStart)) };
}

/** Properties.loadConvert */
function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error('Malformed \\uxxxx encoding.');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += e === 't' ? '\t' : e === 'r' ? '\r' : e === 'n' ? '\n' : e === 'f' ? '\f' : e;
    }
  }
  return out;
}

/**
 * CommandLineUtils.parseKeyValueArgs for `--override key=value`: split at the first '='; a missing value
 * becomes "" (Kafka accepts missing values). Throws on an argument without a key.
 */
export function parseKeyValueArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const a of args) {
    const i = a.indexOf('=');
    const key = i < 0 ? a : a.slice(0, i);
    if (key === '') throw new Error(`Invalid command line properties: ${args.join(' ')}`);
    out[key] = i < 0 ? '' : a.slice(i + 1);
  }
  return out;
}

/** kafka.Kafka.getPropsFromArgs: the file's properties with the overrides put on top (a new object). */
export function applyOverrides(
  props: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> | readonly string[],
): Record<string, string> {
  const extra = Array.isArray(overrides) ? parseKeyValueArgs(overrides as readonly string[]) : (overrides as Record<string, string>);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(props)) out[k] = v;
  for (const [k, v] of Object.entries(extra)) out[k] = v;
  return out;
}
