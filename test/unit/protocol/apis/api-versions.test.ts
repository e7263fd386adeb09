import { expect } from 'chai';
import { ApiVersionsApi, ApiVersionsResponse, encodeApiVersionsUnsupportedResponse } from '../../../../src/protocol/apis/18-api-versions';
import { Reader } from '../../../../src/protocol/Reader';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, project, roundTripRequest, roundTripResponse, versions } from './helpers';

interface KjsApiVersions {
  errorCode: number;
  apiVersions: Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
  throttleTime?: number;
  clientSideThrottleTime?: number;
}

const sample: ApiVersionsResponse = {
  errorCode: 0,
  apiKeys: [
    { apiKey: 0, minVersion: 3, maxVersion: 7 },
    { apiKey: 1, minVersion: 4, maxVersion: 11 },
    { apiKey: 18, minVersion: 0, maxVersion: 3 },
  ],
  throttleTimeMs: 0,
};

describe('ApiVersions codec (key 18)', () => {
  it('declares versions 0-3, flexible from 3', () => {
    expect(ApiVersionsApi.apiKey).to.equal(18);
    expect([ApiVersionsApi.minVersion, ApiVersionsApi.maxVersion, ApiVersionsApi.firstFlexibleVersion]).to.deep.equal([0, 3, 3]);
  });

  for (const v of versions(0, 2)) {
    it(`v${v} request: decodes kafkajs' empty body to defaults`, async () => {
      const buf = await kjsRequestBytes('apiVersions', v, {});
      expect(buf.length).to.equal(0);
      expect(decodeAll(buf, (r) => ApiVersionsApi.decodeRequest(r, v))).to.deep.equal({
        clientSoftwareName: '',
        clientSoftwareVersion: '',
      });
    });

    it(`v${v} response: kafkajs decodes and parses what we encode`, async () => {
      const buf = bytesOf((w) => ApiVersionsApi.encodeResponse(w, v, { ...sample, throttleTimeMs: 7 }));
      const kjs = kjsResponse<KjsApiVersions>('apiVersions', v);
      const decoded = await kjs.decode(buf);
      await kjs.parse(decoded);
      expect(decoded.errorCode).to.equal(0);
      expect(decoded.apiVersions).to.deep.equal(sample.apiKeys);
      if (v === 1) expect(decoded.throttleTime).to.equal(7);
      if (v === 2) expect(decoded.clientSideThrottleTime).to.equal(7);
    });
  }

  it('v0 response golden bytes', () => {
    const buf = bytesOf((w) =>
      ApiVersionsApi.encodeResponse(w, 0, { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 6 }], throttleTimeMs: 0 }),
    );
    expect([...buf]).to.deep.equal([0, 0, 0, 0, 0, 1, 0, 3, 0, 0, 0, 6]);
  });

  it('v3 request: decodes the flexible body a librdkafka client sends (hand-written bytes)', () => {
    const name = Buffer.from('librdkafka');
    const ver = Buffer.from('2.0.2');
    const buf = Buffer.from([name.length + 1, ...name, ver.length + 1, ...ver, 0]);
    expect(decodeAll(buf, (r) => ApiVersionsApi.decodeRequest(r, 3))).to.deep.equal({
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.0.2',
    });
    expect(bytesOf((w) => ApiVersionsApi.encodeRequest(w, 3, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' }))).to.deep.equal(buf);
  });

  it('v3 request: skips unknown tagged fields', () => {
    const buf = Buffer.from([2, 0x61, 2, 0x31, /* 1 tag */ 1, /* tag 7 */ 7, /* size 3 */ 3, 9, 9, 9]);
    expect(decodeAll(buf, (r) => ApiVersionsApi.decodeRequest(r, 3))).to.deep.equal({
      clientSoftwareName: 'a',
      clientSoftwareVersion: '1',
    });
  });

  it('v3 response golden bytes: compact array, per-entry and top-level empty tag sections', () => {
    const buf = bytesOf((w) =>
      ApiVersionsApi.encodeResponse(w, 3, {
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, minVersion: 3, maxVersion: 7 },
          { apiKey: 18, minVersion: 0, maxVersion: 3 },
        ],
        throttleTimeMs: 0,
      }),
    );
    expect([...buf]).to.deep.equal([
      0,
      0, // error_code
      3, // compact array: 2 entries + 1
      0,
      0,
      0,
      3,
      0,
      7,
      0, // {0, 3, 7} + tags
      0,
      18,
      0,
      0,
      0,
      3,
      0, // {18, 0, 3} + tags
      0,
      0,
      0,
      0, // throttle_time_ms
      0, // tags
    ]);
  });

  it('v3 response: decodes the feature tags an Apache 3.x broker sends', () => {
    // FinalizedFeaturesEpoch (tag 1, int64 = 5) and ZkMigrationReady (tag 3, bool).
    const buf = Buffer.from([0, 0, 2, 0, 18, 0, 0, 0, 3, 0, 0, 0, 0, 0, 2, 1, 8, 0, 0, 0, 0, 0, 0, 0, 5, 3, 1, 0]);
    expect(decodeAll(buf, (r) => ApiVersionsApi.decodeResponse(r, 3))).to.deep.equal({
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: 5,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
  });

  it('round-trips every version', () => {
    for (const v of versions(0, 3)) {
      const req = { clientSoftwareName: v >= 3 ? 'kafka-zk-ts' : '', clientSoftwareVersion: v >= 3 ? '0.1.0' : '' };
      expect(roundTripRequest(ApiVersionsApi, v, req)).to.deep.equal(req);
      const res = { ...sample, errorCode: 35, throttleTimeMs: v >= 1 ? 12 : 0 };
      expect(roundTripResponse(ApiVersionsApi, v, res)).to.deep.equal(res);
    }
  });

  describe('encodeApiVersionsUnsupportedResponse', () => {
    const buf = bytesOf((w) => encodeApiVersionsUnsupportedResponse(w, 3));

    it('writes the v0 layout with error 35 and the single ApiVersions entry (protocol.md §5.3)', () => {
      expect([...buf]).to.deep.equal([0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3]);
    });

    it('is read by kafkajs as UNSUPPORTED_VERSION, so it falls back to a lower version', async () => {
      for (const v of versions(0, 2)) {
        let err: Error | undefined;
        try {
          await kjsResponse<KjsApiVersions>('apiVersions', v).decode(buf);
        } catch (e) {
          err = e as Error;
        }
        expect(err, `kafkajs v${v}`).to.be.instanceOf(Error);
        expect((err as Error & { type?: string }).type).to.equal('UNSUPPORTED_VERSION');
      }
    });

    it('is read by our v0-v2 decoders (parsed again at v0, as in Kafka ApiVersionsResponse.parse)', () => {
      for (const v of versions(0, 2)) {
        const r = new Reader(buf);
        const like = {
          errorCode: 35,
          apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
          throttleTimeMs: 0,
        };
        expect(project(ApiVersionsApi.decodeResponse(r, v), like)).to.deep.equal(like);
        expect(r.remaining()).to.equal(0);
      }
    });
  });
});
