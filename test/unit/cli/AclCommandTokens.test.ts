import { expect } from 'chai';
import { checkArgs, resourceFilterToAcls, resourceFilters } from '../../../src/cli/AclCommandOptions';
import { AclOperation as O } from '../../../src/security/AclEntry';
import { PatternType as PT, ResourceType as RT } from '../../../src/security/authorizer/Authorizer';

describe('AclCommand options for delegation tokens (kafka-acls --delegation-token, --user-principal, --principal)', () => {
  it('--delegation-token and --user-principal are DELEGATION_TOKEN and USER resources', () => {
    expect(resourceFilters({ delegationToken: [' tok1 ', '*'], userPrincipal: ['User:alice'] }, PT.LITERAL, true)).to.deep.equal([
      { resourceType: RT.DELEGATION_TOKEN, name: 'tok1', patternType: PT.LITERAL },
      { resourceType: RT.DELEGATION_TOKEN, name: '*', patternType: PT.LITERAL },
      { resourceType: RT.USER, name: 'User:alice', patternType: PT.LITERAL },
    ]);
    expect(() => resourceFilters({}, PT.LITERAL, true)).to.throw(
      'You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>',
    );
  });

  it('CreateTokens / DescribeTokens on a user, Describe on a token; other operations are refused for those types (validateOperation)', () => {
    const plan = resourceFilterToAcls(
      { add: true, userPrincipal: ['User:alice'], allowPrincipal: ['User:bob'], operation: ['CreateTokens', 'DescribeTokens'] },
      'add',
    );
    expect(plan[0].acls.map((e) => e.operation)).to.deep.equal([O.CREATE_TOKENS, O.DESCRIBE_TOKENS]);
    expect(resourceFilterToAcls({ add: true, delegationToken: ['t'], allowPrincipal: ['User:bob'], operation: ['Describe'] }, 'add')[0].acls).to.have.length(1);
    expect(resourceFilterToAcls({ add: true, delegationToken: ['t'], allowPrincipal: ['User:bob'] }, 'add')[0].acls[0].operation).to.equal(O.ALL);
    expect(() => resourceFilterToAcls({ add: true, userPrincipal: ['User:alice'], allowPrincipal: ['User:bob'], operation: ['Read'] }, 'add')).to.throw(
      'ResourceType USER only supports operations CreateTokens, DescribeTokens, All',
    );
    expect(() => resourceFilterToAcls({ add: true, delegationToken: ['t'], allowPrincipal: ['User:bob'], operation: ['Write'] }, 'add')).to.throw(
      'ResourceType DELEGATION_TOKEN only supports operations Describe, All',
    );
    expect(() => resourceFilterToAcls({ add: true, topic: ['t'], allowPrincipal: ['User:bob'], operation: ['CreateTokens'] }, 'add')).to.throw(
      /^ResourceType TOPIC only supports operations Read, Write, Create, Describe, Delete, Alter, DescribeConfigs, AlterConfigs, All$/,
    );
  });

  it('--principal only with --list', () => {
    expect(checkArgs({ list: true, principal: ['User:a'] })).to.equal('list');
    expect(() => checkArgs({ add: true, principal: ['User:a'] })).to.throw('The --principal option is only available if --list is set');
  });
});
