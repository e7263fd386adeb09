import { expect } from 'chai';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeQuorumApi } from '../../../src/protocol/apis/55-describe-quorum';
import { runTool } from '../cli/cliSupport';

const JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="controller-secret" user_controller="controller-secret";';
const QUORUM = { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] };

/**
 * The CONTROLLER listener over SASL_PLAINTEXT (sasl.mechanism.controller.protocol=PLAIN): the voters' Raft traffic, the
 * broker's registration, heartbeats, metadata fetches and forwarded admin requests all authenticate with the controller
 * listener's JAAS credentials, as Kafka 3.7's RaftManager and NodeToControllerChannelManager do; a client that does not
 * authenticate is refused.
 */
describe('integration: KRaft controller listener over SASL (PLAIN)', function () {
  this.timeout(90000);
  let cluster: KRaftTestCluster;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 2,
      brokers: 1,
      overrides: {
        'listener.security.protocol.map': 'CONTROLLER:SASL_PLAINTEXT,PLAINTEXT:PLAINTEXT',
        'sasl.mechanism.controller.protocol': 'PLAIN',
        'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
        'listener.name.controller.plain.sasl.jaas.config': JAAS,
        'offsets.topic.replication.factor': '1',
      },
      controllerClientSecurity: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'controller', password: 'controller-secret' } },
    });
  });

  after(async () => {
    await cluster?.shutdown();
  });

  it('the quorum elects a leader and the broker registers over SASL; forwarded CreateTopics works', async () => {
    const active = await cluster.activeController();
    expect(cluster.controllerIds).to.include(active.id);
    const create = await runTool('kafka-topics', [
      '--bootstrap-server',
      cluster.bootstrap(),
      '--create',
      '--topic',
      'over-sasl',
      '--partitions',
      '2',
      '--replication-factor',
      '1',
    ]);
    expect(create.code, create.stderr).to.equal(0);
    const describe = await runTool('kafka-topics', ['--bootstrap-server', cluster.bootstrap(), '--describe', '--topic', 'over-sasl']);
    expect(describe.stdout).to.match(/Topic: over-sasl\s+TopicId: \S+\s+PartitionCount: 2/);
  });

  it('a client that does not authenticate, or with a wrong password, is refused by the controller listener', async () => {
    const port = cluster.node(cluster.controllerIds[0]).controllerPort;
    const plain = new NetworkClient('127.0.0.1', port, 'no-sasl', 3000, 3000, { protocol: 'PLAINTEXT' });
    const wrong = new NetworkClient('127.0.0.1', port, 'wrong', 3000, 3000, {
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'PLAIN', username: 'controller', password: 'nope' },
    });
    try {
      const e1 = await plain.send(DescribeQuorumApi, 1, QUORUM).then(
        () => null,
        (e: Error) => e,
      );
      expect(e1, 'unauthenticated DescribeQuorum').to.not.equal(null);
      const e2 = await wrong.send(DescribeQuorumApi, 1, QUORUM).then(
        () => null,
        (e: Error) => e,
      );
      expect(e2?.message).to.match(/Authentication failed/i);
    } finally {
      plain.close();
      wrong.close();
    }
  });
});
