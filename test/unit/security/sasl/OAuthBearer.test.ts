import { expect } from 'chai';
import { javaDouble } from '../../../../src/security/sasl/JavaFormat';
import { formatClientInitialResponse, parseClientInitialResponse } from '../../../../src/security/sasl/OAuthBearerClientInitialResponse';
import { jsonErrorResponse, OAuthBearerSaslServer } from '../../../../src/security/sasl/OAuthBearerSaslServer';
import {
  decodeBase64Basic,
  OAuthBearerConfigException,
  OAuthBearerIllegalTokenException,
  OAuthBearerUnsecuredJws,
} from '../../../../src/security/sasl/OAuthBearerUnsecuredJws';
import { listJsonText, unsecuredLoginToken } from '../../../../src/security/sasl/OAuthBearerUnsecuredLogin';
import {
  OAuthBearerUnsecuredValidator,
  parseScope,
  validateExpirationTime,
  validateIssuedAt,
  validateScope,
  validateTimeConsistency,
} from '../../../../src/security/sasl/OAuthBearerValidation';
import { OAuthBearerSaslClient } from '../../../../src/security/sasl/SaslClient';
import { SaslAuthenticationException, SaslException } from '../../../../src/security/sasl/SaslServer';

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const HEADER = `${b64url('{"alg":"none"}')}.`;
const jws = (claims: string, header = '{"alg":"none"}') => `${b64url(header)}.${b64url(claims)}.`;

describe('OAuthBearerUnsecuredJws (Kafka 3.7 OAuthBearerUnsecuredJwsTest vectors)', () => {
  it('validClaims: sub, iat 100.1, exp 300.3', () => {
    const token = `${HEADER}${b64url('{"sub":"SUBJECT","iat":100.1,"exp":300.3}')}.`;
    const t = new OAuthBearerUnsecuredJws(token, 'sub', 'scope');
    expect(t.value).to.equal(token);
    expect([...t.header]).to.deep.equal([['alg', 'none']]);
    expect(t.expirationTime()).to.equal(300.3);
    expect(t.isClaimType('exp', 'Number')).to.equal(true);
    expect(t.issuedAt()).to.equal(100.1);
    expect(t.subject()).to.equal('SUBJECT');
    expect(t.lifetimeMs).to.equal(300300);
    expect(t.startTimeMs).to.equal(100100);
  });

  it('validCompactSerialization: a list scope, 3 splits with an empty signature', () => {
    const t = new OAuthBearerUnsecuredJws(jws('{"sub":"foo","iat":100,"exp":3700,"scope":["scopeValue1","scopeValue2"]}'), 'sub', 'scope');
    expect(t.claims.size).to.equal(4);
    expect(t.principalName).to.equal('foo');
    expect(t.lifetimeMs).to.equal(3700 * 1000);
    expect([...t.scope]).to.deep.equal(['scopeValue1', 'scopeValue2']);
    expect(t.splits).to.have.length(3);
    expect(t.splits[2]).to.equal('');
  });

  it("refuses with Kafka's reasons", () => {
    const reason = (token: string, principal = 'sub') => {
      try {
        new OAuthBearerUnsecuredJws(token, principal, 'scope');
      } catch (e) {
        expect(e).to.be.instanceOf(OAuthBearerIllegalTokenException);
        return (e as OAuthBearerIllegalTokenException).reason.failureDescription;
      }
      return 'accepted';
    };
    expect(reason(jws('{"sub":"a","iat":100}'))).to.equal('No expiration time in JWT'); // missingPrincipal: no exp either
    expect(reason(jws('{"sub":"   ","exp":3700}'))).to.equal('No principal name in JWT claim: sub'); // blankPrincipalName
    expect(reason(jws('{"exp":3700}'))).to.equal('No principal name in JWT claim: sub');
    expect(reason(jws('{"sub":"a","exp":3700}', '{"alg":"HS256"}'))).to.equal("Unsecured JWS must have 'none' for an algorithm");
    expect(reason(`${jws('{"sub":"a","exp":3700}')}AB`)).to.equal('Unsecured JWS must not contain a digital signature');
    expect(reason(`${HEADER}.x`)).to.equal("Malformed compact serialization contains '..'");
    expect(reason(`${HEADER}`)).to.equal('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values');
    expect(reason(`${HEADER}e30-.`)).to.equal('malformed Base64 URL encoded value');
    expect(reason(`${HEADER}${b64url('{"sub":')}.`)).to.equal('malformed JSON');
    expect(reason(jws('{"sub":"a","exp":"3700"}'))).to.equal("The 'exp' claim was not of type Number: String");
    expect(reason(jws('{"sub":"a","exp":3700,"scope":5}'))).to.equal("The 'scope' claim was not of type List: Integer");
    expect(reason(jws('{"sub":1,"exp":3700}'))).to.equal("The 'sub' claim was not of type String: Integer");
  });

  it("decodes with java.util.Base64's basic decoder, as Kafka 3.7 does (URL alphabet refused, padding optional)", () => {
    expect(decodeBase64Basic('e30')!.toString()).to.equal('{}');
    expect(decodeBase64Basic('e30=')!.toString()).to.equal('{}');
    expect(decodeBase64Basic('e30==')).to.equal(null);
    expect(decodeBase64Basic('-_8')).to.equal(null);
    expect(decodeBase64Basic('e30=e')).to.equal(null);
    expect(decodeBase64Basic('abcde')).to.equal(null);
  });

  it('converts claims as Jackson does: null is the text "null", a header without alg is not an illegal token', () => {
    const t = new OAuthBearerUnsecuredJws(jws('{"sub":null,"exp":3700,"obj":{"a":1},"flag":true,"l":[1,"x"]}'), 'sub', 'scope');
    expect(t.principalName).to.equal('null');
    expect(t.claims.get('obj')).to.equal('');
    expect(t.claims.get('flag')).to.equal('true');
    expect(t.claims.get('l')).to.deep.equal(['1', 'x']);
    expect(() => new OAuthBearerUnsecuredJws(jws('{"sub":"a","exp":3700}', '{"typ":"JWT"}'), 'sub', 'scope')).to.throw(
      Error,
      'JWS header must have an Algorithm value',
    );
  });
});

describe('OAuthBearerValidationUtils (OAuthBearerValidationUtilsTest)', () => {
  const nowMs = 1733580000123;
  const now = nowMs / 1000;
  const token = (claims: string) => new OAuthBearerUnsecuredJws(jws(claims), 'sub', 'scope');

  it('validateIssuedAt: in the future beyond the skew fails; absent passes unless required', () => {
    const t = token(`{"exp":${now},"sub":"p","iat":${now}}`);
    for (const skew of [0, 5, 10, 20]) {
      for (const offset of [-10, 0, 10]) {
        const when = nowMs + offset;
        expect(validateIssuedAt(t, true, when, skew).success).to.equal(!(now * 1000 > when + skew));
      }
    }
    const noIat = token(`{"exp":${now},"sub":"p"}`);
    expect(validateIssuedAt(noIat, false, nowMs, 0).success).to.equal(true);
    expect(validateIssuedAt(noIat, true, nowMs, 0).failureDescription).to.equal('Required claim missing: iat');
  });

  it("validateExpirationTime: now minus the skew on or after exp fails, with Kafka's message", () => {
    const t = token(`{"exp":${now},"sub":"p"}`);
    for (const skew of [0, 5, 10, 20]) {
      for (const offset of [-10, 0, 10]) {
        const when = nowMs + offset;
        expect(validateExpirationTime(t, when, skew).success).to.equal(!(when - skew >= now * 1000));
      }
    }
    expect(validateExpirationTime(t, nowMs + 10, 5).failureDescription).to.equal(
      `The indicated time (${nowMs + 10} ms) minus allowable clock skew (5 ms) was on or after the Expiration Time value (1733580000.123000 seconds)`,
    );
  });

  it('validateTimeConsistency: exp must be after iat', () => {
    for (const offset of [-1, 0, 1]) {
      expect(validateTimeConsistency(token(`{"iat":${now},"exp":${now + offset},"sub":"p"}`)).success).to.equal(offset > 0);
    }
    expect(validateTimeConsistency(token(`{"exp":${now},"sub":"p"}`)).success).to.equal(true);
  });

  it('validateScope: every required element present, the failure scope is the Java list text', () => {
    const t = token(`{"exp":${now},"sub":"p","scope":["scope1"]}`);
    expect(validateScope(t, null).success).to.equal(true);
    expect(validateScope(t, []).success).to.equal(true);
    expect(validateScope(t, ['scope1']).success).to.equal(true);
    const r = validateScope(t, ['scope1', 'scope2']);
    expect(r.failureScope).to.equal('[scope1, scope2]');
    expect(r.failureDescription).to.equal(
      'The provided scope ([scope1]) was missing a required scope (scope2).  All required scope elements: [scope1, scope2]',
    );
    expect(parseScope(' a  b ')).to.deep.equal(['a', 'b']);
    expect(() => parseScope('a "b')).to.throw(OAuthBearerConfigException, 'Invalid scope value: "b');
  });
});

describe('OAuthBearerUnsecuredValidator (OAuthBearerUnsecuredValidatorCallbackHandlerTest)', () => {
  const nowMs = 1733580000000;
  const exp = nowMs / 1000 + 3600 * 1000;
  const validate = (claims: string, options: Record<string, string>) =>
    new OAuthBearerUnsecuredValidator(new Map(Object.entries(options)), () => nowMs).validate(jws(claims));
  const noScope = { unsecuredValidatorPrincipalClaimName: 'principal', unsecuredValidatorAllowableClockSkewMs: '1' };

  it('validToken with and without iat, with a principal claim option', () => {
    for (const iat of ['', `,"iat":${nowMs / 1000}`]) {
      const r = validate(`{"principal":"username","exp":${exp}${iat}}`, noScope);
      expect(r.token?.principalName).to.equal('username');
    }
  });

  it('badOrMissingPrincipal, tooEarlyExpirationTime: invalid_token with no scope', () => {
    for (const claims of [`{"exp":${exp},"principal":1}`, `{"exp":${exp}}`, `{"principal":"username","iat":${nowMs / 1000},"exp":${nowMs / 1000}}`]) {
      const r = validate(claims, noScope);
      expect(r.token).to.equal(null);
      if (r.token === null) expect([r.errorStatus, r.errorScope]).to.deep.equal(['invalid_token', null]);
    }
  });

  it('includesRequiredScope / missingRequiredScope: insufficient_scope with "[scope1, scope2]"', () => {
    expect(validate(`{"sub":"username","exp":${exp},"scope":"scope1"}`, { unsecuredValidatorRequiredScope: 'scope1' }).token).to.not.equal(null);
    const r = validate(`{"sub":"username","exp":${exp},"scope":"scope1"}`, { unsecuredValidatorRequiredScope: 'scope1 scope2' });
    expect(r.token).to.equal(null);
    if (r.token === null) expect([r.errorStatus, r.errorScope]).to.deep.equal(['insufficient_scope', '[scope1, scope2]']);
  });

  it('a negative or non-numeric clock skew is a configuration error, not a token error', () => {
    expect(() => validate(`{"sub":"u","exp":${exp}}`, { unsecuredValidatorAllowableClockSkewMs: '-1' })).to.throw(
      OAuthBearerConfigException,
      'Allowable clock skew millis must not be negative: -1',
    );
    expect(() => validate(`{"sub":"u","exp":${exp}}`, { unsecuredValidatorAllowableClockSkewMs: 'x' })).to.throw(
      OAuthBearerConfigException,
      'For input string: "x"',
    );
  });
});

describe('OAuthBearerClientInitialResponse (OAuthBearerClientInitialResponseTest)', () => {
  it('builds and parses the GS2 message with extensions', () => {
    const expected = 'n,,\u0001auth=Bearer 123.345.567\u0001nineteen=42\u0001\u0001';
    expect(formatClientInitialResponse('123.345.567', '', new Map([['nineteen', '42']])).toString()).to.equal(expected);
    const r = parseClientInitialResponse(Buffer.from(expected));
    expect(formatClientInitialResponse(r.tokenValue, r.authorizationId, r.extensions).toString()).to.equal(expected);
    expect(() => formatClientInitialResponse('123.345.567', '', new Map([['19', '42']]))).to.throw(SaslException);
  });

  it('token, authorization id, extensions, the RFC 7628 example', () => {
    expect(parseClientInitialResponse(Buffer.from('n,,\u0001auth=Bearer 123.345.567\u0001\u0001'))).to.deep.equal({
      tokenValue: '123.345.567',
      authorizationId: '',
      extensions: new Map(),
    });
    expect(parseClientInitialResponse(Buffer.from('n,a=myuser,\u0001auth=Bearer 345\u0001\u0001')).authorizationId).to.equal('myuser');
    const ext = parseClientInitialResponse(Buffer.from('n,,\u0001propA=valueA1, valueA2\u0001auth=Bearer 567\u0001propB=valueB\u0001\u0001'));
    expect([ext.tokenValue, ext.extensions.get('propA'), ext.extensions.get('propB')]).to.deep.equal(['567', 'valueA1, valueA2', 'valueB']);
    const rfc = parseClientInitialResponse(
      Buffer.from('n,a=user@example.com,\u0001host=server.example.com\u0001port=143\u0001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg\u0001\u0001'),
    );
    expect([rfc.tokenValue, rfc.authorizationId, rfc.extensions.get('host'), rfc.extensions.get('port')]).to.deep.equal([
      'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg',
      'user@example.com',
      'server.example.com',
      '143',
    ]);
  });

  it("refuses malformed messages with Kafka's SaslException messages; a non-Bearer scheme is not a SaslException", () => {
    const msg = (s: string) => {
      try {
        parseClientInitialResponse(Buffer.from(s));
        return 'parsed';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    expect(msg('n,,auth=Bearer x\u0001\u0001')).to.equal('SaslException: Invalid OAUTHBEARER client first message');
    expect(msg('n,,\u0001k=v\u0001\u0001')).to.equal("SaslException: Invalid OAUTHBEARER client first message: 'auth' not specified");
    expect(msg('n,,\u0001auth=Bearer a+b\u0001\u0001')).to.equal("SaslException: Invalid OAUTHBEARER client first message: invalid 'auth' format");
    expect(msg('n,,\u0001auth=Basic abc\u0001\u0001')).to.equal('Error: No group with name <scheme>');
    expect(msg('\u0001')).to.equal('SaslException: Invalid OAUTHBEARER client first message');
  });
});

describe('OAuthBearerUnsecuredLoginCallbackHandler (OAuthBearerUnsecuredLoginCallbackHandlerTest)', () => {
  const nowMs = 1733580000123;

  it('minimalToken: sub, iat and exp (one hour), the numbers printed as Java prints a double', () => {
    const login = unsecuredLoginToken(new Map([['unsecuredLoginStringClaim_sub', 'user']]), nowMs)!;
    expect(login.jws.principalName).to.equal('user');
    expect(login.jws.startTimeMs).to.equal(nowMs);
    expect(login.jws.lifetimeMs).to.equal(nowMs + 3600 * 1000);
    expect([...login.jws.claims.keys()].sort()).to.deep.equal(['exp', 'iat', 'sub']);
    expect(Buffer.from(login.jws.splits[1], 'base64url').toString()).to.equal('{"exp":1.733583600123E9,"iat":1.733580000123E9,"sub":"user"}');
    expect(login.jws.value.endsWith('.')).to.equal(true);
  });

  it('validOptionsWithExplicitOptionValues: list, number and scope claims, lifetime, principal claim name', () => {
    const login = unsecuredLoginToken(
      new Map([
        ['unsecuredLoginStringClaim_principal', 'user'],
        ['unsecuredLoginListClaim_list', ',1,2,'],
        ['unsecuredLoginListClaim_emptyList1', ''],
        ['unsecuredLoginListClaim_emptyList2', ','],
        ['unsecuredLoginNumberClaim_number', '1'],
        ['unsecuredLoginLifetimeSeconds', '10000'],
        ['unsecuredLoginPrincipalClaimName', 'principal'],
        ['unsecuredLoginScopeClaimName', 'putScopeInHere'],
        ['unsecuredLoginListClaim_putScopeInHere', '|scope1|scope2'],
      ]),
      nowMs,
    )!;
    const t = login.jws;
    expect(t.principalName).to.equal('user');
    expect(t.lifetimeMs).to.equal(nowMs + 10000 * 1000);
    expect([...t.scope]).to.deep.equal(['scope1', 'scope2']);
    expect(t.claims.get('number')).to.equal(1);
    expect(t.claims.get('list')).to.deep.equal(['1', '2', '']);
    expect(t.claims.get('emptyList1')).to.deep.equal([]);
    expect(t.claims.get('emptyList2')).to.deep.equal([]);
    expect(listJsonText('|a||b')).to.equal('["a","","b",""]');
  });

  it('extensions; no token without options; the configuration errors Kafka raises', () => {
    const ext = unsecuredLoginToken(
      new Map([
        ['unsecuredLoginStringClaim_sub', 'u'],
        ['unsecuredLoginExtension_testId', '1'],
      ]),
      nowMs,
    )!;
    expect([...ext.extensions]).to.deep.equal([['testId', '1']]);
    expect(unsecuredLoginToken(new Map(), nowMs)).to.equal(null);
    const err = (opts: [string, string][]) => {
      try {
        unsecuredLoginToken(new Map(opts), nowMs);
        return 'ok';
      } catch (e) {
        expect(e).to.be.instanceOf(OAuthBearerConfigException);
        return (e as Error).message;
      }
    };
    expect(err([['unsecuredLoginExtension_testId', '1']])).to.equal('Extensions provided in login context without a token');
    expect(
      err([
        ['unsecuredLoginStringClaim_sub', 'u'],
        ['unsecuredLoginExtension_test.Id', '1'],
      ]),
    ).to.equal('Extension name test.Id is invalid');
    expect(
      err([
        ['unsecuredLoginStringClaim_sub', 'u'],
        ['unsecuredLoginExtension_testId', 'Çalifornia'],
      ]),
    ).to.equal('Extension value (Çalifornia) for extension testId is invalid');
    expect(err([['unsecuredLoginStringClaim_exp', '1']])).to.equal("Cannot explicitly set the 'exp' claim");
    expect(err([['unsecuredLoginStringClaim_name', 'u']])).to.equal('No principal name in JWT claim: sub');
    expect(
      err([
        ['unsecuredLoginStringClaim_sub', 'u'],
        ['unsecuredLoginLifetimeSeconds', 'soon'],
      ]),
    ).to.equal('For input string: "soon"');
  });

  it("Java's Double.toString", () => {
    expect([javaDouble(1), javaDouble(100.1), javaDouble(1e7), javaDouble(1733580000.5), javaDouble(0.0001), javaDouble(1234567.5)]).to.deep.equal([
      '1.0',
      '100.1',
      '1.0E7',
      '1.7335800005E9',
      '1.0E-4',
      '1234567.5',
    ]);
  });
});

describe('OAuthBearerSaslServer (OAuthBearerSaslServerTest) and OAuthBearerSaslClient', () => {
  const nowMs = 1733580000000;
  const options = new Map([['unsecuredLoginStringClaim_sub', 'user']]);
  const server = (opts: ReadonlyMap<string, string> = options) => new OAuthBearerSaslServer(new OAuthBearerUnsecuredValidator(opts, () => nowMs));
  const initial = (authzid = '', illegal = false, ext = new Map<string, string>()) =>
    formatClientInitialResponse(unsecuredLoginToken(options, nowMs)!.jws.value + (illegal ? 'AB' : ''), authzid, ext);

  it('noAuthorizationIdSpecified / authorizationIdEqualsAuthenticationId: an empty challenge, complete', () => {
    for (const authzid of ['', 'user']) {
      const s = server();
      expect(s.evaluateResponse(initial(authzid)).length).to.equal(0);
      expect([s.isComplete(), s.authorizationId(), s.credentialExpirationMs()]).to.deep.equal([true, 'user', nowMs + 3600 * 1000]);
    }
  });

  it('authorizationIdNotEqualsAuthenticationId: SaslAuthenticationException', () => {
    expect(() => server().evaluateResponse(initial('userx'))).to.throw(
      SaslAuthenticationException,
      "Authentication failed: Client requested an authorization id (userx) that is different from the token's principal name (user)",
    );
  });

  it('extensions are all accepted by the default validator', () => {
    const s = server();
    s.evaluateResponse(
      initial(
        '',
        false,
        new Map([
          ['firstKey', 'value1'],
          ['secondKey', 'value2'],
        ]),
      ),
    );
    expect([...s.extensions]).to.deep.equal([
      ['firstKey', 'value1'],
      ['secondKey', 'value2'],
    ]);
  });

  it("illegalToken: the JSON challenge, then the client's \\x01 fails with it", () => {
    const s = server();
    expect(s.evaluateResponse(initial('', true)).toString()).to.equal('{"status":"invalid_token"}');
    expect(s.isComplete()).to.equal(false);
    expect(() => s.evaluateResponse(Buffer.from([1]))).to.throw(SaslAuthenticationException, '{"status":"invalid_token"}');
    expect(jsonErrorResponse('insufficient_scope', '[a, b]', null)).to.equal('{"status":"insufficient_scope", "scope":"[a, b]"}');
  });

  it('a client that retries with a good token after an error challenge succeeds (errorMessage is reset)', () => {
    const s = server();
    s.evaluateResponse(initial('', true));
    expect(s.evaluateResponse(initial()).length).to.equal(0);
    expect(s.isComplete()).to.equal(true);
  });

  it('OAuthBearerSaslClient: answers an error challenge with \\x01, completes on an empty one', () => {
    const c = new OAuthBearerSaslClient(options, () => nowMs);
    const s = server();
    expect(s.evaluateResponse(c.initialResponse()).length).to.equal(0);
    expect(c.evaluateChallenge(Buffer.alloc(0))).to.equal(null);
    expect(c.isComplete()).to.equal(true);
    const bad = new OAuthBearerSaslClient(
      new Map([
        ['unsecuredLoginStringClaim_sub', 'user'],
        ['unsecuredLoginLifetimeSeconds', '-10'],
      ]),
      () => nowMs,
    );
    const s2 = server();
    const challenge = s2.evaluateResponse(bad.initialResponse());
    expect(challenge.toString()).to.equal('{"status":"invalid_token"}');
    expect([...bad.evaluateChallenge(challenge)!]).to.deep.equal([1]);
    expect(() => s2.evaluateResponse(Buffer.from([1]))).to.throw(SaslAuthenticationException);
  });
});
