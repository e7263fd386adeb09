/**
 * Kafka 3.7's org.apache.kafka.controller.AclControlManager: CreateAcls and DeleteAcls on the active controller.
 * A new ACL is validated (validateNewAcl: a concrete resource type, LITERAL or PREFIXED, a concrete operation,
 * ALLOW or DENY, a non-empty name: InvalidRequestException otherwise), and written as an AccessControlEntryRecord
 * with a fresh random Uuid unless the same ACL exists already (then it succeeds without a record). A delete filter
 * must not have UNKNOWN parts ("Unknown patternFilter." / "Unknown entryFilter."); every existing ACL it matches
 * is removed with a RemoveAccessControlEntryRecord. Both write their records atomically, at most 10000 of them
 * (QuorumController.MAX_RECORDS_PER_USER_OP).
 */
import { Uuid } from '../../common/Uuid';
import type { MetadataImage } from '../../metadata/image/MetadataImage';
import { StandardAcl, standardAclKey } from '../../metadata/image/SecurityImage';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import { AclOperation } from '../../security/AclEntry';
import {
  AclBinding,
  AclBindingFilter,
  AclPermissionType,
  bindingFilterMatches,
  operationEnumName,
  patternTypeEnumName,
  permissionTypeEnumName,
  resourceTypeEnumName,
} from '../../security/authorizer/AclBinding';
import { PatternType, ResourceType } from '../../security/authorizer/Authorizer';
import { ControllerResult, atomicResultOf } from './ControllerResult';
import { record } from './MetadataRecords';

/** QuorumController.MAX_RECORDS_PER_USER_OP. */
export const MAX_RECORDS_PER_USER_OP = 10000;

export interface AclCreateOutcome {
  error: KafkaError | null;
}

export interface AclDeleteOutcome {
  error: KafkaError | null;
  deleted: Array<AclBinding & { error: KafkaError | null }>;
}

const invalid = (message: string) => new KafkaError(ErrorCode.INVALID_REQUEST, message);

/** AclControlManager.validateNewAcl: throws InvalidRequestException (INVALID_REQUEST). */
export function validateNewAcl(b: AclBinding): void {
  const { pattern: p, entry: e } = b;
  if (p.resourceType === ResourceType.UNKNOWN || p.resourceType === ResourceType.ANY || resourceTypeEnumName(p.resourceType) === 'UNKNOWN')
    throw invalid(`Invalid resourceType ${resourceTypeEnumName(p.resourceType)}`);
  if (p.patternType !== PatternType.LITERAL && p.patternType !== PatternType.PREFIXED)
    throw invalid(`Invalid patternType ${patternTypeEnumName(p.patternType)}`);
  if (e.operation === AclOperation.UNKNOWN || e.operation === AclOperation.ANY || operationEnumName(e.operation) === 'UNKNOWN')
    throw invalid(`Invalid operation ${operationEnumName(e.operation)}`);
  if (e.permissionType !== AclPermissionType.ALLOW && e.permissionType !== AclPermissionType.DENY)
    throw invalid(`Invalid permissionType ${permissionTypeEnumName(e.permissionType)}`);
  if (p.name === null || p.name === '') throw invalid('Resource name should not be empty');
}

/** StandardAcl.fromAclBinding. */
export function standardAclOf(b: AclBinding): StandardAcl {
  return {
    resourceType: b.pattern.resourceType,
    resourceName: b.pattern.name,
    patternType: b.pattern.patternType,
    principal: b.entry.principal,
    host: b.entry.host,
    operation: b.entry.operation,
    permissionType: b.entry.permissionType,
  };
}

/** StandardAcl.toBinding. */
export function bindingOf(a: StandardAcl): AclBinding {
  return {
    pattern: { resourceType: a.resourceType, name: a.resourceName, patternType: a.patternType },
    entry: { principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType },
  };
}

/** AclControlManager.validateFilter: ResourcePatternFilter.isUnknown / AccessControlEntryFilter.isUnknown. */
function validateFilter(f: AclBindingFilter): void {
  if (f.pattern.resourceType === ResourceType.UNKNOWN || f.pattern.patternType === PatternType.UNKNOWN) throw invalid('Unknown patternFilter.');
  if (f.entry.operation === AclOperation.UNKNOWN || f.entry.permissionType === AclPermissionType.UNKNOWN) throw invalid('Unknown entryFilter.');
}

export class AclControlManager {
  constructor(
    private readonly image: () => MetadataImage,
    private readonly newId: () => Buffer = () => Uuid.randomUuid().toBytes(),
  ) {}

  createAcls(bindings: AclBinding[]): ControllerResult<AclCreateOutcome[]> {
    const existing = new Set([...this.image().security.acls.values()].map((x) => standardAclKey(x.acl)));
    const ids = new Set(this.image().security.acls.keys());
    const results: AclCreateOutcome[] = [];
    const records: ApiMessageAndVersion[] = [];
    for (const b of bindings) {
      try {
        validateNewAcl(b);
      } catch (e) {
        results.push({ error: e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'Unknown error while trying to create ACL') });
        continue;
      }
      const acl = standardAclOf(b);
      const key = standardAclKey(acl);
      if (!existing.has(key)) {
        if (records.length >= MAX_RECORDS_PER_USER_OP) {
          results.push({ error: new KafkaError(ErrorCode.POLICY_VIOLATION, `Cannot create more than ${MAX_RECORDS_PER_USER_OP} acls in a single operation.`) });
          continue;
        }
        existing.add(key);
        let id: Buffer;
        do id = this.newId();
        while (ids.has(id.toString('hex')));
        ids.add(id.toString('hex'));
        records.push(record('AccessControlEntryRecord', 0, { id, ...acl }));
      }
      results.push({ error: null });
    }
    return atomicResultOf(records, results);
  }

  deleteAcls(filters: AclBindingFilter[]): ControllerResult<AclDeleteOutcome[]> {
    const results: AclDeleteOutcome[] = [];
    const removed = new Map<string, ApiMessageAndVersion>();
    for (const f of filters) {
      try {
        validateFilter(f);
        const deleted: AclDeleteOutcome['deleted'] = [];
        for (const [hex, { id, acl }] of this.image().security.acls) {
          const binding = bindingOf(acl);
          if (!bindingFilterMatches(f, binding)) continue;
          deleted.push({ ...binding, error: null });
          removed.set(hex, record('RemoveAccessControlEntryRecord', 0, { id }));
          if (removed.size > MAX_RECORDS_PER_USER_OP) {
            throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `Cannot remove more than ${MAX_RECORDS_PER_USER_OP} acls in a single delete operation.`);
          }
        }
        results.push({ error: null, deleted });
      } catch (e) {
        results.push({ error: e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, String(e)), deleted: [] });
      }
    }
    return atomicResultOf([...removed.values()], results);
  }
}
