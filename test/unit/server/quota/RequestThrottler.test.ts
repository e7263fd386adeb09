import { expect } from 'chai';
import { RequestContext } from '../../../../src/network/RequestContext';
import { ApiKey } from '../../../../src/protocol/apiKeys';
import { ApiVersionsApi, MetadataApi } from '../../../../src/protocol/apis';
import { encodeResponse } from '../../../../src/protocol/apis/types';
import { Reader } from '../../../../src/protocol/Reader';
import { QuotaManagers } from '../../../../src/server/quota/QuotaManagers';
import { RequestThrottler, withThrottleTime } from '../../../../src/server/quota/RequestThrottler';

function ctx(apiKey: number, apiVersion: number, clientId = 'app'): RequestContext {
  return {
    header: { apiKey, apiVersion, correlationId: 1, clientId },
    listenerName: 'PLAINTEXT',
    clientAddress: '127.0.0.1',
    connectionId: 'c1',
    principal: { type: 'User', name: 'alice' },
    throttleTimeMs: 0,
  };
}

describe('RequestThrottler (sendResponseMaybeThrottle and the data-plane hooks)', () => {
  it('writes throttle_time_ms where the response schema has it first, without touching the original buffers', () => {
    const body = encodeResponse(MetadataApi, 9, {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: 'x',
      controllerId: 1,
      topics: [],
      clusterAuthorizedOperations: -1,
    });
    const before = Buffer.concat(body);
    const out = withThrottleTime(ApiKey.Metadata, 9, body, 1234);
    expect(Buffer.concat(body).equals(before)).to.equal(true);
    const decoded = MetadataApi.decodeResponse(new Reader(Buffer.concat(out)), 9);
    expect(decoded.throttleTimeMs).to.equal(1234);
    expect(decoded.clusterId).to.equal('x');
    // Metadata v0 has no throttle_time_ms: left alone.
    expect(withThrottleTime(ApiKey.Metadata, 0, body, 5)).to.equal(body);
  });

  it('ApiVersions carries throttle_time_ms after its keys (v1+): re-encoded with it; v0 has none', () => {
    const res = {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    for (const v of [1, 3]) {
      const body = encodeResponse(ApiVersionsApi, v, res);
      const out = withThrottleTime(ApiKey.ApiVersions, v, body, 77);
      const decoded = ApiVersionsApi.decodeResponse(new Reader(Buffer.concat(out)), v);
      expect(decoded.throttleTimeMs).to.equal(77);
      expect(decoded.apiKeys).to.deep.equal(res.apiKeys);
    }
    const v0 = encodeResponse(ApiVersionsApi, 0, res);
    expect(withThrottleTime(ApiKey.ApiVersions, 0, v0, 77)).to.equal(v0);
  });

  it('is inactive (one flag) without quotas, and throttles a client over its request_percentage', () => {
    const now = () => 1_700_000_000_000;
    const q = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 }, now);
    const t = new RequestThrottler(q, now);
    expect(t.active).to.equal(false);
    q.updateQuotaConfig('alice', null, { request_percentage: '0.0001' });
    expect(t.active).to.equal(true);
    const c = ctx(ApiKey.Metadata, 9);
    const body = encodeResponse(MetadataApi, 9, {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: 'x',
      controllerId: 1,
      topics: [],
      clusterAuthorizedOperations: -1,
    });
    const out = t.handle(c, () => {
      const end = performance.now() + 5;
      while (performance.now() < end); // 5 ms of handler time: far over 0.0001%
      return body;
    }) as Buffer[];
    expect(c.throttleTimeMs).to.equal(1000); // capped at one quota window
    expect(MetadataApi.decodeResponse(new Reader(Buffer.concat(out)), 9).throttleTimeMs).to.equal(1000);
    // Inter-broker requests are exempt (sendResponseExemptThrottle).
    const lai = ctx(ApiKey.LeaderAndIsr, 5);
    t.handle(lai, () => body);
    expect(lai.throttleTimeMs).to.equal(0);
  });

  it('produce: the larger of the byte-rate and request throttles; acks=0 skips the request quota', () => {
    const now = () => 1_700_000_000_000;
    const q = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 }, now);
    const t = new RequestThrottler(q, now);
    expect(t.produceThrottleTimeMs(ctx(ApiKey.Produce, 9), 1e9, 1)).to.equal(0);
    q.updateQuotaConfig(null, 'app', { producer_byte_rate: '1000' });
    const c = ctx(ApiKey.Produce, 9);
    expect(t.produceThrottleTimeMs(c, 20_000, 0)).to.equal(10_000);
    expect(c.throttleTimeMs).to.equal(10_000);
    expect(t.produceThrottleTimeMs(ctx(ApiKey.Produce, 9, 'other'), 20_000, 1)).to.equal(0);
  });

  it('fetch: max bytes capped to one quota window; a throttled fetch does not count its bytes', () => {
    const now = () => 1_700_000_000_000;
    const q = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 }, now);
    const t = new RequestThrottler(q, now);
    expect(t.consumerFetchMaxBytes(ctx(ApiKey.Fetch, 12), 52_428_800)).to.equal(52_428_800);
    q.updateQuotaConfig('alice', null, { consumer_byte_rate: '1000' });
    expect(t.consumerFetchMaxBytes(ctx(ApiKey.Fetch, 12), 52_428_800)).to.equal(10_000);
    expect(t.consumerFetchThrottleTimeMs(ctx(ApiKey.Fetch, 12), 10_000)).to.equal(0);
    const thrown = t.consumerFetchThrottleTimeMs(ctx(ApiKey.Fetch, 12), 5000);
    expect(thrown).to.equal(5000);
    // The 5000 bytes were taken back: a 0-byte fetch is at exactly the quota again.
    expect(t.consumerFetchThrottleTimeMs(ctx(ApiKey.Fetch, 12), 0)).to.equal(0);
  });
});
