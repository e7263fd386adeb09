import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { runTool, startTool } from './cliSupport';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * kafka-console-consumer in a group commits exactly what it printed: Kafka's ConsoleConsumer hands
 * polled records out one at a time and, on close, rewinds each partition to its first record not
 * printed before the final commit (ConsumerWrapper.cleanup), so --max-messages N leaves the group at
 * the offset after the N-th record, whatever the fetch or max.poll.records.
 */
describe('CLI: kafka-console-consumer --max-messages commits only the records it printed', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let bs: string;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    bs = cluster.bootstrap.join(',');
  });
  after(async () => {
    await cluster?.stop();
  });

  async function createTopic(topic: string, partitions: number): Promise<void> {
    const c = await runTool('kafka-topics', [
      '--bootstrap-server',
      bs,
      '--create',
      '--topic',
      topic,
      '--partitions',
      String(partitions),
      '--replication-factor',
      '1',
    ]);
    expect(c, c.stderr).to.include({ code: 0, stdout: `Created topic ${topic}.\n` });
  }

  /** Each partition gets `perPartition` records in one produce request, i.e. one record batch per partition. */
  async function produceBatches(topic: string, partitions: number, perPartition: number): Promise<void> {
    const kafka = new Kafka({ clientId: 'cc-test', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let p = 0; p < partitions; p++) {
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: perPartition }, (_, i) => ({ partition: p, key: `k${i}`, value: `p${p}-v${i}` })),
        });
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** The single record batch of a one-partition topic, as kafka-dump-log shows it. */
  async function batchesOnDisk(topic: string): Promise<string[]> {
    const leader = (await cluster.metadata(undefined, [topic])).topics[0].partitions[0].leaderId;
    const file = path.join(cluster.broker(leader).dataDir, `${topic}-0`, '00000000000000000000.log');
    const dump = await runTool('kafka-dump-log', ['--files', file]);
    return dump.stdout.split('\n').filter((l) => l.startsWith('baseOffset:'));
  }

  /** kafka-consumer-groups --describe rows: PARTITION -> [CURRENT-OFFSET, LOG-END-OFFSET, LAG]. */
  async function describe(group: string): Promise<Map<number, string[]>> {
    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', group]);
    expect(d.code, d.stdout + d.stderr).to.equal(0);
    expect(d.stderr).to.equal(`\nConsumer group '${group}' has no active members.\n`);
    const lines = d.stdout.split('\n').filter((l) => l.length > 0);
    expect(lines[0].split(/\s+/)).to.deep.equal(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    const rows = new Map<number, string[]>();
    for (const line of lines.slice(1)) {
      const f = line.trim().split(/\s+/);
      expect(f[0]).to.equal(group);
      expect(f.slice(6)).to.deep.equal(['-', '-', '-']);
      rows.set(Number(f[2]), f.slice(3, 6));
    }
    return rows;
  }

  function consume(topic: string, group: string, maxMessages: number, extra: string[] = []) {
    return runTool('kafka-console-consumer', [
      '--bootstrap-server',
      bs,
      '--topic',
      topic,
      '--group',
      group,
      '--max-messages',
      String(maxMessages),
      '--property',
      'print.partition=true',
      '--property',
      'print.offset=true',
      ...extra,
    ]);
  }

  /** The (partition, offset) pairs the tool printed. */
  function printed(stdout: string): { partition: number; offset: number }[] {
    return stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => {
        const m = /^Partition:(\d+)\tOffset:(\d+)\tp\d+-v\d+$/.exec(l);
        expect(m, l).to.not.equal(null);
        return { partition: Number(m![1]), offset: Number(m![2]) };
      });
  }

  it('10 records in one batch, --max-messages 3: CURRENT-OFFSET 3 and LAG 7; a second run of 4 continues at 3 and leaves 7', async () => {
    await createTopic('cc-one', 1);
    await produceBatches('cc-one', 1, 10);
    const batches = await batchesOnDisk('cc-one');
    expect(batches).to.have.length(1);
    expect(batches[0]).to.match(/^baseOffset: 0 lastOffset: 9 count: 10 /);

    const first = await consume('cc-one', 'cc-g1', 3, ['--from-beginning']);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.equal('Partition:0\tOffset:0\tp0-v0\nPartition:0\tOffset:1\tp0-v1\nPartition:0\tOffset:2\tp0-v2\n');
    expect(first.stderr).to.equal('Processed a total of 3 messages\n');
    expect(await describe('cc-g1')).to.deep.equal(new Map([[0, ['3', '10', '7']]]));

    const second = await consume('cc-one', 'cc-g1', 4);
    expect(second.code, second.stderr).to.equal(0);
    expect(printed(second.stdout)).to.deep.equal([3, 4, 5, 6].map((offset) => ({ partition: 0, offset })));
    expect(second.stderr).to.equal('Processed a total of 4 messages\n');
    expect(await describe('cc-g1')).to.deep.equal(new Map([[0, ['7', '10', '3']]]));
  });

  it('the same with --consumer-property max.poll.records=1', async () => {
    const first = await consume('cc-one', 'cc-g2', 3, ['--from-beginning', '--consumer-property', 'max.poll.records=1']);
    expect(first.code, first.stderr).to.equal(0);
    expect(printed(first.stdout)).to.deep.equal([0, 1, 2].map((offset) => ({ partition: 0, offset })));
    expect(first.stderr).to.equal('Processed a total of 3 messages\n');
    expect(await describe('cc-g2')).to.deep.equal(new Map([[0, ['3', '10', '7']]]));
    const second = await consume('cc-one', 'cc-g2', 4, ['--consumer-property', 'max.poll.records=1']);
    expect(printed(second.stdout)).to.deep.equal([3, 4, 5, 6].map((offset) => ({ partition: 0, offset })));
    expect(await describe('cc-g2')).to.deep.equal(new Map([[0, ['7', '10', '3']]]));
  });

  it('three partitions: the committed offsets follow the printed records and sum to the printed count; the next run prints the rest once', async () => {
    await createTopic('cc-multi', 3);
    await produceBatches('cc-multi', 3, 10);
    const first = await consume('cc-multi', 'cc-g3', 5, ['--from-beginning']);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stderr).to.equal('Processed a total of 5 messages\n');
    const got = printed(first.stdout);
    expect(got).to.have.length(5);
    const rows = await describe('cc-g3');
    expect([...rows.keys()].sort()).to.deep.equal([0, 1, 2]);
    let sum = 0;
    for (const [p, [current, end, lag]] of rows) {
      expect(end).to.equal('10');
      const mine = got.filter((r) => r.partition === p).map((r) => r.offset);
      // Each partition's records come in order from 0, so the position after them is their count.
      expect(mine).to.deep.equal(mine.map((_, i) => i));
      // Kafka's close() commits every assigned partition's position: one nothing was printed from stays
      // at its first record (0 after --from-beginning), so describe lists it with LAG 10.
      expect(current, `partition ${p}`).to.equal(String(mine.length));
      expect(lag).to.equal(String(10 - mine.length));
      sum += Number(current);
    }
    expect(sum).to.equal(5);

    const rest = await consume('cc-multi', 'cc-g3', 25, ['--from-beginning', '--consumer-property', 'max.poll.records=1']);
    expect(rest.stderr).to.equal('Processed a total of 25 messages\n');
    const all = [...got, ...printed(rest.stdout)].map((r) => `${r.partition}:${r.offset}`).sort();
    const expected = [0, 1, 2].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}:${i}`)).sort();
    expect(all).to.deep.equal(expected);
    expect(await describe('cc-g3')).to.deep.equal(
      new Map([
        [0, ['10', '10', '0']],
        [1, ['10', '10', '0']],
        [2, ['10', '10', '0']],
      ]),
    );
  });

  it('stopped by a signal, a latest consumer leaves every assigned partition at its position, also those it printed nothing from', async () => {
    // KafkaConsumer.close() commits every assigned partition's position, not only those records came from.
    const tool = startTool('kafka-console-consumer', ['--bootstrap-server', bs, '--topic', 'cc-multi', '--group', 'cc-g6']);
    await waitFor(
      'the console consumer to own cc-multi(0,1,2) in group cc-g6',
      async () => {
        const out = (await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cc-g6', '--members', '--verbose'])).stdout;
        return out.includes('cc-multi(0,1,2)') ? out : null;
      },
      30000,
      250,
    );
    // One new record on partition 0; once it is printed the consumer is surely consuming all three.
    const kafka = new Kafka({ clientId: 'cc-test', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: 'cc-multi', acks: -1, messages: [{ partition: 0, value: 'p0-v10' }] });
    await producer.disconnect();
    await waitFor('the console consumer to print the new record', async () => (tool.output() === 'p0-v10\n' ? true : null), 30000, 100);
    const r = await tool.stop();
    expect(r).to.include({ code: 0, stdout: 'p0-v10\n', stderr: 'Processed a total of 1 messages\n' });
    expect(await describe('cc-g6')).to.deep.equal(
      new Map([
        [0, ['11', '11', '0']],
        [1, ['10', '10', '0']],
        [2, ['10', '10', '0']],
      ]),
    );
  });

  it('without a group nothing is committed; enable.auto.commit=false in a group commits nothing either', async () => {
    const before = (await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--list'])).stdout.split('\n');
    const c = await runTool('kafka-console-consumer', ['--bootstrap-server', bs, '--topic', 'cc-one', '--from-beginning', '--max-messages', '2']);
    expect(c).to.include({ code: 0, stdout: 'p0-v0\np0-v1\n', stderr: 'Processed a total of 2 messages\n' });
    const after = (await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--list'])).stdout.split('\n');
    for (const g of after.filter((x) => x.startsWith('console-consumer-') && !before.includes(x))) {
      const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', g]);
      expect(d.stdout).to.not.match(/cc-one\s+0\s+\d/);
    }
    const off = await consume('cc-one', 'cc-g4', 2, ['--from-beginning', '--consumer-property', 'enable.auto.commit=false']);
    expect(printed(off.stdout)).to.have.length(2);
    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cc-g4']);
    expect(d.stdout).to.not.match(/cc-one\s+0\s+\d/);
  });

  it('consumer properties: bad values are refused as Kafka does, unsupported and unknown keys are reported, not fatal', async () => {
    const zero = await consume('cc-one', 'cc-g5', 1, ['--consumer-property', 'max.poll.records=0']);
    expect(zero.code).to.equal(1);
    expect(zero.stderr).to.contain('Invalid value 0 for configuration max.poll.records: Value must be at least 1');
    expect(zero.stderr).to.not.match(/\n\s+at /);
    const nan = await consume('cc-one', 'cc-g5', 1, ['--consumer-property', 'session.timeout.ms=soon']);
    expect(nan.code).to.equal(1);
    expect(nan.stderr).to.contain('Invalid value soon for configuration session.timeout.ms: Not a number of type INT');
    const reset = await consume('cc-one', 'cc-g5', 1, ['--consumer-property', 'auto.offset.reset=oldest']);
    expect(reset.code).to.equal(1);
    expect(reset.stderr).to.contain('Invalid value oldest for configuration auto.offset.reset: String must be one of: latest, earliest, none');
    const conflict = await consume('cc-one', 'cc-g5', 1, ['--from-beginning', '--consumer-property', 'auto.offset.reset=latest']);
    expect(conflict).to.include({
      code: 1,
      stderr: "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option\n",
    });
    const groups = await consume('cc-one', 'cc-g5', 1, ['--consumer-property', 'group.id=other']);
    expect(groups.code).to.equal(1);
    expect(groups.stderr).to.contain(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match.",
    );
    // A consumer.config file with keys we apply, keys without visible effect, one Kafka knows but kafkajs
    // cannot honour, and one nobody knows: it still consumes, and says what it ignored.
    const file = path.join(cluster.root, 'cc-consumer.properties');
    fs.writeFileSync(file, 'auto.offset.reset=earliest\nfetch.max.wait.ms=100\nmax.poll.records=2\npartition.assignment.strategy=range\nno.such.key=1\n');
    const mixed = await consume('cc-one', 'cc-g5', 3, ['--consumer.config', file]);
    expect(mixed.code, mixed.stderr).to.equal(0);
    expect(printed(mixed.stdout)).to.deep.equal([0, 1, 2].map((offset) => ({ partition: 0, offset })));
    const warns = mixed.stderr.split('\n').filter((l) => l.includes(' WARN '));
    expect(warns).to.have.length(2);
    expect(warns[0]).to.match(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] WARN .*ignored: partition\.assignment\.strategy \(kafka\.tools\.ConsoleConsumer\$\)$/);
    expect(warns[1]).to.contain("These configurations '[no.such.key]' were supplied but are not used yet.");
    expect(mixed.stderr.endsWith('Processed a total of 3 messages\n')).to.equal(true);
    expect(await describe('cc-g5')).to.deep.equal(new Map([[0, ['3', '10', '7']]]));
  });

  /** The README tour's shell commands up to step 5, each with the output the README shows after it. */
  function readmeTour(): { command: string; output: string }[] {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Tour');
    const section = readme.slice(start, readme.indexOf('**5.', start));
    const steps: { command: string; output: string[] }[] = [];
    for (const block of section.split('```').filter((_, i) => i % 2 === 1)) {
      let continued = false;
      for (const line of block.replace(/^\n/, '').replace(/\n$/, '').split('\n')) {
        if (continued) steps[steps.length - 1].command += '\n' + line;
        else if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: [] });
        else steps[steps.length - 1].output.push(line);
        continued = line.endsWith('\\');
      }
    }
    return steps.map((st) => ({ command: st.command, output: st.output.length > 0 ? st.output.join('\n') + '\n' : '' }));
  }

  it("the README tour's commands (steps 1-4) print what the README shows", async () => {
    const steps = readmeTour();
    expect(steps.map((st) => st.command.split(' ')[0])).to.deep.equal([
      'bin/kafka-topics',
      'bin/kafka-topics',
      'printf',
      'bin/kafka-console-consumer',
      'bin/kafka-consumer-groups',
    ]);
    // Ids differ per run, as the README says.
    const normalize = (text: string) => text.replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <id>');
    for (const st of steps) {
      const r = await run('bash', ['-c', `cd ${JSON.stringify(ROOT)} && ${st.command.replace(/127\.0\.0\.1:9092/g, bs)}`], { timeoutMs: 60000 });
      expect(r.code, `${st.command}\n${r.stderr}`).to.equal(0);
      // The README interleaves both streams as a terminal shows them.
      expect([normalize(r.stdout + r.stderr), normalize(r.stderr + r.stdout)], `${st.command}\n${JSON.stringify(r.stdout + r.stderr)}`).to.include(
        normalize(st.output),
      );
    }
  });
});
