import { expect } from 'chai';
import { ClientQuotaConfigHandler } from '../../../../src/server/config/ClientQuotaConfigHandler';
import { QuotaManagers } from '../../../../src/server/quota/QuotaManagers';

/** /config as a map of path -> config, with getChildren derived from the paths. */
function fakeZk(nodes: Record<string, Record<string, string>>) {
  return {
    nodes,
    getEntityConfigs: async (type: string, name: string) => nodes[`/config/${type}/${name}`] ?? {},
    getChildren: async (path: string) => {
      const out = new Set<string>();
      for (const p of Object.keys(nodes)) {
        if (p.startsWith(`${path}/`)) out.add(p.substring(path.length + 1).split('/')[0]);
      }
      return [...out];
    },
  };
}

describe('ClientQuotaConfigHandler (ClientIdConfigHandler + UserConfigHandler quotas)', () => {
  it('loads every entity at start-up, users/<u>/clients/<c> included', async () => {
    const zk = fakeZk({
      '/config/clients/<default>': { producer_byte_rate: '100' },
      '/config/clients/app': { consumer_byte_rate: '200' },
      '/config/users/alice': { 'SCRAM-SHA-256': 'x', request_percentage: '50.5' },
      '/config/users/alice/clients/app': { producer_byte_rate: '300' },
      '/config/users/<default>': { producer_byte_rate: '400' },
    });
    const q = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 });
    await new ClientQuotaConfigHandler(zk, q, 0).loadAll();
    expect(q.produce.quota('alice', 'app')).to.equal(300);
    expect(q.produce.quota('alice', 'other')).to.equal(400);
    expect(q.produce.quota('bob', 'x')).to.equal(400);
    expect(q.fetch.quota('ANONYMOUS', 'app')).to.equal(200);
    expect(q.request.quota('alice', 'x')).to.equal(50.5);
  });

  it('applies change notifications live and ignores malformed entity paths', async () => {
    const zk = fakeZk({});
    const q = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 });
    const h = new ClientQuotaConfigHandler(zk, q, 0);
    await h.loadAll();
    expect(q.anyEnabled).to.equal(false);
    zk.nodes['/config/clients/my%20app'] = { producer_byte_rate: '1024' };
    await h.clients.processConfigChanges('my%20app');
    expect(q.produce.quota('u', 'my app')).to.equal(1024);
    zk.nodes['/config/users/bob/clients/<default>'] = { consumer_byte_rate: '10' };
    await h.users.processConfigChanges('bob/clients/<default>');
    expect(q.fetch.quota('bob', 'any')).to.equal(10);
    await h.users.processConfigChanges('bob/x');
    await h.users.processConfigChanges('a/clients/b/c');
    delete zk.nodes['/config/clients/my%20app'];
    await h.clients.processConfigChanges('my%20app');
    expect(q.produce.quota('u', 'my app')).to.equal(Infinity);
  });
});
