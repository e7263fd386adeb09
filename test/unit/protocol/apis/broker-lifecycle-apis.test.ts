/**
 * The KRaft broker lifecycle APIs (KIP-631): BrokerRegistration (62), BrokerHeartbeat (63), UnregisterBroker (64).
 * Version tables, round trips of every version, and golden bytes written by hand from Kafka 3.7's schemas.
 */
import { expect } from 'chai';
import { BrokerRegistrationApi, BrokerRegistrationRequest } from '../../../../src/protocol/apis/62-broker-registration';
import { BrokerHeartbeatApi, BrokerHeartbeatRequest } from '../../../../src/protocol/apis/63-broker-heartbeat';
import { UnregisterBrokerApi } from '../../../../src/protocol/apis/64-unregister-broker';
import { API_CODECS } from '../../../../src/protocol/apis';
import { bytesOf, roundTripRequest, roundTripResponse } from './helpers';

describe('KRaft broker lifecycle API codecs (keys 62-64)', () => {
  it('declare Kafka 3.7 version ranges, all flexible', () => {
    expect([
      BrokerRegistrationApi.apiKey,
      BrokerRegistrationApi.minVersion,
      BrokerRegistrationApi.maxVersion,
      BrokerRegistrationApi.firstFlexibleVersion,
    ]).to.deep.equal([62, 0, 3, 0]);
    expect([BrokerHeartbeatApi.apiKey, BrokerHeartbeatApi.minVersion, BrokerHeartbeatApi.maxVersion, BrokerHeartbeatApi.firstFlexibleVersion]).to.deep.equal([
      63, 0, 1, 0,
    ]);
    expect([UnregisterBrokerApi.apiKey, UnregisterBrokerApi.minVersion, UnregisterBrokerApi.maxVersion]).to.deep.equal([64, 0, 0]);
    for (const key of [62, 63, 64]) expect(API_CODECS.get(key), `codec ${key}`).to.not.equal(undefined);
  });

  it('BrokerRegistration round-trips every version, with the fields each version has', () => {
    const base: BrokerRegistrationRequest = {
      brokerId: 1,
      clusterId: 'J8qXRwI-Qyi2G0guFTiuYw',
      incarnationId: Buffer.alloc(16, 7),
      listeners: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }],
      features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
      rack: null,
    };
    expect(roundTripRequest(BrokerRegistrationApi, 0, base)).to.deep.equal(base);
    expect(roundTripRequest(BrokerRegistrationApi, 1, { ...base, isMigratingZkBroker: true })).to.deep.equal({ ...base, isMigratingZkBroker: true });
    const v3 = { ...base, rack: 'r1', isMigratingZkBroker: false, logDirs: [Buffer.alloc(16, 1)], previousBrokerEpoch: 42 };
    expect(roundTripRequest(BrokerRegistrationApi, 3, v3)).to.deep.equal(v3);
    expect(roundTripResponse(BrokerRegistrationApi, 3, { throttleTimeMs: 0, errorCode: 0, brokerEpoch: 17 })).to.deep.equal({
      throttleTimeMs: 0,
      errorCode: 0,
      brokerEpoch: 17,
    });
  });

  it('BrokerHeartbeat v0 request bytes are as Kafka 3.7 writes them', () => {
    const req: BrokerHeartbeatRequest = { brokerId: 2, brokerEpoch: 9, currentMetadataOffset: 300, wantFence: false, wantShutDown: true };
    const expected = Buffer.from([
      ...[0, 0, 0, 2], // BrokerId
      ...[0, 0, 0, 0, 0, 0, 0, 9], // BrokerEpoch
      ...[0, 0, 0, 0, 0, 0, 1, 44], // CurrentMetadataOffset
      0, // WantFence
      1, // WantShutDown
      0, // no tagged fields
    ]);
    expect(bytesOf((w) => BrokerHeartbeatApi.encodeRequest(w, 0, req))).to.deep.equal(expected);
    const v1 = { ...req, offlineLogDirs: [Buffer.alloc(16, 3)] };
    expect(roundTripRequest(BrokerHeartbeatApi, 1, v1)).to.deep.equal(v1);
    const res = { throttleTimeMs: 0, errorCode: 0, isCaughtUp: true, isFenced: false, shouldShutDown: false };
    expect(roundTripResponse(BrokerHeartbeatApi, 1, res)).to.deep.equal(res);
  });

  it('UnregisterBroker round-trips', () => {
    expect(roundTripRequest(UnregisterBrokerApi, 0, { brokerId: 4 })).to.deep.equal({ brokerId: 4 });
    const res = { throttleTimeMs: 0, errorCode: 69, errorMessage: 'Broker 4 not found.' };
    expect(roundTripResponse(UnregisterBrokerApi, 0, res)).to.deep.equal(res);
  });
});
