/**
 * Golden bytes for the APIs new in issue 12: DescribeCluster 0-1, DescribeLogDirs 0-4, AlterReplicaLogDirs 0-2
 * and DescribeProducers 0. Expected bytes are written field by field from the Kafka 3.7 JSON schemas (classic
 * strings int16-prefixed, arrays int32-counted; compact ones uvarint N+1; every flexible struct ends with a tag
 * section), independently of our Writer, and checked in both directions. A decoded message carries every field
 * of its description: fields a version lacks come back at their defaults.
 */
import { expect } from 'chai';
import { DescribeClusterApi, DescribeClusterRequest, DescribeClusterResponse } from '../../../../src/protocol/apis/60-describe-cluster';
import { DescribeLogDirsApi, DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../../../src/protocol/apis/35-describe-log-dirs';
import { AlterReplicaLogDirsApi, AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse } from '../../../../src/protocol/apis/34-alter-replica-log-dirs';
import { DescribeProducersApi, DescribeProducersRequest, DescribeProducersResponse } from '../../../../src/protocol/apis/61-describe-producers';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import { bytesOf, decodeAll } from './helpers';

const i8 = (v: number): number[] => [v & 0xff];
const i16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const i64 = (v: number): number[] => [...Buffer.from(BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0'), 'hex')];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const str = (s: string): number[] => [...i16(s.length), ...ascii(s)];
const cstr = (s: string): number[] => [s.length + 1, ...ascii(s)];
const arr = (n: number): number[] => i32(n);
const carr = (n: number): number[] => [n + 1];
const bool = (b: boolean): number[] => [b ? 1 : 0];
const NULL_COMPACT = 0x00;
const TAGS = 0x00;
const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

function goldenRequest<Req, Res>(codec: ApiCodec<Req, Res>, v: number, value: Req, expected: number[]): void {
  expect(bytesOf((w) => codec.encodeRequest(w, v, value)).toString('hex'), `v${v} request bytes`).to.equal(hex(expected));
  expect(
    decodeAll(Buffer.from(expected), (r) => codec.decodeRequest(r, v)),
    `v${v} request`,
  ).to.deep.equal(value);
}
function goldenResponse<Req, Res>(codec: ApiCodec<Req, Res>, v: number, value: Res, expected: number[]): void {
  expect(bytesOf((w) => codec.encodeResponse(w, v, value)).toString('hex'), `v${v} response bytes`).to.equal(hex(expected));
  expect(
    decodeAll(Buffer.from(expected), (r) => codec.decodeResponse(r, v)),
    `v${v} response`,
  ).to.deep.equal(value);
}

describe('DescribeCluster, DescribeLogDirs, AlterReplicaLogDirs, DescribeProducers codecs', () => {
  it('serve Kafka 3.7 ranges: DescribeCluster 0-1, DescribeLogDirs 0-4 (flexible 2+), AlterReplicaLogDirs 0-2 (flexible 2+), DescribeProducers 0', () => {
    expect([DescribeClusterApi.apiKey, DescribeClusterApi.minVersion, DescribeClusterApi.maxVersion, DescribeClusterApi.firstFlexibleVersion]).to.deep.equal([
      60, 0, 1, 0,
    ]);
    expect([DescribeLogDirsApi.apiKey, DescribeLogDirsApi.minVersion, DescribeLogDirsApi.maxVersion, DescribeLogDirsApi.firstFlexibleVersion]).to.deep.equal([
      35, 0, 4, 2,
    ]);
    expect([
      AlterReplicaLogDirsApi.apiKey,
      AlterReplicaLogDirsApi.minVersion,
      AlterReplicaLogDirsApi.maxVersion,
      AlterReplicaLogDirsApi.firstFlexibleVersion,
    ]).to.deep.equal([34, 0, 2, 2]);
    expect([
      DescribeProducersApi.apiKey,
      DescribeProducersApi.minVersion,
      DescribeProducersApi.maxVersion,
      DescribeProducersApi.firstFlexibleVersion,
    ]).to.deep.equal([61, 0, 0, 0]);
  });

  it('DescribeCluster v0 and v1: EndpointType only from v1 (default 1 = brokers)', () => {
    goldenRequest<DescribeClusterRequest, DescribeClusterResponse>(DescribeClusterApi, 0, { includeClusterAuthorizedOperations: true, endpointType: 1 }, [
      ...bool(true),
      TAGS,
    ]);
    goldenRequest<DescribeClusterRequest, DescribeClusterResponse>(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 }, [
      ...bool(false),
      ...i8(2),
      TAGS,
    ]);
    const res: DescribeClusterResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: 'abc',
      controllerId: 1,
      brokers: [
        { brokerId: 1, host: 'h', port: 9092, rack: 'r1' },
        { brokerId: 2, host: 'h', port: 9093, rack: null },
      ],
      clusterAuthorizedOperations: 8096,
    };
    const brokers = [...carr(2), ...i32(1), ...cstr('h'), ...i32(9092), ...cstr('r1'), TAGS, ...i32(2), ...cstr('h'), ...i32(9093), NULL_COMPACT, TAGS];
    goldenResponse(DescribeClusterApi, 1, res, [...i32(0), ...i16(0), NULL_COMPACT, ...i8(1), ...cstr('abc'), ...i32(1), ...brokers, ...i32(8096), TAGS]);
    goldenResponse(DescribeClusterApi, 0, { ...res, clusterAuthorizedOperations: -2147483648 }, [
      ...i32(0),
      ...i16(0),
      NULL_COMPACT,
      ...cstr('abc'),
      ...i32(1),
      ...brokers,
      ...i32(-2147483648),
      TAGS,
    ]);
    // An error answer (MISMATCHED_ENDPOINT_TYPE) with its message.
    const err: DescribeClusterResponse = {
      ...res,
      errorCode: 114,
      errorMessage: 'no',
      clusterId: '',
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: -2147483648,
    };
    goldenResponse(DescribeClusterApi, 1, err, [
      ...i32(0),
      ...i16(114),
      ...cstr('no'),
      ...i8(1),
      ...cstr(''),
      ...i32(-1),
      ...carr(0),
      ...i32(-2147483648),
      TAGS,
    ]);
  });

  it('DescribeLogDirs v0-v4 requests: a topic list or null (all partitions)', () => {
    const req: DescribeLogDirsRequest = { topics: [{ topic: 't', partitions: [0, 3] }] };
    for (const v of [0, 1]) {
      goldenRequest(DescribeLogDirsApi, v, req, [...arr(1), ...str('t'), ...arr(2), ...i32(0), ...i32(3)]);
      goldenRequest(DescribeLogDirsApi, v, { topics: null }, [...i32(-1)]);
    }
    for (const v of [2, 3, 4]) {
      goldenRequest(DescribeLogDirsApi, v, req, [...carr(1), ...cstr('t'), ...carr(2), ...i32(0), ...i32(3), TAGS, TAGS]);
      goldenRequest(DescribeLogDirsApi, v, { topics: null }, [NULL_COMPACT, TAGS]);
    }
  });

  it('DescribeLogDirs responses: v3 adds the top-level ErrorCode, v4 TotalBytes and UsableBytes (default -1)', () => {
    const partition = { partitionIndex: 3, partitionSize: 5_000_000_000, offsetLag: 7, isFutureKey: true };
    const res = (v: number): DescribeLogDirsResponse => ({
      throttleTimeMs: 0,
      errorCode: v >= 3 ? 31 : 0,
      results: [
        { errorCode: 0, logDir: '/d', topics: [{ name: 't', partitions: [partition] }], totalBytes: v >= 4 ? 1 << 30 : -1, usableBytes: v >= 4 ? 12345 : -1 },
        { errorCode: 56, logDir: '/e', topics: [], totalBytes: -1, usableBytes: -1 },
      ],
    });
    const classicPartition = [...i32(3), ...i64(5_000_000_000), ...i64(7), ...bool(true)];
    for (const v of [0, 1]) {
      goldenResponse(DescribeLogDirsApi, v, res(v), [
        ...i32(0),
        ...arr(2),
        ...i16(0),
        ...str('/d'),
        ...arr(1),
        ...str('t'),
        ...arr(1),
        ...classicPartition,
        ...i16(56),
        ...str('/e'),
        ...arr(0),
      ]);
    }
    for (const v of [2, 3, 4]) {
      const sizes = (total: number, usable: number) => (v >= 4 ? [...i64(total), ...i64(usable)] : []);
      goldenResponse(DescribeLogDirsApi, v, res(v), [
        ...i32(0),
        ...(v >= 3 ? i16(31) : []),
        ...carr(2),
        ...i16(0),
        ...cstr('/d'),
        ...carr(1),
        ...cstr('t'),
        ...carr(1),
        ...classicPartition,
        TAGS,
        TAGS,
        ...sizes(1 << 30, 12345),
        TAGS,
        ...i16(56),
        ...cstr('/e'),
        ...carr(0),
        ...sizes(-1, -1),
        TAGS,
        TAGS,
      ]);
    }
  });

  it('AlterReplicaLogDirs v0-v2 request and response', () => {
    const req: AlterReplicaLogDirsRequest = { dirs: [{ path: '/b', topics: [{ name: 't', partitions: [0, 1] }] }] };
    const res: AlterReplicaLogDirsResponse = {
      throttleTimeMs: 0,
      results: [
        {
          topicName: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: 57 },
          ],
        },
      ],
    };
    for (const v of [0, 1]) {
      goldenRequest(AlterReplicaLogDirsApi, v, req, [...arr(1), ...str('/b'), ...arr(1), ...str('t'), ...arr(2), ...i32(0), ...i32(1)]);
      goldenResponse(AlterReplicaLogDirsApi, v, res, [...i32(0), ...arr(1), ...str('t'), ...arr(2), ...i32(0), ...i16(0), ...i32(1), ...i16(57)]);
    }
    goldenRequest(AlterReplicaLogDirsApi, 2, req, [...carr(1), ...cstr('/b'), ...carr(1), ...cstr('t'), ...carr(2), ...i32(0), ...i32(1), TAGS, TAGS, TAGS]);
    goldenResponse(AlterReplicaLogDirsApi, 2, res, [
      ...i32(0),
      ...carr(1),
      ...cstr('t'),
      ...carr(2),
      ...i32(0),
      ...i16(0),
      TAGS,
      ...i32(1),
      ...i16(57),
      TAGS,
      TAGS,
      TAGS,
    ]);
  });

  it('DescribeProducers v0 request and response', () => {
    const req: DescribeProducersRequest = { topics: [{ name: 't', partitionIndexes: [0, 2] }] };
    goldenRequest(DescribeProducersApi, 0, req, [...carr(1), ...cstr('t'), ...carr(2), ...i32(0), ...i32(2), TAGS, TAGS]);
    const res: DescribeProducersResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              errorMessage: null,
              activeProducers: [
                { producerId: 4000, producerEpoch: 0, lastSequence: 14, lastTimestamp: 1700000000000, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
              ],
            },
            { partitionIndex: 2, errorCode: 6, errorMessage: null, activeProducers: [] },
          ],
        },
      ],
    };
    goldenResponse(DescribeProducersApi, 0, res, [
      ...i32(0),
      ...carr(1),
      ...cstr('t'),
      ...carr(2),
      ...i32(0),
      ...i16(0),
      NULL_COMPACT,
      ...carr(1),
      ...i64(4000),
      ...i32(0),
      ...i32(14),
      ...i64(1700000000000),
      ...i32(-1),
      ...i64(-1),
      TAGS,
      TAGS,
      ...i32(2),
      ...i16(6),
      NULL_COMPACT,
      ...carr(0),
      TAGS,
      TAGS,
      TAGS,
    ]);
  });
});
