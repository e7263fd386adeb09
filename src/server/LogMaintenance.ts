/**
 * The log layer's parts that a ZooKeeper-mode broker (KafkaServer) and a KRaft broker (BrokerServer) build the same
 * way: the LogManager with the broker's log defaults, and LogManager's background tasks (kafka-log-retention, and
 * the LogCleaner for cleanup.policy=compact logs). Both act only on what lies below a partition's high watermark.
 */
import { LogCleaner, cleanerConfigFrom } from '../log/LogCleaner';
import { LogManager } from '../log/LogManager';
import { LogRetention } from '../log/LogRetention';
import { TopicConfigRepository, logConfigWithOverrides } from './config/DynamicConfigManager';
import { KafkaConfig } from './config/KafkaConfig';
import type { ReplicaManager } from './ReplicaManager';

/** The LogManager over log.dirs; its logs open with the broker defaults (topic overrides are applied per topic). */
export function newLogManager(cfg: KafkaConfig): LogManager {
  return new LogManager(cfg.logDirs, logConfigWithOverrides(cfg.logConfig(), {}), {
    fileDeleteDelayMs: cfg.logDeleteDelayMs,
    producerIdExpirationMs: cfg.producerIdExpirationMs,
    producerIdExpirationCheckIntervalMs: cfg.producerIdExpirationCheckIntervalMs,
  });
}

export interface LogMaintenance {
  logRetention: LogRetention;
  logCleaner: LogCleaner | null;
}

/** Starts retention (every log.retention.check.interval.ms) and, with log.cleaner.enable, the cleaner. */
export function startLogMaintenance(
  cfg: KafkaConfig,
  logManager: LogManager,
  replicaManager: ReplicaManager,
  topicConfigs: TopicConfigRepository,
): LogMaintenance {
  const highWatermark = (l: { topic: string; partition: number }) => replicaManager.getPartition(l.topic, l.partition)?.highWatermark ?? null;
  const logRetention = new LogRetention({ logs: () => logManager.allLogs(), configFor: (l) => topicConfigs.logConfigFor(l.topic), highWatermark });
  logRetention.startup(cfg.logCleanupIntervalMs);
  let logCleaner: LogCleaner | null = null;
  if (cfg.logCleanerEnable) {
    logCleaner = new LogCleaner({
      logDirs: cfg.logDirs,
      // Partitions being moved to another log dir are not cleaned (LogManager.abortAndPauseCleaning, KIP-113).
      logs: () => logManager.allLogs().filter((l) => !replicaManager.alterLogDirsManager.isMoving(l.topic, l.partition)),
      configFor: (l) => cleanerConfigFrom((k) => topicConfigs.get(l.topic, k), cfg),
      highWatermark,
      backoffMs: cfg.logCleanerBackoffMs,
      dedupeBufferSize: cfg.logCleanerDedupeBufferSize,
    });
    logCleaner.startup();
  }
  return { logRetention, logCleaner };
}
