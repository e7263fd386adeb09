import { expect } from 'chai';
import { QuotaCommandOpts, checkArgs, isClientQuotaCommand, parseEntityArgs, quotaConfigsLine, quotaFilter } from '../../../src/cli/ConfigCommandQuotas';
import { CommandError } from '../../../src/cli/CommandUtils';

const opts = (o: Partial<QuotaCommandOpts>): QuotaCommandOpts => ({ deleteConfig: [], ...o });

function messageOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(CommandError);
    return (e as Error).message;
  }
  throw new Error('expected a CommandError');
}

describe('ConfigCommandQuotas: kafka-configs for users and clients (ConfigCommand)', () => {
  describe('entity options (ConfigCommandOptions.entityTypes / entityNames)', () => {
    it('repeated --entity-type with --entity-name / --entity-default in command-line order', () => {
      const e = parseEntityArgs(['--bootstrap-server', 'b', '--entity-type', 'users', '--entity-default', '--entity-type', 'clients', '--entity-name', 'app']);
      expect(e).to.deep.equal({ types: ['users', 'clients'], names: ['', 'app'], entityOptions: true, entityFlags: false });
      expect(parseEntityArgs(['--entity-type=clients', '--entity-name=c1', '--describe']).names).to.deep.equal(['c1']);
    });

    it('the entity flags in Kafka’s fixed order (client before user), defaults as empty names', () => {
      expect(parseEntityArgs(['--user', 'alice', '--client', 'app'])).to.deep.equal({
        types: ['clients', 'users'],
        names: ['app', 'alice'],
        entityOptions: false,
        entityFlags: true,
      });
      expect(parseEntityArgs(['--user-defaults', '--client', 'c'])).to.deep.include({ types: ['clients', 'users'], names: ['c', ''] });
    });

    it('a value that looks like an option is still the option’s value', () => {
      expect(parseEntityArgs(['--entity-type', 'users', '--entity-name', '--entity-default']).names).to.deep.equal(['--entity-default']);
    });

    it('routes users, clients and ips here, other entity types not', () => {
      expect(isClientQuotaCommand(['--ip-defaults'])).to.equal(true);
      expect(isClientQuotaCommand(['--entity-type', 'clients'])).to.equal(true);
      expect(isClientQuotaCommand(['--user', 'u'])).to.equal(true);
      expect(isClientQuotaCommand(['--entity-type', 'topics', '--entity-name', 'users'])).to.equal(false);
      expect(isClientQuotaCommand(['--broker-defaults'])).to.equal(false);
    });
  });

  describe('checkArgs (Kafka’s messages)', () => {
    const check = (o: Partial<QuotaCommandOpts>, args: string[]) => messageOf(() => checkArgs(opts(o), parseEntityArgs(args)));
    const bs = { bootstrapServer: 'b:9092' };

    it('one action', () => {
      expect(check({ ...bs }, ['--entity-type', 'users'])).to.equal('Command must include exactly one action: --describe, --alter');
    });
    it('describe with add-config', () => {
      expect(check({ ...bs, describe: true, addConfig: 'a=1' }, ['--entity-type', 'users'])).to.equal(
        'Option "[describe]" can\'t be used with option "[add-config]"',
      );
    });
    it('duplicate entity types', () => {
      expect(check({ ...bs, describe: true }, ['--entity-type', 'users', '--entity-type', 'users'])).to.equal('Duplicate entity type(s) specified: users');
    });
    it('ips through ZooKeeper', () => {
      expect(check({ zookeeper: 'z', describe: true }, ['--ip', '1.2.3.4'])).to.equal(
        'Invalid entity type ips, the entity type must be one of users, brokers with a --zookeeper argument',
      );
    });
    it('clients through ZooKeeper', () => {
      expect(check({ zookeeper: 'z', describe: true }, ['--entity-type', 'clients'])).to.equal(
        'Invalid entity type clients, the entity type must be one of users, brokers with a --zookeeper argument',
      );
    });
    it('an unknown entity type through a broker', () => {
      expect(check({ ...bs, describe: true }, ['--entity-type', 'users', '--entity-type', 'groups'])).to.equal(
        'Invalid entity type groups, the entity type must be one of topics, clients, users, brokers, ips, broker-loggers, client-metrics with a --bootstrap-server or --bootstrap-controller argument',
      );
    });
    it('only users and clients together', () => {
      expect(check({ ...bs, describe: true }, ['--entity-type', 'users', '--entity-type', 'topics'])).to.equal(
        "Only 'users' and 'clients' entity types may be specified together",
      );
    });
    it('entity options with entity flags', () => {
      expect(check({ ...bs, describe: true }, ['--entity-type', 'users', '--client', 'c'])).to.equal(
        '--entity-{type,name,default} should not be used in conjunction with specific entity flags',
      );
    });
    it('connect options', () => {
      expect(check({ describe: true }, ['--user', 'u'])).to.equal(
        'One of the required --bootstrap-server, --boostrap-controller, or --zookeeper arguments must be specified',
      );
      expect(check({ ...bs, zookeeper: 'z', describe: true }, ['--user', 'u'])).to.equal(
        'Only one of --bootstrap-server, --boostrap-controller, and --zookeeper can be specified',
      );
    });
    it('alter needs a name or default and something to change', () => {
      expect(check({ ...bs, alter: true, addConfig: 'a=1' }, ['--entity-type', 'clients'])).to.equal(
        'an entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
      );
      expect(check({ ...bs, alter: true }, ['--client-defaults'])).to.equal(
        'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
      );
      expect(check({ ...bs, alter: true, addConfig: 'a=1', addConfigFile: 'f' }, ['--client-defaults'])).to.equal(
        'Only one of --add-config or --add-config-file must be specified',
      );
    });
    it('passes a well-formed command', () => {
      expect(() =>
        checkArgs(opts({ ...bs, alter: true, addConfig: 'producer_byte_rate=1' }), parseEntityArgs(['--user', 'u', '--client', 'c'])),
      ).not.to.throw();
    });
  });

  describe('describe filter and output', () => {
    it('a name is EXACT, an empty name DEFAULT, a missing name SPECIFIED', () => {
      expect(quotaFilter(['users', 'clients'], ['alice'])).to.deep.equal([
        { entityType: 'user', matchType: 0, match: 'alice' },
        { entityType: 'client-id', matchType: 2, match: null },
      ]);
      expect(quotaFilter(['clients'], [''])).to.deep.equal([{ entityType: 'client-id', matchType: 1, match: null }]);
      expect(messageOf(() => quotaFilter(['users'], ['a', 'b']))).to.equal('More entity names specified than entity types');
    });

    it('prints entities and values as ConfigCommand.describeQuotaConfigs does', () => {
      expect(
        quotaConfigsLine({
          entity: [
            { entityType: 'client-id', entityName: 'app' },
            { entityType: 'user', entityName: 'alice' },
          ],
          values: [
            { key: 'producer_byte_rate', value: 1024 },
            { key: 'request_percentage', value: 1e7 },
          ],
        }),
      ).to.equal("Quota configs for user-principal 'alice', client-id 'app' are producer_byte_rate=1024.0, request_percentage=1.0E7");
      expect(quotaConfigsLine({ entity: [{ entityType: 'user', entityName: null }], values: [{ key: 'consumer_byte_rate', value: 0.5 }] })).to.equal(
        'Quota configs for the default user-principal are consumer_byte_rate=0.5',
      );
    });
  });
});
