/**
 * KafkaApis.handleSaslHandshakeRequest / handleSaslAuthenticateRequest: on a connection that is already
 * authenticated (or on a listener without SASL) these requests are out of place: ILLEGAL_SASL_STATE.
 * Before authentication the SocketServer's SaslServerAuthenticator answers them instead.
 */
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { SaslHandshakeApi } from '../../protocol/apis/17-sasl-handshake';
import { SaslAuthenticateApi } from '../../protocol/apis/36-sasl-authenticate';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import type { Reader } from '../../protocol/Reader';

export function handleSaslHandshakeAfterAuthentication(ctx: RequestContext, r: Reader): ResponseBody {
  SaslHandshakeApi.decodeRequest(r, ctx.header.apiVersion);
  return encodeResponse(SaslHandshakeApi, ctx.header.apiVersion, { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
}

export function handleSaslAuthenticateAfterAuthentication(ctx: RequestContext, r: Reader): ResponseBody {
  SaslAuthenticateApi.decodeRequest(r, ctx.header.apiVersion);
  return encodeResponse(SaslAuthenticateApi, ctx.header.apiVersion, {
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: 'SaslAuthenticate request received after successful authentication',
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0,
  });
}
