/**
 * The ACL operations and what each resource type supports (org.apache.kafka.common.acl.AclOperation,
 * kafka.security.authorizer.AclEntry.supportedOperations). Responses that report "authorized operations"
 * (Metadata v8+, DescribeGroups v3+, DescribeCluster) carry them as a 32-bit field, one bit per operation code.
 */

/** AclOperation codes. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

export type AclResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'USER';

const O = AclOperation;

/** AclEntry.supportedOperations. */
const SUPPORTED: Record<AclResourceType, readonly number[]> = {
  TOPIC: [O.READ, O.WRITE, O.CREATE, O.DESCRIBE, O.DELETE, O.ALTER, O.DESCRIBE_CONFIGS, O.ALTER_CONFIGS],
  GROUP: [O.READ, O.DESCRIBE, O.DELETE],
  CLUSTER: [O.CREATE, O.CLUSTER_ACTION, O.DESCRIBE_CONFIGS, O.ALTER_CONFIGS, O.IDEMPOTENT_WRITE, O.ALTER, O.DESCRIBE],
  TRANSACTIONAL_ID: [O.DESCRIBE, O.WRITE],
  DELEGATION_TOKEN: [O.DESCRIBE],
  USER: [O.CREATE_TOKENS, O.DESCRIBE_TOKENS],
};

export function supportedOperations(resourceType: AclResourceType): readonly number[] {
  return SUPPORTED[resourceType];
}

/** Utils.to32BitField: bit `code` set for every operation. */
export function to32BitField(codes: readonly number[]): number {
  let field = 0;
  for (const c of codes) field |= 1 << c;
  return field;
}

/**
 * AuthHelper.authorizedOperations without an authorizer (this broker has none: authorizer.class.name is empty),
 * where Kafka answers with every operation the resource type supports.
 */
export function authorizedOperationsWithoutAuthorizer(resourceType: AclResourceType): number {
  return to32BitField(supportedOperations(resourceType));
}
