/**
 * The log-dir requests of KafkaApis (KIP-113): DescribeLogDirs (what each log dir of this broker holds, with
 * sizes, lags and future replicas) and AlterReplicaLogDirs (move replicas between this broker's log dirs).
 */
import * as fs from 'fs';
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterReplicaLogDirsApi, DescribeLogDirsApi } from '../../protocol/apis';
import type { DescribeLogDirsResult, DescribeLogDirsTopic } from '../../protocol/apis/35-describe-log-dirs';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import type { Log } from '../../log/Log';
import { getLogger, Logger } from '../../common/logger';
import type { ReplicaManager } from '../ReplicaManager';

/** DescribeLogDirsResponse.INVALID_OFFSET_LAG: the replica is not hosted (no partition) or offline. */
const INVALID_OFFSET_LAG = -1;
const INT64_MAX = Number.MAX_SAFE_INTEGER;

export class LogDirApis {
  private readonly log: Logger;

  constructor(
    brokerId: number,
    private readonly replicaManager: ReplicaManager,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${brokerId}] `);
  }

  /**
   * KafkaApis.handleDescribeLogDirsRequest + ReplicaManager.describeLogDirs: every configured log dir, offline
   * ones with KAFKA_STORAGE_ERROR only; per dir the topics with a log there, each listing the requested partitions
   * (a topic whose partitions were not asked for appears with none, as Kafka's groupBy-then-filter does).
   */
  handleDescribeLogDirs(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeLogDirsApi.decodeRequest(r, v);
    const lm = this.replicaManager.logManager;
    const logs = [...lm.allLogs(), ...lm.futureLogList()];
    const wanted = req.topics === null ? null : new Set(req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\u0000${p}`)));
    const results: DescribeLogDirsResult[] = lm.logDirs.map((dir) => {
      if (!lm.isLogDirOnline(dir)) {
        this.log.warn(`Unable to describe replica dirs for ${dir}: Log directory ${dir} is offline`);
        return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir: dir, topics: [], totalBytes: -1, usableBytes: -1 };
      }
      try {
        const st = fs.statfsSync(dir);
        const byTopic = new Map<string, DescribeLogDirsTopic>();
        for (const l of logs) {
          if (l.parentDir !== dir) continue;
          let t = byTopic.get(l.topic);
          if (!t) byTopic.set(l.topic, (t = { name: l.topic, partitions: [] }));
          if (wanted !== null && !wanted.has(`${l.topic}\u0000${l.partition}`)) continue;
          const isFuture = lm.getLog(l.topic, l.partition, true) === l;
          t.partitions.push({ partitionIndex: l.partition, partitionSize: l.size, offsetLag: this.offsetLag(l, isFuture), isFutureKey: isFuture });
        }
        for (const t of byTopic.values()) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex);
        return {
          errorCode: ErrorCode.NONE,
          logDir: dir,
          topics: [...byTopic.values()],
          // FileStore.getTotalSpace / getUsableSpace (f_blocks and f_bavail times the block size), capped as adjustForLargeFileSystems does.
          totalBytes: Math.min(st.blocks * st.bsize, INT64_MAX),
          usableBytes: Math.min(st.bavail * st.bsize, INT64_MAX),
        };
      } catch (e) {
        this.log.error(`Error while describing replica in dir ${dir}`, e);
        return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir: dir, topics: [], totalBytes: -1, usableBytes: -1 };
      }
    });
    return encodeResponse(DescribeLogDirsApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results });
  }

  /**
   * KafkaApis.handleAlterReplicaLogDirsRequest: each (partition, destination dir) through
   * ReplicaManager.alterReplicaLogDirs (see ReplicaAlterLogDirsManager for the errors); the answer groups the
   * partitions by topic. A partition listed under two dirs keeps the last one, as Kafka's partitionDirs map does.
   */
  handleAlterReplicaLogDirs(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = AlterReplicaLogDirsApi.decodeRequest(r, v);
    const wanted = new Map<string, { topic: string; partition: number; dir: string }>();
    for (const d of req.dirs) {
      for (const t of d.topics) for (const partition of t.partitions) wanted.set(`${t.name}\u0000${partition}`, { topic: t.name, partition, dir: d.path });
    }
    const results = this.replicaManager.alterLogDirsManager.alterReplicaLogDirs([...wanted.values()]);
    const byTopic = new Map<string, Array<{ partitionIndex: number; errorCode: number }>>();
    for (const x of results) {
      const list = byTopic.get(x.topic) ?? [];
      list.push({ partitionIndex: x.partition, errorCode: x.errorCode });
      byTopic.set(x.topic, list);
    }
    return encodeResponse(AlterReplicaLogDirsApi, v, {
      throttleTimeMs: 0,
      results: [...byTopic].map(([topicName, partitions]) => ({ topicName, partitions })),
    });
  }

  /**
   * ReplicaManager.getLogEndOffsetLag: a current replica lags its high watermark (max(HW - LEO, 0), 0 on a leader),
   * a future replica lags the current one (current LEO - future LEO); -1 when the partition is not hosted here.
   */
  private offsetLag(l: Log, isFuture: boolean): number {
    const p = this.replicaManager.getPartition(l.topic, l.partition);
    if (!p) return INVALID_OFFSET_LAG;
    return isFuture ? p.logEndOffset - l.logEndOffset : Math.max(p.highWatermark - l.logEndOffset, 0);
  }
}
