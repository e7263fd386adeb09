/**
 * org.apache.kafka.metadata.MetadataRecordSerde (AbstractApiMessageSerde): how a metadata record is framed inside
 * a record batch's value: unsigned varint frame version (1), unsigned varint record type, unsigned varint record
 * version, then the record in that version's encoding. Reading rejects what Kafka 3.7 rejects, with its
 * MetadataParseException messages.
 */
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { MetadataRecordType, metadataRecordTypeById } from './records/MetadataRecordType';

/** ApiMessageAndVersion: a record, its type (the schema's apiKey) and its version. */
export interface ApiMessageAndVersion {
  readonly type: number;
  readonly version: number;
  readonly data: Record<string, unknown>;
}

/** org.apache.kafka.server.common.serialization.MetadataParseException. */
export class MetadataParseException extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MetadataParseException';
  }
}

/** Kafka's UnsupportedVersionException, as the generated MetadataRecordType and *Record classes throw it. */
export class UnsupportedVersionException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedVersionException';
  }
}

/** AbstractApiMessageSerde.DEFAULT_FRAME_VERSION: the only frame version Kafka 3.7 reads or writes. */
export const DEFAULT_FRAME_VERSION = 1;

const SHORT_MAX = 0x7fff;

function unsignedIntToShort(r: Reader, entity: string): number {
  let val: number;
  try {
    val = r.uvarint();
  } catch (e) {
    throw new MetadataParseException(`Error while reading ${entity}`, e);
  }
  if (val > SHORT_MAX) throw new MetadataParseException(`Value for ${entity} was too large.`);
  return val;
}

function recordType(id: number): MetadataRecordType {
  const t = metadataRecordTypeById(id);
  if (!t) throw new UnsupportedVersionException(`Unknown metadata id ${id}`);
  return t;
}

function checkVersion(t: MetadataRecordType, version: number, verb: 'read' | 'write'): void {
  if (version < t.lowestSupportedVersion || version > t.highestSupportedVersion) {
    // The generated *Record.read/write's check.
    throw new UnsupportedVersionException(`Can't ${verb} version ${version} of ${t.spec.name}`);
  }
}

export class MetadataRecordSerde {
  /** Writes the frame and the record; an unknown type or version throws (Kafka's UnsupportedVersionException). */
  write(record: ApiMessageAndVersion, w: Writer = new Writer(64)): Buffer {
    const t = recordType(record.type);
    checkVersion(t, record.version, 'write');
    w.uvarint(DEFAULT_FRAME_VERSION).uvarint(record.type).uvarint(record.version);
    t.codec.write(w, record.version, record.data);
    return w.toBuffer();
  }

  /** Reads one framed record that fills `buf` exactly. */
  read(buf: Buffer): ApiMessageAndVersion {
    const r = new Reader(buf);
    const frameVersion = unsignedIntToShort(r, 'frame version');
    if (frameVersion === 0) {
      throw new MetadataParseException(
        'Could not deserialize metadata record with frame version 0. Note that upgrades from the preview release of KRaft in 2.8 to newer versions are not supported.',
      );
    } else if (frameVersion !== DEFAULT_FRAME_VERSION) {
      // Kafka's message has no space before the parenthesis.
      throw new MetadataParseException(
        `Could not deserialize metadata record due to unknown frame version ${frameVersion}(only frame version ${DEFAULT_FRAME_VERSION} is supported)`,
      );
    }
    const type = unsignedIntToShort(r, 'type');
    const version = unsignedIntToShort(r, 'version');
    let t: MetadataRecordType;
    try {
      t = recordType(type);
    } catch (e) {
      // new MetadataParseException(Throwable): the message is the cause's toString.
      throw new MetadataParseException(`org.apache.kafka.common.errors.UnsupportedVersionException: ${(e as Error).message}`, e);
    }
    let data: Record<string, unknown>;
    try {
      checkVersion(t, version, 'read');
      data = t.codec.read(r, version);
    } catch (e) {
      throw new MetadataParseException(`Failed to deserialize record with type ${type}`, e);
    }
    const remaining = r.end - r.offset;
    if (remaining > 0) throw new MetadataParseException(`Found ${remaining} byte(s) of garbage after ${type}`);
    return { type, version, data };
  }
}

export const METADATA_RECORD_SERDE = new MetadataRecordSerde();
