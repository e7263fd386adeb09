import { expect } from 'chai';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

function parseKcatJson(out: string): KcatMessage[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as KcatMessage);
}

/**
 * Issue 2's user story with unmodified clients: a 3-broker cluster on a real ZooKeeper, driven with
 * kafkajs and kcat (librdkafka), checked against what zkCli.sh would show.
 */
describe('integration: real clients against a 3-broker cluster', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    kafka = new Kafka({ clientId: 'it-clients', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('kcat -L lists the 3 brokers and the controller', async () => {
    const res = await kcat(['-b', cluster.bootstrap[0], '-L', '-J']);
    expect(res.code, res.stderr).to.equal(0);
    const md = JSON.parse(res.stdout) as { controllerid: number; brokers: Array<{ id: number; name: string }> };
    expect(md.brokers.map((b) => b.id).sort()).to.deep.equal([1, 2, 3]);
    for (const b of md.brokers) expect(b.name).to.equal(`127.0.0.1:${cluster.broker(b.id).port}`);
    const ctrl = JSON.parse((await zk.get('/controller')).data!) as { brokerid: number };
    expect(md.controllerid).to.equal(ctrl.brokerid);
    const plain = await kcat(['-b', cluster.bootstrap[0], '-L']);
    expect(plain.stdout).to.match(/ 3 brokers:/);
    expect(plain.stdout).to.contain(`broker ${ctrl.brokerid} at 127.0.0.1:${cluster.broker(ctrl.brokerid).port} (controller)`);
  });

  it('ZooKeeper shows /cluster/id, /brokers/ids, /controller and /controller_epoch as Kafka writes them', async () => {
    expect((await zk.get('/cluster/id')).data).to.match(/^\{"version":"1","id":"[A-Za-z0-9_-]{22}"\}$/);
    expect(await zk.children('/brokers/ids')).to.deep.equal(['1', '2', '3']);
    for (const id of [1, 2, 3]) {
      const { data, stat } = await zk.get(`/brokers/ids/${id}`);
      const port = cluster.broker(id).port;
      expect(data).to.match(
        new RegExp(
          `^\\{"features":\\{\\},"listener_security_protocol_map":\\{"PLAINTEXT":"PLAINTEXT"\\},"endpoints":\\["PLAINTEXT://127\\.0\\.0\\.1:${port}"\\],"jmx_port":-1,"port":${port},"host":"127\\.0\\.0\\.1","version":5,"timestamp":"\\d{13}"\\}$`,
        ),
      );
      expect(stat.version, 'created empty then filled in one multi').to.equal(1);
      expect(stat.ephemeralOwner.toString('hex')).to.not.equal('0000000000000000');
    }
    expect((await zk.get('/controller')).data).to.match(/^\{"version":2,"brokerid":[123],"timestamp":"\d{13}","kraftControllerEpoch":-1\}$/);
    const epoch = await zk.get('/controller_epoch');
    expect(epoch.data).to.equal('1');
    expect(epoch.stat.version).to.equal(1);
    expect((await zk.get('/feature')).data).to.equal('{"features":{},"version":2,"status":1}');
    for (const p of [
      '/consumers',
      '/admin/delete_topics',
      '/isr_change_notification',
      '/latest_producer_id_block',
      '/log_dir_event_notification',
      '/config/changes',
      '/config/topics',
      '/config/clients',
      '/config/users',
      '/config/brokers',
      '/config/ips',
      '/brokers/seqid',
    ]) {
      expect(await zk.exists(p), p).to.equal(true);
    }
  });

  it('kafkajs Admin creates a topic with 3 partitions; topic and partition znodes match Kafka', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).to.equal(true);
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).to.equal(false); // exists
      const md = await admin.fetchTopicMetadata({ topics: ['orders'] });
      expect(md.topics[0].partitions.map((p) => p.partitionId).sort()).to.deep.equal([0, 1, 2]);
      for (const p of md.topics[0].partitions) expect(p.leader).to.be.oneOf([1, 2, 3]);
    } finally {
      await admin.disconnect();
    }
    const topic = (await zk.get('/brokers/topics/orders')).data!;
    expect(topic).to.match(
      /^\{"partitions":\{"0":\[[123]\],"1":\[[123]\],"2":\[[123]\]\},"topic_id":"[A-Za-z0-9_-]{22}","adding_replicas":\{\},"removing_replicas":\{\},"version":3\}$/,
    );
    const assignment = (JSON.parse(topic) as { partitions: Record<string, number[]> }).partitions;
    expect(new Set(Object.values(assignment).map((r) => r[0])).size, 'one partition per broker').to.equal(3);
    for (const p of ['0', '1', '2']) {
      const st = await zk.get(`/brokers/topics/orders/partitions/${p}/state`);
      const leader = assignment[p][0];
      expect(st.data).to.equal(`{"controller_epoch":1,"leader":${leader},"version":1,"leader_epoch":0,"isr":[${leader}]}`);
      expect(st.stat.version).to.equal(0);
    }
    expect((await zk.get('/config/topics/orders')).data).to.equal('{"version":1,"config":{}}');
  });

  it('kafkajs produces keyed and unkeyed messages with acks 0, 1 and -1, plain and gzip; kcat reads them all back in order', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent: Array<{ key: string | null; value: string }> = [];
    try {
      for (const acks of [1, -1, 0]) {
        for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
          const messages = Array.from({ length: 20 }, (_, i) => {
            const key = i % 2 === 0 ? `k${i % 6}` : null;
            const value = `v-acks${acks}-c${compression}-${i}`;
            sent.push({ key, value });
            return { key, value, headers: { 'h-acks': String(acks) } };
          });
          await producer.send({ topic: 'orders', acks, compression, messages });
        }
      }
    } finally {
      await producer.disconnect();
    }
    // acks=0 has no response: wait until everything is visible.
    const res = await waitFor(
      'all messages readable with kcat',
      async () => {
        const r = await kcat(['-b', cluster.bootstrap.join(','), '-C', '-t', 'orders', '-o', 'beginning', '-e', '-J', '-q']);
        const msgs = parseKcatJson(r.stdout);
        return msgs.length >= sent.length ? msgs : null;
      },
      30000,
      500,
    );
    expect(res.length).to.equal(sent.length);
    expect(res.map((m) => m.payload).sort()).to.deep.equal(sent.map((s) => s.value).sort());
    // Per partition: offsets dense from 0, and the send order preserved.
    const sentIndex = new Map(sent.map((s, i) => [s.value, i]));
    for (const p of [0, 1, 2]) {
      const inP = res.filter((m) => m.partition === p);
      expect(inP.map((m) => m.offset)).to.deep.equal(inP.map((_, i) => i));
      const order = inP.map((m) => sentIndex.get(m.payload!)!);
      expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    }
    // Keys survive; the same key always lands in the same partition.
    const byKey = new Map<string, Set<number>>();
    for (const m of res) {
      const s = sent[sentIndex.get(m.payload!)!];
      expect(m.key).to.equal(s.key);
      if (m.key) byKey.set(m.key, (byKey.get(m.key) ?? new Set()).add(m.partition));
    }
    for (const parts of byKey.values()) expect(parts.size).to.equal(1);
    for (const m of res) expect(m.headers).to.deep.equal(['h-acks', /^v-acks(-?\d)-/.exec(m.payload!)![1]]);
  });

  it('kcat -P produces with keys and headers; kcat -C -e returns them with timestamps, then stops at the end', async () => {
    const before = Date.now();
    const input = Array.from({ length: 50 }, (_, i) => `key${i % 5}:value-${i}`).join('\n') + '\n';
    const p = await kcat(['-b', cluster.bootstrap[0], '-P', '-t', 'kcat-topic', '-K', ':', '-H', 'source=kcat', '-H', 'n=1'], { input });
    expect(p.code, p.stderr).to.equal(0);
    const r = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', 'kcat-topic', '-o', 'beginning', '-e', '-J', '-q'], { timeoutMs: 30000 });
    expect(r.code, r.stderr).to.equal(0);
    const msgs = parseKcatJson(r.stdout);
    expect(msgs.map((m) => m.payload)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `value-${i}`));
    expect(msgs.map((m) => m.key)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `key${i % 5}`));
    for (const m of msgs) {
      expect(m.headers).to.deep.equal(['source', 'kcat', 'n', '1']);
      expect(m.tstype).to.equal('create');
      expect(m.ts).to.be.within(before - 1000, Date.now() + 1000);
    }
  });

  it('ListOffsets answers earliest, latest and by timestamp', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'times', numPartitions: 1 }], waitForLeaders: true });
      const base = Date.now() - 100000;
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: 'times', messages: [{ value: `t${i}`, timestamp: String(base + i * 1000) }] });
      }
      const offsets = await admin.fetchTopicOffsets('times');
      expect(offsets[0]).to.include({ partition: 0, low: '0', high: '10', offset: '10' });
      const byTs = await admin.fetchTopicOffsetsByTimestamp('times', base + 4500);
      expect(byTs[0].offset).to.equal('5');
      const exact = await admin.fetchTopicOffsetsByTimestamp('times', base + 3000);
      expect(exact[0].offset).to.equal('3');
      const future = await admin.fetchTopicOffsetsByTimestamp('times', Date.now() + 100000);
      expect(future[0].offset).to.equal('10'); // kafkajs maps "none" (-1) to the high watermark
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
    const kc = await kcat(['-b', cluster.bootstrap[0], '-Q', '-t', 'times:0:-2', '-J']);
    expect(kc.code, kc.stderr).to.equal(0);
  });

  it('Metadata auto-creates an unknown topic with the broker defaults', async () => {
    // Metadata v4+ with allow_auto_topic_creation=false must not create it (librdkafka consumers send false).
    const first = await cluster.metadata(1, ['auto-made'], 4);
    expect(first.topics[0].errorCode).to.equal(3);
    expect(await zk.exists('/brokers/topics/auto-made')).to.equal(false);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await producer.send({ topic: 'auto-made', messages: [{ value: 'x' }] });
    } finally {
      await producer.disconnect();
    }
    expect((await zk.get('/brokers/topics/auto-made')).data).to.match(
      /^\{"partitions":\{"0":\[[123]\]\},"topic_id":"[A-Za-z0-9_-]{22}","adding_replicas":\{\},"removing_replicas":\{\},"version":3\}$/,
    );
  });
});
