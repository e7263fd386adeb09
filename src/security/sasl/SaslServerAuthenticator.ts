/**
 * org.apache.kafka.common.security.authenticator.SaslServerAuthenticator: the SASL exchange on one connection before
 * any other request is served. Accepted in order (Kafka 3.7):
 *   1. optionally one ApiVersions (answered by KafkaApis as usual: the SocketServer passes it through);
 *   2. SaslHandshake v0 or v1 naming an enabled mechanism (else UNSUPPORTED_SASL_MECHANISM with the enabled ones,
 *      then the connection is closed);
 *   3. v0: raw length-prefixed SASL tokens, no Kafka header (kafka-python, old clients); v1: SaslAuthenticate
 *      requests, failures answered SASL_AUTHENTICATION_FAILED with Kafka's message before the connection closes.
 * Any other request before authentication completes closes the connection (IllegalSaslStateException "Unexpected
 * Kafka request of type <api> during SASL handshake.").
 */
import { ApiKey, API_NAMES } from '../../protocol/apiKeys';
import { SaslAuthenticateApi } from '../../protocol/apis/36-sasl-authenticate';
import { SaslHandshakeApi } from '../../protocol/apis/17-sasl-handshake';
import { isFlexible } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { decodeRequestHeader, encodeResponseHeader, peekRequestPrefix, requestHeaderVersion, responseHeaderVersion } from '../../protocol/headers';
import { Reader } from '../../protocol/Reader';
import { Writer } from '../../protocol/Writer';

/** SaslAuthenticate's key (36), from its codec. */
const SASL_AUTHENTICATE = SaslAuthenticateApi.apiKey;
import type { ScramCredentialSource, ServerSaslSettings } from '../auth/ListenerSecurity';
import { PlainSaslServer } from './PlainSaslServer';
import { isScramMechanism, ScramSaslServer } from './ScramSaslServer';
import { IllegalSaslStateException, SaslAuthenticationException, SaslException, SaslServer, UnsupportedSaslMechanismException } from './SaslServer';

/** What the connection does with one frame received before authentication completed. */
export type SaslStep =
  /** Serve the frame as an ordinary request (ApiVersions). */
  | { kind: 'passthrough' }
  /** Write these bytes (a complete size-prefixed frame); then close, or go on (authenticated if complete). */
  | { kind: 'send'; frame: Buffer; close: boolean }
  /** Close without an answer; `reason` is logged. */
  | { kind: 'close'; reason: string };

type State = 'HANDSHAKE_OR_VERSIONS_REQUEST' | 'HANDSHAKE_REQUEST' | 'AUTHENTICATE' | 'REAUTH_BAD_MECHANISM' | 'COMPLETE' | 'FAILED';

/** What a re-authentication (KIP-368) must keep: the mechanism and the principal of the session it renews. */
export interface PreviousSession {
  mechanism: string;
  authorizationId: string;
}

export class SaslServerAuthenticator {
  private state: State = 'HANDSHAKE_OR_VERSIONS_REQUEST';
  private server: SaslServer | null = null;
  private kafkaHeaders = true;
  private mechanism = '';

  constructor(
    private readonly settings: ServerSaslSettings,
    private readonly scram: ScramCredentialSource | null,
    /** Set when this exchange re-authenticates an authenticated connection (it starts with its SaslHandshake). */
    private readonly previous: PreviousSession | null = null,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (previous) this.state = 'HANDSHAKE_REQUEST';
  }

  /** Whether the client used SaslAuthenticate v1+, so it may re-authenticate (ReauthInfo.connectedClientSupportsReauthentication). */
  supportsReauthentication = false;
  /** When the session ends (ms since epoch), or null for no limit: connections.max.reauth.ms after completion. */
  sessionExpiresAtMs: number | null = null;

  private get text(): string {
    return this.previous ? 're-authentication' : 'authentication';
  }

  /** ReauthInfo.calcCompletionTimesAndReturnSessionLifetimeMs (PLAIN and SCRAM user credentials do not expire; tokens do). */
  private completed(): number {
    this.state = 'COMPLETE';
    const maxReauthSet = this.settings.maxReauthMs > 0;
    // dtoken: the credential's expiration (a delegation token's expiry: the SCRAM server's CREDENTIAL_LIFETIME_MS
    // negotiated property) also bounds the session, with or without connections.max.reauth.ms.
    const credentialExpirationMs = (this.server as { tokenExpiryTimestamp?: number | null } | null)?.tokenExpiryTimestamp ?? null;
    if (credentialExpirationMs === null && !maxReauthSet) {
      this.sessionExpiresAtMs = null;
      return 0;
    }
    const now = this.nowMs();
    let lifetime = this.settings.maxReauthMs;
    if (credentialExpirationMs !== null) lifetime = Math.max(0, maxReauthSet ? Math.min(credentialExpirationMs - now, lifetime) : credentialExpirationMs - now);
    this.sessionExpiresAtMs = now + lifetime;
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
      return { kind: 'close', reason: `Invalid receive (size = ${frame.length} larger than ${this.settings.maxReceiveSize}) during SASL authentication` };
    }
    try {
      switch (this.state) {
        case 'HANDSHAKE_OR_VERSIONS_REQUEST':
        case 'HANDSHAKE_REQUEST':
          return this.handleKafkaRequest(frame);
        case 'AUTHENTICATE':
        case 'REAUTH_BAD_MECHANISM':
          return this.kafkaHeaders ? this.handleSaslAuthenticate(frame) : this.handleRawToken(frame);
        default:
          return { kind: 'close', reason: `Unexpected frame in SASL state ${this.state}` };
      }
    } catch (e) {
      this.state = 'FAILED';
      return { kind: 'close', reason: (e as Error).message };
    }
  }

  private handleKafkaRequest(frame: Buffer): SaslStep {
    let prefix: { apiKey: number; apiVersion: number };
    try {
      prefix = peekRequestPrefix(frame);
    } catch (e) {
      // Kafka would treat a non-Kafka first packet as a GSSAPI token; GSSAPI is not enabled here.
      throw new UnsupportedSaslMechanismException('Unsupported SASL mechanism GSSAPI');
    }
    if (prefix.apiKey === ApiKey.ApiVersions) {
      if (this.state !== 'HANDSHAKE_OR_VERSIONS_REQUEST') {
        throw new IllegalSaslStateException(`Unexpected ApiVersions request received during SASL authentication state ${this.state}`);
      }
      this.state = 'HANDSHAKE_REQUEST';
      return { kind: 'passthrough' };
    }
    if (prefix.apiKey !== ApiKey.SaslHandshake) {
      throw new IllegalSaslStateException(`Unexpected Kafka request of type ${API_NAMES[prefix.apiKey] ?? prefix.apiKey} during SASL handshake.`);
    }
    const v = prefix.apiVersion;
    if (v < SaslHandshakeApi.minVersion || v > SaslHandshakeApi.maxVersion) throw new Error(`Unsupported version ${v} of SaslHandshake`);
    const r = new Reader(frame);
    const header = decodeRequestHeader(r, requestHeaderVersion(ApiKey.SaslHandshake, v, false));
    const req = SaslHandshakeApi.decodeRequest(r, v);
    const enabled = this.settings.enabledMechanisms;
    const w = responseFrame(header.correlationId, responseHeaderVersion(ApiKey.SaslHandshake, false));
    if (!enabled.includes(req.mechanism)) {
      this.state = 'FAILED';
      SaslHandshakeApi.encodeResponse(w, v, { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: enabled });
      return { kind: 'send', frame: finishFrame(w), close: true };
    }
    if (this.previous && v < 1) throw new IllegalSaslStateException('Re-authentication needs SaslHandshake v1 or later');
    this.mechanism = req.mechanism;
    this.kafkaHeaders = v >= 1;
    if (this.previous && this.previous.mechanism !== req.mechanism) {
      // Kafka answers the handshake, then fails the SaslAuthenticate that follows with this message.
      this.badMechanism = `SASL mechanism '${req.mechanism}' requested by client is not supported for re-authentication of mechanism '${this.previous.mechanism}'`;
      this.state = 'REAUTH_BAD_MECHANISM';
    } else {
      this.server = this.createSaslServer(req.mechanism);
      this.state = 'AUTHENTICATE';
    }
    SaslHandshakeApi.encodeResponse(w, v, { errorCode: ErrorCode.NONE, mechanisms: enabled });
    return { kind: 'send', frame: finishFrame(w), close: false };
  }

  private badMechanism = '';

  private createSaslServer(mechanism: string): SaslServer {
    if (mechanism === 'PLAIN') return new PlainSaslServer(this.settings.plainUsers);
    if (isScramMechanism(mechanism)) {
      if (!this.scram) throw new UnsupportedSaslMechanismException(`No SCRAM credentials available for ${mechanism}`);
      return new ScramSaslServer(mechanism, this.scram);
    }
    throw new UnsupportedSaslMechanismException(`Unsupported SASL mechanism ${mechanism}`);
  }

  /** v0 handshake: the frame is the token itself; the answer a size-prefixed token (empty for PLAIN's last step). */
  private handleRawToken(frame: Buffer): SaslStep {
    // A failure closes the connection without an answer: v0 clients have no way to read an error.
    if (this.state === 'REAUTH_BAD_MECHANISM') throw new SaslAuthenticationException(this.badMechanism);
    const challenge = this.server!.evaluateResponse(frame);
    if (this.server!.isComplete()) {
      this.ensurePrincipalUnchanged();
      this.completed();
    }
    const out = Buffer.alloc(4 + challenge.length);
    out.writeInt32BE(challenge.length, 0);
    challenge.copy(out, 4);
    return { kind: 'send', frame: out, close: false };
  }

  private handleSaslAuthenticate(frame: Buffer): SaslStep {
    const prefix = peekRequestPrefix(frame);
    if (prefix.apiKey !== SASL_AUTHENTICATE) {
      throw new IllegalSaslStateException(
        `Unexpected Kafka request of type ${API_NAMES[prefix.apiKey] ?? (prefix.apiKey === SASL_AUTHENTICATE ? 'SaslAuthenticate' : prefix.apiKey)} during SASL authentication.`,
      );
    }
    const v = prefix.apiVersion;
    if (v < SaslAuthenticateApi.minVersion || v > SaslAuthenticateApi.maxVersion) throw new Error(`Unsupported version ${v} of SaslAuthenticate`);
    const flexible = isFlexible(SaslAuthenticateApi, v);
    const r = new Reader(frame);
    const header = decodeRequestHeader(r, requestHeaderVersion(SASL_AUTHENTICATE, v, flexible));
    const req = SaslAuthenticateApi.decodeRequest(r, v);
    const w = responseFrame(header.correlationId, responseHeaderVersion(SASL_AUTHENTICATE, flexible));
    if (v > 0) this.supportsReauthentication = true;
    try {
      if (this.state === 'REAUTH_BAD_MECHANISM') throw new SaslAuthenticationException(this.badMechanism);
      const challenge = this.server!.evaluateResponse(req.authBytes);
      let sessionLifetimeMs = 0;
      if (this.server!.isComplete()) {
        this.ensurePrincipalUnchanged();
        // KIP-368: the session lasts connections.max.reauth.ms (0 = unlimited); v1+ clients are told, to re-authenticate in time.
        sessionLifetimeMs = this.completed();
      }
      SaslAuthenticateApi.encodeResponse(w, v, { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: challenge, sessionLifetimeMs });
      return { kind: 'send', frame: finishFrame(w), close: false };
    } catch (e) {
      if (!(e instanceof SaslAuthenticationException) && !(e instanceof SaslException)) throw e;
      this.state = 'FAILED';
      const message =
        e instanceof SaslAuthenticationException
          ? e.message
          : `Authentication failed during ${this.text} due to invalid credentials with SASL mechanism ${this.mechanism}`;
      SaslAuthenticateApi.encodeResponse(w, v, {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: message,
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0,
      });
      return { kind: 'send', frame: finishFrame(w), close: true };
    }
  }
}

function responseFrame(correlationId: number, headerVersion: number): Writer {
  const w = new Writer(64);
  w.int32(0);
  encodeResponseHeader(w, correlationId, headerVersion);
  return w;
}

function finishFrame(w: Writer): Buffer {
  const buf = w.toBuffer();
  buf.writeInt32BE(buf.length - 4, 0);
  return buf;
}
