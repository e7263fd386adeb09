/**
 * org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredJws (RFC 7515 "unsecured"
 * JWS, alg "none"): the token Kafka's default OAUTHBEARER login and validator use. The compact serialization is
 * three dot-separated parts; header and claims are JSON objects, the signature part is empty. Parsing follows
 * Kafka 3.7 step by step, including its quirks, so a token Kafka refuses is refused here with the same reason:
 * - the parts are decoded with java.util.Base64.getDecoder() (the *basic* alphabet, padding optional), so `-` and
 *   `_` are "malformed Base64 URL encoded value" even though the login side encodes with the URL alphabet;
 * - claim values are converted as Kafka's Jackson `convert` does: numbers stay numbers, arrays become lists of
 *   their elements' text, anything else becomes its text (`null` -> "null", an object -> "");
 * - a header without `alg` is a NullPointerException in Kafka, which the SASL server does not turn into an
 *   error challenge: the connection is closed (here: a plain Error, not an OAuthBearerIllegalTokenException).
 */

/** OAuthBearerValidationResult: success, or a failure description with an optional scope and OpenID config. */
export interface OAuthBearerValidationResult {
  success: boolean;
  failureDescription?: string;
  failureScope?: string;
  failureOpenIdConfig?: string;
}

export const VALIDATION_SUCCESS: OAuthBearerValidationResult = Object.freeze({ success: true });

export function validationFailure(failureDescription: string, failureScope?: string, failureOpenIdConfig?: string): OAuthBearerValidationResult {
  return { success: false, failureDescription, failureScope, failureOpenIdConfig };
}

/** OAuthBearerIllegalTokenException: the token is refused with this reason (an error challenge, not a close). */
export class OAuthBearerIllegalTokenException extends Error {
  constructor(readonly reason: OAuthBearerValidationResult) {
    super(reason.failureDescription ?? 'Illegal token');
    this.name = 'OAuthBearerIllegalTokenException';
  }
}

/** OAuthBearerConfigException: a bad option of the login module (a broker configuration error). */
export class OAuthBearerConfigException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthBearerConfigException';
  }
}

/** A claim or header value after Kafka's conversion: a number, a string, or a list of strings. */
export type ClaimValue = number | string | string[];

const BASE64_BASIC = /^[A-Za-z0-9+/]*$/;

/**
 * java.util.Base64.getDecoder().decode: the basic alphabet only; `=` padding optional but, when present, complete;
 * a final unit of a single character is illegal. Returns null where Java throws IllegalArgumentException.
 */
export function decodeBase64Basic(text: string): Buffer | null {
  let body = text;
  const pad = /=+$/.exec(text);
  if (pad) {
    body = text.substring(0, pad.index);
    if (pad[0].length > 2 || (body.length + pad[0].length) % 4 !== 0) return null;
  }
  if (!BASE64_BASIC.test(body) || body.length % 4 === 1) return null;
  return Buffer.from(body, 'base64');
}

/** Jackson JsonNode -> Kafka's claim value (OAuthBearerUnsecuredJws.convert). */
function convert(value: unknown): ClaimValue {
  if (Array.isArray(value)) return value.map(asText);
  if (typeof value === 'number') return value;
  return asText(value);
}

/** JsonNode.asText: a string as is, numbers and booleans printed, null "null", containers "". */
function asText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** OAuthBearerUnsecuredJws.toMap: one Base64 part -> its JSON object's fields (a non-object has none). */
export function toMap(split: string): Map<string, ClaimValue> {
  const bytes = decodeBase64Basic(split);
  if (bytes === null) throw new OAuthBearerIllegalTokenException(validationFailure('malformed Base64 URL encoded value'));
  let node: unknown;
  try {
    node = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OAuthBearerIllegalTokenException(validationFailure('malformed JSON'));
  }
  const out = new Map<string, ClaimValue>();
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) out.set(k, convert(v));
  }
  return out;
}

function typeName(value: ClaimValue): string {
  if (Array.isArray(value)) return 'ArrayList';
  if (typeof value === 'string') return 'String';
  return Number.isInteger(value) ? (Math.abs(value) <= 2147483647 ? 'Integer' : 'Long') : 'Double';
}

/** Utils.isBlank. */
function isBlank(s: string | null | undefined): boolean {
  return s === null || s === undefined || s.trim().length === 0;
}

type ClaimKind = 'String' | 'Number' | 'List';

function isKind(value: ClaimValue, kind: ClaimKind): boolean {
  if (kind === 'String') return typeof value === 'string';
  if (kind === 'Number') return typeof value === 'number';
  return Array.isArray(value);
}

/** Math.round(seconds * 1000), as Kafka converts a NumericDate claim to milliseconds. */
function secondsToMs(seconds: number): number {
  return Math.floor(seconds * 1000 + 0.5);
}

export class OAuthBearerUnsecuredJws {
  readonly splits: string[];
  readonly header: Map<string, ClaimValue>;
  readonly claims: Map<string, ClaimValue>;
  readonly principalClaimName: string;
  readonly scopeClaimName: string;
  readonly scope: Set<string>;
  /** The `exp` claim in ms: when the token (and the SASL session it authenticated) expires. */
  readonly lifetimeMs: number;
  readonly principalName: string;
  readonly startTimeMs: number | null;

  constructor(
    readonly value: string,
    principalClaimName: string,
    scopeClaimName: string,
  ) {
    if (value.includes('..')) throw new OAuthBearerIllegalTokenException(validationFailure("Malformed compact serialization contains '..'"));
    this.splits = extractSplits(value);
    this.header = toMap(this.splits[0]);
    this.claims = toMap(this.splits[1]);
    const alg = this.header.get('alg');
    // Kafka: Objects.requireNonNull(header().get("alg"), ...) -> a NullPointerException, not an illegal token.
    if (alg === undefined) throw new Error('JWS header must have an Algorithm value');
    if (String(alg) !== 'none') throw new OAuthBearerIllegalTokenException(validationFailure("Unsecured JWS must have 'none' for an algorithm"));
    if (this.splits[2] !== '') throw new OAuthBearerIllegalTokenException(validationFailure('Unsecured JWS must not contain a digital signature'));
    this.principalClaimName = principalClaimName.trim();
    if (this.principalClaimName === '') throw new Error('Must specify a non-blank principal claim name');
    this.scopeClaimName = scopeClaimName.trim();
    if (this.scopeClaimName === '') throw new Error('Must specify a non-blank scope claim name');
    this.scope = this.calculateScope();
    const exp = this.expirationTime();
    if (exp === undefined) throw new OAuthBearerIllegalTokenException(validationFailure('No expiration time in JWT'));
    this.lifetimeMs = secondsToMs(exp);
    const principalName = this.claim(this.principalClaimName, 'String') as string | undefined;
    if (isBlank(principalName)) throw new OAuthBearerIllegalTokenException(validationFailure(`No principal name in JWT claim: ${this.principalClaimName}`));
    this.principalName = principalName!;
    const iat = this.issuedAt();
    this.startTimeMs = iat === undefined ? null : secondsToMs(iat);
  }

  rawClaim(name: string): ClaimValue | undefined {
    return this.claims.get(name);
  }

  isClaimType(name: string, kind: ClaimKind): boolean {
    const v = this.rawClaim(name);
    return v !== undefined && isKind(v, kind);
  }

  /** OAuthBearerUnsecuredJws.claim(name, type): the value, undefined when absent, illegal token when of another type. */
  claim(name: string, kind: ClaimKind): ClaimValue | undefined {
    const v = this.rawClaim(name);
    if (v === undefined || isKind(v, kind)) return v;
    throw new OAuthBearerIllegalTokenException(validationFailure(`The '${name}' claim was not of type ${kind}: ${typeName(v)}`));
  }

  expirationTime(): number | undefined {
    return this.claim('exp', 'Number') as number | undefined;
  }

  issuedAt(): number | undefined {
    return this.claim('iat', 'Number') as number | undefined;
  }

  subject(): string | undefined {
    return this.claim('sub', 'String') as string | undefined;
  }

  private calculateScope(): Set<string> {
    const name = this.scopeClaimName;
    if (this.isClaimType(name, 'String')) {
      const v = this.rawClaim(name) as string;
      return isBlank(v) ? new Set() : new Set([v.trim()]);
    }
    const list = this.claim(name, 'List') as string[] | undefined;
    const out = new Set<string>();
    for (const s of list ?? []) if (!isBlank(s)) out.add(s.trim());
    return out;
  }
}

/** Java's String.split("\\.") (trailing empty parts dropped) plus Kafka's "ends with '.'" fix-up; exactly 3 parts. */
function extractSplits(value: string): string[] {
  const parts = value.split('.');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (value.endsWith('.')) parts.push('');
  if (parts.length !== 3) {
    throw new OAuthBearerIllegalTokenException(validationFailure('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values'));
  }
  return parts;
}
