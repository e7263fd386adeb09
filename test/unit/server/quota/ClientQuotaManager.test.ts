import { expect } from 'chai';
import { ClientQuotaManager } from '../../../../src/server/quota/ClientQuotaManager';
import { QuotaManagers } from '../../../../src/server/quota/QuotaManagers';

const config = { numQuotaSamples: 11, quotaWindowSizeSeconds: 1 };

describe('ClientQuotaManager (fake clock)', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('records nothing and never throttles while no quota is configured', () => {
    const m = new ClientQuotaManager('Produce', config, clock);
    expect(m.quotasEnabled).to.equal(false);
    expect(m.maybeRecordAndGetThrottleTimeMs('alice', 'app', 1e12)).to.equal(0);
    expect(m.allSensors()).to.have.length(0);
  });

  it('the 8 levels of DefaultQuotaCallback, most specific first', () => {
    const q = new QuotaManagers(config, clock);
    const set = (user: string | null, client: string | null, rate: number) => q.updateQuotaConfig(user, client, { producer_byte_rate: String(rate) });
    const quota = () => q.produce.quota('alice', 'app');
    expect(quota()).to.equal(Infinity);
    set(null, '<default>', 8);
    expect(quota()).to.equal(8);
    set(null, 'app', 7);
    expect(quota()).to.equal(7);
    set('<default>', null, 6);
    expect(quota()).to.equal(6);
    set('<default>', '<default>', 5);
    expect(quota()).to.equal(5);
    set('<default>', 'app', 4);
    expect(quota()).to.equal(4);
    set('alice', null, 3);
    expect(quota()).to.equal(3);
    set('alice', '<default>', 2);
    expect(quota()).to.equal(2);
    set('alice', 'app', 1);
    expect(quota()).to.equal(1);
    // Other users and client ids fall to the level that matches them.
    expect(q.produce.quota('bob', 'app')).to.equal(4);
    expect(q.produce.quota('bob', 'other')).to.equal(5);
    expect(q.produce.quota('alice', 'other')).to.equal(2);
    // Removing levels again walks back down.
    q.updateQuotaConfig('alice', 'app', {});
    expect(quota()).to.equal(2);
    q.updateQuotaConfig('alice', '<default>', {});
    q.updateQuotaConfig('alice', null, {});
    expect(quota()).to.equal(4);
  });

  it('user names are matched sanitized, client ids as given', () => {
    const q = new QuotaManagers(config, clock);
    q.updateQuotaConfig('CN%3Dalice%2CO%3Dx', null, { consumer_byte_rate: '100' });
    q.updateQuotaConfig(null, 'my%20app', { consumer_byte_rate: '200' });
    expect(q.fetch.quota('CN=alice,O=x', 'c')).to.equal(100);
    expect(q.fetch.quota('ANONYMOUS', 'my app')).to.equal(200);
  });

  it('clients of one user share that user quota (one sensor per entity)', () => {
    const q = new QuotaManagers(config, clock);
    q.updateQuotaConfig('alice', null, { producer_byte_rate: '1000' });
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('alice', 'a', 6000)).to.equal(0);
    // 11000 bytes over 10 s = 1100 B/s: 10% over, a second of throttle.
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('alice', 'b', 5000)).to.equal(1000);
    expect(q.produce.allSensors().map((s) => s.tags)).to.deep.equal([{ user: 'alice', clientId: '' }]);
    // bob has no quota of his own and no default applies: never throttled.
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('bob', 'a', 1e9)).to.equal(0);
  });

  it('a changed quota applies to the existing sensor at once; removing it lifts the throttle', () => {
    const q = new QuotaManagers(config, clock);
    q.updateQuotaConfig(null, 'app', { producer_byte_rate: '1000' });
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'app', 20_000)).to.equal(10_000);
    q.updateQuotaConfig(null, 'app', { producer_byte_rate: '4000' });
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'app', 1)).to.equal(0);
    q.updateQuotaConfig(null, 'app', { producer_byte_rate: '100' });
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'app', 1)).to.be.greaterThan(0);
    q.updateQuotaConfig(null, 'app', {});
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'app', 1e9)).to.equal(0);
  });

  it('the request quota throttles one window at most; byte-rate quotas as long as needed', () => {
    const q = new QuotaManagers(config, clock);
    q.updateQuotaConfig(null, '<default>', { request_percentage: '1', producer_byte_rate: '10' });
    expect(q.request.maybeRecordAndGetThrottleTimeMs('u', 'c', 500)).to.equal(1000);
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'c', 10_000)).to.equal(Math.round(((1000 - 10) / 10) * 10_000));
  });

  it('fetch: the most one window allows (getMaxValueInQuotaWindow) and unrecording', () => {
    const q = new QuotaManagers(config, clock);
    expect(q.fetch.getMaxValueInQuotaWindow('u', 'c')).to.equal(Infinity);
    q.updateQuotaConfig('u', null, { consumer_byte_rate: '2048' });
    expect(q.fetch.getMaxValueInQuotaWindow('u', 'c')).to.equal(2048 * 10);
    expect(q.fetch.maybeRecordAndGetThrottleTimeMs('u', 'c', 40_960)).to.equal(10_000);
    q.fetch.unrecordQuotaSensor('u', 'c', 40_960);
    expect(q.fetch.maybeRecordAndGetThrottleTimeMs('u', 'c', 1)).to.equal(0);
  });

  it('the window advances with the clock: after a quiet quota window the client goes at full speed again', () => {
    const q = new QuotaManagers(config, clock);
    q.updateQuotaConfig(null, 'c', { producer_byte_rate: '1000' });
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'c', 30_000)).to.equal(20_000);
    now += 11_000;
    expect(q.produce.maybeRecordAndGetThrottleTimeMs('u', 'c', 9000)).to.equal(0);
  });

  it('SCRAM-only user configs and bad values enable nothing; controller_mutation_rate is kept, not enforced', () => {
    const q = new QuotaManagers(config, clock);
    q.updateQuotaConfig('alice', null, { 'SCRAM-SHA-256': 'salt=...' });
    q.updateQuotaConfig('bob', null, { producer_byte_rate: 'fast' });
    expect(q.anyEnabled).to.equal(false);
    q.updateQuotaConfig('carol', null, { controller_mutation_rate: '10' });
    expect(q.anyEnabled).to.equal(false);
    expect(q.controllerMutation.get('carol/')).to.equal(10);
  });
});

describe('ClientQuotaManager sensor expiration', () => {
  it('drops the sensors of clients idle for an hour (InactiveSensorExpirationTimeSeconds)', () => {
    let now = 10_000_000;
    const q = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 }, () => now);
    q.updateQuotaConfig(null, '<default>', { producer_byte_rate: '1000' });
    q.produce.maybeRecordAndGetThrottleTimeMs('u', 'old', 1, now);
    now += 3600 * 1000;
    q.produce.maybeRecordAndGetThrottleTimeMs('u', 'new', 1, now);
    expect(q.produce.allSensors().map((s) => s.tags.clientId)).to.deep.equal(['new']);
  });
});
