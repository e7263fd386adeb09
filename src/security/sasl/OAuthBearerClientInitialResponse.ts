/**
 * org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerClientInitialResponse (RFC 7628 section 3.1):
 * the client's only message, `n,[a=<authzid>],^Aauth=Bearer <token>^A[<key>=<value>^A]...^A` (^A = \x01), with
 * Kafka's grammar: SASL extension keys are letters, values printable ASCII plus space, tab, CR, LF; the `auth`
 * key is required, its scheme must be Bearer (any case) and its token [-_.a-zA-Z0-9]+.
 */
import { SaslException } from './SaslServer';

export const SEPARATOR = '\u0001';
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const KEY = '[A-Za-z]+';
const VALUE = '[\\x21-\\x7E \\t\\r\\n]+';
const KVPAIRS = `(?:${KEY}=${VALUE}${SEPARATOR})*`;
const AUTH_PATTERN = /^(?<scheme>\w+)[ ]+(?<token>[-_.a-zA-Z0-9]+)$/;
const CLIENT_INITIAL_RESPONSE = new RegExp(`^n,(?:a=(?<authzid>${SASLNAME}))?,${SEPARATOR}(?<kvpairs>${KVPAIRS})${SEPARATOR}$`);
const EXTENSION_KEY = new RegExp(`^${KEY}$`);
const EXTENSION_VALUE = new RegExp(`^${VALUE}$`);
export const AUTH_KEY = 'auth';

/** OAuthBearerClientInitialResponse.validateExtensions. */
export function validateExtensions(extensions: ReadonlyMap<string, string>): void {
  if (extensions.has(AUTH_KEY)) throw new SaslException(`Extension name ${AUTH_KEY} is invalid`);
  for (const [name, value] of extensions) {
    if (!EXTENSION_KEY.test(name)) throw new SaslException(`Extension name ${name} is invalid`);
    if (!EXTENSION_VALUE.test(value)) throw new SaslException(`Extension value (${value}) for extension ${name} is invalid`);
  }
}

export interface ClientInitialResponse {
  tokenValue: string;
  /** "" when the client named none. */
  authorizationId: string;
  extensions: Map<string, string>;
}

/** Parses the client's message (Kafka's byte[] constructor); SaslException where Kafka throws one. */
export function parseClientInitialResponse(response: Buffer): ClientInitialResponse {
  const message = response.toString('utf8');
  const m = CLIENT_INITIAL_RESPONSE.exec(message);
  if (!m) throw new SaslException('Invalid OAUTHBEARER client first message');
  const authorizationId = m.groups!.authzid ?? '';
  // Utils.parseMap(kvpairs, "=", SEPARATOR): Java's split drops the trailing empty element.
  const properties = new Map<string, string>();
  const kv = m.groups!.kvpairs;
  if (kv !== '') {
    for (const attr of kv.split(SEPARATOR).filter((s, i, all) => !(s === '' && i === all.length - 1))) {
      const eq = attr.indexOf('=');
      properties.set(attr.substring(0, eq), attr.substring(eq + 1));
    }
  }
  const auth = properties.get(AUTH_KEY);
  if (auth === undefined) throw new SaslException("Invalid OAUTHBEARER client first message: 'auth' not specified");
  properties.delete(AUTH_KEY);
  validateExtensions(properties);
  const a = AUTH_PATTERN.exec(auth);
  if (!a) throw new SaslException("Invalid OAUTHBEARER client first message: invalid 'auth' format");
  // Kafka formats its "Invalid scheme" message with matcher.group("scheme") of the outer pattern, which has no
  // such group: an IllegalArgumentException, so the connection is closed without an answer.
  if (a.groups!.scheme.toLowerCase() !== 'bearer') throw new Error('No group with name <scheme>');
  return { tokenValue: a.groups!.token, authorizationId, extensions: properties };
}

/** OAuthBearerClientInitialResponse.toBytes. */
export function formatClientInitialResponse(tokenValue: string, authorizationId = '', extensions: ReadonlyMap<string, string> = new Map()): Buffer {
  validateExtensions(extensions);
  const authzid = authorizationId === '' ? '' : `a=${authorizationId}`;
  let ext = [...extensions].map(([k, v]) => `${k}=${v}`).join(SEPARATOR);
  if (ext.length > 0) ext = SEPARATOR + ext;
  return Buffer.from(`n,${authzid},${SEPARATOR}auth=Bearer ${tokenValue}${ext}${SEPARATOR}${SEPARATOR}`, 'utf8');
}
