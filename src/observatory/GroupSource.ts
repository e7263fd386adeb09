/**
 * Consumer groups, polled through the Kafka protocol with the very functions `kafka-consumer-groups
 * --describe` uses (src/cli/ConsumerGroupService: DescribeGroups, OffsetFetch, ListOffsets), so the page's
 * lag is the tool's number: log-end offset minus committed offset, per partition.
 *
 * DescribeGroups carries no generation id, so generations come from the coordinators' own log lines
 * (GroupCoordinator's "Stabilized group g generation N (...) with M members") when the brokers' log
 * folders are known.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Admin } from 'kafkajs';
import { createKafka } from '../cli/CommandUtils';
import { committedOffsets, describeGroups, logOffsets, tpKey } from '../cli/ConsumerGroupService';
import type { GroupPartitionView, GroupView } from './types';

/** Reads what was appended to a broker's server.log since the last look, for generation lines. */
class LogTail {
  private pos = -1;
  constructor(readonly file: string) {}

  newLines(): string[] {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return [];
    }
    // Start from the beginning the first time (the groups formed before we looked), and after a rotation.
    if (this.pos < 0 || size < this.pos) this.pos = 0;
    if (size === this.pos) return [];
    const len = Math.min(size - this.pos, 4 << 20);
    const buf = Buffer.alloc(len);
    const fd = fs.openSync(this.file, 'r');
    try {
      fs.readSync(fd, buf, 0, len, this.pos);
    } finally {
      fs.closeSync(fd);
    }
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return [];
    this.pos += Buffer.byteLength(text.substring(0, end + 1));
    return text.substring(0, end).split('\n');
  }
}

const STABILIZED = /Stabilized group (\S+) generation (\d+) /;
const NOW_EMPTY = /Group (\S+) with generation (\d+) is now empty/;

export class GroupSource {
  private admin: Admin | null = null;
  private readonly tails: LogTail[];
  private readonly generations = new Map<string, number>();
  groups: GroupView[] = [];
  error: string | undefined;

  constructor(
    private readonly bootstrapServers: string,
    /** Each broker's LOG_DIR (server.log), when known. */
    logDirs: string[] = [],
  ) {
    this.tails = logDirs.map((d) => new LogTail(path.join(d, 'server.log')));
  }

  private readGenerations(): void {
    for (const t of this.tails) {
      for (const line of t.newLines()) {
        const m = STABILIZED.exec(line) ?? NOW_EMPTY.exec(line);
        if (m) this.generations.set(m[1], Number(m[2]));
      }
    }
  }

  /** One poll; keeps the last good answer and records the error when the cluster does not answer. */
  async poll(): Promise<void> {
    this.readGenerations();
    try {
      if (!this.admin) {
        const admin = createKafka(this.bootstrapServers.split(','), { clientId: 'observatory', timeoutMs: 5000 }).admin();
        await admin.connect();
        this.admin = admin;
      }
      this.groups = await this.describeAll(this.admin);
      this.error = undefined;
    } catch (e) {
      this.error = `consumer groups unavailable: ${(e as Error).message}`;
      const admin = this.admin;
      this.admin = null;
      await admin?.disconnect().catch(() => undefined);
    }
  }

  private async describeAll(admin: Admin): Promise<GroupView[]> {
    const listed = (await admin.listGroups()).groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '');
    const ids = listed.map((g) => g.groupId).sort();
    if (ids.length === 0) return [];
    const out: GroupView[] = [];
    for (const g of await describeGroups(admin, ids)) {
      const committed = await committedOffsets(admin, g.groupId);
      // The rows of ConsumerGroupCommand's describe: assigned partitions first, then committed-only ones.
      const rows: GroupPartitionView[] = [];
      const seen = new Set<string>();
      for (const m of g.members) {
        for (const tp of m.assignment) {
          seen.add(tpKey(tp.topic, tp.partition));
          rows.push({ ...tp, currentOffset: null, logEndOffset: null, lag: null, consumerId: m.memberId, host: m.host, clientId: m.clientId });
        }
      }
      for (const c of committed.values()) {
        if (!seen.has(tpKey(c.topic, c.partition)))
          rows.push({
            topic: c.topic,
            partition: c.partition,
            currentOffset: null,
            logEndOffset: null,
            lag: null,
            consumerId: null,
            host: null,
            clientId: null,
          });
      }
      const ends = await logOffsets(
        admin,
        rows.map((r) => r.topic),
      );
      for (const r of rows) {
        const k = tpKey(r.topic, r.partition);
        r.currentOffset = committed.get(k)?.offset ?? null;
        r.logEndOffset = ends.get(k)?.high ?? null;
        r.lag = r.currentOffset !== null && r.logEndOffset !== null ? r.logEndOffset - r.currentOffset : null;
      }
      rows.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      out.push({
        groupId: g.groupId,
        state: g.state,
        protocol: g.protocol,
        members: g.members.length,
        generation: this.generations.get(g.groupId),
        partitions: rows,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }
}
