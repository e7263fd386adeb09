/**
 * Kafka's default server-side OAUTHBEARER validation: OAuthBearerUnsecuredValidatorCallbackHandler with
 * OAuthBearerValidationUtils and OAuthBearerScopeUtils. The options are the OAuthBearerLoginModule's JAAS options:
 * `unsecuredValidatorPrincipalClaimName` (default sub), `unsecuredValidatorScopeClaimName` (default scope),
 * `unsecuredValidatorRequiredScope` (space-delimited), `unsecuredValidatorAllowableClockSkewMs` (default 0).
 * An illegal token gives the error status Kafka's SASL server puts in its JSON challenge: "invalid_token", or
 * "insufficient_scope" with the required scope when the token lacks one.
 */
import {
  OAuthBearerConfigException,
  OAuthBearerIllegalTokenException,
  OAuthBearerUnsecuredJws,
  OAuthBearerValidationResult,
  VALIDATION_SUCCESS,
  validationFailure,
} from './OAuthBearerUnsecuredJws';

/** Java's String.format("%f", d): six decimals. */
function f6(d: number): string {
  return d.toFixed(6);
}

/** OAuthBearerValidationUtils.validateClaimForExistenceAndType (for one claim kind). */
export function validateClaimForExistenceAndType(jwt: OAuthBearerUnsecuredJws, required: boolean, claimName: string): OAuthBearerValidationResult {
  const raw = jwt.rawClaim(claimName);
  if (raw === undefined) return required ? validationFailure(`Required claim missing: ${claimName}`) : VALIDATION_SUCCESS;
  if (typeof raw === 'string') return VALIDATION_SUCCESS;
  const type = Array.isArray(raw) ? 'ArrayList' : Number.isInteger(raw) ? 'Integer' : 'Double';
  return validationFailure(`The ${claimName} claim had the incorrect type: ${type}`);
}

function confirmNonNegative(allowableClockSkewMs: number): number {
  if (allowableClockSkewMs < 0) throw new OAuthBearerConfigException(`Allowable clock skew must not be negative: ${allowableClockSkewMs}`);
  return allowableClockSkewMs;
}

function reasonOf(f: () => number | undefined): { value?: number; failure?: OAuthBearerValidationResult } {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof OAuthBearerIllegalTokenException) return { failure: e.reason };
    throw e;
  }
}

/** OAuthBearerValidationUtils.validateIssuedAt: not after now plus the allowed skew. */
export function validateIssuedAt(
  jwt: OAuthBearerUnsecuredJws,
  required: boolean,
  whenCheckTimeMs: number,
  allowableClockSkewMs: number,
): OAuthBearerValidationResult {
  const { value, failure } = reasonOf(() => jwt.issuedAt());
  if (failure) return failure;
  if (value === undefined) return required ? validationFailure('Required claim missing: iat') : VALIDATION_SUCCESS;
  return 1000 * value > whenCheckTimeMs + confirmNonNegative(allowableClockSkewMs)
    ? validationFailure(
        `The Issued At value (${f6(value)} seconds) was after the indicated time (${whenCheckTimeMs} ms) plus allowable clock skew (${allowableClockSkewMs} ms)`,
      )
    : VALIDATION_SUCCESS;
}

/** OAuthBearerValidationUtils.validateExpirationTime: `exp` required, and now minus the skew strictly before it. */
export function validateExpirationTime(jwt: OAuthBearerUnsecuredJws, whenCheckTimeMs: number, allowableClockSkewMs: number): OAuthBearerValidationResult {
  const { value, failure } = reasonOf(() => jwt.expirationTime());
  if (failure) return failure;
  if (value === undefined) return validationFailure('Required claim missing: exp');
  return whenCheckTimeMs - confirmNonNegative(allowableClockSkewMs) >= 1000 * value
    ? validationFailure(
        `The indicated time (${whenCheckTimeMs} ms) minus allowable clock skew (${allowableClockSkewMs} ms) was on or after the Expiration Time value (${f6(value)} seconds)`,
      )
    : VALIDATION_SUCCESS;
}

/** OAuthBearerValidationUtils.validateTimeConsistency: `exp` after `iat` when both exist. */
export function validateTimeConsistency(jwt: OAuthBearerUnsecuredJws): OAuthBearerValidationResult {
  let iat: number | undefined;
  let exp: number | undefined;
  try {
    iat = jwt.issuedAt();
    exp = jwt.expirationTime();
  } catch (e) {
    if (e instanceof OAuthBearerIllegalTokenException) return e.reason;
    throw e;
  }
  if (exp !== undefined && iat !== undefined && exp <= iat) {
    return validationFailure(`The Expiration Time time (${f6(exp)} seconds) was not after the Issued At time (${f6(iat)} seconds)`);
  }
  return VALIDATION_SUCCESS;
}

/** Java's List.toString / Set.toString: `[a, b]`. */
function javaList(items: Iterable<string>): string {
  return `[${[...items].join(', ')}]`;
}

/** OAuthBearerValidationUtils.validateScope: every required scope element in the token's scope. */
export function validateScope(jwt: OAuthBearerUnsecuredJws, requiredScope: string[] | null): OAuthBearerValidationResult {
  if (!requiredScope || requiredScope.length === 0) return VALIDATION_SUCCESS;
  for (const element of requiredScope) {
    if (!jwt.scope.has(element)) {
      return validationFailure(
        `The provided scope (${javaList(jwt.scope)}) was missing a required scope (${element}).  All required scope elements: ${javaList(requiredScope)}`,
        javaList(requiredScope),
      );
    }
  }
  return VALIDATION_SUCCESS;
}

const SCOPE_ITEM = /^[\x23-\x5B\x5D-\x7E\x21]+$/;

/** OAuthBearerScopeUtils.parseScope: space-delimited scope items of RFC 6749's NQCHAR set. */
export function parseScope(spaceDelimitedScope: string): string[] {
  const out: string[] = [];
  for (const item of spaceDelimitedScope.split(' ')) {
    if (item === '') continue;
    if (!SCOPE_ITEM.test(item)) throw new OAuthBearerConfigException(`Invalid scope value: ${item}`);
    out.push(item);
  }
  return out;
}

/** What the validator callback answers: the token, or the error the SASL server turns into its JSON challenge. */
export type ValidatorOutcome =
  | { token: OAuthBearerUnsecuredJws }
  | { token: null; errorStatus: 'invalid_token' | 'insufficient_scope'; errorScope: string | null; errorOpenIdConfiguration: null; reason: string };

export class OAuthBearerUnsecuredValidator {
  constructor(
    private readonly options: ReadonlyMap<string, string>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  private option(key: string): string | undefined {
    return this.options.get(key);
  }

  private principalClaimName(): string {
    const v = this.option('unsecuredValidatorPrincipalClaimName');
    return v === undefined || v.trim() === '' ? 'sub' : v.trim();
  }

  private scopeClaimName(): string {
    const v = this.option('unsecuredValidatorScopeClaimName');
    return v === undefined || v.trim() === '' ? 'scope' : v.trim();
  }

  private requiredScope(): string[] {
    const v = this.option('unsecuredValidatorRequiredScope');
    return v === undefined || v.trim() === '' ? [] : parseScope(v.trim());
  }

  /** Integer.parseInt of the option; a bad value is an OAuthBearerConfigException, as in Kafka (it closes the connection). */
  private allowableClockSkewMs(): number {
    const v = this.option('unsecuredValidatorAllowableClockSkewMs');
    if (v === undefined || v.trim() === '') return 0;
    const t = v.trim();
    const n = /^[-+]?\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648) throw new OAuthBearerConfigException(`For input string: "${t}"`);
    if (n < 0) throw new OAuthBearerConfigException(`Allowable clock skew millis must not be negative: ${v}`);
    return n;
  }

  /**
   * OAuthBearerUnsecuredValidatorCallbackHandler.handleCallback: parse, then principal claim, iat (optional),
   * exp, their consistency and the required scope, in Kafka's order. Errors other than an illegal token (a bad
   * option, a header without alg) are thrown.
   */
  validate(tokenValue: string): ValidatorOutcome {
    const principalClaimName = this.principalClaimName();
    const scopeClaimName = this.scopeClaimName();
    const requiredScope = this.requiredScope();
    const skew = this.allowableClockSkewMs();
    try {
      const jwt = new OAuthBearerUnsecuredJws(tokenValue, principalClaimName, scopeClaimName);
      const now = this.nowMs();
      for (const r of [
        validateClaimForExistenceAndType(jwt, true, principalClaimName),
        validateIssuedAt(jwt, false, now, skew),
        validateExpirationTime(jwt, now, skew),
        validateTimeConsistency(jwt),
        validateScope(jwt, requiredScope),
      ]) {
        if (!r.success) throw new OAuthBearerIllegalTokenException(r);
      }
      return { token: jwt };
    } catch (e) {
      if (!(e instanceof OAuthBearerIllegalTokenException)) throw e;
      const scope = e.reason.failureScope ?? null;
      return {
        token: null,
        errorStatus: scope !== null ? 'insufficient_scope' : 'invalid_token',
        errorScope: scope,
        errorOpenIdConfiguration: null,
        reason: e.reason.failureDescription ?? '',
      };
    }
  }
}
