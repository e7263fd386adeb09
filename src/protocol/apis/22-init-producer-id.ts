/**
 * InitProducerId (key 22), producer -> any broker (idempotent) or transaction coordinator
 * (transactional): allocate a producer id and epoch (KIP-98, KIP-360, KIP-588;
 * TransactionCoordinator.handleInitProducerId, ids from the /latest_producer_id_block znode in ZK mode).
 * Schema: InitProducerIdRequest.json / InitProducerIdResponse.json (Kafka 3.7, versions 0-4, flexible from 2).
 *
 * Request v0-1 => TransactionalId nullable_string TransactionTimeoutMs int32
 * Request v2   => TransactionalId compact_nullable_string TransactionTimeoutMs int32 TAG_BUFFER
 * Request v3-4 => TransactionalId compact_nullable_string TransactionTimeoutMs int32
 *                 ProducerId int64 ProducerEpoch int16 TAG_BUFFER
 *   (v3 lets a producer resume its id after INVALID_PRODUCER_EPOCH; v4 only announces that the client
 *    understands PRODUCER_FENCED.)
 *
 * Response v0-1 => ThrottleTimeMs int32 ErrorCode int16 ProducerId int64 ProducerEpoch int16
 * Response v2-4 => same fields, then TAG_BUFFER
 *
 * Absent fields decode to the schema default: ProducerId -1, ProducerEpoch -1.
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 2;

export interface InitProducerIdRequest {
  /** null for an idempotent (non-transactional) producer. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+; -1 when absent. */
  producerId: number;
  /** v3+; -1 when absent. */
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

function decodeRequest(r: Reader, v: number): InitProducerIdRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const transactionalId = flex ? r.compactNullableString() : r.nullableString();
  const transactionTimeoutMs = r.int32();
  const producerId = v >= 3 ? r.int64() : -1;
  const producerEpoch = v >= 3 ? r.int16() : -1;
  if (flex) r.taggedFields();
  return { transactionalId, transactionTimeoutMs, producerId, producerEpoch };
}

function encodeRequest(w: Writer, v: number, req: InitProducerIdRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (flex) w.compactNullableString(req.transactionalId);
  else w.nullableString(req.transactionalId);
  w.int32(req.transactionTimeoutMs);
  if (v >= 3) w.int64(req.producerId).int16(req.producerEpoch);
  if (flex) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): InitProducerIdResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  if (v >= FIRST_FLEXIBLE) r.taggedFields();
  return { throttleTimeMs, errorCode, producerId, producerEpoch };
}

function encodeResponse(w: Writer, v: number, res: InitProducerIdResponse): void {
  w.int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch);
  if (v >= FIRST_FLEXIBLE) w.emptyTaggedFields();
}

export const InitProducerIdApi: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
