/**
 * The client side of Kafka's default OAUTHBEARER login (OAuthBearerUnsecuredLoginCallbackHandler): an unsecured JWS
 * (`{"alg":"none"}` header, claims, empty signature) built from the options of
 * `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";`:
 * unsecuredLoginStringClaim_<name>, unsecuredLoginNumberClaim_<name>, unsecuredLoginListClaim_<name> (first character
 * = delimiter), unsecuredLoginLifetimeSeconds (default 3600), unsecuredLoginPrincipalClaimName (default sub),
 * unsecuredLoginExtension_<name> (SASL extensions). Built here for the command-line tools because the oauth work's
 * client token builder (src/security/sasl/OAuthBearer*.ts) was not on main yet; it may replace this module.
 */
export class OAuthBearerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthBearerConfigError';
  }
}

export interface UnsecuredToken {
  /** The compact serialization `header.claims.` sent as `auth=Bearer <value>`. */
  value: string;
  principalName: string;
  lifetimeMs: number;
  /** unsecuredLoginExtension_<name> options (SASL extensions sent beside the token). */
  extensions: Map<string, string>;
}

const STRING_CLAIM = 'unsecuredLoginStringClaim_';
const NUMBER_CLAIM = 'unsecuredLoginNumberClaim_';
const LIST_CLAIM = 'unsecuredLoginListClaim_';
const EXTENSION = 'unsecuredLoginExtension_';
/** OAuthBearerUnsecuredLoginCallbackHandler.RESERVED_CLAIMS: set by the handler itself. */
const RESERVED = new Set(['iat', 'exp']);

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function claimName(name: string): string {
  if (RESERVED.has(name)) throw new OAuthBearerConfigError(`Cannot explicitly set the '${name}' claim`);
  return name;
}

/** listJsonText: the first character is the delimiter of the rest (`,a,b` -> ["a","b"]). */
function listClaim(value: string): string[] {
  if (value.length <= 1) return [];
  return value.substring(1).split(value[0]);
}

export function unsecuredToken(options: ReadonlyMap<string, string>, nowMs = Date.now()): UnsecuredToken {
  const keys = [...options.keys()];
  if (keys.length > 0 && keys.every((k) => k.startsWith(EXTENSION))) throw new OAuthBearerConfigError('Extensions provided in login context without a token');
  const lifetimeText = options.get('unsecuredLoginLifetimeSeconds') ?? '3600';
  const lifetime = Number(lifetimeText);
  if (!/^-?\d+$/.test(lifetimeText.trim()) || !Number.isSafeInteger(lifetime)) throw new OAuthBearerConfigError(`For input string: "${lifetimeText}"`);
  const principalClaim = options.get('unsecuredLoginPrincipalClaimName')?.trim() || 'sub';
  // Kafka writes iat/exp as Java doubles of seconds (e.g. 1.7E9); the same numbers in plain JSON notation here.
  const claims: Record<string, unknown> = { exp: nowMs / 1000 + lifetime, iat: nowMs / 1000 };
  const extensions = new Map<string, string>();
  for (const [k, v] of options) {
    if (k.startsWith(STRING_CLAIM) && k.length > STRING_CLAIM.length) claims[claimName(k.substring(STRING_CLAIM.length))] = v;
    else if (k.startsWith(NUMBER_CLAIM) && k.length > NUMBER_CLAIM.length) {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new OAuthBearerConfigError(`For input string: "${v}"`);
      claims[claimName(k.substring(NUMBER_CLAIM.length))] = n;
    } else if (k.startsWith(LIST_CLAIM) && k.length > LIST_CLAIM.length) claims[claimName(k.substring(LIST_CLAIM.length))] = listClaim(v);
    else if (k.startsWith(EXTENSION) && k.length > EXTENSION.length) extensions.set(k.substring(EXTENSION.length), v);
  }
  const principal = claims[principalClaim];
  // OAuthBearerUnsecuredJws: the principal claim must exist and be a non-empty string.
  if (typeof principal !== 'string' || principal.trim() === '') {
    throw new OAuthBearerConfigError(`No principal name found in the '${principalClaim}' claim (set unsecuredLoginStringClaim_${principalClaim}="<user>")`);
  }
  return {
    value: `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(claims))}.`,
    principalName: principal,
    lifetimeMs: lifetime * 1000,
    extensions,
  };
}

/** The client's first (and only) OAUTHBEARER message (RFC 7628 / OAuthBearerClientInitialResponse). */
export function oauthBearerInitialResponse(token: string, extensions: ReadonlyMap<string, string> = new Map()): Buffer {
  const ext = [...extensions].map(([k, v]) => `${k}=${v}\u0001`).join('');
  return Buffer.from(`n,,\u0001auth=Bearer ${token}\u0001${ext}\u0001`, 'utf8');
}
