import { expect } from 'chai';
import { Partition } from '../../../../src/cluster/Partition';
import type { Log } from '../../../../src/log/Log';
import type { LeaderAndIsrPartitionState } from '../../../../src/protocol/apis/04-leader-and-isr';
import { ApiKey } from '../../../../src/protocol/apiKeys';
import { KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { ControllerGauges, KafkaMetrics, ReplicaManagerGauges } from '../../../../src/server/metrics/KafkaMetrics';

/** The value of the one sample line `name{labels} value` (labels as printed, '' for none); undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels === '' ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

function leaderState(leader: number, isr: number[], replicas: number[]): LeaderAndIsrPartitionState {
  return {
    topicName: 't',
    partitionIndex: 0,
    controllerEpoch: 1,
    leader,
    leaderEpoch: 0,
    isr,
    partitionEpoch: 0,
    replicas,
    addingReplicas: [],
    removingReplicas: [],
    isNew: false,
    leaderRecoveryState: 0,
  };
}

describe('KafkaMetrics (the JMX exporter names of Kafka MBeans, in a registry per broker)', () => {
  it('counts MessagesIn and BytesIn per topic and for all topics (the series without a topic label)', async () => {
    const m = new KafkaMetrics();
    const s = m.brokerTopicStats;
    s.markProduceRequest('orders');
    s.markAppend('orders', 3, 300);
    s.markProduceRequest('orders');
    s.markAppend('orders', 2, 150);
    s.markProduceRequest('clicks');
    s.markAppend('clicks', 10, 1000);
    const text = await m.metrics();
    expect(text).to.include('# TYPE kafka_server_brokertopicmetrics_messagesin_total counter');
    expect(text).to.include('# HELP kafka_server_brokertopicmetrics_messagesin_total kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec');
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total')).to.equal(15);
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="orders"')).to.equal(5);
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="clicks"')).to.equal(10);
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesin_total')).to.equal(1450);
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesin_total', 'topic="orders"')).to.equal(450);
    expect(sample(text, 'kafka_server_brokertopicmetrics_totalproducerequests_total', 'topic="orders"')).to.equal(2);
    // A meter is exported once marked (Kafka creates each MBean lazily); the all-topics ones always are.
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesout_total', 'topic="orders"')).to.equal(undefined);
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesout_total')).to.equal(0);
  });

  it('books a consumer fetch in BytesOut per topic and a follower fetch in ReplicationBytesOut only', async () => {
    const m = new KafkaMetrics();
    m.brokerTopicStats.updateBytesOut('orders', false, 700);
    m.brokerTopicStats.updateBytesOut('orders', true, 500);
    m.brokerTopicStats.updateReplicationBytesIn(250);
    const text = await m.metrics();
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesout_total', 'topic="orders"')).to.equal(700);
    expect(sample(text, 'kafka_server_brokertopicmetrics_bytesout_total')).to.equal(700);
    expect(sample(text, 'kafka_server_brokertopicmetrics_replicationbytesout_total')).to.equal(500);
    expect(sample(text, 'kafka_server_brokertopicmetrics_replicationbytesin_total')).to.equal(250);
  });

  it("removes a deleted topic's series (BrokerTopicStats.removeMetrics) and keeps the all-topics counts", async () => {
    const m = new KafkaMetrics();
    m.brokerTopicStats.markAppend('gone', 4, 40);
    m.brokerTopicStats.updateBytesOut('gone', false, 40);
    m.brokerTopicStats.markAppend('kept', 1, 10);
    m.brokerTopicStats.removeMetrics('gone');
    const text = await m.metrics();
    expect(text).not.to.include('topic="gone"');
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="kept"')).to.equal(1);
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total')).to.equal(5);
    // A topic re-created under the same name starts from 0.
    m.brokerTopicStats.markAppend('gone', 2, 20);
    expect(sample(await m.metrics(), 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="gone"')).to.equal(2);
  });

  it('drops only the leader meters of a topic the broker now only follows (removeOldLeaderMetrics)', async () => {
    const m = new KafkaMetrics();
    m.brokerTopicStats.markProduceRequest('t');
    m.brokerTopicStats.markAppend('t', 4, 40);
    m.brokerTopicStats.markFetchRequest('t');
    m.brokerTopicStats.removeOldLeaderMetrics('t');
    const text = await m.metrics();
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="t"')).to.equal(undefined);
    expect(sample(text, 'kafka_server_brokertopicmetrics_totalproducerequests_total', 'topic="t"')).to.equal(undefined);
    expect(sample(text, 'kafka_server_brokertopicmetrics_totalfetchrequests_total', 'topic="t"')).to.equal(1);
    expect(sample(text, 'kafka_server_brokertopicmetrics_messagesin_total')).to.equal(4);
  });

  it('counts requests per API and version, with Fetch also as FetchConsumer or FetchFollower, and TotalTimeMs as a summary', async () => {
    const m = new KafkaMetrics();
    const r = m.requestMetrics;
    r.requestCompleted(ApiKey.Produce, 9, false, 10);
    r.requestCompleted(ApiKey.Produce, 9, false, 30);
    r.requestCompleted(ApiKey.Produce, 7, false, 20);
    r.requestCompleted(ApiKey.Fetch, 16, true, 500);
    r.requestCompleted(ApiKey.Fetch, 13, false, 2);
    r.requestCompleted(ApiKey.Metadata, 12, false, 1);
    const text = await m.metrics();
    expect(text).to.include('# TYPE kafka_network_requestmetrics_requests_total counter');
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="Produce",version="9"')).to.equal(2);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="Produce",version="7"')).to.equal(1);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="Fetch",version="16"')).to.equal(1);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="Fetch",version="13"')).to.equal(1);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="FetchFollower",version="16"')).to.equal(1);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="FetchConsumer",version="13"')).to.equal(1);
    expect(sample(text, 'kafka_network_requestmetrics_requests_total', 'request="Metadata",version="12"')).to.equal(1);

    expect(text).to.include('# TYPE kafka_network_requestmetrics_totaltimems summary');
    for (const q of ['0.5', '0.75', '0.95', '0.98', '0.99', '0.999']) {
      expect(sample(text, 'kafka_network_requestmetrics_totaltimems', `quantile="${q}",request="Produce"`), `quantile ${q}`).to.be.within(10, 30);
    }
    expect(sample(text, 'kafka_network_requestmetrics_totaltimems', 'quantile="0.5",request="FetchFollower"')).to.equal(500);
    expect(sample(text, 'kafka_network_requestmetrics_totaltimems_count', 'request="Produce"')).to.equal(3);
    expect(sample(text, 'kafka_network_requestmetrics_totaltimems_sum', 'request="Produce"')).to.equal(60);
    expect(sample(text, 'kafka_network_requestmetrics_totaltimems_count', 'request="Fetch"')).to.equal(2);
  });

  it('serves ZooKeeperRequestLatencyMs as a summary without labels', async () => {
    const m = new KafkaMetrics();
    for (const ms of [1, 2, 3, 4]) m.observeZooKeeperLatency(ms);
    const text = await m.metrics();
    expect(text).to.include('# TYPE kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms summary');
    expect(sample(text, 'kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms_count')).to.equal(4);
    expect(sample(text, 'kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms_sum')).to.equal(10);
    expect(sample(text, 'kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms', 'quantile="0.999"')).to.equal(4);
  });

  it("counts the ZooKeeper client's session events (SessionExpireListener meters)", async () => {
    const m = new KafkaMetrics();
    const zk = { sessionEvents: { syncConnects: 1, disconnects: 0, expires: 0 } };
    m.registerZooKeeperClient(zk);
    zk.sessionEvents.disconnects = 2;
    zk.sessionEvents.expires = 1;
    zk.sessionEvents.syncConnects = 3;
    const text = await m.metrics();
    expect(text).to.include('# TYPE kafka_server_sessionexpirelistener_zookeeperexpires_total counter');
    expect(sample(text, 'kafka_server_sessionexpirelistener_zookeepersyncconnects_total')).to.equal(3);
    expect(sample(text, 'kafka_server_sessionexpirelistener_zookeeperdisconnects_total')).to.equal(2);
    expect(sample(text, 'kafka_server_sessionexpirelistener_zookeeperexpires_total')).to.equal(1);
  });

  it('computes the ReplicaManager gauges when scraped', async () => {
    const m = new KafkaMetrics();
    let under = 0;
    const rm: ReplicaManagerGauges = {
      partitionCount: () => 7,
      leaderCount: () => 3,
      underReplicatedPartitionCount: () => under,
      underMinIsrPartitionCount: () => 0,
      atMinIsrPartitionCount: () => 1,
    };
    m.registerReplicaManager(rm);
    let text = await m.metrics();
    expect(text).to.include('# TYPE kafka_server_replicamanager_partitioncount gauge');
    expect(sample(text, 'kafka_server_replicamanager_partitioncount')).to.equal(7);
    expect(sample(text, 'kafka_server_replicamanager_leadercount')).to.equal(3);
    expect(sample(text, 'kafka_server_replicamanager_underreplicatedpartitions')).to.equal(0);
    expect(sample(text, 'kafka_server_replicamanager_atminisrpartitioncount')).to.equal(1);
    under = 2;
    text = await m.metrics();
    expect(sample(text, 'kafka_server_replicamanager_underreplicatedpartitions')).to.equal(2);
  });

  it('reports the controller gauges only on the active controller (0 elsewhere)', async () => {
    const m = new KafkaMetrics();
    let active = false;
    const controller: ControllerGauges = {
      isActive: () => active,
      ctx: {
        offlinePartitionCount: () => 2,
        preferredReplicaImbalanceCount: () => 1,
        partitionWithLeadersCount: () => 12,
        allTopics: new Set(['a', 'b']),
        topicsToBeDeleted: new Set<string>(),
        liveBrokers: new Map([
          [1, {}],
          [2, {}],
        ]),
        stats: { uncleanLeaderElections: 1 },
      },
    };
    m.registerController(controller);
    let text = await m.metrics();
    expect(sample(text, 'kafka_controller_kafkacontroller_activecontrollercount')).to.equal(0);
    expect(sample(text, 'kafka_controller_kafkacontroller_offlinepartitionscount')).to.equal(0);
    active = true;
    text = await m.metrics();
    expect(sample(text, 'kafka_controller_kafkacontroller_activecontrollercount')).to.equal(1);
    expect(sample(text, 'kafka_controller_kafkacontroller_offlinepartitionscount')).to.equal(2);
    expect(sample(text, 'kafka_controller_kafkacontroller_preferredreplicaimbalancecount')).to.equal(1);
    expect(sample(text, 'kafka_controller_kafkacontroller_globaltopiccount')).to.equal(2);
    expect(sample(text, 'kafka_controller_kafkacontroller_globalpartitioncount')).to.equal(12);
    expect(sample(text, 'kafka_controller_kafkacontroller_activebrokercount')).to.equal(2);
    expect(sample(text, 'kafka_controller_controllerstats_uncleanleaderelections_total')).to.equal(1);
  });

  it('counts the ISR expansions and shrinks a Partition applies (AlterPartitionListener)', async () => {
    const m = new KafkaMetrics();
    const log = { logEndOffset: 0, logStartOffset: 0, updateHighWatermark: () => undefined } as unknown as Log;
    const p = new Partition('t', 0, 1, log, 0, m.replicaManagerMeters);
    p.applyLeaderState(leaderState(1, [1, 2, 3], [1, 2, 3]), Date.now());
    p.pendingIsrChange = { newIsr: [1, 2], leaderEpoch: 0, partitionEpoch: 0 };
    p.applyIsrChange([1, 2], 1);
    p.pendingIsrChange = { newIsr: [1, 2, 3], leaderEpoch: 0, partitionEpoch: 1 };
    p.applyIsrChange([1, 2, 3], 2);
    p.pendingIsrChange = { newIsr: [1, 3], leaderEpoch: 0, partitionEpoch: 2 };
    p.alterPartitionFailed();
    const text = await m.metrics();
    expect(sample(text, 'kafka_server_replicamanager_isrshrinks_total')).to.equal(1);
    expect(sample(text, 'kafka_server_replicamanager_isrexpands_total')).to.equal(1);
    expect(sample(text, 'kafka_server_replicamanager_failedisrupdates_total')).to.equal(1);
    expect(p.pendingIsrChange).to.equal(null);
  });

  it('keeps each broker in its own registry', async () => {
    const a = new KafkaMetrics();
    const b = new KafkaMetrics();
    a.brokerTopicStats.markAppend('t', 1, 1);
    expect(sample(await a.metrics(), 'kafka_server_brokertopicmetrics_messagesin_total')).to.equal(1);
    expect(sample(await b.metrics(), 'kafka_server_brokertopicmetrics_messagesin_total')).to.equal(0);
  });

  it('adds the Node process metrics when asked (the JVM metrics of the JMX exporter, for Node)', async () => {
    expect(await new KafkaMetrics().metrics()).not.to.include('process_cpu_user_seconds_total');
    expect(await new KafkaMetrics({ defaultMetrics: true }).metrics()).to.include('process_cpu_user_seconds_total');
  });

  it('serves the broker state gauge', async () => {
    const m = new KafkaMetrics();
    m.registerBrokerState(() => 3);
    expect(sample(await m.metrics(), 'kafka_server_kafkaserver_brokerstate')).to.equal(3);
  });
});

describe('metrics.prometheus.* broker configs', () => {
  const base = { 'zookeeper.connect': 'localhost:2181' };

  it('are off by default, on 127.0.0.1', () => {
    const c = KafkaConfig.fromProps(base);
    expect(c.metricsPrometheusPort).to.equal(0);
    expect(c.metricsPrometheusHost).to.equal('127.0.0.1');
  });

  it('take a port and a host', () => {
    const c = KafkaConfig.fromProps({ ...base, 'metrics.prometheus.port': '7071', 'metrics.prometheus.host': '0.0.0.0' });
    expect(c.metricsPrometheusPort).to.equal(7071);
    expect(c.metricsPrometheusHost).to.equal('0.0.0.0');
  });

  it('refuse a port outside 0..65535 or not a number, with a clear message', () => {
    expect(() => KafkaConfig.fromProps({ ...base, 'metrics.prometheus.port': '70000' })).to.throw(
      'Invalid value 70000 for configuration metrics.prometheus.port: Value must be no more than 65535',
    );
    expect(() => KafkaConfig.fromProps({ ...base, 'metrics.prometheus.port': '-1' })).to.throw('Value must be at least 0');
    expect(() => KafkaConfig.fromProps({ ...base, 'metrics.prometheus.port': 'http' })).to.throw('metrics.prometheus.port');
  });
});
