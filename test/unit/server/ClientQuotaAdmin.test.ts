import { expect } from 'chai';
import { ClientQuotaAdmin, ClientQuotaError, FilterComponent, QuotaConfigZk, parseJavaDouble, quotaValueText } from '../../../src/server/ClientQuotaAdmin';
import { ErrorCode } from '../../../src/protocol/errors';

/** An in-memory /config tree: znode path -> config (null: a node without data, such as /config/users/u/clients). */
class FakeZk implements QuotaConfigZk {
  readonly nodes = new Map<string, Record<string, string> | null>();
  readonly notifications: string[] = [];

  put(path: string, config: Record<string, string> | null): void {
    const parts = path.split('/');
    for (let i = 2; i < parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      if (!this.nodes.has(p)) this.nodes.set(p, null);
    }
    this.nodes.set(path, config);
  }

  async getEntityConfigs(type: string, name: string): Promise<Record<string, string>> {
    return { ...(this.nodes.get(`/config/${type}/${name}`) ?? {}) };
  }

  async setOrCreateEntityConfigs(type: string, name: string, config: Readonly<Record<string, string>>): Promise<void> {
    this.put(`/config/${type}/${name}`, { ...config });
  }

  async getChildren(path: string): Promise<string[]> {
    const out: string[] = [];
    for (const p of this.nodes.keys()) if (p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/')) out.push(p.slice(path.length + 1));
    return out;
  }

  async deletePathIfExists(path: string): Promise<boolean> {
    if ((await this.getChildren(path)).length > 0) throw new Error(`NOTEMPTY ${path}`);
    return this.nodes.delete(path);
  }

  async createConfigChangeNotification(entityPath: string): Promise<string> {
    this.notifications.push(entityPath);
    return `/config/changes/config_change_${this.notifications.length}`;
  }
}

const exact = (entityType: string, match: string | null): FilterComponent => ({ entityType, match });
const any = (entityType: string): FilterComponent => ({ entityType, match: undefined });

async function errorOf(p: Promise<unknown>): Promise<{ code: number; message: string | null }> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ClientQuotaError);
    return { code: (e as ClientQuotaError).code, message: (e as ClientQuotaError).errorMessage };
  }
  throw new Error('expected a ClientQuotaError');
}

describe('ClientQuotaAdmin (ZkAdminManager.describeClientQuotas / alterClientQuotas)', () => {
  let zk: FakeZk;
  let admin: ClientQuotaAdmin;

  beforeEach(() => {
    zk = new FakeZk();
    admin = new ClientQuotaAdmin(zk);
    zk.put('/config/users/alice', { 'SCRAM-SHA-256': 'salt=x,stored_key=y,server_key=z,iterations=4096', producer_byte_rate: '1024' });
    zk.put('/config/users/bob', { 'SCRAM-SHA-256': 'salt=x,stored_key=y,server_key=z,iterations=4096' });
    zk.put('/config/users/<default>', { consumer_byte_rate: '2048' });
    zk.put('/config/users/alice/clients/app', { request_percentage: '50.0' });
    zk.put('/config/users/<default>/clients/<default>', { producer_byte_rate: '10' });
    zk.put('/config/clients/app', { producer_byte_rate: '100', consumer_byte_rate: '200' });
    zk.put('/config/clients/<default>', { controller_mutation_rate: '1.5' });
    zk.put('/config/ips/10.0.0.1', { connection_creation_rate: '7' });
  });

  const names = (r: Array<{ entity: Array<[string, string | null]> }>): string[] =>
    r.map((d) => d.entity.map(([t, n]) => `${t}=${n === null ? '<default>' : n}`).join(',')).sort();

  describe('describe: filter matching', () => {
    it('no components, not strict: every user, client-id, <user, client-id> and ip entity with quota configs', async () => {
      const r = await admin.describeClientQuotas([], false);
      expect(names(r)).to.deep.equal([
        'client-id=<default>',
        'client-id=app',
        'ip=10.0.0.1',
        'user=<default>',
        'user=<default>,client-id=<default>',
        'user=alice',
        'user=alice,client-id=app',
      ]);
      // Only quota keys, as doubles; bob (SCRAM only) is not an entry.
      expect(r.find((d) => d.entity.length === 1 && d.entity[0][1] === 'alice')!.values).to.deep.equal([['producer_byte_rate', 1024]]);
    });

    it('strict with no components matches nothing', async () => {
      expect(await admin.describeClientQuotas([], true)).to.deep.equal([]);
    });

    it('user EXACT, strict: only that user entity', async () => {
      const r = await admin.describeClientQuotas([exact('user', 'alice')], true);
      expect(r).to.deep.equal([{ entity: [['user', 'alice']], values: [['producer_byte_rate', 1024]] }]);
    });

    it('user EXACT, not strict: the user and its <user, client-id> entities', async () => {
      expect(names(await admin.describeClientQuotas([exact('user', 'alice')], false))).to.deep.equal(['user=alice', 'user=alice,client-id=app']);
    });

    it('user DEFAULT, strict: the default user only', async () => {
      expect(await admin.describeClientQuotas([exact('user', null)], true)).to.deep.equal([
        { entity: [['user', null]], values: [['consumer_byte_rate', 2048]] },
      ]);
    });

    it('user SPECIFIED, strict: every user entity (named and default), no client parts', async () => {
      expect(names(await admin.describeClientQuotas([any('user')], true))).to.deep.equal(['user=<default>', 'user=alice']);
    });

    it('user and client-id SPECIFIED, strict: only <user, client-id> entities', async () => {
      expect(names(await admin.describeClientQuotas([any('user'), any('client-id')], true))).to.deep.equal([
        'user=<default>,client-id=<default>',
        'user=alice,client-id=app',
      ]);
    });

    it('user and client-id EXACT: the one <user, client-id> entity', async () => {
      const r = await admin.describeClientQuotas([exact('user', 'alice'), exact('client-id', 'app')], true);
      expect(r).to.deep.equal([
        {
          entity: [
            ['user', 'alice'],
            ['client-id', 'app'],
          ],
          values: [['request_percentage', 50]],
        },
      ]);
    });

    it('client-id EXACT, not strict: the client-id entity and <user, client-id> entities of that client', async () => {
      expect(names(await admin.describeClientQuotas([exact('client-id', 'app')], false))).to.deep.equal(['client-id=app', 'user=alice,client-id=app']);
    });

    it('client-id DEFAULT, strict', async () => {
      expect(await admin.describeClientQuotas([exact('client-id', null)], true)).to.deep.equal([
        { entity: [['client-id', null]], values: [['controller_mutation_rate', 1.5]] },
      ]);
    });

    it('ip SPECIFIED: ip entities only; an unknown exact name matches nothing', async () => {
      expect(await admin.describeClientQuotas([any('ip')], true)).to.deep.equal([{ entity: [['ip', '10.0.0.1']], values: [['connection_creation_rate', 7]] }]);
      expect(await admin.describeClientQuotas([exact('user', 'nobody')], true)).to.deep.equal([]);
    });

    it('values come out in Properties order and sanitized names are desanitized', async () => {
      zk.put('/config/users/CN%3Dx%2CO%3Dy', { request_percentage: '12.5', producer_byte_rate: '1', consumer_byte_rate: '2' });
      const r = await admin.describeClientQuotas([exact('user', 'CN=x,O=y')], true);
      expect(r).to.have.length(1);
      expect(r[0].entity).to.deep.equal([['user', 'CN=x,O=y']]);
      expect(r[0].values.map(([k]) => k).sort()).to.deep.equal(['consumer_byte_rate', 'producer_byte_rate', 'request_percentage']);
    });
  });

  describe('describe: bad filters (Kafka errors and messages)', () => {
    const cases: Array<[string, FilterComponent[], number, string]> = [
      ['duplicate user', [any('user'), exact('user', 'a')], ErrorCode.INVALID_REQUEST, 'Duplicate user filter component entity type'],
      ['duplicate client', [any('client-id'), any('client-id')], ErrorCode.INVALID_REQUEST, 'Duplicate client filter component entity type'],
      ['duplicate ip', [any('ip'), any('ip')], ErrorCode.INVALID_REQUEST, 'Duplicate ip filter component entity type'],
      ['empty type', [any('')], ErrorCode.INVALID_REQUEST, 'Unexpected empty filter component entity type'],
      ['custom type', [any('group')], ErrorCode.UNSUPPORTED_VERSION, "Custom entity type 'group' not supported"],
      [
        'ip with user',
        [any('user'), any('ip')],
        ErrorCode.INVALID_REQUEST,
        'Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.',
      ],
    ];
    for (const [name, components, code, message] of cases) {
      it(name, async () => {
        expect(await errorOf(admin.describeClientQuotas(components, false))).to.deep.equal({ code, message });
      });
    }

    it('a stored value that is not a number fails the request (UNKNOWN_SERVER_ERROR, no message)', async () => {
      zk.put('/config/clients/bad', { producer_byte_rate: 'lots' });
      expect(await errorOf(admin.describeClientQuotas([any('client-id')], true))).to.deep.equal({ code: ErrorCode.UNKNOWN_SERVER_ERROR, message: null });
    });
  });

  describe('alter', () => {
    it('sets quotas on a user, keeping its SCRAM credential, with a users/<user> notification', async () => {
      await admin.alterEntityQuotas(
        [['user', 'bob']],
        [
          { key: 'producer_byte_rate', value: 1024 },
          { key: 'request_percentage', value: 50 },
        ],
        false,
      );
      expect(zk.nodes.get('/config/users/bob')).to.deep.equal({
        'SCRAM-SHA-256': 'salt=x,stored_key=y,server_key=z,iterations=4096',
        producer_byte_rate: '1024',
        request_percentage: '50.0',
      });
      expect(zk.notifications).to.deep.equal(['users/bob']);
    });

    it('writes <user, client-id>, client-id and default entities where AdminZkClient does', async () => {
      await admin.alterEntityQuotas(
        [
          ['user', 'carol'],
          ['client-id', 'my app'],
        ],
        [{ key: 'consumer_byte_rate', value: 1e7 }],
        false,
      );
      await admin.alterEntityQuotas([['client-id', null]], [{ key: 'request_percentage', value: 1e7 }], false);
      await admin.alterEntityQuotas([['ip', '127.0.0.1']], [{ key: 'connection_creation_rate', value: 3 }], false);
      expect(zk.nodes.get('/config/users/carol/clients/my%20app')).to.deep.equal({ consumer_byte_rate: '10000000' });
      expect(zk.nodes.get('/config/clients/<default>')).to.deep.equal({ controller_mutation_rate: '1.5', request_percentage: '1.0E7' });
      expect(zk.nodes.get('/config/ips/127.0.0.1')).to.deep.equal({ connection_creation_rate: '3' });
      expect(zk.notifications).to.deep.equal(['users/carol/clients/my%20app', 'clients/<default>', 'ips/127.0.0.1']);
    });

    it('validateOnly checks everything but writes nothing', async () => {
      await admin.alterEntityQuotas([['user', 'dave']], [{ key: 'producer_byte_rate', value: 5 }], true);
      expect(zk.nodes.has('/config/users/dave')).to.equal(false);
      expect(zk.notifications).to.deep.equal([]);
      expect(await errorOf(admin.alterEntityQuotas([['user', 'dave']], [{ key: 'nope', value: 5 }], true))).to.deep.equal({
        code: ErrorCode.INVALID_REQUEST,
        message: 'Invalid configuration key nope',
      });
    });

    it('removing the last quota deletes the emptied node, and an emptied <user>/clients chain up to the user', async () => {
      await admin.alterEntityQuotas(
        [['client-id', 'app']],
        [
          { key: 'producer_byte_rate', value: null },
          { key: 'consumer_byte_rate', value: null },
        ],
        false,
      );
      expect(zk.nodes.has('/config/clients/app')).to.equal(false);
      zk.put('/config/users/erin/clients/x', { producer_byte_rate: '1' });
      await admin.alterEntityQuotas(
        [
          ['user', 'erin'],
          ['client-id', 'x'],
        ],
        [{ key: 'producer_byte_rate', value: null }],
        false,
      );
      expect([...zk.nodes.keys()].filter((p) => p.startsWith('/config/users/erin'))).to.deep.equal([]);
      // alice keeps her own configs, so only alice/clients goes.
      await admin.alterEntityQuotas(
        [
          ['user', 'alice'],
          ['client-id', 'app'],
        ],
        [{ key: 'request_percentage', value: null }],
        false,
      );
      expect(zk.nodes.has('/config/users/alice')).to.equal(true);
      expect(zk.nodes.has('/config/users/alice/clients')).to.equal(false);
      expect(zk.notifications).to.deep.equal(['clients/app', 'users/erin/clients/x', 'users/alice/clients/app']);
    });

    const bad: Array<[string, Array<[string, string | null]>, { key: string; value: number | null }, number, string | null]> = [
      ['an empty entity', [], { key: 'producer_byte_rate', value: 1 }, ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity'],
      [
        'an unknown entity type',
        [['group', 'g']],
        { key: 'producer_byte_rate', value: 1 },
        ErrorCode.INVALID_REQUEST,
        'Unhandled client quota entity type: group',
      ],
      ['an empty user name', [['user', '']], { key: 'producer_byte_rate', value: 1 }, ErrorCode.INVALID_REQUEST, 'Empty user not supported'],
      [
        'ip with user',
        [
          ['user', 'u'],
          ['ip', '1.2.3.4'],
        ],
        { key: 'producer_byte_rate', value: 1 },
        ErrorCode.INVALID_REQUEST,
        'Invalid quota entity combination, IP entity should not be used with user/client ID entity.',
      ],
      // The name is checked (and named) sanitized, as Kafka does.
      [
        'a bad ip',
        [['ip', 'not an ip!']],
        { key: 'connection_creation_rate', value: 1 },
        ErrorCode.INVALID_REQUEST,
        'not%20an%20ip%21 is not a valid IP or resolvable host.',
      ],
      ['an unknown key', [['client-id', 'c']], { key: 'SCRAM-SHA-256', value: 1 }, ErrorCode.INVALID_REQUEST, 'Invalid configuration key SCRAM-SHA-256'],
      [
        'a fractional LONG',
        [['user', 'u']],
        { key: 'producer_byte_rate', value: 1.5 },
        ErrorCode.INVALID_REQUEST,
        'Configuration producer_byte_rate must be a LONG value',
      ],
      [
        'a fractional INT',
        [['ip', '1.2.3.4']],
        { key: 'connection_creation_rate', value: 0.5 },
        ErrorCode.INVALID_REQUEST,
        'Configuration connection_creation_rate must be a INT value',
      ],
      // A user's SCRAM key is a STRING config: IllegalStateException in Kafka.
      ['a SCRAM key set as a quota', [['user', 'u']], { key: 'SCRAM-SHA-512', value: 1 }, ErrorCode.UNKNOWN_SERVER_ERROR, null],
      // (-1 + 1e-6).toInt is 0 in Kafka: a negative whole number is "not an INT".
      [
        'a negative ip rate',
        [['ip', '1.2.3.4']],
        { key: 'connection_creation_rate', value: -1 },
        ErrorCode.INVALID_REQUEST,
        'Configuration connection_creation_rate must be a INT value',
      ],
    ];
    for (const [name, entity, op, code, message] of bad) {
      it(`rejects ${name}`, async () => {
        expect(await errorOf(admin.alterEntityQuotas(entity, [op], false))).to.deep.equal({ code, message });
        expect(zk.notifications).to.deep.equal([]);
      });
    }
  });

  describe('value conversions', () => {
    it('stores LONGs within 1e-6 of an integer as integers and DOUBLEs as Java prints them', () => {
      expect(quotaValueText('producer_byte_rate', 'LONG', 1024)).to.equal('1024');
      expect(quotaValueText('producer_byte_rate', 'LONG', 1023.9999999)).to.equal('1024');
      expect(quotaValueText('producer_byte_rate', 'LONG', 9.2e18)).to.equal('9200000000000000000');
      expect(quotaValueText('request_percentage', 'DOUBLE', 50)).to.equal('50.0');
      expect(quotaValueText('request_percentage', 'DOUBLE', 0.0001)).to.equal('1.0E-4');
    });

    it('parses numbers as Double.parseDouble does', () => {
      expect(parseJavaDouble('1024')).to.equal(1024);
      expect(parseJavaDouble(' 1.5e3 ')).to.equal(1500);
      expect(parseJavaDouble('2d')).to.equal(2);
      expect(parseJavaDouble('-Infinity')).to.equal(-Infinity);
      expect(Number.isNaN(parseJavaDouble('NaN'))).to.equal(true);
      expect(parseJavaDouble('abc')).to.equal(null);
      expect(parseJavaDouble('')).to.equal(null);
      expect(parseJavaDouble('1,5')).to.equal(null);
    });
  });
});
