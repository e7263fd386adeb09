/**
 * org.apache.kafka.common.Uuid: a 128-bit id (topic ids, incarnation ids) printed as URL-safe base64 without
 * padding (22 chars). Random ids are version-4 UUIDs, as java.util.UUID.randomUUID makes them, and never one of
 * the reserved values (ZERO_UUID, ONE_UUID = METADATA_TOPIC_ID) nor a string starting with '-' (it would read
 * as a command-line option).
 */
import { randomBytes } from 'crypto';

export class Uuid {
  private readonly bytes: Buffer;

  /** @param bytes exactly 16 bytes (most significant first); copied. */
  constructor(bytes: Uint8Array) {
    if (bytes.length !== 16) throw new Error(`A Uuid is 16 bytes, got ${bytes.length}`);
    this.bytes = Buffer.from(bytes);
  }

  static readonly ZERO_UUID = new Uuid(Buffer.alloc(16));
  static readonly ONE_UUID = new Uuid(Buffer.from('00000000000000000000000000000001', 'hex'));
  /** The KRaft metadata topic id; reserved. */
  static readonly METADATA_TOPIC_ID = Uuid.ONE_UUID;

  /** Uuid.randomUuid: retries until the id is not reserved and its string form does not start with '-'. */
  static randomUuid(): Uuid {
    for (;;) {
      const b = randomBytes(16);
      b[6] = (b[6] & 0x0f) | 0x40; // version 4
      b[8] = (b[8] & 0x3f) | 0x80; // IETF variant
      const id = new Uuid(b);
      if (!id.isReserved() && !id.toString().startsWith('-')) return id;
    }
  }

  /** The id for a new topic (Kafka uses Uuid.randomUuid for /brokers/topics/<t> "topic_id"). */
  static randomTopicId(): Uuid {
    return Uuid.randomUuid();
  }

  /** Uuid.fromString, with Kafka's messages. */
  static fromString(str: string): Uuid {
    if (str.length > 24) {
      throw new Error(`Input string with prefix \`${str.substring(0, 24)}\` is too long to be decoded as a base64 UUID`);
    }
    if (!/^[A-Za-z0-9_-]*={0,2}$/.test(str)) throw new Error(`Illegal base64 character in \`${str}\``);
    const bytes = Buffer.from(str, 'base64url');
    if (bytes.length !== 16) {
      throw new Error(`Input string \`${str}\` decoded as ${bytes.length} bytes, which is not equal to the expected 16 bytes of a base64-encoded UUID`);
    }
    return new Uuid(bytes);
  }

  /** From the protocol's 16 raw bytes. */
  static fromBytes(bytes: Uint8Array): Uuid {
    return new Uuid(bytes);
  }

  /** The 16 bytes for the protocol (a copy). */
  toBytes(): Buffer {
    return Buffer.from(this.bytes);
  }

  mostSignificantBits(): bigint {
    return this.bytes.readBigInt64BE(0);
  }

  leastSignificantBits(): bigint {
    return this.bytes.readBigInt64BE(8);
  }

  isReserved(): boolean {
    return this.equals(Uuid.ZERO_UUID) || this.equals(Uuid.ONE_UUID);
  }

  equals(other: Uuid): boolean {
    return this.bytes.equals(other.bytes);
  }

  /** Uuid.compareTo: unsigned comparison of the two longs, i.e. of the bytes. */
  compareTo(other: Uuid): number {
    return Buffer.compare(this.bytes, other.bytes);
  }

  toString(): string {
    return this.bytes.toString('base64url');
  }
}
