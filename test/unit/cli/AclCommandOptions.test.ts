import { expect } from 'chai';
import { checkArgs, filterToString, resourceFilterToAcls, resourceFilters } from '../../../src/cli/AclCommandOptions';
import { AclOperation as O } from '../../../src/security/AclEntry';
import { AclPermissionType as P, entryToString } from '../../../src/security/authorizer/AclBinding';
import { PatternType as PT, ResourceType as RT } from '../../../src/security/authorizer/Authorizer';

describe('AclCommand options (kafka-acls)', () => {
  it('exactly one action; --list takes no principals; --producer needs --topic; --consumer needs --topic and --group', () => {
    expect(() => checkArgs({})).to.throw(/exactly one action/);
    expect(() => checkArgs({ add: true, list: true })).to.throw(/exactly one action/);
    expect(() => checkArgs({ list: true, allowPrincipal: ['User:a'] })).to.throw(/can't be used with/);
    expect(() => checkArgs({ add: true, producer: true })).to.throw(/With --producer you must specify a --topic/);
    expect(() => checkArgs({ add: true, consumer: true, topic: ['t'] })).to.throw(/With --consumer you must specify a --topic and a --group/);
    expect(() => checkArgs({ add: true, idempotent: true, topic: ['t'] })).to.throw(/--idempotent option is only available if --producer is set/);
    expect(checkArgs({ remove: true })).to.equal('remove');
  });

  it('principals x hosts x operations, hosts default to *, operation defaults to All; allow then deny', () => {
    const plan = resourceFilterToAcls(
      {
        add: true,
        topic: ['orders'],
        allowPrincipal: ['User:alice', 'User:bob'],
        operation: ['Read', 'Write'],
        denyPrincipal: ['User:eve'],
        denyHost: ['10.0.0.9'],
      },
      'add',
    );
    expect(plan).to.have.length(1);
    expect(filterToString(plan[0].filter)).to.equal('ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)');
    expect(plan[0].acls.map(entryToString)).to.deep.equal([
      '(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)',
      '(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)',
      '(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)',
      '(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)',
      '(principal=User:eve, host=10.0.0.9, operation=READ, permissionType=DENY)',
      '(principal=User:eve, host=10.0.0.9, operation=WRITE, permissionType=DENY)',
    ]);
    const all = resourceFilterToAcls({ add: true, cluster: true, allowPrincipal: ['User:a'] }, 'add');
    expect(all[0].filter).to.deep.equal({ resourceType: RT.CLUSTER, name: 'kafka-cluster', patternType: PT.LITERAL });
    expect(all[0].acls[0].operation).to.equal(O.ALL);
  });

  it('--producer: WRITE DESCRIBE CREATE on topics, WRITE DESCRIBE on transactional ids, IDEMPOTENT_WRITE with --idempotent', () => {
    const plan = resourceFilterToAcls(
      { add: true, producer: true, idempotent: true, topic: ['t'], transactionalId: ['tx'], allowPrincipal: ['User:p'], resourcePatternType: 'prefixed' },
      'add',
    );
    expect(plan.map((p) => [p.filter.resourceType, p.filter.patternType, p.acls.map((a) => a.operation)])).to.deep.equal([
      [RT.TOPIC, PT.PREFIXED, [O.WRITE, O.DESCRIBE, O.CREATE]],
      [RT.TRANSACTIONAL_ID, PT.PREFIXED, [O.WRITE, O.DESCRIBE]],
      [RT.CLUSTER, PT.LITERAL, [O.IDEMPOTENT_WRITE]],
    ]);
  });

  it('--consumer: READ DESCRIBE on topics and READ on groups', () => {
    const plan = resourceFilterToAcls({ add: true, consumer: true, topic: ['t'], group: ['g'], allowPrincipal: ['User:c'] }, 'add');
    expect(plan.map((p) => [p.filter.resourceType, p.acls.map((a) => [a.operation, a.permissionType])])).to.deep.equal([
      [
        RT.TOPIC,
        [
          [O.READ, P.ALLOW],
          [O.DESCRIBE, P.ALLOW],
        ],
      ],
      [RT.GROUP, [[O.READ, P.ALLOW]]],
    ]);
  });

  it('bad values: principal without a type, unknown operation or pattern type, ANY/MATCH when adding, no resource', () => {
    expect(() => resourceFilterToAcls({ add: true, topic: ['t'], allowPrincipal: ['alice'] }, 'add')).to.throw(/principalType:principalName/);
    expect(() => resourceFilterToAcls({ add: true, topic: ['t'], allowPrincipal: ['User:a'], operation: ['Fly'] }, 'add')).to.throw(/Unrecognized operation/);
    expect(() => resourceFilterToAcls({ add: true, topic: ['t'], allowPrincipal: ['User:a'], resourcePatternType: 'any' }, 'add')).to.throw(
      /not valid when adding/,
    );
    expect(() => resourceFilterToAcls({ add: true, allowPrincipal: ['User:a'] }, 'add')).to.throw(/at least one resource/);
    expect(() => resourceFilterToAcls({ add: true, topic: ['t'] }, 'add')).to.throw(/--allow-principal, --deny-principal/);
    // remove without principals: every ACL of the filter
    expect(resourceFilterToAcls({ remove: true, topic: ['t'], resourcePatternType: 'match' }, 'remove')[0].acls).to.deep.equal([]);
    expect(resourceFilters({ list: true }, PT.LITERAL, false)).to.deep.equal([]);
  });
});
