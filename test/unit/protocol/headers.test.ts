import { expect } from 'chai';
import { ApiKey } from '../../../src/protocol/apiKeys';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  peekRequestPrefix,
  RequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../../src/protocol/headers';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';
import { kjsRequestBytes } from './apis/helpers';

const enc = (fn: (w: Writer) => void): number[] => {
  const w = new Writer();
  fn(w);
  return [...w.toBuffer()];
};

describe('headers', () => {
  const h: RequestHeader = { apiKey: 3, apiVersion: 6, correlationId: 0x01020304, clientId: 'ab' };

  describe('request header', () => {
    it('v0: api_key, api_version, correlation_id only', () => {
      const bytes = [0, 7, 0, 0, 1, 2, 3, 4];
      expect(enc((w) => encodeRequestHeader(w, { ...h, apiKey: 7, apiVersion: 0 }, 0))).to.deep.equal(bytes);
      expect(decodeRequestHeader(new Reader(Buffer.from(bytes)), 0)).to.deep.equal({
        apiKey: 7,
        apiVersion: 0,
        correlationId: 0x01020304,
        clientId: null,
      });
    });

    it('v1: adds client_id as an int16-length nullable string', () => {
      const bytes = [0, 3, 0, 6, 1, 2, 3, 4, 0, 2, 0x61, 0x62];
      expect(enc((w) => encodeRequestHeader(w, h, 1))).to.deep.equal(bytes);
      expect(decodeRequestHeader(new Reader(Buffer.from(bytes)), 1)).to.deep.equal(h);
      const nul = [0, 3, 0, 6, 1, 2, 3, 4, 0xff, 0xff];
      expect(enc((w) => encodeRequestHeader(w, { ...h, clientId: null }, 1))).to.deep.equal(nul);
      expect(decodeRequestHeader(new Reader(Buffer.from(nul)), 1).clientId).to.equal(null);
    });

    it('v2: client_id keeps its int16 length, then a tag section (unknown tags skipped)', () => {
      const bytes = [0, 18, 0, 3, 1, 2, 3, 4, 0, 2, 0x61, 0x62, 0];
      const v2 = { ...h, apiKey: 18, apiVersion: 3 };
      expect(enc((w) => encodeRequestHeader(w, v2, 2))).to.deep.equal(bytes);
      const r = new Reader(Buffer.from([0, 18, 0, 3, 1, 2, 3, 4, 0, 2, 0x61, 0x62, 1, 0, 2, 9, 9, 0x55]));
      expect(decodeRequestHeader(r, 2)).to.deep.equal(v2);
      expect(r.int8()).to.equal(0x55);
    });

    it('decodes the header of a real kafkajs request frame (v1) and leaves the body', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const build = require('kafkajs/src/protocol/request') as (a: object) => Promise<{ buffer: Buffer }>;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const factory = require('kafkajs/src/protocol/requests/metadata/v6/request') as (a: object) => object;
      const frame = (await build({ correlationId: 42, clientId: 'my-app', request: factory({ topics: ['t'] }) })).buffer;
      expect(frame.readInt32BE(0)).to.equal(frame.length - 4);
      const payload = frame.subarray(4);
      expect(peekRequestPrefix(payload)).to.deep.equal({ apiKey: 3, apiVersion: 6, correlationId: 42 });
      const r = new Reader(payload);
      expect(decodeRequestHeader(r, requestHeaderVersion(3, 6, false))).to.deep.equal({
        apiKey: 3,
        apiVersion: 6,
        correlationId: 42,
        clientId: 'my-app',
      });
      expect(payload.subarray(r.offset)).to.deep.equal(await kjsRequestBytes('metadata', 6, { topics: ['t'] }));
    });

    it('peekRequestPrefix needs 8 bytes', () => {
      expect(() => peekRequestPrefix(Buffer.alloc(7))).to.throw(RangeError);
    });
  });

  describe('header version selection', () => {
    it('request: v0 only for ControlledShutdown v0, v2 when flexible, else v1', () => {
      expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0, false)).to.equal(0);
      expect(requestHeaderVersion(ApiKey.ControlledShutdown, 1, false)).to.equal(1);
      expect(requestHeaderVersion(ApiKey.ControlledShutdown, 3, true)).to.equal(2);
      expect(requestHeaderVersion(ApiKey.Metadata, 0, false)).to.equal(1);
      expect(requestHeaderVersion(ApiKey.ApiVersions, 3, true)).to.equal(2);
    });

    it('response: v1 when flexible, but ApiVersions always v0 (KIP-511)', () => {
      expect(responseHeaderVersion(ApiKey.Fetch, false)).to.equal(0);
      expect(responseHeaderVersion(ApiKey.LeaderAndIsr, true)).to.equal(1);
      expect(responseHeaderVersion(ApiKey.ApiVersions, true)).to.equal(0);
      expect(responseHeaderVersion(ApiKey.ApiVersions, false)).to.equal(0);
    });
  });

  describe('response header', () => {
    it('v0: correlation_id only', () => {
      expect(enc((w) => encodeResponseHeader(w, -2, 0))).to.deep.equal([0xff, 0xff, 0xff, 0xfe]);
      expect(decodeResponseHeader(new Reader(Buffer.from([0, 0, 1, 0])), 0)).to.equal(256);
    });

    it('v1: correlation_id and an empty tag section; unknown tags skipped on input', () => {
      expect(enc((w) => encodeResponseHeader(w, 5, 1))).to.deep.equal([0, 0, 0, 5, 0]);
      const r = new Reader(Buffer.from([0, 0, 0, 5, 1, 3, 1, 0xee, 0x77]));
      expect(decodeResponseHeader(r, 1)).to.equal(5);
      expect(r.int8()).to.equal(0x77);
    });
  });
});
