/**
 * kafka.admin.AclCommand's options turned into what to do: the resource pattern filters (--topic, --group, --cluster,
 * --transactional-id with --resource-pattern-type) and, per resource, the ACL entries (--allow/deny-principal x
 * --allow/deny-host x --operation, or the --producer / --consumer conveniences). Pure: unit-tested without a cluster.
 */
import { AclOperation, AclResourceType, supportedOperations } from '../security/AclEntry';
import {
  AccessControlEntry,
  AclPermissionType,
  ResourcePatternFilter,
  WILDCARD_HOST,
  entryKey,
  operationName,
  parseOperation,
  parsePatternType,
  patternTypeEnumName,
  resourceTypeEnumName,
} from '../security/authorizer/AclBinding';
import { CLUSTER_NAME, PatternType, ResourceType } from '../security/authorizer/Authorizer';
import { CommandError } from './CommandUtils';

export interface AclCommandOpts {
  add?: boolean;
  remove?: boolean;
  list?: boolean;
  topic?: string[];
  group?: string[];
  cluster?: boolean;
  transactionalId?: string[];
  /** --delegation-token <id>: the DELEGATION_TOKEN resource ('*' = every token). */
  delegationToken?: string[];
  /** --user-principal <principal>: the USER resource (CreateTokens / DescribeTokens on tokens for that user). */
  userPrincipal?: string[];
  /** --principal <principal> (with --list): only the ACLs of these principals. */
  principal?: string[];
  resourcePatternType?: string;
  allowPrincipal?: string[];
  denyPrincipal?: string[];
  allowHost?: string[];
  denyHost?: string[];
  operation?: string[];
  producer?: boolean;
  consumer?: boolean;
  idempotent?: boolean;
  force?: boolean;
}

/** ResourcePatternFilter.toString (Kafka prints filters with the ResourcePattern prefix too). */
export function filterToString(f: ResourcePatternFilter): string {
  return `ResourcePattern(resourceType=${resourceTypeEnumName(f.resourceType)}, name=${f.name ?? '<any>'}, patternType=${patternTypeEnumName(f.patternType)})`;
}

function usage(msg: string): never {
  throw new CommandError(msg);
}

/** SecurityUtils.parseKafkaPrincipal. */
function principal(s: string): string {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) usage(`expected a string in format principalType:principalName but got ${s}`);
  return s;
}

/** AclCommandOptions.checkArgs: the action and the options that go with it. */
export function checkArgs(o: AclCommandOpts): 'add' | 'remove' | 'list' {
  const actions = [o.add, o.remove, o.list].filter(Boolean).length;
  if (actions !== 1) usage('Command must include exactly one action: --list, --add, --remove. ');
  if (o.list && (o.producer || o.consumer || o.allowPrincipal || o.denyPrincipal || o.allowHost || o.denyHost || o.operation)) {
    usage('Option "[list]" can\'t be used with option "[producer],[consumer],[allow-host],[deny-host],[allow-principal],[deny-principal],[operation]"');
  }
  if (o.principal?.length && !o.list) usage('The --principal option is only available if --list is set');
  if (o.producer && !o.topic?.length) usage('With --producer you must specify a --topic');
  if (o.idempotent && !o.producer) usage('The --idempotent option is only available if --producer is set');
  if (o.consumer && (!o.topic?.length || !o.group?.length || (!o.producer && (o.cluster || o.transactionalId?.length)))) {
    usage('With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.');
  }
  return o.add ? 'add' : o.remove ? 'remove' : 'list';
}

/** The pattern type of --resource-pattern-type (default LITERAL); add/--producer/--consumer need LITERAL or PREFIXED. */
export function patternType(o: AclCommandOpts, action: 'add' | 'remove' | 'list'): number {
  const name = o.resourcePatternType ?? 'LITERAL';
  const t = parsePatternType(name);
  if (t === PatternType.UNKNOWN) usage(`Unrecognized pattern type: ${name}`);
  if ((action === 'add' || o.producer || o.consumer) && t !== PatternType.LITERAL && t !== PatternType.PREFIXED) {
    usage(`A '--resource-pattern-type' value of '${patternTypeEnumName(t)}' is not valid when adding acls.`);
  }
  return t;
}

/** getResourceFilter: every resource option as a filter (none given -> empty). */
export function resourceFilters(o: AclCommandOpts, patternTypeCode: number, dieIfNone: boolean): ResourcePatternFilter[] {
  const out: ResourcePatternFilter[] = [];
  for (const t of o.topic ?? []) out.push({ resourceType: ResourceType.TOPIC, name: t.trim(), patternType: patternTypeCode });
  if (o.cluster) out.push({ resourceType: ResourceType.CLUSTER, name: CLUSTER_NAME, patternType: PatternType.LITERAL });
  for (const g of o.group ?? []) out.push({ resourceType: ResourceType.GROUP, name: g.trim(), patternType: patternTypeCode });
  for (const x of o.transactionalId ?? []) out.push({ resourceType: ResourceType.TRANSACTIONAL_ID, name: x, patternType: patternTypeCode });
  for (const t of o.delegationToken ?? []) out.push({ resourceType: ResourceType.DELEGATION_TOKEN, name: t.trim(), patternType: patternTypeCode });
  for (const u of o.userPrincipal ?? []) out.push({ resourceType: ResourceType.USER, name: u.trim(), patternType: patternTypeCode });
  if (out.length === 0 && dieIfNone)
    usage('You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>');
  return out;
}

/** getAcl: principals x hosts x operations, ALLOW entries then DENY entries (hosts default to `*`). */
function entries(o: AclCommandOpts, operations: number[]): AccessControlEntry[] {
  const out = new Map<string, AccessControlEntry>();
  const add = (principals: string[] | undefined, hosts: string[] | undefined, permissionType: number) => {
    const hs = principals?.length && !hosts?.length ? [WILDCARD_HOST] : (hosts ?? []);
    for (const p of principals ?? []) {
      for (const h of hs) {
        for (const op of operations) {
          const e = { principal: principal(p), host: h, operation: op, permissionType };
          out.set(entryKey(e), e);
        }
      }
    }
  };
  add(o.allowPrincipal, o.allowHost, AclPermissionType.ALLOW);
  add(o.denyPrincipal, o.denyHost, AclPermissionType.DENY);
  return [...out.values()];
}

/** --operation values (default All), each valid for every resource given (AclCommand.validateOperation). */
function operations(o: AclCommandOpts): number[] {
  const ops = (o.operation?.length ? o.operation : ['All']).map((name) => {
    const op = parseOperation(name.trim());
    if (op === AclOperation.UNKNOWN || op === AclOperation.ANY) usage(`Unrecognized operation: ${name}`);
    return op;
  });
  return [...new Set(ops)];
}

/** getResourceToAcls / getResourceFilterToAcls: the entries for each resource filter. */
export function resourceFilterToAcls(o: AclCommandOpts, action: 'add' | 'remove'): Array<{ filter: ResourcePatternFilter; acls: AccessControlEntry[] }> {
  const pt = patternType(o, action);
  const out: Array<{ filter: ResourcePatternFilter; acls: AccessControlEntry[] }> = [];
  const merge = (filter: ResourcePatternFilter, acls: AccessControlEntry[]) => {
    const existing = out.find(
      (x) => x.filter.resourceType === filter.resourceType && x.filter.name === filter.name && x.filter.patternType === filter.patternType,
    );
    if (existing) existing.acls = [...new Map([...existing.acls, ...acls].map((e) => [entryKey(e), e])).values()];
    else out.push({ filter, acls });
  };
  if (o.producer || o.consumer) {
    const O = AclOperation;
    const topics = (o.topic ?? []).map((t) => ({ resourceType: ResourceType.TOPIC, name: t.trim(), patternType: pt }));
    if (o.producer) {
      for (const t of topics) merge(t, entries(o, [O.WRITE, O.DESCRIBE, O.CREATE]));
      for (const x of o.transactionalId ?? [])
        merge({ resourceType: ResourceType.TRANSACTIONAL_ID, name: x, patternType: pt }, entries(o, [O.WRITE, O.DESCRIBE]));
      if (o.idempotent) merge({ resourceType: ResourceType.CLUSTER, name: CLUSTER_NAME, patternType: PatternType.LITERAL }, entries(o, [O.IDEMPOTENT_WRITE]));
    }
    if (o.consumer) {
      for (const t of topics) merge(t, entries(o, [O.READ, O.DESCRIBE]));
      for (const g of o.group ?? []) merge({ resourceType: ResourceType.GROUP, name: g.trim(), patternType: pt }, entries(o, [O.READ]));
    }
    return out;
  }
  const filters = resourceFilters(o, pt, true);
  const ops = operations(o);
  const acls = entries(o, ops);
  if (action === 'add' && acls.length === 0) usage('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.');
  for (const f of filters) merge(f, acls);
  validateOperation(out);
  return out;
}

/**
 * AclCommand.validateOperation: every operation must be one the resource type supports, or All (e.g. CreateTokens and
 * DescribeTokens for --user-principal, Describe for --delegation-token). Kafka lists a Scala Set: for more than four
 * operations its order is not stable; we list them in AclEntry.supportedOperations order.
 */
function validateOperation(plan: Array<{ filter: ResourcePatternFilter; acls: AccessControlEntry[] }>): void {
  for (const { filter, acls } of plan) {
    const typeName = resourceTypeEnumName(filter.resourceType) as AclResourceType;
    const valid = [...supportedOperations(typeName), AclOperation.ALL];
    if (acls.some((e) => !valid.includes(e.operation))) {
      usage(`ResourceType ${typeName} only supports operations ${valid.map(operationName).join(', ')}`);
    }
  }
}
