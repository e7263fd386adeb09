import { expect } from 'chai';
import { API_CODECS, ApiVersionsApi, MetadataApi } from '../../../../src/protocol/apis';
import { SaslHandshakeApi } from '../../../../src/protocol/apis/17-sasl-handshake';
import { SaslAuthenticateApi } from '../../../../src/protocol/apis/36-sasl-authenticate';
import { ApiCodec, isFlexible } from '../../../../src/protocol/apis/types';
import { ErrorCode } from '../../../../src/protocol/errors';
import { decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../../../src/protocol/headers';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { inVersions } from '../../../../src/protocol/messages/MessageSpec';
import type { ServerSaslSettings } from '../../../../src/security/auth/ListenerSecurity';
import { formatClientInitialResponse } from '../../../../src/security/sasl/OAuthBearerClientInitialResponse';
import { unsecuredLoginToken } from '../../../../src/security/sasl/OAuthBearerUnsecuredLogin';
import { SaslServerAuthenticator, SaslStep } from '../../../../src/security/sasl/SaslServerAuthenticator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ApiCodec<any, any>;

let correlationId = 0;
/** A request frame without its size prefix (what the FrameDecoder hands the authenticator). */
function request<Req>(codec: ApiCodec<Req, unknown>, version: number, body: Req): Buffer {
  const w = new Writer(64);
  const flexible = isFlexible(codec, version);
  encodeRequestHeader(
    w,
    { apiKey: codec.apiKey, apiVersion: version, correlationId: ++correlationId, clientId: 'test' },
    requestHeaderVersion(codec.apiKey, version, flexible),
  );
  codec.encodeRequest(w, version, body);
  return w.toBuffer();
}

/** Decodes the response a 'send' step carries. */
function response<Res>(step: SaslStep, codec: ApiCodec<unknown, Res>, version: number): Res {
  expect(step.kind).to.equal('send');
  if (step.kind !== 'send') throw new Error('no answer');
  const r = new Reader(step.frame.subarray(4));
  decodeResponseHeader(r, responseHeaderVersion(codec.apiKey, isFlexible(codec, version)));
  return codec.decodeResponse(r, version);
}

const NOW = 1733580000000;
const settings = (over: Partial<ServerSaslSettings> = {}): ServerSaslSettings => ({
  enabledMechanisms: ['PLAIN', 'OAUTHBEARER'],
  plainUsers: new Map([['alice', 'alice-secret']]),
  maxReauthMs: 0,
  maxReceiveSize: 524288,
  oauthBearerOptions: new Map(),
  ...over,
});
const auth = (over: Partial<ServerSaslSettings> = {}) => new SaslServerAuthenticator(settings(over), null, null, () => NOW);
const handshake = (mechanism: string, v = 1) => request(SaslHandshakeApi, v, { mechanism });
const authenticate = (bytes: string | Buffer, v = 2) =>
  request(SaslAuthenticateApi as AnyCodec, v, { authBytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes) });
const metadata = (topics: string[] | null = ['t1', 't2']) =>
  request(MetadataApi as AnyCodec, 4, { topics: topics && topics.map((name) => ({ name })), allowAutoTopicCreation: false });
const bearer = (claims: Record<string, string>, lifetime = '3600') =>
  formatClientInitialResponse(unsecuredLoginToken(new Map([...Object.entries(claims), ['unsecuredLoginLifetimeSeconds', lifetime]]), NOW)!.jws.value);

function expectClose(step: SaslStep, reason: string, authentication: boolean): void {
  expect(step).to.deep.equal({ kind: 'close', reason, authentication });
}

describe('SaslServerAuthenticator: SASL states as Kafka 3.7', () => {
  it('ApiVersions passes through once; a second one closes (IllegalStateException, no answer)', () => {
    const a = auth();
    expect(a.onFrame(request(ApiVersionsApi as AnyCodec, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' }))).to.deep.equal({
      kind: 'passthrough',
    });
    expectClose(
      a.onFrame(request(ApiVersionsApi as AnyCodec, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })),
      'Unexpected ApiVersions request received during SASL authentication state HANDSHAKE_REQUEST',
      false,
    );
  });

  it('an unsupported or invalid ApiVersions keeps the state, so the client may retry it', () => {
    const a = auth();
    const future = Buffer.from(request(ApiVersionsApi as AnyCodec, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }));
    future.writeInt16BE(ApiVersionsApi.maxVersion + 1, 2);
    expect(a.onFrame(future)).to.deep.equal({ kind: 'passthrough' });
    expect(a.onFrame(request(ApiVersionsApi as AnyCodec, 3, { clientSoftwareName: '-bad', clientSoftwareVersion: '1' }))).to.deep.equal({
      kind: 'passthrough',
    });
    expect(a.onFrame(request(ApiVersionsApi as AnyCodec, 0, {}))).to.deep.equal({ kind: 'passthrough' });
    expect(response(a.onFrame(handshake('PLAIN')), SaslHandshakeApi, 1).errorCode).to.equal(0);
  });

  it('a request other than ApiVersions/SaslHandshake before the handshake closes without an answer', () => {
    expectClose(auth().onFrame(metadata()), 'Unexpected Kafka request of type METADATA during SASL handshake.', true);
    // SaslAuthenticate before SaslHandshake, also after an ApiVersions.
    const a = auth();
    a.onFrame(request(ApiVersionsApi as AnyCodec, 0, {}));
    expectClose(a.onFrame(authenticate('\u0000alice\u0000alice-secret')), 'Unexpected Kafka request of type SASL_AUTHENTICATE during SASL handshake.', true);
  });

  it('a first frame that is no Kafka request is a GSSAPI token, and GSSAPI is not enabled; later it is an invalid request', () => {
    expectClose(
      auth().onFrame(Buffer.from('\u0000alice\u0000alice-secret')),
      'Exception handling first SASL packet from client, GSSAPI is not supported by server',
      true,
    );
    const a = auth();
    a.onFrame(request(ApiVersionsApi as AnyCodec, 0, {}));
    const step = a.onFrame(Buffer.from('garbage!'));
    expect(step.kind === 'close' && step.authentication).to.equal(false);
  });

  it('an unknown mechanism: UNSUPPORTED_SASL_MECHANISM with the enabled ones, then close', () => {
    const step = auth().onFrame(handshake('GSSAPI'));
    expect(response(step, SaslHandshakeApi, 1)).to.deep.equal({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'OAUTHBEARER'] });
    expect(step.kind === 'send' && [step.close, step.reason]).to.deep.equal([true, 'Unsupported SASL mechanism GSSAPI']);
  });

  it('after a v1 handshake: a second SaslHandshake is answered ILLEGAL_SASL_STATE in a SaslHandshake response, then closed', () => {
    const a = auth();
    a.onFrame(handshake('PLAIN'));
    const step = a.onFrame(handshake('PLAIN'));
    expect(response(step, SaslHandshakeApi, 1)).to.deep.equal({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    expect(step.kind === 'send' && [step.close, step.reason, step.authentication]).to.deep.equal([
      true,
      'Unexpected Kafka request of type SASL_HANDSHAKE during SASL authentication.',
      true,
    ]);
  });

  it('after a v1 handshake: a Metadata request gets ILLEGAL_SASL_STATE for each topic it names, ApiVersions in its own response', () => {
    const a = auth();
    a.onFrame(handshake('OAUTHBEARER'));
    const md = response(a.onFrame(metadata()), MetadataApi as AnyCodec, 4);
    expect(md.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode])).to.deep.equal([
      ['t1', ErrorCode.ILLEGAL_SASL_STATE],
      ['t2', ErrorCode.ILLEGAL_SASL_STATE],
    ]);
    expect(md.brokers).to.deep.equal([]);
    const b = auth();
    b.onFrame(handshake('PLAIN'));
    expect(
      response(b.onFrame(request(ApiVersionsApi as AnyCodec, 3, { clientSoftwareName: 'a', clientSoftwareVersion: '1' })), ApiVersionsApi as AnyCodec, 3)
        .errorCode,
    ).to.equal(ErrorCode.ILLEGAL_SASL_STATE);
  });

  it('after a v1 handshake: every API this broker parses gets its ILLEGAL_SASL_STATE answer at every version', () => {
    for (const codec of API_CODECS.values()) {
      if (codec.apiKey === SaslAuthenticateApi.apiKey) continue;
      const c = codec as AnyCodec & {
        request: { defaults(v: number): unknown };
        response: { spec: { fields: readonly { name: string; versions: string }[] } };
      };
      const errorCodeField = c.response.spec.fields.find((f) => f.name === 'ErrorCode');
      for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
        const a = auth();
        a.onFrame(handshake('PLAIN'));
        const step = a.onFrame(request(codec, v, c.request.defaults(v)));
        expect(step.kind === 'send' && step.close, `${codec.name} v${v}`).to.equal(true);
        const res = response(step, codec, v) as { errorCode?: number };
        // Responses with a top-level error code carry it; the others (Fetch v0-6, Produce...) are empty.
        if (errorCodeField && inVersions(errorCodeField.versions as never, v))
          expect(res.errorCode, `${codec.name} v${v}`).to.equal(ErrorCode.ILLEGAL_SASL_STATE);
      }
    }
  });

  it('after a v1 handshake: a raw token (no Kafka header) or an unsupported SaslAuthenticate version closes without an answer', () => {
    const a = auth();
    a.onFrame(handshake('PLAIN'));
    const raw = a.onFrame(Buffer.from('\u0000alice\u0000alice-secret'));
    expect(raw.kind === 'close' && raw.authentication).to.equal(false);
    const b = auth();
    b.onFrame(handshake('PLAIN'));
    const future = authenticate('\u0000alice\u0000alice-secret');
    future.writeInt16BE(SaslAuthenticateApi.maxVersion + 1, 2);
    expect(b.onFrame(future).kind).to.equal('close');
  });

  it('after a v0 handshake: raw tokens; a failure closes without an answer', () => {
    const a = auth();
    expect(response(a.onFrame(handshake('PLAIN', 0)), SaslHandshakeApi, 0).errorCode).to.equal(0);
    expectClose(a.onFrame(Buffer.from('\u0000alice\u0000wrong')), 'Authentication failed: Invalid username or password', true);
    const b = auth();
    b.onFrame(handshake('PLAIN', 0));
    const ok = b.onFrame(Buffer.from('\u0000alice\u0000alice-secret'));
    expect(ok.kind === 'send' && [...ok.frame]).to.deep.equal([0, 0, 0, 0]);
    expect([b.complete, b.authorizationId]).to.deep.equal([true, 'alice']);
  });

  it('a frame above sasl.server.max.receive.size fails the authentication', () => {
    expectClose(auth({ maxReceiveSize: 16 }).onFrame(Buffer.alloc(17)), 'Failing SASL authentication due to invalid receive size', true);
  });

  it('re-authentication with another mechanism: the handshake is answered, the next frame closes without an answer', () => {
    const a = new SaslServerAuthenticator(settings(), null, { mechanism: 'PLAIN', authorizationId: 'alice' }, () => NOW);
    expect(response(a.onFrame(handshake('OAUTHBEARER')), SaslHandshakeApi, 1).errorCode).to.equal(0);
    expectClose(
      a.onFrame(authenticate(bearer({ unsecuredLoginStringClaim_sub: 'alice' }))),
      "SASL mechanism 'OAUTHBEARER' requested by client is not supported for re-authentication of mechanism 'PLAIN'",
      true,
    );
  });
});

describe('SaslServerAuthenticator with OAUTHBEARER', () => {
  it("a valid token authenticates User:<sub>; the session lasts until the token's exp (KIP-368)", () => {
    const a = auth();
    a.onFrame(handshake('OAUTHBEARER'));
    const res = response(a.onFrame(authenticate(bearer({ unsecuredLoginStringClaim_sub: 'alice' }))), SaslAuthenticateApi as AnyCodec, 2);
    expect([res.errorCode, res.authBytes.length, Number(res.sessionLifetimeMs)]).to.deep.equal([0, 0, 3600 * 1000]);
    expect([a.complete, a.authorizationId, a.sessionExpiresAtMs, a.supportsReauthentication]).to.deep.equal([true, 'alice', NOW + 3600 * 1000, true]);
  });

  it('connections.max.reauth.ms shorter than the token bounds the session instead', () => {
    const a = auth({ maxReauthMs: 60000 });
    a.onFrame(handshake('OAUTHBEARER'));
    expect(
      Number(response(a.onFrame(authenticate(bearer({ unsecuredLoginStringClaim_sub: 'alice' }))), SaslAuthenticateApi as AnyCodec, 2).sessionLifetimeMs),
    ).to.equal(60000);
  });

  it("an expired token: the JSON error challenge, then the client's \\x01 fails with SASL_AUTHENTICATION_FAILED and closes", () => {
    const a = auth();
    a.onFrame(handshake('OAUTHBEARER'));
    const challenge = response(a.onFrame(authenticate(bearer({ unsecuredLoginStringClaim_sub: 'alice' }, '-60'))), SaslAuthenticateApi as AnyCodec, 2);
    expect([challenge.errorCode, challenge.authBytes.toString()]).to.deep.equal([0, '{"status":"invalid_token"}']);
    expect(a.complete).to.equal(false);
    const step = a.onFrame(authenticate(Buffer.from([1])));
    const failed = response(step, SaslAuthenticateApi as AnyCodec, 2);
    expect([failed.errorCode, failed.errorMessage]).to.deep.equal([ErrorCode.SASL_AUTHENTICATION_FAILED, '{"status":"invalid_token"}']);
    expect(step.kind === 'send' && [step.close, step.reason]).to.deep.equal([true, '{"status":"invalid_token"}']);
  });

  it('a token without sub gets the challenge; a client that then sends Metadata gets ILLEGAL_SASL_STATE (kafkajs does this)', () => {
    const a = auth();
    a.onFrame(handshake('OAUTHBEARER'));
    const noSub = formatClientInitialResponse(
      unsecuredLoginToken(
        new Map([
          ['unsecuredLoginStringClaim_name', 'x'],
          ['unsecuredLoginPrincipalClaimName', 'name'],
        ]),
        NOW,
      )!.jws.value,
    );
    expect(response(a.onFrame(authenticate(noSub)), SaslAuthenticateApi as AnyCodec, 2).authBytes.toString()).to.equal('{"status":"invalid_token"}');
    const md = response(a.onFrame(metadata(['t'])), MetadataApi as AnyCodec, 4);
    expect(md.topics[0].errorCode).to.equal(ErrorCode.ILLEGAL_SASL_STATE);
  });

  it('required scope missing: insufficient_scope with the scope', () => {
    const a = auth({ oauthBearerOptions: new Map([['unsecuredValidatorRequiredScope', 'produce consume']]) });
    a.onFrame(handshake('OAUTHBEARER'));
    const t = formatClientInitialResponse(
      unsecuredLoginToken(
        new Map([
          ['unsecuredLoginStringClaim_sub', 'alice'],
          ['unsecuredLoginListClaim_scope', ' produce'],
        ]),
        NOW,
      )!.jws.value,
    );
    expect(response(a.onFrame(authenticate(t)), SaslAuthenticateApi as AnyCodec, 2).authBytes.toString()).to.equal(
      '{"status":"insufficient_scope", "scope":"[produce, consume]"}',
    );
  });

  it('a malformed client message: the generic SaslException answer; a header without alg closes without an answer', () => {
    const a = auth();
    a.onFrame(handshake('OAUTHBEARER'));
    const res = response(a.onFrame(authenticate('n,,auth=Bearer x')), SaslAuthenticateApi as AnyCodec, 2);
    expect(res.errorMessage).to.equal('Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER');
    const b = auth();
    b.onFrame(handshake('OAUTHBEARER'));
    const noAlg = `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"a","exp":9999999999}').toString('base64url')}.`;
    const step = b.onFrame(authenticate(formatClientInitialResponse(noAlg)));
    expect(step).to.deep.equal({ kind: 'close', reason: 'JWS header must have an Algorithm value', authentication: false });
  });

  it('the authorization id must be the principal', () => {
    const a = auth();
    a.onFrame(handshake('OAUTHBEARER'));
    const t = formatClientInitialResponse(unsecuredLoginToken(new Map([['unsecuredLoginStringClaim_sub', 'alice']]), NOW)!.jws.value, 'bob');
    expect(response(a.onFrame(authenticate(t)), SaslAuthenticateApi as AnyCodec, 2).errorMessage).to.equal(
      "Authentication failed: Client requested an authorization id (bob) that is different from the token's principal name (alice)",
    );
  });
});
