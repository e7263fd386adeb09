/**
 * ACL bindings as Kafka models them (org.apache.kafka.common.acl.{AclBinding, AclBindingFilter, AccessControlEntry},
 * org.apache.kafka.common.resource.{ResourcePattern, ResourcePatternFilter}) and the names Kafka writes for them
 * (SecurityUtils.operationName / resourceTypeName / permissionTypeName, AclEntry's JSON in ZooKeeper).
 */
import { AclOperation } from '../AclEntry';
import { PatternType, ResourceType } from './Authorizer';

/** org.apache.kafka.common.acl.AclPermissionType codes. */
export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** AclEntry.WildcardPrincipalString, AclEntry.WildcardHost, ResourcePattern.WILDCARD_RESOURCE. */
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';
export const WILDCARD_RESOURCE = '*';

export interface ResourcePattern {
  resourceType: number;
  name: string;
  patternType: number;
}

/** AccessControlEntry: principal as `User:alice`. */
export interface AccessControlEntry {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface AclBinding {
  pattern: ResourcePattern;
  entry: AccessControlEntry;
}

/** ResourcePatternFilter: null name matches any name. */
export interface ResourcePatternFilter {
  resourceType: number;
  name: string | null;
  patternType: number;
}

/** AccessControlEntryFilter: null principal/host match any. */
export interface AccessControlEntryFilter {
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

export interface AclBindingFilter {
  pattern: ResourcePatternFilter;
  entry: AccessControlEntryFilter;
}

function invert(o: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [v, k]));
}
const OPERATION_ENUM = invert(AclOperation);
const RESOURCE_TYPE_ENUM = invert(ResourceType);
const PATTERN_TYPE_ENUM = invert(PatternType);
const PERMISSION_ENUM = invert(AclPermissionType);

/** SecurityUtils.toPascalCase: `IDEMPOTENT_WRITE` -> `IdempotentWrite`. */
function toPascalCase(enumName: string): string {
  return enumName
    .split('_')
    .map((w) => w.charAt(0) + w.substring(1).toLowerCase())
    .join('');
}

/** Enum names as Kafka's toString gives them: `READ`, `TOPIC`, `LITERAL`, `ALLOW`. */
export const operationEnumName = (code: number): string => OPERATION_ENUM[code] ?? 'UNKNOWN';
export const resourceTypeEnumName = (code: number): string => RESOURCE_TYPE_ENUM[code] ?? 'UNKNOWN';
export const patternTypeEnumName = (code: number): string => PATTERN_TYPE_ENUM[code] ?? 'UNKNOWN';
export const permissionTypeEnumName = (code: number): string => PERMISSION_ENUM[code] ?? 'UNKNOWN';

/** SecurityUtils.operationName / resourceTypeName / permissionTypeName: `Read`, `TransactionalId`, `Allow`. */
export const operationName = (code: number): string => toPascalCase(operationEnumName(code));
export const resourceTypeName = (code: number): string => toPascalCase(resourceTypeEnumName(code));
export const permissionTypeName = (code: number): string => toPascalCase(permissionTypeEnumName(code));

/** SecurityUtils.operation etc.: accepts `Read`, `READ`, `IdempotentWrite`, `IDEMPOTENT_WRITE`; UNKNOWN (0) otherwise. */
function parseName(table: Record<string, number>, name: string): number {
  const key = name.replace(/_/g, '').toUpperCase();
  for (const [k, v] of Object.entries(table)) if (k.replace(/_/g, '') === key) return v;
  return 0;
}
export const parseOperation = (name: string): number => parseName(AclOperation, name);
export const parseResourceType = (name: string): number => parseName(ResourceType, name);
export const parsePatternType = (name: string): number => parseName(PatternType, name);
export const parsePermissionType = (name: string): number => parseName(AclPermissionType, name);

/** ResourcePattern.toString: `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`. */
export function patternToString(p: ResourcePattern): string {
  return `ResourcePattern(resourceType=${resourceTypeEnumName(p.resourceType)}, name=${p.name}, patternType=${patternTypeEnumName(p.patternType)})`;
}

/** AccessControlEntry.toString as AclCommand prints it: `(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)`. */
export function entryToString(e: AccessControlEntry): string {
  return `(principal=${e.principal}, host=${e.host}, operation=${operationEnumName(e.operation)}, permissionType=${permissionTypeEnumName(e.permissionType)})`;
}

/** A map/set key for a resource pattern. */
export function patternKey(p: ResourcePattern): string {
  return `${p.resourceType}:${p.patternType}:${p.name}`;
}

export function entryKey(e: AccessControlEntry): string {
  return `${e.principal}\u0000${e.host}\u0000${e.operation}\u0000${e.permissionType}`;
}

/** ResourcePatternFilter.matches (ANY / MATCH / exact pattern types). */
export function patternFilterMatches(f: ResourcePatternFilter, p: ResourcePattern): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== p.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== p.patternType) return false;
  if (f.name === null) return true;
  if (f.patternType === PatternType.ANY || f.patternType === p.patternType) return f.name === p.name;
  // MATCH: the filter's name is a concrete resource; the pattern applies to it.
  switch (p.patternType) {
    case PatternType.LITERAL:
      return f.name === p.name || p.name === WILDCARD_RESOURCE;
    case PatternType.PREFIXED:
      return f.name.startsWith(p.name);
    default:
      return false;
  }
}

/** AccessControlEntryFilter.matches. */
export function entryFilterMatches(f: AccessControlEntryFilter, e: AccessControlEntry): boolean {
  if (f.principal !== null && f.principal !== e.principal) return false;
  if (f.host !== null && f.host !== e.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== e.operation) return false;
  return f.permissionType === AclPermissionType.ANY || f.permissionType === e.permissionType;
}

export function bindingFilterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  return patternFilterMatches(f.pattern, b.pattern) && entryFilterMatches(f.entry, b.entry);
}

/** ResourcePatternFilter.findIndefiniteField / AccessControlEntryFilter.findIndefiniteField: why a filter is unusable, or null. */
export function filterIndefiniteField(f: AclBindingFilter): string | null {
  if (f.pattern.resourceType === ResourceType.UNKNOWN) return 'Resource type is UNKNOWN.';
  if (f.pattern.patternType === PatternType.UNKNOWN) return 'Resource pattern type is UNKNOWN.';
  if (f.entry.operation === AclOperation.UNKNOWN) return 'Operation is UNKNOWN.';
  if (f.entry.permissionType === AclPermissionType.UNKNOWN) return 'Permission type is UNKNOWN.';
  return null;
}

/** AclBinding.isUnknown and the checks of AclAuthorizer.validateAclBinding; returns the reason or null. */
export function invalidBindingReason(b: AclBinding): string | null {
  const { pattern: p, entry: e } = b;
  if (
    [ResourceType.UNKNOWN, ResourceType.ANY].includes(p.resourceType as 0) ||
    RESOURCE_TYPE_ENUM[p.resourceType] === undefined ||
    (p.patternType !== PatternType.LITERAL && p.patternType !== PatternType.PREFIXED) ||
    e.operation === AclOperation.UNKNOWN ||
    e.operation === AclOperation.ANY ||
    OPERATION_ENUM[e.operation] === undefined ||
    (e.permissionType !== AclPermissionType.ALLOW && e.permissionType !== AclPermissionType.DENY)
  ) {
    return 'ACL binding contains unknown elements';
  }
  if (p.name === '') return `ACL binding contains invalid resource name: ${p.name}`;
  if (p.patternType === PatternType.PREFIXED && p.name === WILDCARD_RESOURCE) return `ACL binding contains invalid resource name: ${p.name}`;
  if (e.principal.indexOf(':') <= 0) return `Invalid principal ${e.principal}`;
  return null;
}

/** AclEntry.toJsonCompatibleMap / fromBytes: `{"version":1,"acls":[{"principal":..,"permissionType":"Allow","operation":"Read","host":"*"}]}`. */
export function encodeAcls(entries: Iterable<AccessControlEntry>): Buffer {
  const acls = [...entries].map((e) => ({
    principal: e.principal,
    permissionType: permissionTypeName(e.permissionType),
    operation: operationName(e.operation),
    host: e.host,
  }));
  return Buffer.from(JSON.stringify({ version: 1, acls }), 'utf8');
}

/** Entries of a stored ACL znode; unreadable data gives none (a broker never crashes on a bad znode). */
export function decodeAcls(data: Buffer | null): AccessControlEntry[] {
  if (data === null || data.length === 0) return [];
  try {
    const json = JSON.parse(data.toString('utf8')) as { acls?: Array<Record<string, unknown>> };
    const out: AccessControlEntry[] = [];
    for (const a of json.acls ?? []) {
      const entry = {
        principal: String(a.principal),
        host: String(a.host),
        operation: parseOperation(String(a.operation)),
        permissionType: parsePermissionType(String(a.permissionType)),
      };
      if (entry.operation !== 0 && entry.permissionType !== 0) out.push(entry);
    }
    return out;
  } catch {
    return [];
  }
}
