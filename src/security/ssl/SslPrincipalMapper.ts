/**
 * org.apache.kafka.common.security.ssl.SslPrincipalMapper: ssl.principal.mapping.rules, a comma-separated list of
 * `DEFAULT` and `RULE:<pattern>/<replacement>/[LU]` rules, applied in order to a client certificate's distinguished
 * name (RFC 2253); the first rule whose pattern matches the whole DN gives the principal name. Ported regex for
 * regex from Kafka 3.7 so that splitting, the error messages and the odd cases (e.g. `.*` replacing twice, as
 * Java's replaceAll does) agree.
 */
const RULE_PATTERN = '(DEFAULT)|RULE:((\\\\.|[^\\\\/])*)/((\\\\.|[^\\\\/])*)/([LU]?).*?|(.*?)';
const RULE_PARSER = new RegExp(`^(?:${RULE_PATTERN})`);

export class NoMatchingRule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoMatchingRule';
  }
}

interface Rule {
  isDefault: boolean;
  pattern?: RegExp;
  source?: string;
  replacement?: string;
  toLowerCase?: boolean;
  toUpperCase?: boolean;
}

/** Java's Matcher.find loop over RULE_SPLITTER, zero-length matches included (an empty trailing rule is ignored later). */
function splitRules(rules: string): string[] {
  const splitter = new RegExp(`\\s*(${RULE_PATTERN})\\s*(,\\s*|$)`, 'g');
  const text = rules.trim();
  const result: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = splitter.exec(text)) !== null) {
    result.push(m[1]);
    if (m[0].length === 0) {
      if (splitter.lastIndex >= text.length) break;
      splitter.lastIndex++;
    }
  }
  return result;
}

function parseRules(rules: string[]): Rule[] {
  const result: Rule[] = [];
  for (const rule of rules) {
    const m = RULE_PARSER.exec(rule);
    if (!m) throw new Error(`Invalid rule: ${rule}`);
    const end = m[0].length;
    if (rule.length !== end) throw new Error(`Invalid rule: \`${rule}\`, unmatched substring: \`${rule.substring(end)}\``);
    // empty rules are ignored
    if (m[1] !== undefined) result.push({ isDefault: true });
    else if (m[2] !== undefined) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(m[2], 'g');
      } catch (e) {
        throw new Error(`Invalid rule: ${rule}: ${(e as Error).message}`);
      }
      result.push({ isDefault: false, pattern, source: m[2], replacement: m[4] ?? '', toLowerCase: m[6] === 'L', toUpperCase: m[6] === 'U' });
    }
  }
  return result;
}

/**
 * Java's Matcher.replaceAll replacement syntax: `$n` is group n (Kafka first turns a `$n` beyond the group count into
 * a literal, escapeLiteralBackReferences), `\x` is a literal x.
 */
function javaReplacement(replacement: string, groups: (string | undefined)[], groupCount: number): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\' && i + 1 < replacement.length) {
      out += replacement[++i];
    } else if (c === '$' && i + 1 < replacement.length && /\d/.test(replacement[i + 1])) {
      let j = i + 1;
      let n = Number(replacement[j]);
      // Java reads further digits while the longer number is still a valid group.
      while (j + 1 < replacement.length && /\d/.test(replacement[j + 1]) && n * 10 + Number(replacement[j + 1]) <= groupCount) {
        n = n * 10 + Number(replacement[++j]);
      }
      if (n > groupCount) {
        out += replacement.substring(i, j + 1); // Kafka's escaped literal back reference
      } else {
        out += groups[n] ?? '';
      }
      i = j;
    } else {
      out += c;
    }
  }
  return out;
}

function applyRule(rule: Rule, dn: string): string | null {
  if (rule.isDefault) return dn;
  const pattern = rule.pattern!;
  const whole = new RegExp(`^(?:${rule.source})$`);
  if (!whole.test(dn)) return null;
  const groupCount = new RegExp(`${rule.source}|`).exec('')!.length - 1;
  pattern.lastIndex = 0;
  let result = dn.replace(pattern, (...args: unknown[]) => {
    const groups = args.slice(0, groupCount + 1) as (string | undefined)[];
    return javaReplacement(rule.replacement!, groups, groupCount);
  });
  if (rule.toLowerCase) result = result.toLowerCase();
  else if (rule.toUpperCase) result = result.toUpperCase();
  return result;
}

function ruleToString(r: Rule): string {
  if (r.isDefault) return 'DEFAULT';
  return `RULE:${r.source}/${r.replacement}/${r.toLowerCase ? 'L' : r.toUpperCase ? 'U' : ''}`;
}

export class SslPrincipalMapper {
  private readonly rules: Rule[];

  /** Throws an Error with Kafka's message for an invalid rule. */
  constructor(rules: string | null) {
    this.rules = parseRules(splitRules(rules ?? 'DEFAULT'));
  }

  /** The principal name for a DN; NoMatchingRule when no rule applies (Kafka then fails the handshake). */
  getName(distinguishedName: string): string {
    for (const r of this.rules) {
      const name = applyRule(r, distinguishedName);
      if (name !== null) return name;
    }
    throw new NoMatchingRule(`No rules apply to ${distinguishedName}, rules [${this.rules.map(ruleToString).join(', ')}]`);
  }

  toString(): string {
    return `SslPrincipalMapper(rules = [${this.rules.map(ruleToString).join(', ')}])`;
  }
}
