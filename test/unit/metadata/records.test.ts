import { expect } from 'chai';
import { FieldSpec, inVersions, propertyName } from '../../../src/protocol/messages/MessageSpec';
import { messageToJson } from '../../../src/metadata/MetadataJson';
import { METADATA_RECORD_SERDE, MetadataParseException } from '../../../src/metadata/MetadataRecordSerde';
import { METADATA_RECORD_TYPES, metadataRecordType, metadataRecordTypeById } from '../../../src/metadata/records/MetadataRecordType';

const TOPIC_ID = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
const DIR_ID = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', 'hex');

/** A value for every field of this version, none at its default, so tagged fields are written too. */
function sample(fields: readonly FieldSpec[], version: number, seed: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    if (!inVersions(f.versions, version)) return;
    const n = seed + i + 1;
    const one = (type: string): unknown => {
      switch (type) {
        case 'int8':
          return (n % 100) + 1;
        case 'int16':
        case 'uint16':
        case 'int32':
          return n * 7 + 3;
        case 'int64':
          return 2 ** 40 + n;
        case 'float64':
          return n + 0.5;
        case 'bool':
          return f.default === 'true' ? false : true;
        case 'string':
          return `s${n}`;
        case 'bytes':
          return Buffer.from([n, n + 1, n + 2]);
        case 'uuid': {
          const b = Buffer.from(TOPIC_ID);
          b[15] = n;
          return b;
        }
      }
      throw new Error(`no sample for ${type}`);
    };
    if (f.type.startsWith('[]')) {
      o[propertyName(f.name)] = f.fields
        ? [sample(f.fields, version, n * 10), sample(f.fields, version, n * 20)]
        : [one(f.type.slice(2)), one(f.type.slice(2))];
    } else {
      o[propertyName(f.name)] = f.fields ? sample(f.fields, version, n * 10) : one(f.type);
    }
  });
  return o;
}

describe('metadata records (Kafka 3.7 MetadataRecordType)', () => {
  it('knows every record type of Kafka 3.7 by id, with its enum name and versions', () => {
    const table = METADATA_RECORD_TYPES.map((t) => `${t.id} ${t.name} ${t.lowestSupportedVersion}-${t.highestSupportedVersion}`);
    expect(table).to.deep.equal([
      '0 REGISTER_BROKER_RECORD 0-3',
      '1 UNREGISTER_BROKER_RECORD 0-0',
      '2 TOPIC_RECORD 0-0',
      '3 PARTITION_RECORD 0-2',
      '4 CONFIG_RECORD 0-0',
      '5 PARTITION_CHANGE_RECORD 0-2',
      '7 FENCE_BROKER_RECORD 0-0',
      '8 UNFENCE_BROKER_RECORD 0-0',
      '9 REMOVE_TOPIC_RECORD 0-0',
      '10 DELEGATION_TOKEN_RECORD 0-0',
      '11 USER_SCRAM_CREDENTIAL_RECORD 0-0',
      '12 FEATURE_LEVEL_RECORD 0-0',
      '14 CLIENT_QUOTA_RECORD 0-0',
      '15 PRODUCER_IDS_RECORD 0-0',
      '17 BROKER_REGISTRATION_CHANGE_RECORD 0-2',
      '18 ACCESS_CONTROL_ENTRY_RECORD 0-0',
      '19 REMOVE_ACCESS_CONTROL_ENTRY_RECORD 0-0',
      '20 NO_OP_RECORD 0-0',
      '21 ZK_MIGRATION_STATE_RECORD 0-0',
      '22 REMOVE_USER_SCRAM_CREDENTIAL_RECORD 0-0',
      '23 BEGIN_TRANSACTION_RECORD 0-0',
      '24 END_TRANSACTION_RECORD 0-0',
      '25 ABORT_TRANSACTION_RECORD 0-0',
      '26 REMOVE_DELEGATION_TOKEN_RECORD 0-0',
      '27 REGISTER_CONTROLLER_RECORD 0-0',
    ]);
  });

  for (const t of METADATA_RECORD_TYPES) {
    for (let v = t.lowestSupportedVersion; v <= t.highestSupportedVersion; v++) {
      it(`${t.spec.name} v${v}: every field round-trips, and the bytes re-encode identically`, () => {
        const data = sample(t.spec.fields, v, t.id);
        const bytes = METADATA_RECORD_SERDE.write({ type: t.id, version: v, data });
        expect([...bytes.subarray(0, 3)]).to.deep.equal([1, t.id, v]);
        const back = METADATA_RECORD_SERDE.read(bytes);
        expect(back.type).to.equal(t.id);
        expect(back.version).to.equal(v);
        // Fields newer than this version read as their defaults.
        expect(back.data).to.deep.equal({ ...t.codec.defaults(v), ...data });
        expect(METADATA_RECORD_SERDE.write(back).equals(bytes)).to.equal(true);
        // A record with every field at its default round-trips too.
        const defaults = t.codec.defaults(v);
        expect(METADATA_RECORD_SERDE.read(METADATA_RECORD_SERDE.write({ type: t.id, version: v, data: defaults })).data).to.deep.equal(defaults);
      });
    }
  }
});

describe('MetadataRecordSerde against hand-computed bytes', () => {
  const topic = metadataRecordType('TopicRecord');
  const partition = metadataRecordType('PartitionRecord');
  const change = metadataRecordType('PartitionChangeRecord');
  const feature = metadataRecordType('FeatureLevelRecord');
  const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

  it('TopicRecord v0: frame 1, type 2, version 0, compact name, uuid, no tagged fields', () => {
    const golden = hex('01 02 00  04 666f6f  0102030405060708090a0b0c0d0e0f10  00');
    expect(METADATA_RECORD_SERDE.write({ type: topic.id, version: 0, data: { name: 'foo', topicId: TOPIC_ID } }).toString('hex')).to.equal(
      golden.toString('hex'),
    );
    expect(METADATA_RECORD_SERDE.read(golden)).to.deep.equal({ type: 2, version: 0, data: { name: 'foo', topicId: TOPIC_ID } });
  });

  const partitionV0Body = '00000000  0102030405060708090a0b0c0d0e0f10  03 00000001 00000002  02 00000001  01  01  00000001  00000005  00000007';
  const partitionData = {
    partitionId: 0,
    topicId: TOPIC_ID,
    replicas: [1, 2],
    isr: [1],
    removingReplicas: [],
    addingReplicas: [],
    leader: 1,
    leaderRecoveryState: 0,
    leaderEpoch: 5,
    partitionEpoch: 7,
  };

  it('PartitionRecord v0: LeaderRecoveryState is tagged and left out at its default 0', () => {
    const golden = hex(`01 03 00 ${partitionV0Body} 00`);
    expect(METADATA_RECORD_SERDE.write({ type: partition.id, version: 0, data: partitionData }).toString('hex')).to.equal(golden.toString('hex'));
    expect(METADATA_RECORD_SERDE.read(golden).data).to.deep.equal({ ...partition.codec.defaults(0), ...partitionData });
  });

  it('PartitionRecord v0 with LeaderRecoveryState 1 (RECOVERING): tag 0, size 1, value 1', () => {
    const golden = hex(`01 03 00 ${partitionV0Body} 01 00 01 01`);
    const data = { ...partitionData, leaderRecoveryState: 1 };
    expect(METADATA_RECORD_SERDE.write({ type: partition.id, version: 0, data }).toString('hex')).to.equal(golden.toString('hex'));
    expect(METADATA_RECORD_SERDE.read(golden).data).to.deep.equal({ ...partition.codec.defaults(0), ...data });
  });

  it('PartitionRecord v1 adds Directories (a compact array of uuids) after PartitionEpoch', () => {
    const golden = hex(`01 03 01 ${partitionV0Body} 02 a0a1a2a3a4a5a6a7a8a9aaabacadaeaf 00`);
    const data = { ...partitionData, directories: [DIR_ID] };
    expect(METADATA_RECORD_SERDE.write({ type: partition.id, version: 1, data }).toString('hex')).to.equal(golden.toString('hex'));
    expect(METADATA_RECORD_SERDE.read(golden).data).to.deep.equal({ ...partition.codec.defaults(1), ...data });
  });

  it('PartitionChangeRecord v0: only the changed tagged fields (Isr tag 0, Leader tag 1) are written', () => {
    const golden = hex('01 05 00  00000000  0102030405060708090a0b0c0d0e0f10  02  00 09 03 00000001 00000002  01 04 00000002');
    const bytes = METADATA_RECORD_SERDE.write({ type: change.id, version: 0, data: { partitionId: 0, topicId: TOPIC_ID, isr: [1, 2], leader: 2 } });
    expect(bytes.toString('hex')).to.equal(golden.toString('hex'));
    const back = METADATA_RECORD_SERDE.read(golden).data;
    expect(back).to.include({ partitionId: 0, leader: 2, replicas: null, leaderRecoveryState: -1 });
    expect(back.isr).to.deep.equal([1, 2]);
  });

  it('FeatureLevelRecord metadata.version=19 is the 23-byte value of a bootstrap snapshot', () => {
    const bytes = METADATA_RECORD_SERDE.write({ type: feature.id, version: 0, data: { name: 'metadata.version', featureLevel: 19 } });
    expect(bytes.toString('hex')).to.equal('010c0011' + Buffer.from('metadata.version').toString('hex') + '0013' + '00');
    expect(bytes.length).to.equal(23);
  });
});

describe('MetadataRecordSerde errors (Kafka 3.7 MetadataParseException messages)', () => {
  const parse = (hex: string) => () => METADATA_RECORD_SERDE.read(Buffer.from(hex, 'hex'));

  it('rejects frame version 0 and unknown frame versions', () => {
    expect(parse('000200')).to.throw(
      MetadataParseException,
      /^Could not deserialize metadata record with frame version 0\. Note that upgrades from the preview release of KRaft in 2\.8/,
    );
    expect(parse('020200')).to.throw(
      MetadataParseException,
      'Could not deserialize metadata record due to unknown frame version 2(only frame version 1 is supported)',
    );
  });

  it('rejects an unknown record type and an unknown version of a known type', () => {
    expect(parse('016300')).to.throw(MetadataParseException, 'org.apache.kafka.common.errors.UnsupportedVersionException: Unknown metadata id 99');
    expect(parse('010601')).to.throw(MetadataParseException, 'org.apache.kafka.common.errors.UnsupportedVersionException: Unknown metadata id 6');
    try {
      parse('010205')();
      expect.fail('no error');
    } catch (e) {
      expect((e as Error).message).to.equal('Failed to deserialize record with type 2');
      expect(((e as MetadataParseException).cause as Error).message).to.equal("Can't read version 5 of TopicRecord");
    }
  });

  it('rejects a too large or truncated frame, a truncated record and trailing garbage', () => {
    expect(parse('01ffff03')).to.throw(MetadataParseException, 'Value for type was too large.');
    expect(parse('')).to.throw(MetadataParseException, 'Error while reading frame version');
    expect(parse('0102')).to.throw(MetadataParseException, 'Error while reading version');
    expect(parse('01020004666f')).to.throw(MetadataParseException, 'Failed to deserialize record with type 2');
    const ok = METADATA_RECORD_SERDE.write({ type: 2, version: 0, data: { name: 'foo', topicId: TOPIC_ID } }).toString('hex');
    expect(parse(ok + 'abcd')).to.throw(MetadataParseException, 'Found 2 byte(s) of garbage after 2');
  });

  it('refuses to write an unknown type or version', () => {
    expect(() => METADATA_RECORD_SERDE.write({ type: 16, version: 0, data: {} })).to.throw('Unknown metadata id 16');
    expect(() => METADATA_RECORD_SERDE.write({ type: 3, version: 3, data: {} })).to.throw("Can't write version 3 of PartitionRecord");
    expect(metadataRecordTypeById(13)).to.equal(undefined);
  });
});

describe('metadata records as JSON (Kafka 3.7 JsonConverter, as kafka-dump-log prints them)', () => {
  it('writes the fields of the version in schema order, camelCase, uuids as Kafka prints them', () => {
    const t = metadataRecordType('TopicRecord');
    expect(messageToJson(t.spec, 0, { name: 'foo', topicId: TOPIC_ID })).to.equal('{"name":"foo","topicId":"AQIDBAUGBwgJCgsMDQ4PEA"}');
  });

  it('leaves out tagged fields at their default, and fields the version lacks', () => {
    const t = metadataRecordType('PartitionChangeRecord');
    const data = t.codec.defaults(0);
    Object.assign(data, { partitionId: 1, topicId: TOPIC_ID, leader: 3 });
    expect(messageToJson(t.spec, 0, data)).to.equal('{"partitionId":1,"topicId":"AQIDBAUGBwgJCgsMDQ4PEA","leader":3}');
    const p = metadataRecordType('PartitionRecord');
    const pd = {
      ...p.codec.defaults(1),
      partitionId: 0,
      topicId: TOPIC_ID,
      replicas: [1],
      isr: [1],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [DIR_ID],
    };
    expect(messageToJson(p.spec, 1, pd)).to.equal(
      `{"partitionId":0,"topicId":"AQIDBAUGBwgJCgsMDQ4PEA","replicas":[1],"isr":[1],"removingReplicas":[],"addingReplicas":[],"leader":1,"leaderEpoch":0,"partitionEpoch":0,"directories":["${DIR_ID.toString('base64url')}"]}`,
    );
  });

  it('prints doubles as Java does, bytes as base64, nulls as null, nested structs as objects', () => {
    const q = metadataRecordType('ClientQuotaRecord');
    expect(messageToJson(q.spec, 0, { entity: [{ entityType: 'user', entityName: null }], key: 'producer_byte_rate', value: 1024, remove: false })).to.equal(
      '{"entity":[{"entityType":"user","entityName":null}],"key":"producer_byte_rate","value":1024.0,"remove":false}',
    );
    const s = metadataRecordType('UserScramCredentialRecord');
    expect(
      messageToJson(s.spec, 0, {
        name: 'alice',
        mechanism: 1,
        salt: Buffer.from([1, 2, 3]),
        storedKey: Buffer.alloc(0),
        serverKey: Buffer.from('hi'),
        iterations: 4096,
      }),
    ).to.equal('{"name":"alice","mechanism":1,"salt":"AQID","storedKey":"","serverKey":"aGk=","iterations":4096}');
  });
});
