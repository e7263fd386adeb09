/**
 * What a controller operation produces (Kafka's org.apache.kafka.controller.ControllerResult and ApiError): the
 * metadata records to append, the response to give once they are committed, and whether the records must land
 * in one batch (atomicOf: all or nothing, e.g. a CreateTopics request).
 */
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { errorInfo, ErrorCode, KafkaError } from '../../protocol/errors';

export interface ControllerResult<T> {
  readonly records: ApiMessageAndVersion[];
  readonly response: T;
  readonly isAtomic: boolean;
}

export function resultOf<T>(records: ApiMessageAndVersion[], response: T): ControllerResult<T> {
  return { records, response, isAtomic: false };
}

export function atomicResultOf<T>(records: ApiMessageAndVersion[], response: T): ControllerResult<T> {
  return { records, response, isAtomic: true };
}

/** org.apache.kafka.common.requests.ApiError: an error code and the message that goes with it (null for NONE). */
export class ApiError {
  static readonly NONE = new ApiError(ErrorCode.NONE, null);

  constructor(
    readonly code: number,
    readonly message: string | null,
  ) {}

  /** ApiError(Errors) without a message: the error's default message. */
  static of(code: number, message?: string | null): ApiError {
    return new ApiError(code, message === undefined ? (code === ErrorCode.NONE ? null : errorInfo(code).message) : message);
  }

  /** ApiError.fromThrowable: a KafkaError keeps its code and message; anything else is UNKNOWN_SERVER_ERROR. */
  static fromThrowable(e: unknown): ApiError {
    if (e instanceof KafkaError) return new ApiError(e.code, e.message);
    return new ApiError(ErrorCode.UNKNOWN_SERVER_ERROR, e instanceof Error ? e.message : String(e));
  }

  isFailure(): boolean {
    return this.code !== ErrorCode.NONE;
  }
}

/** Kafka's ApiException subclasses, by error code (StaleBrokerEpochException, InvalidReplicationFactorException...). */
export function apiException(code: number, message?: string): KafkaError {
  return new KafkaError(code, message);
}
