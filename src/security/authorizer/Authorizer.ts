/**
 * org.apache.kafka.server.authorizer.Authorizer as the request handlers see it: one call per request with every action
 * it needs, answered in order. Without `authorizer.class.name` a broker has no authorizer and every action is allowed
 * (KafkaApis' authHelper with authorizer = None); with kafka.security.authorizer.AclAuthorizer the ACLs stored in
 * ZooKeeper decide (src/security/authorizer/AclAuthorizer.ts).
 */
import type { KafkaPrincipal } from '../auth/KafkaPrincipal';

/** org.apache.kafka.common.resource.ResourceType codes (as on the wire in CreateAcls/DescribeAcls/DeleteAcls). */
export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

/** org.apache.kafka.common.resource.PatternType codes. */
export const PatternType = {
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;

/** The cluster resource's name (Resource.CLUSTER_NAME). */
export const CLUSTER_NAME = 'kafka-cluster';

/** org.apache.kafka.server.authorizer.Action: one operation on one literal resource. */
export interface Action {
  /** AclOperation code (src/security/AclEntry.ts). */
  operation: number;
  /** ResourceType code. */
  resourceType: number;
  resourceName: string;
  /** Audit logging, as Kafka's authorizer logs at INFO (allowed) or INFO/DEBUG (denied) in kafka.authorizer.logger. */
  logIfAllowed: boolean;
  logIfDenied: boolean;
}

/** What the authorizer knows of the request (AuthorizableRequestContext). */
export interface AuthorizableRequestContext {
  principal: KafkaPrincipal;
  /** The client's address, matched against an ACL's host ('*' matches all). */
  clientAddress: string;
  listenerName: string;
  securityProtocol: string;
  apiKey: number;
  apiVersion: number;
  clientId: string;
  correlationId: number;
}

export interface Authorizer {
  /** One answer per action, in order: true = ALLOWED, false = DENIED. */
  authorize(ctx: AuthorizableRequestContext, actions: Action[]): boolean[];
  /**
   * Authorizer.authorizeByResourceType: whether the principal may do `operation` on at least one resource of the type
   * (e.g. IDEMPOTENT_WRITE fallback for InitProducerId, CreateTopics on any topic).
   */
  authorizeByResourceType(ctx: AuthorizableRequestContext, operation: number, resourceType: number): boolean;
}
