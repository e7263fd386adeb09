import { expect } from 'chai';
import * as net from 'net';
import { RequestContext } from '../../../src/network/RequestContext';
import { SocketServer } from '../../../src/network/SocketServer';
import { ApiVersionsApi, DescribeClusterApi } from '../../../src/protocol/apis';
import { encodeResponse, isFlexible } from '../../../src/protocol/apis/types';
import { Reader } from '../../../src/protocol/Reader';
import {
  formatReplication,
  formatStatus,
  parseArgs,
  prettyPrintTable,
  QuorumInfo,
  quorumInfoFromResponse,
  relativeTimeMs,
  run,
} from '../../../src/cli/kafka-metadata-quorum';

const NOW = 1_765_000_000_000;

function quorum(): QuorumInfo {
  return {
    leaderId: 3002,
    leaderEpoch: 7,
    highWatermark: 1234,
    voters: [
      { replicaId: 3001, logEndOffset: 1230, lastFetchTimestamp: NOW - 40, lastCaughtUpTimestamp: NOW - 500 },
      { replicaId: 3002, logEndOffset: 1235, lastFetchTimestamp: NOW, lastCaughtUpTimestamp: NOW },
      { replicaId: 3003, logEndOffset: 1235, lastFetchTimestamp: NOW - 10, lastCaughtUpTimestamp: NOW - 10 },
    ],
    observers: [
      { replicaId: 1, logEndOffset: 1235, lastFetchTimestamp: NOW - 5, lastCaughtUpTimestamp: NOW - 5 },
      { replicaId: 2, logEndOffset: 1100, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1 },
    ],
  };
}

async function runTool(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
    1500,
  );
  return { code, out, err };
}

describe('cli: kafka-metadata-quorum (MetadataQuorumCommand)', () => {
  it('--status prints the eight lines of 3.7, voters as [3001,3002,3003]', () => {
    expect(formatStatus('MkU3OEVBNTcwNTJENDM2Qg', quorum())).to.deep.equal([
      'ClusterId:              MkU3OEVBNTcwNTJENDM2Qg',
      'LeaderId:               3002',
      'LeaderEpoch:            7',
      'HighWatermark:          1234',
      'MaxFollowerLag:         5',
      'MaxFollowerLagTimeMs:   500',
      'CurrentVoters:          [3001,3002,3003]',
      'CurrentObservers:       [1,2]',
    ]);
  });

  it('MaxFollowerLagTimeMs is 0 when the leader is the most lagging voter, -1 when a caught-up time is unknown', () => {
    const q = quorum();
    q.voters = [q.voters[1]];
    expect(formatStatus('x', q)[4]).to.equal('MaxFollowerLag:         0');
    expect(formatStatus('x', q)[5]).to.equal('MaxFollowerLagTimeMs:   0');
    const q2 = quorum();
    q2.voters[0].lastCaughtUpTimestamp = -1;
    expect(formatStatus('x', q2)[5]).to.equal('MaxFollowerLagTimeMs:   -1');
    q2.observers = [];
    expect(formatStatus('x', q2)[7]).to.equal('CurrentObservers:       []');
  });

  it('--replication prints leader, followers, observers with prettyPrintTable padding and tabs', () => {
    const lines = formatReplication(quorum(), false);
    expect(lines).to.deep.equal([
      'NodeId\tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t',
      `3002  \t1235        \t0  \t${NOW}     \t${NOW}        \tLeader  \t`,
      `3001  \t1230        \t5  \t${NOW - 40}     \t${NOW - 500}        \tFollower\t`,
      `3003  \t1235        \t0  \t${NOW - 10}     \t${NOW - 10}        \tFollower\t`,
      `1     \t1235        \t0  \t${NOW - 5}     \t${NOW - 5}        \tObserver\t`,
      '2     \t1100        \t135\t-1                \t-1                   \tObserver\t',
    ]);
  });

  it('--human-readable shows "N ms ago" and refuses timestamps from the future (clock drift)', () => {
    const lines = formatReplication(quorum(), true, NOW);
    expect(lines[2]).to.match(/^3001\s+\t1230\s+\t5\s+\t40 ms ago\s+\t500 ms ago\s+\tFollower\t$/);
    expect(lines[5]).to.match(/\t-1\s+\t-1\s+\tObserver\t$/);
    expect(relativeTimeMs(NOW - 5000, 'test', NOW)).to.equal(5000);
    expect(() => relativeTimeMs(NOW + 86_400_000, 'last fetch', NOW)).to.throw(
      /possible drift in system clock.\nCurrent timestamp is \d+, last fetch timestamp/,
    );
    expect(() => relativeTimeMs(-86_400_000, 'test', NOW)).to.throw(/possible drift/);
  });

  it('prettyPrintTable widens a column to its longest cell', () => {
    expect(prettyPrintTable(['a', 'bb'], [['ccc', 'd']])).to.deep.equal(['a  \tbb\t', 'ccc\td \t']);
  });

  it('checks the response as the admin client does', () => {
    const part = { partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 2, highWatermark: 3, currentVoters: [], observers: [] };
    expect(quorumInfoFromResponse({ errorCode: 0, topics: [{ topicName: '__cluster_metadata', partitions: [part] }] }).leaderEpoch).to.equal(2);
    expect(() => quorumInfoFromResponse({ errorCode: 0, topics: [] })).to.throw('DescribeMetadataQuorum received 0 topics when 1 was expected');
    expect(() => quorumInfoFromResponse({ errorCode: 0, topics: [{ topicName: 'x', partitions: [part] }] })).to.throw(
      'DescribeMetadataQuorum received a topic with name x when __cluster_metadata was expected',
    );
    expect(() => quorumInfoFromResponse({ errorCode: 0, topics: [{ topicName: '__cluster_metadata', partitions: [{ ...part, errorCode: 6 }] }] })).to.throw(
      /not the current leader/,
    );
  });

  it('parses the connection options and the describe sub-command like argparse4j', () => {
    expect(parseArgs(['--bootstrap-server', 'h:1', 'describe', '--status'])).to.include({ bootstrapServer: 'h:1', status: true, replication: false });
    expect(parseArgs(['--bootstrap-controller', 'h:2', 'describe', '--replication', '--human-readable'])).to.include({
      bootstrapController: 'h:2',
      replication: true,
      humanReadable: true,
    });
    expect(() => parseArgs(['describe', '--status'])).to.throw('one of the arguments --bootstrap-server --bootstrap-controller is required');
    expect(() => parseArgs(['--bootstrap-server', 'a:1', '--bootstrap-controller', 'b:2', 'describe'])).to.throw(/not allowed with argument/);
  });

  it('answers bad option combinations with 3.7 messages and exit code 1', async () => {
    let r = await runTool(['--bootstrap-server', 'localhost:9092', 'describe']);
    expect(r).to.deep.equal({ code: 1, out: [], err: ['One of --status or --replication must be specified with describe sub-command'] });
    r = await runTool(['--bootstrap-server', 'localhost:9092', 'describe', '--status', '--replication']);
    expect(r.err).to.deep.equal(['Only one of --status or --replication should be specified with describe sub-command']);
    r = await runTool(['--bootstrap-server', 'localhost:9092', 'describe', '--status', '--human-readable']);
    expect(r.err).to.deep.equal(['The option --human-readable is only supported along with --replication']);
    r = await runTool(['--bootstrap-server', 'localhost:9092', '--command-config', 'admin.properties', 'describe']);
    expect(r.err).to.deep.equal(['Properties file admin.properties does not exists!']);
    r = await runTool(['--bootstrap-server', 'localhost:9092', 'frobnicate']);
    expect(r.code).to.equal(1);
    expect(r.err[1]).to.equal("kafka-metadata-quorum: error: argument command: invalid choice: 'frobnicate' (choose from 'describe')");
  });

  it('times out with a clear error when nothing answers', async () => {
    // A port that refuses connections: bind, read the port, close.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runTool(['--bootstrap-server', `127.0.0.1:${port}`, 'describe', '--status']);
    expect(r.code).to.equal(1);
    expect(r.err[0]).to.equal('org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeCluster');
  });

  it('stops at once with UnsupportedVersionException on a node without DescribeQuorum (a ZooKeeper-mode broker)', async () => {
    // A broker that serves ApiVersions and DescribeCluster but has no metadata quorum, as a ZooKeeper-mode one.
    const server = new SocketServer(1, 1 << 20, 0, {
      isFlexible: (key, v) => (key === 18 ? isFlexible(ApiVersionsApi, v) : key === 60 ? isFlexible(DescribeClusterApi, v) : undefined),
      handle: async (ctx: RequestContext, body: Reader) => {
        const v = ctx.header.apiVersion;
        if (ctx.header.apiKey === 18) {
          ApiVersionsApi.decodeRequest(body, v);
          return encodeResponse(ApiVersionsApi, v, {
            errorCode: 0,
            throttleTimeMs: 0,
            apiKeys: [
              { apiKey: 18, minVersion: 0, maxVersion: 3 },
              { apiKey: 60, minVersion: 0, maxVersion: 1 },
            ],
          });
        }
        DescribeClusterApi.decodeRequest(body, v);
        return encodeResponse(DescribeClusterApi, v, {
          throttleTimeMs: 0,
          errorCode: 0,
          errorMessage: null,
          endpointType: 1,
          clusterId: 'zk-cluster-id',
          controllerId: 1,
          brokers: [],
          clusterAuthorizedOperations: -2147483648,
        });
      },
    });
    await server.startup([{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);
    try {
      const port = server.boundPorts.get('PLAINTEXT')!;
      const t0 = Date.now();
      const r = await runTool(['--bootstrap-server', `127.0.0.1:${port}`, 'describe', '--status']);
      expect(r.code).to.equal(1);
      expect(r.err).to.deep.equal([
        'org.apache.kafka.common.errors.UnsupportedVersionException: The node does not support DESCRIBE_QUORUM. Call: describeMetadataQuorum',
      ]);
      expect(Date.now() - t0).to.be.below(1500);
    } finally {
      await server.shutdown();
    }
  });
});
