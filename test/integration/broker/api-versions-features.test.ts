import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AllocateProducerIdsApi, ApiVersionsApi, ConsumerGroupHeartbeatApi, EnvelopeApi, UpdateFeaturesApi } from '../../../src/protocol/apis';
import { ApiCodec } from '../../../src/protocol/apis/types';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

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

/**
 * Kafka 3.7's ZK-broker ApiVersions (every API whose schema lists zkBroker, at its stable range), less the APIs of the
 * features later issues build (SASL, transactions, ACLs, delegation tokens, quotas, SCRAM): each line as
 * kafka-broker-api-versions prints it.
 */
const KAFKA_37_SERVED: ReadonlyArray<[number, string, number, number]> = [
  [0, 'Produce', 0, 10],
  [1, 'Fetch', 0, 16],
  [2, 'ListOffsets', 0, 8],
  [3, 'Metadata', 0, 12],
  [4, 'LeaderAndIsr', 0, 7],
  [5, 'StopReplica', 0, 4],
  [6, 'UpdateMetadata', 0, 8],
  [7, 'ControlledShutdown', 0, 3],
  [8, 'OffsetCommit', 0, 9],
  [9, 'OffsetFetch', 0, 9],
  [10, 'FindCoordinator', 0, 4],
  [11, 'JoinGroup', 0, 9],
  [12, 'Heartbeat', 0, 4],
  [13, 'LeaveGroup', 0, 5],
  [14, 'SyncGroup', 0, 5],
  [15, 'DescribeGroups', 0, 5],
  [16, 'ListGroups', 0, 4],
  [17, 'SaslHandshake', 0, 1],
  [18, 'ApiVersions', 0, 3],
  [19, 'CreateTopics', 0, 7],
  [20, 'DeleteTopics', 0, 6],
  [21, 'DeleteRecords', 0, 2],
  [22, 'InitProducerId', 0, 4],
  [23, 'OffsetForLeaderEpoch', 0, 4],
  [24, 'AddPartitionsToTxn', 0, 4],
  [25, 'AddOffsetsToTxn', 0, 3],
  [26, 'EndTxn', 0, 3],
  [27, 'WriteTxnMarkers', 0, 1],
  [28, 'TxnOffsetCommit', 0, 3],
  [29, 'DescribeAcls', 0, 3],
  [30, 'CreateAcls', 0, 3],
  [31, 'DeleteAcls', 0, 3],
  [32, 'DescribeConfigs', 0, 4],
  [33, 'AlterConfigs', 0, 2],
  [34, 'AlterReplicaLogDirs', 0, 2],
  [35, 'DescribeLogDirs', 0, 4],
  [36, 'SaslAuthenticate', 0, 2],
  [37, 'CreatePartitions', 0, 3],
  [38, 'CreateDelegationToken', 0, 3],
  [39, 'RenewDelegationToken', 0, 2],
  [40, 'ExpireDelegationToken', 0, 2],
  [41, 'DescribeDelegationToken', 0, 3],
  [42, 'DeleteGroups', 0, 2],
  [43, 'ElectLeaders', 0, 2],
  [44, 'IncrementalAlterConfigs', 0, 1],
  [45, 'AlterPartitionReassignments', 0, 0],
  [46, 'ListPartitionReassignments', 0, 0],
  [47, 'OffsetDelete', 0, 0],
  [48, 'DescribeClientQuotas', 0, 1],
  [49, 'AlterClientQuotas', 0, 1],
  [50, 'DescribeUserScramCredentials', 0, 0],
  [51, 'AlterUserScramCredentials', 0, 0],
  [56, 'AlterPartition', 0, 3],
  [57, 'UpdateFeatures', 0, 1],
  [58, 'Envelope', 0, 0],
  [60, 'DescribeCluster', 0, 1],
  [61, 'DescribeProducers', 0, 0],
  [65, 'DescribeTransactions', 0, 0],
  [66, 'ListTransactions', 0, 0],
  [67, 'AllocateProducerIds', 0, 0],
  [68, 'ConsumerGroupHeartbeat', 0, 0],
];
/** Listed by the 3.7 tool (ApiKeys.clientApis) but not served yet: later issues, KRaft-only, or unstable in 3.7. */
const NOT_SERVED: ReadonlyArray<[number, string]> = [
  [55, 'DescribeQuorum'],
  [64, 'UnregisterBroker'],
  [69, 'ConsumerGroupDescribe'],
  [71, 'GetTelemetrySubscriptions'],
  [72, 'PushTelemetry'],
  [74, 'ListClientMetricsResources'],
];

describe('integration: the advertised APIs are Kafka 3.7 ZK-broker ranges', function () {
  this.timeout(120000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('ApiVersions lists exactly the 3.7 ranges of every API served', async () => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-api-list', 10000);
    try {
      const res = await c.send(ApiVersionsApi, 3, { clientSoftwareName: 'it', clientSoftwareVersion: '1' });
      expect(res.apiKeys.map((a) => [a.apiKey, a.minVersion, a.maxVersion])).to.deep.equal(KAFKA_37_SERVED.map(([k, , lo, hi]) => [k, lo, hi]));
    } finally {
      c.close();
    }
  });

  it('kafka-broker-api-versions prints what it prints against a 3.7 broker for each of them', async () => {
    const r = await runTool('kafka-broker-api-versions', ['--bootstrap-server', cluster.bootstrap.join(',')]);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.match(/^127\.0\.0\.1:\d+ \(id: 1 rack: null\) -> \($/);
    const expected = [
      ...KAFKA_37_SERVED.map(([k, name, lo, hi]): [number, string] => [k, `${name}(${k}): ${lo === hi ? `${lo}` : `${lo} to ${hi}`} [usable: ${hi}]`]),
      ...NOT_SERVED.map(([k, name]): [number, string] => [k, `${name}(${k}): UNSUPPORTED`]),
    ]
      .sort((a, b) => a[0] - b[0])
      .map(([, s]) => `\t${s}`);
    expect(lines.slice(1, 1 + expected.length)).to.deep.equal(expected.map((s, i) => (i < expected.length - 1 ? `${s},` : s)));
    expect(lines[1 + expected.length]).to.equal(')');
  });
});
