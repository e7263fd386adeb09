import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dumpFile } from '../../../src/cli/DumpLogSegments';
import { Uuid } from '../../../src/common/Uuid';
import { ControlRecordType, controlRecordKey, leaderChangeCodec } from '../../../src/metadata/control/ControlRecords';
import { METADATA_RECORD_SERDE } from '../../../src/metadata/MetadataRecordSerde';
import { LATEST_PRODUCTION } from '../../../src/metadata/MetadataVersion';
import { bootstrapRecords, readBootstrapFile, snapshotFileBytes, writeBootstrapFile } from '../../../src/metadata/bootstrap/BootstrapDirectory';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { Writer } from '../../../src/protocol/Writer';

const T0 = 1700000000000;
const TOPIC_ID = Uuid.fromString('lpUHgL9rSRWODphL1u1jmA');

describe('kafka-dump-log --cluster-metadata-decoder (Kafka 3.7 DumpLogSegments)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dumpmeta-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const dump = (file: string, opts: object) => {
    const lines: string[] = [];
    dumpFile(file, opts, (l) => lines.push(l));
    return lines;
  };

  it('prints a __cluster_metadata segment: leader change control record, then metadata records as JSON', () => {
    const lc = new Writer(32);
    leaderChangeCodec.write(lc, 0, { version: 0, leaderId: 3001, voters: [{ voterId: 3001 }, { voterId: 3002 }], grantingVoters: [{ voterId: 3001 }] });
    const records = [
      { type: 2, version: 0, data: { name: 'orders', topicId: TOPIC_ID.toBytes() } },
      {
        type: 3,
        version: 1,
        data: { partitionId: 0, topicId: TOPIC_ID.toBytes(), replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0, directories: [] },
      },
      { type: 4, version: 0, data: { resourceType: 2, resourceName: 'orders', name: 'retention.ms', value: null } },
    ];
    const segment = Buffer.concat([
      buildRecordBatch({
        baseOffset: 0,
        partitionLeaderEpoch: 1,
        isControl: true,
        records: [{ key: controlRecordKey(ControlRecordType.LEADER_CHANGE), value: lc.toBuffer(), timestamp: T0 }],
      }),
      buildRecordBatch({
        baseOffset: 1,
        partitionLeaderEpoch: 1,
        records: records.map((r) => ({ key: null, value: METADATA_RECORD_SERDE.write(r), timestamp: T0 + 1 })),
      }),
      buildRecordBatch({ baseOffset: 4, partitionLeaderEpoch: 1, records: [{ key: null, value: Buffer.from([1, 99, 0]), timestamp: T0 + 2 }] }),
    ]);
    const file = path.join(dir, '00000000000000000000.log');
    fs.writeFileSync(file, segment);
    const lines = dump(file, { clusterMetadataDecoder: true });
    expect(lines[0]).to.equal(`Dumping ${file}`);
    expect(lines[1]).to.equal('Log starting offset: 0');
    expect(lines[2]).to.match(/^baseOffset: 0 lastOffset: 0 count: 1 .* partitionLeaderEpoch: 1 isTransactional: false isControl: true /);
    // Kafka 3.7's dumpLog has no case for LEADER_CHANGE: it prints the control type.
    expect(lines[3]).to.equal(
      `| offset: 0 CreateTime: ${T0} keySize: 4 valueSize: ${lc.toBuffer().length} sequence: -1 headerKeys: [] controlType: LEADER_CHANGE(2)`,
    );
    expect(lines[5]).to.equal(
      `| offset: 1 CreateTime: ${T0 + 1} keySize: -1 valueSize: ${METADATA_RECORD_SERDE.write(records[0]).length} sequence: -1 headerKeys: [] payload: ` +
        '{"type":"TOPIC_RECORD","version":0,"data":{"name":"orders","topicId":"lpUHgL9rSRWODphL1u1jmA"}}',
    );
    expect(lines[6]).to.contain(
      ' payload: {"type":"PARTITION_RECORD","version":1,"data":{"partitionId":0,"topicId":"lpUHgL9rSRWODphL1u1jmA","replicas":[1,2],"isr":[1,2],"removingReplicas":[],"addingReplicas":[],"leader":1,"leaderEpoch":0,"partitionEpoch":0,"directories":[]}}',
    );
    expect(lines[7]).to.contain(
      ' payload: {"type":"CONFIG_RECORD","version":0,"data":{"resourceType":2,"resourceName":"orders","name":"retention.ms","value":null}}',
    );
    expect(lines[9]).to.equal(
      `| offset: 4 CreateTime: ${T0 + 2} keySize: -1 valueSize: 3 sequence: -1 headerKeys: [] payload: Error at 4, skipping. org.apache.kafka.common.errors.UnsupportedVersionException: Unknown metadata id 99`,
    );
    expect(lines).to.have.length(10);
  });

  it('prints bootstrap.checkpoint and <offset>-<epoch>.checkpoint snapshots with their header and footer', () => {
    writeBootstrapFile(dir, bootstrapRecords(LATEST_PRODUCTION));
    const boot = path.join(dir, 'bootstrap.checkpoint');
    expect(readBootstrapFile(boot)).to.deep.equal([{ type: 12, version: 0, data: { name: 'metadata.version', featureLevel: 19 } }]);
    const lines = dump(boot, { clusterMetadataDecoder: true });
    expect(lines[1]).to.equal('KRaft bootstrap snapshot');
    expect(lines[2]).to.match(
      /^baseOffset: 0 .* partitionLeaderEpoch: 0 isTransactional: false isControl: true .* size: 83 magic: 2 compresscodec: none crc: \d+ isvalid: true$/,
    );
    expect(lines[3]).to.match(/ SnapshotHeader \{"version":0,"lastContainedLogTimestamp":0\}$/);
    expect(lines[5]).to.match(
      /keySize: -1 valueSize: 23 .* payload: \{"type":"FEATURE_LEVEL_RECORD","version":0,"data":\{"name":"metadata.version","featureLevel":19\}\}$/,
    );
    expect(lines[7]).to.match(/ SnapshotFooter \{"version":0\}$/);
    expect(lines).to.have.length(8);

    const snap = path.join(dir, '00000000000000000042-0000000003.checkpoint');
    fs.writeFileSync(snap, snapshotFileBytes(bootstrapRecords(LATEST_PRODUCTION), T0));
    const s = dump(snap, { clusterMetadataDecoder: true, skipRecordMetadata: true });
    expect(s[1]).to.equal('Snapshot end offset: 42, epoch: 3');
    expect(s[5]).to.equal(' payload: {"type":"FEATURE_LEVEL_RECORD","version":0,"data":{"name":"metadata.version","featureLevel":19}}');
    expect(() => dump(path.join(dir, 'x.checkpoint'), {})).to.throw('x.checkpoint is not a snapshot file name');
  });
});
