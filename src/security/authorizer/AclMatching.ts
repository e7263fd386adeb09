/**
 * The ACL matching rules Kafka 3.7's two authorizers share (AclAuthorizer.matchingAclExists and
 * StandardAuthorizerData.findResult): an entry applies to a request when its principal is the caller's or `User:*`,
 * its host the caller's address or `*`, and its operation the requested one or ALL; an ALLOW entry of READ, WRITE,
 * DELETE or ALTER also grants DESCRIBE, and one of ALTER_CONFIGS grants DESCRIBE_CONFIGS (DENY entries imply
 * nothing). Used by AclAuthorizer (ZooKeeper mode) and StandardAuthorizer (KRaft).
 */
import { AclOperation } from '../AclEntry';
import { AccessControlEntry, WILDCARD_HOST, WILDCARD_PRINCIPAL } from './AclBinding';

/** The stored ALLOW operations that grant `operation` (itself first). */
export function impliedBy(operation: number): number[] {
  if (operation === AclOperation.DESCRIBE) return [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER];
  if (operation === AclOperation.DESCRIBE_CONFIGS) return [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS];
  return [operation];
}

/** Whether the entry, of this permission type, applies to the principal (`User:x`) on the host for the operation. */
export function aclMatches(a: AccessControlEntry, principal: string, host: string, operation: number, permissionType: number): boolean {
  return (
    a.permissionType === permissionType &&
    (a.principal === principal || a.principal === WILDCARD_PRINCIPAL) &&
    (a.host === host || a.host === WILDCARD_HOST) &&
    (a.operation === operation || a.operation === AclOperation.ALL)
  );
}

/** InetAddress.getHostAddress of the client: an IPv4 client of a dual-stack socket is `127.0.0.1`, not `::ffff:127.0.0.1`. */
export function hostAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.substring(7) : address;
}
