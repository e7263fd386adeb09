/**
 * org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredLoginCallbackHandler: the
 * unsecured token a client (here the broker's own inter-broker client) logs in with, built from the
 * OAuthBearerLoginModule options: `unsecuredLoginStringClaim_<name>`, `unsecuredLoginNumberClaim_<name>`,
 * `unsecuredLoginListClaim_<name>` (first character is the delimiter), `unsecuredLoginPrincipalClaimName` (sub),
 * `unsecuredLoginScopeClaimName` (scope), `unsecuredLoginLifetimeSeconds` (3600) and
 * `unsecuredLoginExtension_<key>` (SASL extensions). Claims `iat` and `exp` are the login time and login time plus
 * the lifetime, in seconds, printed as Java prints a double. Header and claims are Base64URL without padding.
 */
import { validateExtensions } from './OAuthBearerClientInitialResponse';
import { OAuthBearerConfigException, OAuthBearerIllegalTokenException, OAuthBearerUnsecuredJws } from './OAuthBearerUnsecuredJws';
import { javaDouble } from './JavaFormat';

const STRING_CLAIM_PREFIX = 'unsecuredLoginStringClaim_';
const NUMBER_CLAIM_PREFIX = 'unsecuredLoginNumberClaim_';
const LIST_CLAIM_PREFIX = 'unsecuredLoginListClaim_';
const EXTENSION_PREFIX = 'unsecuredLoginExtension_';
const RESERVED_CLAIMS = new Set(['iat', 'exp']);

/** OAuthBearerUnsecuredLoginCallbackHandler.escape: `"` then `\` (in that order, as Kafka does). */
function escape(s: string): string {
  return s.replace(/"/g, '\\"').replace(/\\/g, '\\\\');
}

function stringClaim(name: string, value: string): string {
  return `"${escape(name)}":"${escape(value)}"`;
}

function numberClaim(name: string, value: number): string {
  return `"${escape(name)}":${javaDouble(value)}`;
}

function confirmNotReserved(name: string): string {
  if (RESERVED_CLAIMS.has(name)) throw new OAuthBearerConfigException(`Cannot explicitly set the '${name}' claim`);
  return name;
}

/** listJsonText: the first character is the delimiter; an empty element at either end or in the middle adds "". */
export function listJsonText(value: string): string {
  if (value.length <= 1) return '[]';
  const delimiter = value.substring(0, 1);
  const listText = value.substring(1);
  // Java's split drops trailing empty strings (and returns [""] for an empty input).
  const elements = listText.split(delimiter);
  while (elements.length > 1 && elements[elements.length - 1] === '') elements.pop();
  let out = '';
  for (const e of elements) out += `${out.length === 0 ? '[' : ','}"${escape(e)}"`;
  if (listText.startsWith(delimiter) || listText.endsWith(delimiter) || listText.includes(delimiter + delimiter)) out += ',""';
  return `${out}]`;
}

/** Java's Double.valueOf(String) for the plain forms an option holds; NumberFormatException otherwise. */
function javaDoubleValueOf(text: string): number {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[dDfF]?$/.test(t)) throw new OAuthBearerConfigException(`For input string: "${text}"`);
  return Number(t.replace(/[dDfF]$/, ''));
}

export interface UnsecuredLoginToken {
  jws: OAuthBearerUnsecuredJws;
  extensions: Map<string, string>;
}

/**
 * handleTokenCallback + handleExtensionsCallback. Returns null when the module has no options (a login that
 * cannot be used for client connections, e.g. a broker that only validates); throws OAuthBearerConfigException
 * where Kafka's login fails.
 */
export function unsecuredLoginToken(options: ReadonlyMap<string, string>, nowMs: number = Date.now()): UnsecuredLoginToken | null {
  if (options.size === 0) return null;
  if (![...options.keys()].some((k) => !k.startsWith(EXTENSION_PREFIX)))
    throw new OAuthBearerConfigException('Extensions provided in login context without a token');
  const principalOpt = options.get('unsecuredLoginPrincipalClaimName');
  const principalClaimName = principalOpt === undefined || principalOpt.trim() === '' ? 'sub' : principalOpt.trim();
  const scopeOpt = options.get('unsecuredLoginScopeClaimName');
  const scopeClaimName = scopeOpt === undefined || scopeOpt.trim() === '' ? 'scope' : scopeOpt.trim();
  const headerJson = `{${stringClaim('alg', 'none')}}`;
  const lifetimeText = options.get('unsecuredLoginLifetimeSeconds') ?? '3600';
  if (!/^[-+]?\d+$/.test(lifetimeText)) throw new OAuthBearerConfigException(`For input string: "${lifetimeText}"`);
  const lifetimeSeconds = Number(lifetimeText);
  let claims = '';
  for (const [key, v] of options) {
    if (key.startsWith(STRING_CLAIM_PREFIX) && key.length > STRING_CLAIM_PREFIX.length) {
      claims += `,${stringClaim(confirmNotReserved(key.substring(STRING_CLAIM_PREFIX.length)), v)}`;
    } else if (key.startsWith(NUMBER_CLAIM_PREFIX) && key.length > NUMBER_CLAIM_PREFIX.length) {
      claims += `,${numberClaim(confirmNotReserved(key.substring(NUMBER_CLAIM_PREFIX.length)), javaDoubleValueOf(v))}`;
    } else if (key.startsWith(LIST_CLAIM_PREFIX) && key.length > LIST_CLAIM_PREFIX.length) {
      claims += `,"${escape(confirmNotReserved(key.substring(LIST_CLAIM_PREFIX.length)))}":${listJsonText(v)}`;
    }
  }
  const claimsJson = `{${numberClaim('exp', nowMs / 1000 + lifetimeSeconds)},${numberClaim('iat', nowMs / 1000)}${claims}}`;
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
  let jws: OAuthBearerUnsecuredJws;
  try {
    jws = new OAuthBearerUnsecuredJws(`${b64(headerJson)}.${b64(claimsJson)}.`, principalClaimName, scopeClaimName);
  } catch (e) {
    // Occurs if the principal claim does not exist or is blank (or a claim cannot be read back).
    if (e instanceof OAuthBearerIllegalTokenException) throw new OAuthBearerConfigException(e.message);
    throw e;
  }
  const extensions = new Map<string, string>();
  for (const [key, v] of options) if (key.startsWith(EXTENSION_PREFIX)) extensions.set(key.substring(EXTENSION_PREFIX.length), v);
  try {
    validateExtensions(extensions);
  } catch (e) {
    throw new OAuthBearerConfigException((e as Error).message);
  }
  return { jws, extensions };
}
