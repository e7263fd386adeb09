/**
 * The console consumer's formatters: Kafka's DefaultMessageFormatter (print.timestamp / print.partition /
 * print.offset / print.headers / print.key / print.value with key.separator, line.separator,
 * headers.separator, null.literal), the two __consumer_offsets formatters of GroupMetadataManager
 * (OffsetsMessageFormatter, GroupMetadataMessageFormatter) with their toString shapes, and the __transaction_state
 * one (TransactionLog.TransactionLogMessageFormatter).
 */
import { IHeaders } from 'kafkajs';
import { readGroupMessageValue, readMessageKey, readOffsetMessageValue } from '../coordinator/group/ConsumerOffsetsFormats';
import { formatTxnRecord } from '../coordinator/transaction/TransactionLog';
import { fail } from './CommandUtils';

interface ConsoleRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

interface MessageFormatter {
  /** The text to write for one record ('' to skip it). */
  format(r: ConsoleRecord): string;
}

const unescape = (s: string) => s.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\r/g, '\r');

class DefaultMessageFormatter implements MessageFormatter {
  private readonly printTimestamp: boolean;
  private readonly printKey: boolean;
  private readonly printOffset: boolean;
  private readonly printPartition: boolean;
  private readonly printHeaders: boolean;
  private readonly printValue: boolean;
  private readonly keySeparator: string;
  private readonly lineSeparator: string;
  private readonly headersSeparator: string;
  private readonly nullLiteral: string;

  constructor(props: ReadonlyMap<string, string>) {
    const flag = (k: string, d: boolean) => (props.has(k) ? props.get(k)!.trim().toLowerCase() === 'true' : d);
    this.printTimestamp = flag('print.timestamp', false);
    this.printKey = flag('print.key', false);
    this.printOffset = flag('print.offset', false);
    this.printPartition = flag('print.partition', false);
    this.printHeaders = flag('print.headers', false);
    this.printValue = flag('print.value', true);
    this.keySeparator = unescape(props.get('key.separator') ?? '\t');
    this.lineSeparator = unescape(props.get('line.separator') ?? '\n');
    this.headersSeparator = unescape(props.get('headers.separator') ?? ',');
    this.nullLiteral = props.get('null.literal') ?? 'null';
  }

  private text(b: Buffer | string | null | undefined): string {
    if (b === null || b === undefined) return this.nullLiteral;
    return typeof b === 'string' ? b : b.toString('utf8');
  }

  format(r: ConsoleRecord): string {
    const fields: string[] = [];
    if (this.printTimestamp) fields.push(`CreateTime:${r.timestamp}`);
    if (this.printPartition) fields.push(`Partition:${r.partition}`);
    if (this.printOffset) fields.push(`Offset:${r.offset}`);
    if (this.printHeaders) {
      const hs: string[] = [];
      for (const [k, v] of Object.entries(r.headers ?? {})) {
        for (const one of Array.isArray(v) ? v : [v]) hs.push(`${k}:${this.text(one as Buffer | string | null | undefined)}`);
      }
      fields.push(hs.length > 0 ? hs.join(this.headersSeparator) : 'NO_HEADERS');
    }
    if (this.printKey) fields.push(this.text(r.key));
    if (this.printValue) return fields.concat([this.text(r.value)]).join(this.keySeparator) + this.lineSeparator;
    // Without the value Kafka writes the fields and their separators but no line separator.
    return fields.join(this.keySeparator);
  }
}

/** GroupMetadataManager.OffsetsMessageFormatter: "[group,topic,partition]::OffsetAndMetadata(...)". */
class OffsetsMessageFormatter implements MessageFormatter {
  format(r: ConsoleRecord): string {
    if (!r.key) return '';
    const key = readMessageKey(r.key);
    if (key.kind !== 'offset') return '';
    const v = readOffsetMessageValue(r.value);
    const value =
      v === null
        ? 'NULL'
        : `OffsetAndMetadata(offset=${v.offset}, leaderEpoch=${v.leaderEpoch >= 0 ? `Optional[${v.leaderEpoch}]` : 'Optional.empty'}, metadata=${v.metadata}, commitTimestamp=${v.commitTimestamp}, expireTimestamp=${v.expireTimestamp >= 0 ? `Some(${v.expireTimestamp})` : 'None'})`;
    return `[${key.group},${key.topic},${key.partition}]::${value}\n`;
  }
}

/** GroupMetadataManager.GroupMetadataMessageFormatter: "group::GroupMetadata(...)". */
class GroupMetadataMessageFormatter implements MessageFormatter {
  format(r: ConsoleRecord): string {
    if (!r.key) return '';
    const key = readMessageKey(r.key);
    if (key.kind !== 'group') return '';
    const g = readGroupMessageValue(r.value);
    if (g === null) return `${key.group}::NULL\n`;
    const members = g.members.map(
      (m) =>
        `${m.memberId} -> MemberMetadata(memberId=${m.memberId}, groupInstanceId=${m.groupInstanceId === null ? 'None' : `Some(${m.groupInstanceId})`}, clientId=${m.clientId}, clientHost=${m.clientHost}, sessionTimeoutMs=${m.sessionTimeout}, rebalanceTimeoutMs=${m.rebalanceTimeout}, supportedProtocols=List(${g.protocol ?? ''}))`,
    );
    const state = g.members.length > 0 ? 'Stable' : 'Empty';
    return `${key.group}::GroupMetadata(groupId=${key.group}, generation=${g.generation}, protocolType=${g.protocolType}, currentState=${state}, members=HashMap(${members.join(', ')}))\n`;
  }
}

/** TransactionLog.TransactionLogMessageFormatter: "transactionalId::TransactionMetadata(...)"; keyless records print nothing. */
class TransactionLogMessageFormatter implements MessageFormatter {
  format(r: ConsoleRecord): string {
    if (!r.key) return '';
    return `${formatTxnRecord(r.key, r.value)}\n`;
  }
}

/** --formatter class names, both Kafka 3.7's and the later org.apache.kafka.tools.consumer ones. */
export function createFormatter(className: string | undefined, props: ReadonlyMap<string, string>): MessageFormatter {
  const name = className ?? 'kafka.tools.DefaultMessageFormatter';
  const simple = name.substring(name.lastIndexOf('.') + 1).replace(/^(GroupMetadataManager|TransactionLog)\$/, '');
  switch (simple) {
    case 'DefaultMessageFormatter':
      return new DefaultMessageFormatter(props);
    case 'OffsetsMessageFormatter':
      return new OffsetsMessageFormatter();
    case 'GroupMetadataMessageFormatter':
      return new GroupMetadataMessageFormatter();
    case 'TransactionLogMessageFormatter':
      return new TransactionLogMessageFormatter();
    default:
      return fail(`Unknown formatter class ${name}`);
  }
}
