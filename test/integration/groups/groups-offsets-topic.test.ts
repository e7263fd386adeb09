/**
 * Issue 5: a cluster with fewer live brokers than offsets.topic.replication.factor cannot create
 * __consumer_offsets, so FindCoordinator answers COORDINATOR_NOT_AVAILABLE and the broker logs Kafka's
 * explanation (KafkaApis.createInternalTopic in ZK mode), every time it is asked.
 */
import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { FindCoordinatorApi } from '../../../src/protocol/apis';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

const LINE =
  "Number of alive brokers '1' does not meet the required replication factor '3' for the offsets topic (configured via 'offsets.topic.replication.factor'). This error can be ignored if the cluster is starting up and not all brokers are up yet.";

describe('integration: offsets topic with too few brokers', function () {
  this.timeout(60000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1, overrides: { 'offsets.topic.replication.factor': '3' } });
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('FindCoordinator answers COORDINATOR_NOT_AVAILABLE (15) and logs the replication-factor error', async () => {
    const b = cluster.broker(1);
    const client = new NetworkClient('127.0.0.1', b.port, 'it-offsets-rf', 5000);
    try {
      for (const version of [0, 1, 2]) {
        const res = await client.send(FindCoordinatorApi, version, { key: 'some-group', keyType: 0, coordinatorKeys: [] });
        expect(res.errorCode, `v${version}`).to.equal(15);
        expect(res.nodeId).to.equal(-1);
        if (version >= 1) expect(res.errorMessage).to.equal('The coordinator is not available.');
      }
    } finally {
      client.close();
    }
    // The broker's log reaches us through its stdout pipe, possibly after the responses.
    const lines = await waitFor(
      '3 replication-factor errors in the broker log',
      async () => {
        const found = b.output.filter((l) => l.includes(LINE));
        return found.length >= 3 && found;
      },
      10000,
      50,
    );
    expect(lines, b.output.slice(-20).join('\n')).to.have.length(3);
    expect(lines[0]).to.match(/^\[[^\]]+\] ERROR \[KafkaApi-1\] Number of alive brokers '1' .* \(kafka\.server\.KafkaApis\)$/);
    // Nothing was created.
    const zk = await ZkReader.connect(cluster.connectString);
    try {
      expect(await zk.exists('/brokers/topics/__consumer_offsets')).to.equal(false);
    } finally {
      zk.close();
    }
  });
});
