import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel } from 'kafkajs';
import LZ4Codec from 'kafkajs-lz4';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { compressionName } from '../../../src/protocol/records/compression';
import { validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

/** kafkajs codec plugins: kafkajs-snappy (raw snappy blocks), kafkajs-lz4, and a tiny zstd one over zstd-napi. */
type KafkajsCodec = () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
// kafkajs-snappy ships no typings: a CommonJS factory of the codec object.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SnappyCodec = require('kafkajs-snappy') as KafkajsCodec;
const ZstdCodec: KafkajsCodec = () => ({
  compress: async (encoder) => zstdCompress(encoder.buffer),
  decompress: async (buffer) => zstdDecompress(buffer),
});
const codecs = CompressionCodecs as unknown as Record<number, KafkajsCodec>;
codecs[CompressionTypes.Snappy] = SnappyCodec;
codecs[CompressionTypes.LZ4] = new LZ4Codec().codec as KafkajsCodec;
codecs[CompressionTypes.ZSTD] = ZstdCodec;

const PYTHON = '/usr/bin/python3';
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
type Codec = (typeof CODECS)[number];
const KAFKAJS_TYPE: Record<Codec, CompressionTypes> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};
const N = 10;
/** Compressible values: librdkafka sends a batch uncompressed when compression does not shrink it. */
const valueOf = (client: string, codec: string, i: number) => `${client}-${codec}-${i}-${'abcdefgh'.repeat(16)}`;

const hasKafkaPython =
  fs.existsSync(PYTHON) &&
  (() => {
    try {
      return spawnSync(PYTHON, ['-c', 'import kafka'], { stdio: 'ignore' }).status === 0;
    } catch {
      return false;
    }
  })();

/** Codec names of every batch on disk in a partition folder, in order. */
function codecsOnDisk(dir: string): string[] {
  const out: string[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.log'))
    .sort()) {
    const buf = fs.readFileSync(path.join(dir, f));
    if (buf.length > 0) for (const b of validateBatches(buf)) out.push(compressionName(b.compression));
  }
  return out;
}

/**
 * Compression through real clients: kcat (librdkafka), kafkajs with codec plugins and kafka-python produce
 * each codec; the broker stores each batch as produced; every client reads every other client's batches back.
 * A topic with compression.type=gzip recompresses what a client sends uncompressed.
 */
describe('integration: compression codecs through real clients', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const producers = hasKafkaPython ? ['kcat', 'kafkajs', 'python'] : ['kcat', 'kafkajs'];
  const topicOf = (codec: string) => `codec-${codec}`;
  const expected = (codec: string) => producers.flatMap((p) => Array.from({ length: N }, (_, i) => valueOf(p, codec, i)));

  before(async () => {
    if (!hasKafkaPython) console.log(`      (kafka-python not importable by ${PYTHON}: skipping that client)`);
    cluster = await TestCluster.start({ brokers: 1 });
    kafka = new Kafka({ clientId: 'it-codecs', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        ...CODECS.map((c) => ({ topic: topicOf(c), numPartitions: 1, replicationFactor: 1 })),
        { topic: 'codec-recompress', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'compression.type', value: 'gzip' }] },
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

  const dir = (t: string) => path.join(cluster.broker(1).dataDir, `${t}-0`);

  it('each client produces each codec; batches are stored as produced', async () => {
    for (const codec of CODECS) {
      const topic = topicOf(codec);
      const input = Array.from({ length: N }, (_, i) => `k${i}:${valueOf('kcat', codec, i)}`).join('\n') + '\n';
      const r = await kcat(['-b', cluster.bootstrap[0], '-P', '-t', topic, '-p', '0', '-K', ':', '-z', codec, '-X', 'linger.ms=50'], {
        input,
        timeoutMs: 30000,
      });
      expect(r.code, `kcat -z ${codec}: ${r.stderr}`).to.equal(0);

      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        compression: KAFKAJS_TYPE[codec],
        messages: Array.from({ length: N }, (_, i) => ({ key: `k${i}`, value: valueOf('kafkajs', codec, i) })),
      });
      await producer.disconnect();
    }
    if (hasKafkaPython) {
      const prog = [
        'import sys',
        'from kafka import KafkaProducer',
        'boot, n = sys.argv[1], int(sys.argv[2])',
        'for codec in sys.argv[3:]:',
        '    p = KafkaProducer(bootstrap_servers=boot, compression_type=codec, acks="all", linger_ms=20)',
        '    for i in range(n):',
        "        p.send('codec-' + codec, key=b'k%d' % i, value=('python-%s-%d-%s' % (codec, i, 'abcdefgh' * 16)).encode(), partition=0)",
        '    p.flush()',
        '    p.close()',
      ].join('\n');
      const r = await run(PYTHON, ['-c', prog, cluster.bootstrap[0], String(N), ...CODECS], { timeoutMs: 60000 });
      expect(r.code, `kafka-python produce: ${r.stderr}`).to.equal(0);
    }
    for (const codec of CODECS) {
      const onDisk = codecsOnDisk(dir(topicOf(codec)));
      expect(onDisk.length, `${codec} batches`).to.be.at.least(producers.length);
      expect([...new Set(onDisk)], `codecs stored in ${topicOf(codec)}: ${onDisk.join(',')}`).to.deep.equal([codec]);
    }
  });

  it('kcat reads every batch of every codec', async () => {
    for (const codec of CODECS) {
      const r = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', topicOf(codec), '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { timeoutMs: 30000 });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim().split('\n').sort(), `kcat reading ${codec}`).to.deep.equal(expected(codec).sort());
    }
  });

  it('kafkajs reads every batch of every codec', async () => {
    const seen = new Map<string, string[]>(CODECS.map((c) => [topicOf(c), []]));
    const consumer = kafka.consumer({ groupId: 'codecs-kafkajs', maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: CODECS.map(topicOf), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          seen.get(topic)!.push(message.value!.toString());
        },
      });
      await waitFor('kafkajs to read everything', async () => CODECS.every((c) => seen.get(topicOf(c))!.length >= expected(c).length), 30000);
    } finally {
      await consumer.disconnect();
    }
    for (const codec of CODECS) expect(seen.get(topicOf(codec))!.sort(), `kafkajs reading ${codec}`).to.deep.equal(expected(codec).sort());
  });

  it('kafka-python reads every batch of every codec', async function () {
    if (!hasKafkaPython) this.skip();
    const prog = [
      'import sys, json',
      'from kafka import KafkaConsumer, TopicPartition',
      'boot, topics = sys.argv[1], sys.argv[2:]',
      'c = KafkaConsumer(bootstrap_servers=boot, enable_auto_commit=False, consumer_timeout_ms=3000, auto_offset_reset="earliest")',
      'c.assign([TopicPartition(t, 0) for t in topics])',
      'out = {t: [] for t in topics}',
      'for m in c:',
      '    out[m.topic].append(m.value.decode())',
      'c.close()',
      'print(json.dumps(out))',
    ].join('\n');
    const r = await run(PYTHON, ['-c', prog, cluster.bootstrap[0], ...CODECS.map(topicOf)], { timeoutMs: 60000 });
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as Record<string, string[]>;
    for (const codec of CODECS) expect(out[topicOf(codec)].sort(), `kafka-python reading ${codec}`).to.deep.equal(expected(codec).sort());
  });

  it('a topic with compression.type=gzip recompresses uncompressed batches', async () => {
    const topic = 'codec-recompress';
    const input = Array.from({ length: N }, (_, i) => valueOf('plain', 'none', i)).join('\n') + '\n';
    const r = await kcat(['-b', cluster.bootstrap[0], '-P', '-t', topic, '-p', '0', '-z', 'none'], { input, timeoutMs: 30000 });
    expect(r.code, r.stderr).to.equal(0);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, compression: CompressionTypes.Snappy, messages: [{ key: 'k', value: valueOf('plain', 'snappy', 0) }] });
    await producer.disconnect();
    const onDisk = codecsOnDisk(dir(topic));
    expect(onDisk.length).to.be.at.least(2);
    expect(new Set(onDisk)).to.deep.equal(new Set(['gzip']));
    // kafka-dump-log shows the same, and the records read back intact.
    const segment = path.join(dir(topic), '00000000000000000000.log');
    const dump = await run(
      process.execPath,
      [path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'kafka-dump-log'), '--files', segment, '--print-data-log'],
      { timeoutMs: 30000 },
    );
    expect(dump.code, dump.stderr).to.equal(0);
    expect(dump.stdout).to.contain('compresscodec: gzip');
    expect(dump.stdout).to.not.contain('compresscodec: none');
    expect(dump.stdout).to.contain(`payload: ${valueOf('plain', 'none', 3)}`);
    const c = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { timeoutMs: 30000 });
    expect(c.stdout.trim().split('\n')).to.deep.equal([...Array.from({ length: N }, (_, i) => valueOf('plain', 'none', i)), valueOf('plain', 'snappy', 0)]);
  });
});
