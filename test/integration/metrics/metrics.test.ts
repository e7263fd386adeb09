import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';

/** One scrape: `name{labels}` as printed (or `name`) -> value. */
type Scrape = Map<string, number>;

function parse(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** The TCP ports a process listens on, from /proc (its socket inodes among the LISTEN entries of /proc/net/tcp*). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9])) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/**
 * Every broker's Prometheus endpoint (metrics.prometheus.port), scraped over HTTP from a real 3-broker cluster:
 * the JMX exporter's names for Kafka's MBeans count what kafkajs produced, per topic and for all topics; the
 * ReplicaManager and controller gauges match the cluster; a SIGKILLed follower shows as ISR shrinks and
 * under-replicated partitions on the leader and, once its session expires, an offline RF-1 partition on the
 * controller; a broker without the key binds no metrics port.
 */
describe('integration: the brokers’ Prometheus metrics', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const metricsPorts = new Map<number, number>();
  let controller = -1;
  let victim = -1;
  let x = -1; // a surviving broker, leader of m-a-0, m-b-0 (victim follows both)
  let y = -1; // the other survivor

  const scrape = async (id: number): Promise<Scrape> => {
    const res = await fetch(`http://127.0.0.1:${metricsPorts.get(id)}/metrics`);
    expect(res.status).to.equal(200);
    return parse(await res.text());
  };
  const value = (s: Scrape, key: string): number => s.get(key) ?? 0;

  before(async () => {
    for (const id of [1, 2, 3]) metricsPorts.set(id, await freePort());
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: {
        // The leader shrinks the ISR of a silent follower after 3 s, well before its 10 s session expires and the
        // controller takes it out of the ISRs itself (that path is no IsrShrink on the leader, in Kafka neither).
        'replica.lag.time.max.ms': '3000',
        'zookeeper.session.timeout.ms': '10000',
      },
      brokerOverrides: Object.fromEntries([...metricsPorts].map(([id, port]) => [id, { 'metrics.prometheus.port': String(port) }])),
    });
    controller = (await cluster.metadata()).controllerId;
    victim = [3, 2, 1].find((id) => id !== controller)!;
    [x, y] = [1, 2, 3].filter((id) => id !== victim);
    kafka = new Kafka({ clientId: 'it-metrics', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'm-a',
          replicaAssignment: [
            { partition: 0, replicas: [x, victim, y] },
            { partition: 1, replicas: [y, victim, x] },
            { partition: 2, replicas: [victim, x, y] },
          ],
        },
        {
          topic: 'm-b',
          replicaAssignment: [
            { partition: 0, replicas: [x, victim] },
            { partition: 1, replicas: [y, x] },
          ],
        },
        { topic: 'm-rf1', replicaAssignment: [{ partition: 0, replicas: [victim] }] },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('serve the ReplicaManager and controller gauges matching the cluster; exactly one broker is the active controller', async () => {
    // Partitions per broker, leaders and replicas, from the assignment above (the first replica leads a new topic).
    const expected = new Map<number, { partitions: number; leaders: number }>();
    const assignment = [[x, victim, y], [y, victim, x], [victim, x, y], [x, victim], [y, x], [victim]];
    for (const id of [1, 2, 3]) {
      expected.set(id, { partitions: assignment.filter((r) => r.includes(id)).length, leaders: assignment.filter((r) => r[0] === id).length });
    }
    // LeaderAndIsr and the followers' first fetches take a moment: wait for the steady state.
    await waitFor(
      'every broker to host its partitions with full ISRs',
      async () => {
        for (const id of [1, 2, 3]) {
          const s = await scrape(id);
          if (value(s, 'kafka_server_replicamanager_partitioncount') !== expected.get(id)!.partitions) return false;
          if (value(s, 'kafka_server_replicamanager_underreplicatedpartitions') !== 0) return false;
        }
        return true;
      },
      30000,
    );
    const scrapes = new Map<number, Scrape>();
    for (const id of [1, 2, 3]) scrapes.set(id, await scrape(id));
    for (const id of [1, 2, 3]) {
      const s = scrapes.get(id)!;
      expect(value(s, 'kafka_server_replicamanager_leadercount'), `leadercount of broker ${id}`).to.equal(expected.get(id)!.leaders);
      expect(value(s, 'kafka_server_kafkaserver_brokerstate'), `brokerstate of broker ${id}`).to.equal(3);
      expect(value(s, 'kafka_server_sessionexpirelistener_zookeepersyncconnects_total'), `ZooKeeper connects of broker ${id}`).to.be.at.least(1);
      expect(value(s, 'kafka_server_sessionexpirelistener_zookeeperexpires_total')).to.equal(0);
    }
    const active = [1, 2, 3].filter((id) => scrapes.get(id)!.get('kafka_controller_kafkacontroller_activecontrollercount') === 1);
    expect(active).to.deep.equal([controller]);
    for (const id of [1, 2, 3]) {
      if (id !== controller) expect(scrapes.get(id)!.get('kafka_controller_kafkacontroller_activecontrollercount')).to.equal(0);
    }
    const c = scrapes.get(controller)!;
    expect(value(c, 'kafka_controller_kafkacontroller_globaltopiccount')).to.equal(3);
    expect(value(c, 'kafka_controller_kafkacontroller_globalpartitioncount')).to.equal(6);
    expect(value(c, 'kafka_controller_kafkacontroller_offlinepartitionscount')).to.equal(0);
    expect(value(c, 'kafka_controller_kafkacontroller_activebrokercount')).to.equal(3);
  });

  it('count the records kafkajs produced per topic and for all topics, on the leaders', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const produced: Array<{ topic: string; partition: number; count: number }> = [
      { topic: 'm-a', partition: 0, count: 10 },
      { topic: 'm-a', partition: 1, count: 12 },
      { topic: 'm-a', partition: 2, count: 8 },
      { topic: 'm-b', partition: 0, count: 5 },
      { topic: 'm-b', partition: 1, count: 7 },
    ];
    for (const p of produced) {
      const messages = Array.from({ length: p.count }, (_, i) => ({ partition: p.partition, value: `${p.topic}-${p.partition}-${i}` }));
      // Half in one batch, the rest one by one: MessagesIn counts records, not batches or requests.
      const half = Math.floor(p.count / 2);
      await producer.send({ topic: p.topic, acks: -1, messages: messages.slice(0, half) });
      for (const m of messages.slice(half)) await producer.send({ topic: p.topic, acks: -1, messages: [m] });
    }
    await producer.disconnect();
    const leaderOf: Record<string, number[]> = { 'm-a': [x, y, victim], 'm-b': [x, y] };

    const scrapes = new Map<number, Scrape>();
    for (const id of [1, 2, 3]) scrapes.set(id, await scrape(id));
    let allTopics = 0;
    for (const id of [1, 2, 3]) {
      const s = scrapes.get(id)!;
      for (const topic of ['m-a', 'm-b']) {
        const led = produced.filter((p) => p.topic === topic && leaderOf[topic][p.partition] === id).reduce((n, p) => n + p.count, 0);
        const key = `kafka_server_brokertopicmetrics_messagesin_total{topic="${topic}"}`;
        expect(value(s, key), `${key} on broker ${id}`).to.equal(led);
        if (led > 0) expect(value(s, `kafka_server_brokertopicmetrics_bytesin_total{topic="${topic}"}`)).to.be.greaterThan(0);
      }
      // The series without a label is every topic's: here the two topics' sum on this broker.
      const perTopic = ['m-a', 'm-b'].reduce((n, t) => n + value(s, `kafka_server_brokertopicmetrics_messagesin_total{topic="${t}"}`), 0);
      expect(value(s, 'kafka_server_brokertopicmetrics_messagesin_total'), `all topics on broker ${id}`).to.equal(perTopic);
      const bytesPerTopic = ['m-a', 'm-b'].reduce((n, t) => n + value(s, `kafka_server_brokertopicmetrics_bytesin_total{topic="${t}"}`), 0);
      expect(value(s, 'kafka_server_brokertopicmetrics_bytesin_total')).to.equal(bytesPerTopic);
      allTopics += value(s, 'kafka_server_brokertopicmetrics_messagesin_total');
    }
    expect(allTopics).to.equal(produced.reduce((n, p) => n + p.count, 0));
    // Followers replicated what the leaders took in.
    expect(value(scrapes.get(victim)!, 'kafka_server_brokertopicmetrics_replicationbytesin_total')).to.be.greaterThan(0);
  });

  it('count requests per API and version: Produce, Fetch (consumer and follower), Metadata; time them', async () => {
    const before = await scrape(x);
    const r = await kcat(['-b', cluster.bootstrap.join(','), '-C', '-t', 'm-b', '-o', 'beginning', '-e', '-q'], { timeoutMs: 30000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.have.length(12);
    const after = await waitFor('the consumer fetches to be counted on broker x', async () => {
      const s = await scrape(x);
      const sum = (sc: Scrape, request: string) =>
        [...sc].filter(([k]) => k.startsWith(`kafka_network_requestmetrics_requests_total{request="${request}",`)).reduce((n, [, v]) => n + v, 0);
      return sum(s, 'FetchConsumer') > sum(before, 'FetchConsumer') && sum(s, 'Fetch') > sum(before, 'Fetch') ? s : null;
    });
    const requests = (request: string) =>
      [...after].filter(([k]) => k.startsWith(`kafka_network_requestmetrics_requests_total{request="${request}",version="`));
    for (const api of ['Produce', 'Fetch', 'FetchFollower', 'FetchConsumer', 'Metadata', 'ApiVersions']) {
      expect(
        requests(api).reduce((n, [, v]) => n + v, 0),
        `${api} requests`,
      ).to.be.greaterThan(0);
    }
    // kafkajs 2.2.4 produces with Produce v7; librdkafka (kcat) fetches with a version of its own choice.
    expect(value(after, 'kafka_network_requestmetrics_requests_total{request="Produce",version="7"}')).to.be.greaterThan(0);
    expect(value(after, 'kafka_network_requestmetrics_totaltimems_count{request="Produce"}')).to.equal(requests('Produce').reduce((n, [, v]) => n + v, 0));
    expect(value(after, 'kafka_network_requestmetrics_totaltimems_sum{request="Produce"}')).to.be.greaterThan(0);
    for (const q of ['0.5', '0.75', '0.95', '0.98', '0.99', '0.999'])
      expect(after.has(`kafka_network_requestmetrics_totaltimems{quantile="${q}",request="Produce"}`)).to.equal(true);
    // Bytes a consumer fetched count as BytesOut of the topic; the followers' in ReplicationBytesOut.
    expect(value(after, 'kafka_server_brokertopicmetrics_bytesout_total{topic="m-b"}')).to.be.greaterThan(0);
    expect(value(after, 'kafka_server_brokertopicmetrics_replicationbytesout_total')).to.be.greaterThan(0);
    expect(value(after, 'kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms_count')).to.be.greaterThan(0);
  });

  it('answer 404 off /metrics', async () => {
    for (const path of ['/nope', '/', '/metrics/extra']) {
      const res = await fetch(`http://127.0.0.1:${metricsPorts.get(x)}${path}`);
      expect(res.status, path).to.equal(404);
      await res.text();
    }
  });

  it('stop a broker at start-up when its metrics port is taken, naming the key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-metrics-busy-'));
    try {
      const taken = metricsPorts.get(x)!;
      const res = await cluster.runBrokerToExit(
        [
          cluster.broker(x).propsFile,
          '--override',
          'broker.id=9',
          '--override',
          `listeners=PLAINTEXT://127.0.0.1:${await freePort()}`,
          '--override',
          `log.dirs=${path.join(dir, 'data')}`,
          '--override',
          `metrics.prometheus.port=${taken}`,
        ],
        { LOG_DIR: dir },
      );
      expect(res.code).to.equal(1);
      expect(res.out).to.include(`Prometheus metrics endpoint failed to bind to 127.0.0.1:${taken} (metrics.prometheus.port): Address already in use`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('show a SIGKILLed follower as ISR shrinks and under-replicated partitions on the leader, then an offline partition on the controller', async () => {
    const pid = cluster.broker(victim).proc!.pid!;
    expect(listeningPorts(pid)).to.deep.equal([cluster.broker(victim).port, metricsPorts.get(victim)!].sort((a, b) => a - b));
    const before = await scrape(x);
    await cluster.stopBroker(victim, 'SIGKILL');
    // The leader x shrinks m-a-0 and m-b-0 after replica.lag.time.max.ms (3 s), through the controller.
    await waitFor(
      `broker ${x} to shrink the ISRs the killed broker ${victim} was in`,
      async () => {
        const s = await scrape(x);
        return (
          value(s, 'kafka_server_replicamanager_isrshrinks_total') > value(before, 'kafka_server_replicamanager_isrshrinks_total') &&
          value(s, 'kafka_server_replicamanager_underreplicatedpartitions') > 0
        );
      },
      15000,
    );
    // Once its 10 s session expires, the controller finds m-rf1-0 without a live replica: offline.
    await waitFor(
      `controller ${controller} to count m-rf1-0 offline`,
      async () => value(await scrape(controller), 'kafka_controller_kafkacontroller_offlinepartitionscount') === 1,
      30000,
    );
    const c = await scrape(controller);
    expect(value(c, 'kafka_controller_kafkacontroller_activebrokercount')).to.equal(2);
  });

  it('restarted without metrics.prometheus.port, the broker binds no metrics port; it rejoins the ISRs (IsrExpands on the leader)', async () => {
    const b = cluster.broker(victim);
    const props = fs.readFileSync(b.propsFile, 'utf8');
    fs.writeFileSync(
      b.propsFile,
      props
        .split('\n')
        .filter((l) => !l.startsWith('metrics.prometheus.port='))
        .join('\n'),
    );
    const before = await scrape(x);
    await cluster.startBroker(victim);
    await waitFor(
      `broker ${x} to take broker ${victim} back into its ISRs`,
      async () => {
        const s = await scrape(x);
        return (
          value(s, 'kafka_server_replicamanager_isrexpands_total') >= value(before, 'kafka_server_replicamanager_isrexpands_total') + 2 &&
          value(s, 'kafka_server_replicamanager_underreplicatedpartitions') === 0
        );
      },
      60000,
    );
    await waitFor(
      `controller ${controller} to count no offline partition`,
      async () => value(await scrape(controller), 'kafka_controller_kafkacontroller_offlinepartitionscount') === 0,
      30000,
    );
    expect(listeningPorts(cluster.broker(victim).proc!.pid!)).to.deep.equal([b.port]);
  });

  it("drop a deleted topic's series on every broker (BrokerTopicStats.removeMetrics)", async () => {
    const hasTopic = (sc: Scrape, topic: string) => [...sc.keys()].some((k) => k.includes(`topic="${topic}"`));
    expect(hasTopic(await scrape(x), 'm-b')).to.equal(true);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: ['m-b'], timeout: 30000 });
    } finally {
      await admin.disconnect();
    }
    await waitFor(
      "every broker with metrics to drop m-b's series",
      async () => {
        for (const id of [x, y]) if (hasTopic(await scrape(id), 'm-b')) return false;
        return true;
      },
      30000,
    );
    const s = await scrape(x);
    expect(hasTopic(s, 'm-a')).to.equal(true);
    // The all-topics meters keep what they counted (Kafka's allTopicsStats is not per topic).
    expect(value(s, 'kafka_server_brokertopicmetrics_messagesin_total')).to.be.greaterThan(0);
  });
});
