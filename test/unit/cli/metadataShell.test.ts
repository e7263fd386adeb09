/**
 * kafka-metadata-shell: a snapshot and a log segment written with the real Raft and metadata codecs are loaded into
 * the image and browsed with 3.7's commands and printing.
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { run } from '../../../src/cli/kafka-metadata-shell';
import { calculateColumnSchema, parseCommand, printTargets, splitWords } from '../../../src/cli/metadatashell/Commands';
import { toRegularExpression } from '../../../src/cli/metadatashell/Glob';
import { isoZonedUtc, rootShellNode } from '../../../src/cli/metadatashell/MetadataNodes';
import { complete, loadImage, runCommand, runShell } from '../../../src/cli/metadatashell/MetadataShell';
import { Uuid } from '../../../src/common/Uuid';
import { MetadataImage } from '../../../src/metadata/image/MetadataImage';
import { ApiMessageAndVersion, METADATA_RECORD_SERDE } from '../../../src/metadata/MetadataRecordSerde';
import { MetadataRecordTypeId as T } from '../../../src/metadata/records/MetadataRecordType';
import { writeInt64 } from '../../../src/protocol/records/RecordBatch';
import { buildDataBatch } from '../../../src/raft/RaftBatches';
import { writeSnapshot } from '../../../src/raft/Snapshots';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const TOPIC_ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const TOPIC_UUID = Uuid.fromBytes(TOPIC_ID).toString();
const T0 = Date.UTC(2026, 11, 7, 8, 30, 15, 120);
const rec = (type: number, version: number, data: Record<string, unknown>): ApiMessageAndVersion => ({ type, version, data });

function records(): ApiMessageAndVersion[][] {
  const brokers = [1, 2].map((id) =>
    rec(T.REGISTER_BROKER, 3, {
      brokerId: id,
      isMigratingZkBroker: false,
      incarnationId: Buffer.alloc(16, id),
      brokerEpoch: 10 + id,
      endPoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + id, securityProtocol: 0 }],
      features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
      rack: id === 2 ? 'r2' : null,
      fenced: true,
      inControlledShutdown: false,
      logDirs: [],
    }),
  );
  const partition = (p: number, leader: number) =>
    rec(T.PARTITION, 0, {
      partitionId: p,
      topicId: TOPIC_ID,
      replicas: [1, 2],
      isr: [1, 2],
      removingReplicas: [],
      addingReplicas: [],
      leader,
      leaderEpoch: 0,
      partitionEpoch: 0,
    });
  return [
    [rec(T.FEATURE_LEVEL, 0, { name: 'metadata.version', featureLevel: 19 })],
    brokers,
    [rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 })],
    [rec(T.TOPIC, 0, { name: 'orders', topicId: TOPIC_ID }), partition(0, 1), partition(1, 2)],
    [
      rec(T.CONFIG, 0, { resourceType: 2, resourceName: 'orders', name: 'retention.ms', value: '1000' }),
      rec(T.CONFIG, 0, { resourceType: 4, resourceName: '', name: 'log.cleaner.threads', value: '2' }),
      rec(T.PRODUCER_IDS, 0, { brokerId: 1, brokerEpoch: 11, nextProducerId: 2000 }),
    ],
  ];
}

/** The batches as a `__cluster_metadata` segment: consecutive offsets, epoch 3. */
function segmentBytes(): Buffer {
  let next = 0;
  return Buffer.concat(
    records().map((rs, i) => {
      const b = buildDataBatch(METADATA_RECORD_SERDE, rs, 3, T0 + i);
      writeInt64(b, 0, next);
      next += rs.length;
      return b;
    }),
  );
}

function lines(image: MetadataImage, ...words: string[]): string[] {
  const out: string[] = [];
  runCommand(image, words, (l) => out.push(l));
  return out;
}

describe('cli: kafka-metadata-shell (MetadataShell)', () => {
  let dir: string;
  let logFile: string;
  let snapshotFile: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-shell-'));
    logFile = path.join(dir, '00000000000000000000.log');
    fs.writeFileSync(logFile, segmentBytes());
    snapshotFile = writeSnapshot(dir, { offset: 9, epoch: 3 }, METADATA_RECORD_SERDE, records(), T0, T0 + 10);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a log segment and lists the node tree sorted, one entry a line outside a terminal', () => {
    const img = loadImage(logFile);
    expect(lines(img, 'ls')).to.deep.equal(['image', 'local']);
    expect(lines(img, 'ls', '/image')).to.deep.equal([
      'acls',
      'clientQuotas',
      'cluster',
      'configs',
      'delegationToken',
      'features',
      'producerIds',
      'provenance',
      'scram',
      'topics',
    ]);
    expect(lines(img, 'ls', '/image/topics/byName', '/image/cluster')).to.deep.equal(['byName:', 'orders', '', 'cluster:', 'brokers', 'controllers']);
    expect(lines(img, 'ls', '/image/topics/byId')).to.deep.equal([TOPIC_UUID]);
    expect(lines(img, 'cat', '/image/provenance')).to.deep.equal(['offset 9, epoch 3, time 2026-12-07T08:30:15.124Z[UTC]']);
  });

  it('prints leaves as Kafka 3.7 toString()s', () => {
    const img = loadImage(logFile);
    const inc1 = Uuid.fromBytes(Buffer.alloc(16, 1)).toString();
    expect(lines(img, 'cat', '/image/cluster/brokers/1')).to.deep.equal([
      `BrokerRegistration(id=1, epoch=11, incarnationId=${inc1}, listeners=[Endpoint(listenerName='PLAINTEXT', securityProtocol=PLAINTEXT, host='127.0.0.1', port=9092)], ` +
        'supportedFeatures={metadata.version: 1-19}, rack=Optional.empty, fenced=false, inControlledShutdown=false, isMigratingZkBroker=false, directories=[])',
    ]);
    expect(lines(img, 'cat', '/image/cluster/brokers/2')[0]).to.contain('rack=Optional[r2], fenced=true');
    expect(lines(img, 'cat', '/image/topics/byName/orders/1')).to.deep.equal([
      'PartitionRegistration(replicas=[1, 2], directories=[AAAAAAAAAAAAAAAAAAAAAg, AAAAAAAAAAAAAAAAAAAAAg], isr=[1, 2], removingReplicas=[], ' +
        'addingReplicas=[], elr=[], lastKnownElr=[], leader=2, leaderRecoveryState=RECOVERED, leaderEpoch=0, partitionEpoch=0)',
    ]);
    expect(lines(img, 'cat', `/image/topics/byId/${TOPIC_UUID}/name`, '/image/topics/byName/orders/id')).to.deep.equal(['orders', TOPIC_UUID]);
    expect(lines(img, 'cat', '/image/features/metadataVersion', '/image/features/zkMigrationState')).to.deep.equal(['3.7-IV4', 'NONE']);
    expect(lines(img, 'cat', '/image/producerIds/nextProducerId')).to.deep.equal(['2000']);
  });

  it('names config resources TYPE:name, the default BROKER alone, and expands globs', () => {
    const img = loadImage(logFile);
    expect(lines(img, 'ls', '/image/configs')).to.deep.equal(['BROKER', 'TOPIC:orders']);
    expect(lines(img, 'cat', '/image/configs/*/*')).to.deep.equal(['2', '1000']);
    expect(lines(img, 'ls', '/image/topics/byName/orders/{0,1}')).to.deep.equal(['0', '1']);
    expect(lines(img, 'cat', '/image/topics/byName/o?ders/name')).to.deep.equal(['orders']);
  });

  it('tree and find walk a subtree in name order with ShellNodePrinter indentation', () => {
    const img = loadImage(logFile);
    expect(lines(img, 'tree', '/image/features')).to.deep.equal(['metadataVersion:', '  3.7-IV4', 'zkMigrationState:', '  NONE']);
    expect(lines(img, 'tree', '/image/configs')).to.deep.equal(['BROKER:', '  log.cleaner.threads:', '    2', 'TOPIC:orders:', '  retention.ms:', '    1000']);
    expect(lines(img, 'find', '/image/topics/byName')).to.deep.equal([
      '/image/topics/byName',
      '/image/topics/byName/orders',
      '/image/topics/byName/orders/0',
      '/image/topics/byName/orders/1',
      '/image/topics/byName/orders/id',
      '/image/topics/byName/orders/name',
    ]);
  });

  it('answers missing paths and misuse with 3.7 messages', () => {
    const img = loadImage(logFile);
    expect(lines(img, 'cat', '/image')).to.deep.equal(['cat: /image: Is a directory']);
    expect(lines(img, 'cat', '/nope')).to.deep.equal(['cat: /nope: No such file or directory.']);
    expect(lines(img, 'ls', '/image/nope')).to.deep.equal(['ls: /image/nope: no such file or directory.']);
    expect(lines(img, 'tree', '/x')).to.deep.equal(['tree: /x: No such file or directory.']);
    expect(lines(img, 'find', '/x')).to.deep.equal(['find: /x: no such file or directory.']);
    expect(lines(img, 'cd', '/image')).to.deep.equal(["invalid choice: 'cd' (choose from 'cat', 'find', 'ls', 'tree')"]);
    expect(lines(img, 'l')).to.deep.equal(["invalid choice: 'l': did you mean 'ls'?"]);
    expect(lines(img, 'cat')).to.deep.equal(['too few arguments']);
  });

  it('reads a segment being appended to up to its last whole batch; an empty one gives an empty image', () => {
    const bytes = segmentBytes();
    const torn = path.join(dir, '00000000000000000100.log');
    fs.writeFileSync(torn, Buffer.concat([bytes, bytes.subarray(0, 40)]));
    expect(lines(loadImage(torn), 'cat', '/image/provenance')[0]).to.match(/^offset 9, epoch 3, /);
    const empty = path.join(dir, '00000000000000000200.log');
    fs.writeFileSync(empty, Buffer.alloc(0));
    expect(lines(loadImage(empty), 'ls', '/image/topics/byName')).to.deep.equal([]);
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 3] ^= 0xff;
    const bad = path.join(dir, '00000000000000000300.log');
    fs.writeFileSync(bad, corrupt);
    expect(() => loadImage(bad)).to.throw(/CRC|corrupt/i);
  });

  it('loads a snapshot with its id as provenance', () => {
    expect(path.basename(snapshotFile)).to.equal('00000000000000000009-0000000003.checkpoint');
    const img = loadImage(snapshotFile);
    expect(lines(img, 'cat', '/image/provenance')).to.deep.equal(['offset 8, epoch 3, time 2026-12-07T08:30:15.12Z[UTC]']);
    expect(lines(img, 'ls', '/image/cluster/brokers')).to.deep.equal(['1', '2']);
  });

  it('lays out ls in columns on a terminal as LsCommandHandler does', () => {
    const entries = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    expect(calculateColumnSchema(null, entries)).to.deep.equal({ widths: [0], entriesPerColumn: 5 });
    const out: string[] = [];
    printTargets(out.push.bind(out), 30, [], [{ name: 'x', children: entries }]);
    expect(out).to.deep.equal(['alpha  gamma  epsilon', 'beta   delta  ']);
  });

  it('formats ISO_ZONED_DATE_TIME, globs and words as Kafka and JLine do', () => {
    expect(isoZonedUtc(Date.UTC(2026, 0, 2, 3, 4, 5, 0))).to.equal('2026-01-02T03:04:05Z[UTC]');
    expect(isoZonedUtc(-1)).to.equal('1969-12-31T23:59:59.999Z[UTC]');
    expect(toRegularExpression('abc')).to.equal(null);
    expect(toRegularExpression('a*{b,c}?')).to.equal('^a.*(?:(?:b)|(?:c)).$');
    expect(() => toRegularExpression('{a')).to.throw('Unterminated glob group.');
    expect(splitWords(`ls  "/a b" 'c'  `)).to.deep.equal(['ls', '/a b', 'c']);
  });

  it('runs a script from a non-terminal stdin with the shell-only commands', async () => {
    const img = loadImage(logFile);
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const done = runShell(img, input, output, false);
    input.end('cd /image/topics\npwd\nls\ncd byName/orders/0\ncd nope\nman pwd\nhistory 2\nexit\nls /\n');
    await done;
    expect(text.split('\n')).to.deep.equal([
      '/image/topics',
      'byId',
      'byName',
      'cd: byName/orders/0: not a directory.',
      'cd: nope: no such directory.',
      'pwd: Print the current working directory.',
      '',
      'usage: pwd',
      '    5  man pwd',
      '    6  history 2',
      '',
    ]);
    expect(parseCommand(['help'], true)).to.be.a('function');
  });

  it('completes commands and paths', () => {
    const img = loadImage(logFile);
    const state = { root: rootShellNode(img), workingDirectory: '/' };
    expect(complete(state, 'c')).to.deep.equal([['cat', 'cd'], 'c']);
    expect(complete(state, 'ls /image/to')).to.deep.equal([['/image/topics/'], '/image/to']);
    expect(complete(state, 'cat /image/producerIds/')).to.deep.equal([['/image/producerIds/nextProducerId'], '/image/producerIds/']);
  });

  it('bin/kafka-metadata-shell runs one command, and fails clearly without a snapshot or on a missing file', async () => {
    const out = execFileSync(path.join(ROOT, 'bin', 'kafka-metadata-shell'), ['--snapshot', logFile, 'ls', '/image/topics/byName'], { encoding: 'utf8' });
    expect(out).to.equal('orders\n');
    const err: string[] = [];
    const io = { input: new PassThrough(), output: new PassThrough(), terminal: false };
    expect(
      await run(
        ['ls'],
        () => undefined,
        (l) => err.push(l),
        io,
      ),
    ).to.equal(1);
    expect(
      await run(
        ['--snapshot', path.join(dir, 'missing.log'), 'ls'],
        () => undefined,
        (l) => err.push(l),
        io,
      ),
    ).to.equal(1);
    expect(err).to.deep.equal([
      'Unexpected error: You must specify either a raft manager or a snapshot file reader.',
      `Unexpected error: ${path.join(dir, 'missing.log')} (No such file or directory)`,
    ]);
  });
});
