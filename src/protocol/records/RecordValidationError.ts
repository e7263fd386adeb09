/**
 * Kafka's RecordValidationException (storage.internals.log): LogValidator rejects a batch because of one or more
 * of its records, and says which (ProduceResponse.RecordError: index of the record in the batch and why). The
 * produce response carries them from v8 (RecordErrors, ErrorMessage; KIP-467).
 */
import { ErrorCode, KafkaError } from '../errors';

export interface RecordError {
  batchIndex: number;
  message: string | null;
}

/** ProduceResponse.RecordError.toString, which Kafka puts into the error message. */
function recordErrorString(e: RecordError): string {
  return `RecordError(batchIndex=${e.batchIndex}, message=${e.message === null ? 'null' : `'${e.message}'`})`;
}

export class RecordValidationError extends KafkaError {
  constructor(
    code: number,
    message: string,
    readonly recordErrors: RecordError[],
  ) {
    super(code, message);
  }
}

/**
 * LogValidator.processRecordErrors: INVALID_TIMESTAMP when any record has a bad timestamp, else INVALID_RECORD
 * with the first three record errors in the message. `errors` must not be empty.
 */
export function recordValidationError(errors: Array<RecordError & { code: number }>): RecordValidationError {
  const list = errors.map((e) => ({ batchIndex: e.batchIndex, message: e.message }));
  if (errors.some((e) => e.code === ErrorCode.INVALID_TIMESTAMP)) {
    return new RecordValidationError(ErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp', list);
  }
  return new RecordValidationError(
    ErrorCode.INVALID_RECORD,
    `One or more records have been rejected due to ${list.length} record errors in total, and only showing the first three errors at most: [${list
      .slice(0, 3)
      .map(recordErrorString)
      .join(', ')}]`,
    list,
  );
}
