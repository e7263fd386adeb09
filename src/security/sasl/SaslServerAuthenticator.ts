/**
 * org.apache.kafka.common.security.authenticator.SaslServerAuthenticator: the SASL exchange on one connection before
 * any other request is served, with Kafka 3.7's states and its answer (or silence) in each:
 *   INITIAL_REQUEST: a frame that is not a Kafka request would be a GSSAPI token (0.9 clients); GSSAPI is never
 *     enabled here, so: closed ("Exception handling first SASL packet from client, GSSAPI is not supported by server").
 *   HANDSHAKE_OR_VERSIONS_REQUEST / HANDSHAKE_REQUEST: one ApiVersions (served by KafkaApis; an unsupported or invalid
 *     one leaves the state as it is, so the client may retry), then SaslHandshake v0/v1 naming an enabled mechanism
 *     (else UNSUPPORTED_SASL_MECHANISM with the enabled ones, then closed). Any other request is an
 *     IllegalSaslStateException "Unexpected Kafka request of type <API> during SASL handshake." and is closed WITHOUT
 *     an answer (Kafka throws before building one); a second ApiVersions is an IllegalStateException: closed.
 *   AUTHENTICATE after a v0 handshake: raw size-prefixed tokens; any failure closes without an answer.
 *   AUTHENTICATE after a v1 handshake: SaslAuthenticate requests. Another request (a second SaslHandshake, an
 *     ApiVersions, a Metadata sent by a client that thinks it is done) is answered ILLEGAL_SASL_STATE in its own
 *     response type ("Unexpected Kafka request of type <API> during SASL authentication."), then closed. A frame
 *     that is no Kafka request (a raw token) or a version that does not parse is closed without an answer.
 *     A mechanism failure is SASL_AUTHENTICATION_FAILED with Kafka's message, then closed.
 *   REAUTH_BAD_MECHANISM (KIP-368: another mechanism on re-authentication): the next frame closes, no answer.
 * Session lifetime (ReauthInfo.calcCompletionTimesAndReturnSessionLifetimeMs): min(connections.max.reauth.ms,
 * credential expiry - now) when either is set (an OAUTHBEARER token's `exp` bounds the session), else unlimited.
 */
import { ApiKey } from '../../protocol/apiKeys';
import { ApiVersionsApi } from '../../protocol/apis';
import { SaslAuthenticateApi } from '../../protocol/apis/36-sasl-authenticate';
import { SaslHandshakeApi } from '../../protocol/apis/17-sasl-handshake';
import { ErrorCode } from '../../protocol/errors';
import type { ScramCredentialSource, ServerSaslSettings } from '../auth/ListenerSecurity';
import { OAUTHBEARER_MECHANISM, OAuthBearerSaslServer } from './OAuthBearerSaslServer';
import { OAuthBearerUnsecuredValidator } from './OAuthBearerValidation';
import { PlainSaslServer } from './PlainSaslServer';
import { isScramMechanism, ScramSaslServer } from './ScramSaslServer';
import { IllegalSaslStateException, SaslAuthenticationException, SaslException, SaslServer, UnsupportedSaslMechanismException } from './SaslServer';
import {
  apiKeyEnumName,
  illegalSaslStateResponse,
  InvalidRequestException,
  ParsedRequestHeader,
  parseRequestBody,
  parseRequestHeader,
  responseFrame,
} from './SaslRequestFrames';

/** ApiVersionsRequest.isValid: v3 client software name and version. */
const CLIENT_SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

/**
 * What the connection does with one frame received before authentication completed. `authentication` tells the
 * log line apart as Kafka's Selector does: an AuthenticationException is "Failed authentication with <peer>
 * (<message>)" at INFO, anything else "Unexpected error from <peer>; closing connection" at WARN.
 */
export type SaslStep =
  /** Serve the frame as an ordinary request (ApiVersions). */
  | { kind: 'passthrough' }
  /** Write these bytes (a complete size-prefixed frame); then close (with `reason`), or go on (authenticated if complete). */
  | { kind: 'send'; frame: Buffer; close: boolean; reason?: string; authentication?: boolean }
  /** Close without an answer; `reason` is logged. */
  | { kind: 'close'; reason: string; authentication?: boolean };

type State = 'INITIAL_REQUEST' | 'HANDSHAKE_OR_VERSIONS_REQUEST' | 'HANDSHAKE_REQUEST' | 'AUTHENTICATE' | 'REAUTH_BAD_MECHANISM' | 'COMPLETE' | 'FAILED';

/** What a re-authentication (KIP-368) must keep: the mechanism and the principal of the session it renews. */
export interface PreviousSession {
  mechanism: string;
  authorizationId: string;
}

/** Kafka's AuthenticationException family: the failure is logged as a failed authentication. */
function isAuthenticationException(e: unknown): boolean {
  return e instanceof SaslAuthenticationException || e instanceof IllegalSaslStateException || e instanceof UnsupportedSaslMechanismException;
}

export class SaslServerAuthenticator {
  private state: State = 'INITIAL_REQUEST';
  private server: SaslServer | null = null;
  private kafkaHeaders = false;
  private mechanism = '';
  private badMechanism = '';

  constructor(
    private readonly settings: ServerSaslSettings,
    private readonly scram: ScramCredentialSource | null,
    /** Set when this exchange re-authenticates an authenticated connection (it starts with its SaslHandshake). */
    private readonly previous: PreviousSession | null = null,
    private readonly nowMs: () => number = Date.now,
  ) {
    // REAUTH_PROCESS_HANDSHAKE: the frame that started the re-authentication is a SaslHandshake.
    if (previous) this.state = 'HANDSHAKE_REQUEST';
  }

  /** Whether the client used SaslAuthenticate v1+, so it may re-authenticate (ReauthInfo.connectedClientSupportsReauthentication). */
  supportsReauthentication = false;
  /** When the session ends (ms since epoch), or null for no limit. */
  sessionExpiresAtMs: number | null = null;

  private get text(): string {
    return this.previous ? 're-authentication' : 'authentication';
  }

  /** ReauthInfo.calcCompletionTimesAndReturnSessionLifetimeMs. */
  private completed(): number {
    this.state = 'COMPLETE';
    const now = this.nowMs();
    const credentialExpirationMs = this.server!.credentialExpirationMs?.() ?? null;
    const maxReauthMs = this.settings.maxReauthMs;
    const maxReauthSet = maxReauthMs > 0;
    let lifetime = 0;
    if (credentialExpirationMs !== null || maxReauthSet) {
      if (credentialExpirationMs === null) lifetime = Math.max(0, maxReauthMs);
      else if (!maxReauthSet) lifetime = Math.max(0, credentialExpirationMs - now);
      else lifetime = Math.max(0, Math.min(credentialExpirationMs - now, maxReauthMs));
      this.sessionExpiresAtMs = now + lifetime;
    } else {
      this.sessionExpiresAtMs = null;
    }
    return lifetime;
  }

  /** ReauthInfo.ensurePrincipalUnchanged. */
  private ensurePrincipalUnchanged(): void {
    const now = this.server!.authorizationId();
    if (this.previous && now !== this.previous.authorizationId) {
      throw new SaslAuthenticationException(`Cannot change principals during re-authentication from User.${this.previous.authorizationId}: User.${now}`);
    }
  }

  get complete(): boolean {
    return this.state === 'COMPLETE';
  }

  /** The authenticated SASL name (User:<name>), once complete. */
  get authorizationId(): string {
    return this.server!.authorizationId();
  }

  /** sasl.server.max.receive.size: the largest frame before authentication completes. */
  get maxReceiveSize(): number {
    return this.settings.maxReceiveSize;
  }

  get mechanismName(): string {
    return this.mechanism;
  }

  // dtoken: SaslServerAuthenticator marks the principal tokenAuthenticated when SCRAM's `tokenauth` extension was used.
  get tokenAuthenticated(): boolean {
    return (this.server as { tokenAuthenticated?: boolean } | null)?.tokenAuthenticated === true;
  }

  onFrame(frame: Buffer): SaslStep {
    if (frame.length > this.settings.maxReceiveSize) {
      this.state = 'FAILED';
      return { kind: 'close', reason: 'Failing SASL authentication due to invalid receive size', authentication: true };
    }
    try {
      switch (this.state) {
        case 'INITIAL_REQUEST':
        case 'HANDSHAKE_OR_VERSIONS_REQUEST':
        case 'HANDSHAKE_REQUEST':
          return this.handleKafkaRequest(frame);
        case 'REAUTH_BAD_MECHANISM':
          throw new SaslAuthenticationException(this.badMechanism);
        case 'AUTHENTICATE':
          return this.kafkaHeaders ? this.handleSaslAuthenticate(frame) : this.handleRawToken(frame);
        default:
          return { kind: 'close', reason: `Unexpected frame in SASL state ${this.state}` };
      }
    } catch (e) {
      this.state = 'FAILED';
      return { kind: 'close', reason: (e as Error).message, authentication: isAuthenticationException(e) };
    }
  }

  /** SaslServerAuthenticator.handleKafkaRequest: ApiVersions or SaslHandshake. */
  private handleKafkaRequest(frame: Buffer): SaslStep {
    let p: ParsedRequestHeader;
    try {
      p = parseRequestHeader(frame);
    } catch (e) {
      if (!(e instanceof InvalidRequestException) || this.state !== 'INITIAL_REQUEST') throw e;
      // Kafka 0.9 compatibility: the first packet is then a GSSAPI token, and GSSAPI is not enabled here.
      throw new UnsupportedSaslMechanismException('Exception handling first SASL packet from client, GSSAPI is not supported by server');
    }
    if (this.state === 'INITIAL_REQUEST') this.state = 'HANDSHAKE_OR_VERSIONS_REQUEST';
    const apiKey = p.header.apiKey;
    if (apiKey !== ApiKey.ApiVersions && apiKey !== ApiKey.SaslHandshake) {
      throw new IllegalSaslStateException(`Unexpected Kafka request of type ${apiKeyEnumName(apiKey)} during SASL handshake.`);
    }
    if (apiKey === ApiKey.ApiVersions) return this.handleApiVersions(p);
    return this.handleHandshake(p, parseRequestBody(p) as { mechanism: string });
  }

  /**
   * handleApiVersionsRequest: KafkaApis builds the answer (the SocketServer passes the frame through); only a
   * supported, valid request moves on to HANDSHAKE_REQUEST, so a client answered UNSUPPORTED_VERSION may retry.
   */
  private handleApiVersions(p: ParsedRequestHeader): SaslStep {
    if (this.state !== 'HANDSHAKE_OR_VERSIONS_REQUEST') {
      throw new Error(`Unexpected ApiVersions request received during SASL authentication state ${this.state}`);
    }
    const v = p.header.apiVersion;
    if (v <= ApiVersionsApi.maxVersion) {
      const req = parseRequestBody(p) as { clientSoftwareName: string; clientSoftwareVersion: string };
      if (v < 3 || (CLIENT_SOFTWARE.test(req.clientSoftwareName) && CLIENT_SOFTWARE.test(req.clientSoftwareVersion))) this.state = 'HANDSHAKE_REQUEST';
    }
    return { kind: 'passthrough' };
  }

  private handleHandshake(p: ParsedRequestHeader, req: { mechanism: string }): SaslStep {
    const v = p.header.apiVersion;
    if (v >= 1) this.kafkaHeaders = true;
    const enabled = this.settings.enabledMechanisms;
    if (!enabled.includes(req.mechanism)) {
      this.state = 'FAILED';
      const frame = responseFrame(p.header, p.flexible, (w) =>
        SaslHandshakeApi.encodeResponse(w, v, { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: enabled }),
      );
      return { kind: 'send', frame, close: true, reason: `Unsupported SASL mechanism ${req.mechanism}`, authentication: true };
    }
    this.mechanism = req.mechanism;
    if (this.previous && this.previous.mechanism !== req.mechanism) {
      // ReauthInfo.saslMechanismUnchanged: the handshake is answered; the next frame fails (no answer).
      this.badMechanism = `SASL mechanism '${req.mechanism}' requested by client is not supported for re-authentication of mechanism '${this.previous.mechanism}'`;
      this.state = 'REAUTH_BAD_MECHANISM';
    } else {
      this.server = this.createSaslServer(req.mechanism);
      this.state = 'AUTHENTICATE';
    }
    const frame = responseFrame(p.header, p.flexible, (w) => SaslHandshakeApi.encodeResponse(w, v, { errorCode: ErrorCode.NONE, mechanisms: enabled }));
    return { kind: 'send', frame, close: false };
  }

  private createSaslServer(mechanism: string): SaslServer {
    if (mechanism === 'PLAIN') return new PlainSaslServer(this.settings.plainUsers);
    if (isScramMechanism(mechanism)) {
      if (!this.scram) throw new UnsupportedSaslMechanismException(`No SCRAM credentials available for ${mechanism}`);
      return new ScramSaslServer(mechanism, this.scram);
    }
    if (mechanism === OAUTHBEARER_MECHANISM) {
      return new OAuthBearerSaslServer(new OAuthBearerUnsecuredValidator(this.settings.oauthBearerOptions ?? new Map(), this.nowMs));
    }
    throw new UnsupportedSaslMechanismException(`Unsupported SASL mechanism ${mechanism}`);
  }

  /** v0 handshake: the frame is the token itself; the answer a size-prefixed token (empty for PLAIN's last step). */
  private handleRawToken(frame: Buffer): SaslStep {
    // A failure closes the connection without an answer: v0 clients have no way to read an error.
    const challenge = this.server!.evaluateResponse(frame);
    if (this.server!.isComplete()) {
      this.completed();
      this.ensurePrincipalUnchanged();
    }
    const out = Buffer.alloc(4 + challenge.length);
    out.writeInt32BE(challenge.length, 0);
    challenge.copy(out, 4);
    return { kind: 'send', frame: out, close: false };
  }

  private handleSaslAuthenticate(frame: Buffer): SaslStep {
    const p = parseRequestHeader(frame);
    const request = parseRequestBody(p);
    if (p.header.apiKey !== SaslAuthenticateApi.apiKey) {
      const message = `Unexpected Kafka request of type ${apiKeyEnumName(p.header.apiKey)} during SASL authentication.`;
      this.state = 'FAILED';
      return { kind: 'send', frame: illegalSaslStateResponse(p, request), close: true, reason: message, authentication: true };
    }
    const v = p.header.apiVersion;
    const req = request as { authBytes: Buffer };
    if (v > 0) this.supportsReauthentication = true;
    const answer = (body: { errorCode: number; errorMessage: string | null; authBytes: Buffer; sessionLifetimeMs: number }) =>
      responseFrame(p.header, p.flexible, (w) => SaslAuthenticateApi.encodeResponse(w, v, body));
    try {
      const challenge = this.server!.evaluateResponse(req.authBytes);
      if (this.previous && this.server!.isComplete()) this.ensurePrincipalUnchanged();
      // KIP-368: v1+ clients are told the session lifetime, to re-authenticate in time.
      const sessionLifetimeMs = this.server!.isComplete() ? this.completed() : 0;
      return { kind: 'send', frame: answer({ errorCode: ErrorCode.NONE, errorMessage: null, authBytes: challenge, sessionLifetimeMs }), close: false };
    } catch (e) {
      if (!(e instanceof SaslAuthenticationException) && !(e instanceof SaslException)) throw e;
      this.state = 'FAILED';
      // A SaslException's own message may tell whether the user exists: the client gets Kafka's generic one.
      const message =
        e instanceof SaslAuthenticationException
          ? e.message
          : `Authentication failed during ${this.text} due to invalid credentials with SASL mechanism ${this.mechanism}`;
      const frame = answer({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 });
      return { kind: 'send', frame, close: true, reason: message, authentication: true };
    }
  }
}
