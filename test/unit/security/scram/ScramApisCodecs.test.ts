/**
 * Golden bytes for DescribeUserScramCredentials (50) and AlterUserScramCredentials (51) v0, written field by field from
 * Kafka 3.7's JSON schemas (flexible from v0: compact strings/arrays/bytes as uvarint N+1, a tag section ending each
 * struct), independently of our Writer, and checked in both directions.
 */
import { expect } from 'chai';
import { AlterUserScramCredentialsApi, DescribeUserScramCredentialsApi } from '../../../../src/protocol/apis';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import { bytesOf, decodeAll } from '../../protocol/apis/helpers';

const i8 = (v: number): number[] => [v & 0xff];
const i16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const cstr = (s: string): number[] => [s.length + 1, ...Buffer.from(s)];
const cbytes = (b: Buffer): number[] => [b.length + 1, ...b];
const carr = (n: number): number[] => [n + 1];
const NULL = 0x00;
const TAGS = 0x00;
const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

function golden<Req, Res>(codec: ApiCodec<Req, Res>, kind: 'request' | 'response', value: Req | Res, expected: number[]): void {
  const bytes = bytesOf((w) => (kind === 'request' ? codec.encodeRequest(w, 0, value as Req) : codec.encodeResponse(w, 0, value as Res)));
  expect(bytes.toString('hex'), `${kind} bytes`).to.equal(hex(expected));
  const decoded = decodeAll(Buffer.from(expected), (r) => (kind === 'request' ? codec.decodeRequest(r, 0) : codec.decodeResponse(r, 0)));
  expect(decoded, kind).to.deep.equal(value);
}

describe('DescribeUserScramCredentials / AlterUserScramCredentials codecs (v0, flexible)', () => {
  it('serve v0 only, as Kafka 3.7', () => {
    expect([DescribeUserScramCredentialsApi.apiKey, DescribeUserScramCredentialsApi.minVersion, DescribeUserScramCredentialsApi.maxVersion]).to.deep.equal([
      50, 0, 0,
    ]);
    expect([AlterUserScramCredentialsApi.apiKey, AlterUserScramCredentialsApi.minVersion, AlterUserScramCredentialsApi.maxVersion]).to.deep.equal([51, 0, 0]);
  });

  it('DescribeUserScramCredentials request (named users, or null for all) and response', () => {
    golden(DescribeUserScramCredentialsApi, 'request', { users: [{ name: 'alice' }] }, [...carr(1), ...cstr('alice'), TAGS, TAGS]);
    golden(DescribeUserScramCredentialsApi, 'request', { users: null }, [NULL, TAGS]);
    golden(
      DescribeUserScramCredentialsApi,
      'response',
      {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        results: [
          { user: 'alice', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 8192 }] },
          { user: 'x', errorCode: 91, errorMessage: 'nf', credentialInfos: [] },
        ],
      },
      [
        ...i32(0),
        ...i16(0),
        NULL,
        ...carr(2),
        ...cstr('alice'),
        ...i16(0),
        NULL,
        ...carr(1),
        ...i8(1),
        ...i32(8192),
        TAGS,
        TAGS,
        ...cstr('x'),
        ...i16(91),
        ...cstr('nf'),
        ...carr(0),
        TAGS,
        TAGS,
      ],
    );
  });

  it('AlterUserScramCredentials request (deletions, upsertions with salt and salted password) and response', () => {
    const salt = Buffer.from('s1');
    const salted = Buffer.from([1, 2, 3]);
    golden(
      AlterUserScramCredentialsApi,
      'request',
      { deletions: [{ name: 'bob', mechanism: 2 }], upsertions: [{ name: 'alice', mechanism: 1, iterations: 4096, salt, saltedPassword: salted }] },
      [...carr(1), ...cstr('bob'), ...i8(2), TAGS, ...carr(1), ...cstr('alice'), ...i8(1), ...i32(4096), ...cbytes(salt), ...cbytes(salted), TAGS, TAGS],
    );
    golden(AlterUserScramCredentialsApi, 'response', { throttleTimeMs: 5, results: [{ user: 'alice', errorCode: 93, errorMessage: 'Too few iterations' }] }, [
      ...i32(5),
      ...carr(1),
      ...cstr('alice'),
      ...i16(93),
      ...cstr('Too few iterations'),
      TAGS,
      TAGS,
    ]);
  });
});
