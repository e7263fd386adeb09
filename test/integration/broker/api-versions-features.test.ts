import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AllocateProducerIdsApi, ApiVersionsApi, ConsumerGroupHeartbeatApi, EnvelopeApi, UpdateFeaturesApi } from '../../../src/protocol/apis';
import { ApiCodec } from '../../../src/protocol/apis/types';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/**
 * ApiVersions v3's features, and the ZK-mode answers of Kafka 3.7 to the inter-broker and KRaft-era APIs it lists:
 * UpdateFeatures (controller only, and no finalizable feature since brokers register none), AllocateProducerIds
 * (controller, broker epoch checked), Envelope (connection closed without forwarding), ConsumerGroupHeartbeat
 * (UNSUPPORTED_VERSION without the new group coordinator).
 */
describe('integration: ApiVersions features and the KRaft-era APIs of a ZK-mode broker', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;
  let controller: number;
  let other: number;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2 });
    zk = await ZkReader.connect(cluster.connectString);
    controller = await waitFor('a controller and /feature', async () => {
      if (!(await zk.exists('/controller')) || !(await zk.exists('/feature'))) return null;
      return (JSON.parse((await zk.get('/controller')).data!) as { brokerid: number }).brokerid;
    });
    other = controller === 1 ? 2 : 1;
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  async function send<Req, Res>(broker: number, codec: ApiCodec<Req, Res>, v: number, req: Req): Promise<Res> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(broker).port, 'it-features', 10000);
    try {
      return await c.send(codec, v, req);
    } finally {
      c.close();
    }
  }

  it('ApiVersions v3 carries metadata.version 1-19 as supported and the /feature epoch with no finalized feature', async () => {
    const epoch = (await zk.get('/feature')).stat.version;
    for (const b of [1, 2]) {
      const res = await waitFor(`broker ${b} to know /feature`, async () => {
        const r = await send(b, ApiVersionsApi, 3, { clientSoftwareName: 'kafka-zk-ts-test', clientSoftwareVersion: '1.0' });
        return r.finalizedFeaturesEpoch === epoch ? r : null;
      });
      expect(res.errorCode).to.equal(0);
      expect(res.supportedFeatures).to.deep.equal([{ name: 'metadata.version', minVersion: 1, maxVersion: 19 }]);
      expect(res.finalizedFeatures).to.deep.equal([]);
      expect(res.zkMigrationReady).to.equal(false);
    }
  });

  it('ApiVersions v3 with a client software name Kafka does not accept is INVALID_REQUEST', async () => {
    const res = await send(1, ApiVersionsApi, 3, { clientSoftwareName: 'bad name!', clientSoftwareVersion: '1' });
    expect(res.errorCode).to.equal(42);
    expect(res.apiKeys).to.deep.equal([]);
  });

  it('UpdateFeatures: NOT_CONTROLLER elsewhere; the controller finalizes nothing because brokers register no features', async () => {
    const before = await zk.get('/feature');
    const upgrade = {
      timeoutMs: 5000,
      validateOnly: false,
      featureUpdates: [{ feature: 'metadata.version', maxVersionLevel: 19, allowDowngrade: false, upgradeType: 1 }],
    };
    expect((await send(other, UpdateFeaturesApi, 1, upgrade)).errorCode).to.equal(41);
    const res = await send(controller, UpdateFeaturesApi, 1, {
      ...upgrade,
      featureUpdates: [...upgrade.featureUpdates, { feature: 'no.such.feature', maxVersionLevel: 0, allowDowngrade: false, upgradeType: 2 }],
    });
    expect(res.errorCode).to.equal(0);
    expect(res.results).to.deep.equal([
      {
        feature: 'metadata.version',
        errorCode: 42,
        errorMessage: 'Could not apply finalized feature update because brokers were found to have incompatible versions for the feature.',
      },
      { feature: 'no.such.feature', errorCode: 42, errorMessage: 'Can not delete non-existing finalized feature.' },
    ]);
    const after = await zk.get('/feature');
    expect([after.data, after.stat.version]).to.deep.equal([before.data, before.stat.version]);
  });

  it('AllocateProducerIds: the controller checks the broker epoch; other brokers answer NOT_CONTROLLER', async () => {
    // The broker epoch is the czxid of its registration znode.
    const epoch = Number((await zk.get(`/brokers/ids/${other}`)).stat.czxid.readBigInt64BE(0));
    expect((await send(other, AllocateProducerIdsApi, 0, { brokerId: other, brokerEpoch: epoch })).errorCode).to.equal(41);
    expect((await send(controller, AllocateProducerIdsApi, 0, { brokerId: other, brokerEpoch: epoch + 1 })).errorCode).to.equal(77);
    expect((await send(controller, AllocateProducerIdsApi, 0, { brokerId: 99, brokerEpoch: epoch })).errorCode).to.equal(102);
    const ok = await send(controller, AllocateProducerIdsApi, 0, { brokerId: other, brokerEpoch: epoch });
    expect([ok.errorCode, ok.producerIdLen]).to.deep.equal([0, 1000]);
    const block = JSON.parse((await zk.get('/latest_producer_id_block')).data!) as { broker: number; block_start: string };
    expect([block.broker, Number(block.block_start)]).to.deep.equal([other, ok.producerIdStart]);
  });

  it('Envelope closes the connection (no forwarding in ZK mode), and the broker keeps serving', async () => {
    let err: Error | null = null;
    try {
      await send(1, EnvelopeApi, 0, { requestData: Buffer.alloc(4), requestPrincipal: null, clientHostAddress: Buffer.from([127, 0, 0, 1]) });
    } catch (e) {
      err = e as Error;
    }
    expect(err, 'the broker closed the connection').to.not.equal(null);
    expect((await send(1, ApiVersionsApi, 2, { clientSoftwareName: '', clientSoftwareVersion: '' })).errorCode).to.equal(0);
  });

  it('ConsumerGroupHeartbeat is answered UNSUPPORTED_VERSION, as by a 3.7 broker without the new group coordinator', async () => {
    const res = await send(1, ConsumerGroupHeartbeatApi, 0, { groupId: 'g', memberId: '', memberEpoch: 0 });
    expect(res.errorCode).to.equal(35);
  });
});
