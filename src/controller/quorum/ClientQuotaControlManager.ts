/**
 * Kafka 3.7's org.apache.kafka.controller.ClientQuotaControlManager: AlterClientQuotas on the active controller.
 * An entity is `user`, `client-id` (either or both) or `ip` alone, names null (the default entity) or non-empty; keys
 * are QuotaConfigs' (producer_byte_rate, consumer_byte_rate: LONG; request_percentage, controller_mutation_rate:
 * DOUBLE; connection_creation_rate for ip: INT), values > 0 and integral for the integer types. A removal writes a
 * ClientQuotaRecord with remove=true only when the key is set; a value equal to the current one writes nothing. A key
 * twice for one entity, or an entity twice, is INVALID_REQUEST. One result per entity; records are atomic.
 *
 * Differs from Kafka 3.7: an `ip` entity must be an IP literal (Kafka also accepts a resolvable host name, which
 * needs a DNS lookup on the controller's event thread).
 */
import { isIP } from 'node:net';
import type { MetadataImage } from '../../metadata/image/MetadataImage';
import { QuotaEntityPart, quotaEntityKey } from '../../metadata/image/SecurityImage';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { ErrorCode } from '../../protocol/errors';
import { ApiError, ControllerResult, atomicResultOf } from './ControllerResult';
import { record } from './MetadataRecords';

type KeyType = 'LONG' | 'DOUBLE' | 'INT';
/** QuotaConfigs.userAndClientQuotaConfigs / ipConfigs. */
const USER_CLIENT_KEYS: ReadonlyMap<string, KeyType> = new Map<string, KeyType>([
  ['producer_byte_rate', 'LONG'],
  ['consumer_byte_rate', 'LONG'],
  ['request_percentage', 'DOUBLE'],
  ['controller_mutation_rate', 'DOUBLE'],
]);
const IP_KEYS: ReadonlyMap<string, KeyType> = new Map<string, KeyType>([['connection_creation_rate', 'INT']]);

export interface ClientQuotaAlteration {
  entity: QuotaEntityPart[];
  /** value null (or remove=true) removes the key. */
  ops: Array<{ key: string; value: number; remove: boolean }>;
}

export interface ClientQuotaAlterationResult {
  entity: QuotaEntityPart[];
  errorCode: number;
  errorMessage: string | null;
}

/** ClientQuotaEntity.toString: `ClientQuotaEntity(entries={user=alice, client-id=null})`. */
function entityString(entity: readonly QuotaEntityPart[]): string {
  return `ClientQuotaEntity(entries={${entity.map((e) => `${e.entityType}=${e.entityName}`).join(', ')}})`;
}

function validateEntity(entity: readonly QuotaEntityPart[]): ApiError {
  if (entity.length === 0) return new ApiError(ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity');
  const seen = new Set<string>();
  for (const e of entity) {
    if (seen.has(e.entityType)) return new ApiError(ErrorCode.INVALID_REQUEST, `Invalid client quota entity, duplicate entity entry ${e.entityType}`);
    if (!['user', 'client-id', 'ip'].includes(e.entityType))
      return new ApiError(ErrorCode.INVALID_REQUEST, `Unhandled client quota entity type: ${e.entityType}`);
    seen.add(e.entityType);
    if (e.entityName !== null && e.entityName === '') return new ApiError(ErrorCode.INVALID_REQUEST, `Empty ${e.entityType} not supported`);
  }
  return ApiError.NONE;
}

/** configKeysForEntityType: which keys the entity's combination of types allows. */
function configKeysFor(entity: readonly QuotaEntityPart[]): ReadonlyMap<string, KeyType> | ApiError {
  const types = new Map(entity.map((e) => [e.entityType, e.entityName]));
  if (types.has('ip')) {
    if (types.has('user') || types.has('client-id'))
      return new ApiError(ErrorCode.INVALID_REQUEST, 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId');
    const ip = types.get('ip')!;
    if (ip !== null && isIP(ip) === 0) return new ApiError(ErrorCode.INVALID_REQUEST, `${ip} is not a valid IP or resolvable host.`);
    return IP_KEYS;
  }
  return USER_CLIENT_KEYS;
}

function validateQuotaKeyValue(keys: ReadonlyMap<string, KeyType>, key: string, value: number): ApiError {
  const type = keys.get(key);
  if (type === undefined) return new ApiError(ErrorCode.INVALID_REQUEST, `Invalid configuration key ${key}`);
  if (value <= 0) return new ApiError(ErrorCode.INVALID_REQUEST, `Quota ${key} must be greater than 0`);
  if (type === 'DOUBLE') return ApiError.NONE;
  if (type === 'INT' && value > 2147483647) return new ApiError(ErrorCode.INVALID_REQUEST, `Proposed value for ${key} is too large for an INT.`);
  if (type === 'LONG' && value > 2 ** 63) return new ApiError(ErrorCode.INVALID_REQUEST, `Proposed value for ${key} is too large for a LONG.`);
  if (Math.abs(value % 1) > 1e-6) return new ApiError(ErrorCode.INVALID_REQUEST, `${key} cannot be a fractional value.`);
  return ApiError.NONE;
}

export class ClientQuotaControlManager {
  constructor(private readonly image: () => MetadataImage) {}

  alterClientQuotas(alterations: readonly ClientQuotaAlteration[], validateOnly = false): ControllerResult<ClientQuotaAlterationResult[]> {
    const records: ApiMessageAndVersion[] = [];
    const results = new Map<string, { entity: QuotaEntityPart[]; error: ApiError }>();
    for (const alt of alterations) {
      const key = quotaEntityKey(alt.entity);
      const ops = new Map<string, number | null>();
      let error: ApiError | null = null;
      for (const op of alt.ops) {
        if (ops.has(op.key))
          error = new ApiError(ErrorCode.INVALID_REQUEST, `Duplicate quota key ${op.key} not updating quota for this entity ${entityString(alt.entity)}`);
        else ops.set(op.key, op.remove ? null : op.value);
      }
      if (error) results.set(key, { entity: alt.entity, error });
      if (results.has(key)) {
        results.set(key, { entity: alt.entity, error: new ApiError(ErrorCode.INVALID_REQUEST, `Ignoring duplicate entity ${entityString(alt.entity)}`) });
        continue;
      }
      results.set(key, { entity: alt.entity, error: this.alterEntity(alt.entity, ops, records) });
    }
    const out = [...results.values()].map((r) => ({ entity: r.entity, errorCode: r.error.code, errorMessage: r.error.message }));
    return atomicResultOf(validateOnly ? [] : records, out);
  }

  private alterEntity(entity: QuotaEntityPart[], ops: Map<string, number | null>, out: ApiMessageAndVersion[]): ApiError {
    const invalid = validateEntity(entity);
    if (invalid.isFailure()) return invalid;
    const keys = configKeysFor(entity);
    if (keys instanceof ApiError) return keys;
    const current = this.image().security.quotas.get(quotaEntityKey(entity))?.values ?? new Map<string, number>();
    const recordEntity = () => entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName }));
    const mine: ApiMessageAndVersion[] = [];
    for (const [key, value] of ops) {
      if (value === null) {
        if (current.has(key)) mine.push(record('ClientQuotaRecord', 0, { entity: recordEntity(), key, value: 0, remove: true }));
        continue;
      }
      const error = validateQuotaKeyValue(keys, key, value);
      if (error.isFailure()) return error;
      if (current.get(key) !== value) mine.push(record('ClientQuotaRecord', 0, { entity: recordEntity(), key, value, remove: false }));
    }
    out.push(...mine);
    return ApiError.NONE;
  }
}
