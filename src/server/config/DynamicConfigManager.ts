/**
 * Live topic configs (Kafka's ZkConfigManager + ZkNodeChangeNotificationListener + TopicConfigHandler):
 * - TopicConfigRepository is the broker's one cache of /config/topics/<t> overrides and of each topic's
 *   effective LogConfig (broker defaults from server.properties, then the topic's overrides). Applying a change
 *   replaces the config of every live Log of the topic, so segment.bytes, segment.ms, retention.*,
 *   min.insync.replicas... take effect without a restart.
 * - ZkConfigManager keeps a child watch on /config/changes on every broker, handles each new
 *   config_change_<n> in sequence order (re-reading the entity's znode) and purges notifications older than
 *   15 minutes, as Kafka's listener does (changeExpirationMs). After a new ZooKeeper session it re-reads them.
 */
import { getLogger, Logger } from '../../common/logger';
import { Log } from '../../log/Log';
import { TimestampType } from '../../log/LogConfig';
import { compressionTypeForConfig } from '../../protocol/records/compression';
import { KafkaZkClient } from '../../zk/KafkaZkClient';
import * as D from '../../zk/ZkData';
import { CHANGE_EXPIRATION_MS, ZkNodeChangeNotificationListener } from '../../zk/ZkNodeChangeNotificationListener';
import { BrokerLogDefaults } from './KafkaConfig';

/**
 * kafka.log.LogConfig.fromProps(brokerDefaults, overrides): broker defaults overridden by topic keys, with the
 * typed fields the produce path reads per batch (timestamp type, compact, target codec) derived once here.
 */
export function logConfigWithOverrides(base: BrokerLogDefaults, o: Readonly<Record<string, string>>): BrokerLogDefaults {
  const c = mergeOverrides(base, o);
  const timestampType: TimestampType = c.messageTimestampType === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime';
  return {
    ...c,
    timestampType,
    compact: c.cleanupPolicy.includes('compact'),
    deletePolicy: c.cleanupPolicy.includes('delete'),
    targetCodec: compressionTypeForConfig(c.compressionType),
  };
}

function mergeOverrides(base: BrokerLogDefaults, o: Readonly<Record<string, string>>): BrokerLogDefaults {
  const num = (k: string, d: number): number => (o[k] !== undefined && o[k].trim() !== '' ? Number(o[k]) : d);
  const bool = (k: string, d: boolean): boolean => (o[k] !== undefined ? o[k].trim().toLowerCase() === 'true' : d);
  const str = (k: string, d: string): string => (o[k] !== undefined ? o[k].trim() : d);
  return {
    ...base,
    segmentBytes: num('segment.bytes', base.segmentBytes),
    indexIntervalBytes: num('index.interval.bytes', base.indexIntervalBytes),
    maxIndexSize: num('segment.index.bytes', base.maxIndexSize),
    segmentMs: num('segment.ms', base.segmentMs),
    maxMessageBytes: num('max.message.bytes', base.maxMessageBytes),
    flushIntervalMessages: num('flush.messages', base.flushIntervalMessages),
    segmentJitterMs: num('segment.jitter.ms', base.segmentJitterMs),
    flushMs: num('flush.ms', base.flushMs),
    retentionBytes: num('retention.bytes', base.retentionBytes),
    retentionMs: num('retention.ms', base.retentionMs),
    cleanupPolicy:
      o['cleanup.policy'] !== undefined
        ? o['cleanup.policy']
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter((s) => s !== '')
        : [...base.cleanupPolicy],
    deleteRetentionMs: num('delete.retention.ms', base.deleteRetentionMs),
    minCompactionLagMs: num('min.compaction.lag.ms', base.minCompactionLagMs),
    maxCompactionLagMs: num('max.compaction.lag.ms', base.maxCompactionLagMs),
    fileDeleteDelayMs: num('file.delete.delay.ms', base.fileDeleteDelayMs),
    minCleanableRatio: num('min.cleanable.dirty.ratio', base.minCleanableRatio),
    minInSyncReplicas: num('min.insync.replicas', base.minInSyncReplicas),
    compressionType: str('compression.type', base.compressionType),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable', base.uncleanLeaderElectionEnable),
    preallocate: bool('preallocate', base.preallocate),
    messageTimestampType: str('message.timestamp.type', base.messageTimestampType),
    messageDownConversionEnable: bool('message.downconversion.enable', base.messageDownConversionEnable),
  };
}

/** The broker's topic config cache (ZkConfigRepository + LogManager.updateTopicConfig). */
export class TopicConfigRepository {
  private readonly overrides = new Map<string, Record<string, string>>();
  private readonly effective = new Map<string, BrokerLogDefaults>();
  private readonly log: Logger;

  constructor(
    private brokerDefaults: BrokerLogDefaults,
    private readonly fetch: (topic: string) => Promise<Record<string, string>>,
    private readonly logsOf: (topic: string) => Log[],
    brokerId: number,
  ) {
    this.log = getLogger('kafka.server.TopicConfigHandler', `[TopicConfigHandler broker=${brokerId}] `);
  }

  /** One override of the topic, undefined when not overridden (or not loaded). */
  get(topic: string, key: string): string | undefined {
    return this.overrides.get(topic)?.[key];
  }

  overridesOf(topic: string): Readonly<Record<string, string>> | undefined {
    return this.overrides.get(topic);
  }

  /** The topic's effective LogConfig (broker defaults when its overrides are not loaded). */
  logConfigFor(topic: string): BrokerLogDefaults {
    let c = this.effective.get(topic);
    if (!c) {
      c = logConfigWithOverrides(this.brokerDefaults, this.overrides.get(topic) ?? {});
      this.effective.set(topic, c);
    }
    return c;
  }

  /** Reads the overrides of these topics from ZooKeeper (in parallel) and applies them to their live logs. */
  async load(topics: readonly string[]): Promise<void> {
    await Promise.all(topics.map(async (t) => this.update(t, await this.fetch(t))));
  }

  /** The topic's overrides changed: cache them and reconfigure every live log of the topic. */
  update(topic: string, props: Record<string, string>): void {
    const before = this.overrides.get(topic);
    this.overrides.set(topic, props);
    this.effective.delete(topic);
    if (before !== undefined && sameProps(before, props)) return;
    const cfg = this.logConfigFor(topic);
    const logs = this.logsOf(topic);
    for (const l of logs) l.config = cfg;
    if (before !== undefined)
      this.log.info(`Processing override for entityPath: topics/${topic} with config: ${JSON.stringify(props)} (${logs.length} logs reconfigured)`);
  }

  /**
   * DynamicLogConfig.reconfigure: the broker defaults changed (log.retention.ms, message.max.bytes, ... set dynamically);
   * every live log gets its topic's overrides over the new defaults, so topics without an override follow at once.
   */
  reconfigureDefaults(defaults: BrokerLogDefaults, allLogs: readonly Log[]): void {
    this.brokerDefaults = defaults;
    this.effective.clear();
    for (const l of allLogs) l.config = this.logConfigFor(l.topic);
    this.log.info(`Reconfigured the broker log defaults of ${allLogs.length} logs`);
  }

  remove(topic: string): void {
    this.overrides.delete(topic);
    this.effective.delete(topic);
  }
}

function sameProps(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a[k]);
}

/** Kafka's ConfigHandler for one entity type: called with the entity name of each change notification. */
export interface ConfigEntityHandler {
  processConfigChanges(entityName: string): Promise<void>;
}

/** kafka.server.ZkConfigManager: the config change notification listener of one broker. */
export class ZkConfigManager {
  private readonly listener: ZkNodeChangeNotificationListener;
  private readonly log: Logger;
  /**
   * Kafka's ConfigHandler per entity type (ConfigType.User, Client, Broker, ...): each gets the entity name of a
   * `<type>/<name>` notification (e.g. `users/alice/clients/app` gives users `alice/clients/app`) and re-reads its
   * znode. Topics are handled by the TopicConfigRepository. A type without a handler is logged and ignored.
   */
  private readonly handlers = new Map<string, ConfigEntityHandler>();

  constructor(
    private readonly zk: KafkaZkClient,
    private readonly topicConfigs: TopicConfigRepository,
    brokerId: number,
    time: () => number = Date.now,
    changeExpirationMs = CHANGE_EXPIRATION_MS,
  ) {
    this.log = getLogger('kafka.server.ZkConfigManager', `[ZkConfigManager broker=${brokerId}] `);
    this.listener = new ZkNodeChangeNotificationListener(
      zk,
      D.ConfigEntityChangeNotificationZNode.path,
      D.ConfigEntityChangeNotificationSequenceZNode.SequenceNumberPrefix,
      (data) => this.processEntity(D.decodeConfigChangeNotification(data)),
      brokerId,
      time,
      changeExpirationMs,
    );
  }

  /** Adds the handler of one entity type; several handlers of one type each get every change (users: SCRAM and quotas). */
  registerHandler(entityType: string, handler: ConfigEntityHandler): void {
    const prev = this.handlers.get(entityType);
    this.handlers.set(
      entityType,
      prev
        ? {
            processConfigChanges: async (name: string) => {
              await prev.processConfigChanges(name);
              await handler.processConfigChanges(name);
            },
          }
        : handler,
    );
  }

  /** Registers the child watch and processes the notifications already there. */
  startup(): Promise<void> {
    return this.listener.startup();
  }

  shutdown(): void {
    this.listener.shutdown();
  }

  /** ConfigChangedNotificationHandler: topics here, other entity types through their registered handler. */
  private async processEntity(entityPath: string | null): Promise<void> {
    if (entityPath === null) return;
    const slash = entityPath.indexOf('/');
    const type = slash < 0 ? entityPath : entityPath.substring(0, slash);
    const name = slash < 0 ? '' : entityPath.substring(slash + 1);
    if (type === D.ConfigType.Topic && name !== '') {
      this.topicConfigs.update(name, await this.zk.getTopicConfig(name));
    } else if (name !== '' && this.handlers.has(type)) {
      await this.handlers.get(type)!.processConfigChanges(name);
    } else {
      this.log.debug(`Ignoring config change notification for ${entityPath}`);
    }
  }
}
