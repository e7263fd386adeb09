/**
 * A fake Authorizer for handler unit tests: allows exactly the listed `OPERATION:RESOURCE_TYPE:name` grants (codes
 * as numbers) and records every action asked, so tests can check both answers and which checks were made.
 */
import type { Action, AuthorizableRequestContext, Authorizer } from '../../../../src/security/authorizer/Authorizer';

export class FakeAuthorizer implements Authorizer {
  readonly asked: Action[] = [];
  private readonly grants = new Set<string>();

  constructor(grants: Array<[number, number, string]> = []) {
    for (const g of grants) this.allow(...g);
  }

  allow(operation: number, resourceType: number, name: string): this {
    this.grants.add(`${operation}:${resourceType}:${name}`);
    return this;
  }

  authorize(_ctx: AuthorizableRequestContext, actions: Action[]): boolean[] {
    this.asked.push(...actions);
    return actions.map((a) => this.grants.has(`${a.operation}:${a.resourceType}:${a.resourceName}`));
  }

  authorizeByResourceType(_ctx: AuthorizableRequestContext, operation: number, resourceType: number): boolean {
    for (const g of this.grants) if (g.startsWith(`${operation}:${resourceType}:`)) return true;
    return false;
  }
}
