import { expect } from 'chai';
import { DescribeConfigsApi, ConfigSource, DescribeConfigsResponse } from '../../../../src/protocol/apis/32-describe-configs';
import { AlterConfigsApi } from '../../../../src/protocol/apis/33-alter-configs';
import { IncrementalAlterConfigsApi, AlterConfigOp } from '../../../../src/protocol/apis/44-incremental-alter-configs';
import { applyIncrementalOps } from '../../../../src/server/handlers/ConfigApis';
import { validateTopicConfigs } from '../../../../src/log/TopicConfig';
import { ErrorCode, KafkaError } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, roundTripRequest, roundTripResponse } from './helpers';

function encodeRes(fn: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  fn(w);
  return w.toBuffer();
}

const describeRes: DescribeConfigsResponse = {
  throttleTimeMs: 0,
  results: [
    {
      errorCode: 0,
      errorMessage: null,
      resourceType: 2,
      resourceName: 't',
      configs: [
        {
          name: 'retention.ms',
          value: '1000',
          readOnly: false,
          configSource: ConfigSource.TOPIC_CONFIG,
          isSensitive: false,
          synonyms: [
            { name: 'retention.ms', value: '1000', source: 1 },
            { name: 'log.retention.hours', value: '168', source: 4 },
          ],
        },
        { name: 'segment.bytes', value: '1073741824', readOnly: false, configSource: ConfigSource.DEFAULT_CONFIG, isSensitive: false, synonyms: [] },
      ],
    },
  ],
};

describe('protocol: DescribeConfigs / AlterConfigs / IncrementalAlterConfigs codecs', () => {
  for (const v of [0, 1, 2]) {
    it(`DescribeConfigs v${v}: decodes kafkajs' request and kafkajs decodes our response`, async () => {
      const raw = await kjsRequestBytes('describeConfigs', v, {
        resources: [
          { type: 2, name: 'topic-a', configNames: ['retention.ms'] },
          { type: 4, name: '1' },
        ],
        includeSynonyms: true,
      });
      const req = DescribeConfigsApi.decodeRequest(new Reader(raw), v);
      expect(req.resources).to.deep.equal([
        { resourceType: 2, resourceName: 'topic-a', configurationKeys: ['retention.ms'] },
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ]);
      expect(req.includeSynonyms).to.equal(v >= 1);
      const bytes = encodeRes((w) => DescribeConfigsApi.encodeResponse(w, v, describeRes));
      const kjs = kjsResponse<{
        resources: Array<{
          configEntries: Array<{ configName: string; configValue: string; isDefault?: boolean; configSource?: number; configSynonyms?: unknown[] }>;
        }>;
      }>('describeConfigs', v);
      const decoded = await kjs.decode(bytes);
      const entries = decoded.resources[0].configEntries;
      expect(entries.map((e) => e.configName)).to.deep.equal(['retention.ms', 'segment.bytes']);
      expect(entries[0].configValue).to.equal('1000');
      // Kafka 3.7's broker never sets v0's IsDefault (ConfigHelper fills ConfigSource only, since KAFKA-9432 moved
      // DescribeConfigs to the generated messages): it goes out as false, the schema default, whatever the source.
      if (v === 0) expect(entries.map((e) => e.isDefault)).to.deep.equal([false, false]);
      else {
        expect(entries[0].configSource).to.equal(1);
        expect(entries[0].configSynonyms).to.have.length(2);
      }
      const back = roundTripResponse(DescribeConfigsApi, v, describeRes);
      expect(back.results[0].configs[0].name).to.equal('retention.ms');
    });
  }

  for (const v of [0, 1]) {
    it(`AlterConfigs v${v}: decodes kafkajs' request, round-trips the response`, async () => {
      const raw = await kjsRequestBytes('alterConfigs', v, {
        resources: [{ type: 2, name: 'topic-a', configEntries: [{ name: 'segment.bytes', value: '10000' }] }],
        validateOnly: false,
      });
      const req = AlterConfigsApi.decodeRequest(new Reader(raw), v);
      expect(req).to.deep.equal({
        resources: [{ resourceType: 2, resourceName: 'topic-a', configs: [{ name: 'segment.bytes', value: '10000' }] }],
        validateOnly: false,
      });
      const res = { throttleTimeMs: 0, responses: [{ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'bad', resourceType: 2, resourceName: 'topic-a' }] };
      expect(roundTripResponse(AlterConfigsApi, v, res)).to.deep.equal(res);
    });
  }

  for (const v of [0, 1]) {
    it(`IncrementalAlterConfigs v${v} round-trips (flexible from v1)`, () => {
      const req = {
        resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' }] }],
        validateOnly: true,
      };
      expect(roundTripRequest(IncrementalAlterConfigsApi, v, req)).to.deep.equal(req);
      const res = { throttleTimeMs: 5, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't' }] };
      expect(roundTripResponse(IncrementalAlterConfigsApi, v, res)).to.deep.equal(res);
    });
  }

  it('incremental ops: SET, DELETE, APPEND, SUBTRACT; duplicates and non-list appends refused', () => {
    const cur = { 'retention.ms': '1000', 'cleanup.policy': 'delete' };
    expect(
      applyIncrementalOps(cur, [
        { name: 'retention.ms', configOperation: AlterConfigOp.DELETE, value: null },
        { name: 'segment.bytes', configOperation: AlterConfigOp.SET, value: '2000' },
        { name: 'cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' },
      ]),
    ).to.deep.equal({ 'cleanup.policy': 'delete,compact', 'segment.bytes': '2000' });
    expect(
      applyIncrementalOps({ 'cleanup.policy': 'delete,compact' }, [{ name: 'cleanup.policy', configOperation: AlterConfigOp.SUBTRACT, value: 'delete' }]),
    ).to.deep.equal({ 'cleanup.policy': 'compact' });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as KafkaError).code;
      }
      return 0;
    };
    expect(
      code(() =>
        applyIncrementalOps({}, [
          { name: 'a', configOperation: 0, value: '1' },
          { name: 'a', configOperation: 0, value: '2' },
        ]),
      ),
    ).to.equal(ErrorCode.INVALID_REQUEST);
    expect(code(() => applyIncrementalOps({}, [{ name: 'retention.ms', configOperation: AlterConfigOp.APPEND, value: '1' }]))).to.equal(
      ErrorCode.INVALID_CONFIG,
    );
  });

  it('validation names the key', () => {
    const cases: Array<Record<string, string>> = [{ 'retention.mss': '1' }, { 'segment.bytes': 'abc' }, { 'cleanup.policy': 'shred' }];
    for (const bad of cases) {
      try {
        validateTopicConfigs(bad);
        expect.fail('expected INVALID_CONFIG');
      } catch (e) {
        expect((e as KafkaError).code).to.equal(ErrorCode.INVALID_CONFIG);
        expect((e as Error).message).to.contain(Object.keys(bad)[0]);
      }
    }
  });

  it('declares Kafka 3.7 ranges: DescribeConfigs 0-4 (flexible 4), AlterConfigs 0-2 (flexible 2), IncrementalAlterConfigs 0-1 (flexible 1)', () => {
    expect([DescribeConfigsApi.minVersion, DescribeConfigsApi.maxVersion, DescribeConfigsApi.firstFlexibleVersion]).to.deep.equal([0, 4, 4]);
    expect([AlterConfigsApi.minVersion, AlterConfigsApi.maxVersion, AlterConfigsApi.firstFlexibleVersion]).to.deep.equal([0, 2, 2]);
    expect([IncrementalAlterConfigsApi.minVersion, IncrementalAlterConfigsApi.maxVersion, IncrementalAlterConfigsApi.firstFlexibleVersion]).to.deep.equal([
      0, 1, 1,
    ]);
  });

  const documented: DescribeConfigsResponse = {
    throttleTimeMs: 0,
    results: [
      {
        ...describeRes.results[0],
        configs: describeRes.results[0].configs.map((c) => ({ ...c, configType: 5, documentation: `doc of ${c.name}` })),
      },
    ],
  };

  for (const v of [3, 4]) {
    it(`DescribeConfigs v${v}: IncludeDocumentation in the request, ConfigType and Documentation in the response`, () => {
      const req = { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynonyms: true, includeDocumentation: true };
      expect(roundTripRequest(DescribeConfigsApi, v, req)).to.deep.equal(req);
      expect(roundTripResponse(DescribeConfigsApi, v, documented)).to.deep.equal(documented);
    });
  }

  it('DescribeConfigs v2 drops ConfigType and Documentation (v3+ fields)', () => {
    const back = roundTripResponse(DescribeConfigsApi, 2, documented);
    expect(back.results[0].configs.map((c) => [c.configType, c.documentation])).to.deep.equal([
      [0, ''],
      [0, ''],
    ]);
  });

  it('DescribeConfigs v4 request golden bytes (flexible)', () => {
    const bytes = [/* resources */ 2, 2, /* name */ 2, 0x74, /* keys: null */ 0, /* tags */ 0, /* synonyms */ 1, /* documentation */ 1, 0];
    expect(decodeAll(Buffer.from(bytes), (r) => DescribeConfigsApi.decodeRequest(r, 4))).to.deep.equal({
      resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: true,
    });
  });

  it('AlterConfigs v2 (flexible) round-trips', () => {
    const req = { resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: null }] }], validateOnly: true };
    expect(roundTripRequest(AlterConfigsApi, 2, req)).to.deep.equal(req);
    const res = { throttleTimeMs: 3, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't' }] };
    expect(roundTripResponse(AlterConfigsApi, 2, res)).to.deep.equal(res);
    const bytes = [...bytesOf((w) => AlterConfigsApi.encodeResponse(w, 2, res))];
    expect(bytes).to.deep.equal([0, 0, 0, 3, 2, 0, 0, 0, 2, 2, 0x74, 0, 0]);
  });
});
