/**
 * kafka.server.ClientQuotaManager and ClientRequestQuotaManager: one quota type (Produce or Fetch bytes per second,
 * Request time as a percentage of one thread), a sensor per quota entity (the metric tags DefaultQuotaCallback
 * picks), each a Rate over quota.window.num samples of quota.window.size.seconds, and the throttle time of a
 * recording that pushes the rate over its quota.
 */
import { getLogger, Logger } from '../../common/logger';
import { sanitize } from '../../common/Sanitizer';
import { DefaultQuotaCallback, EntityPart, QuotaMetricTags, QuotaTypes } from './QuotaCallback';
import { QuotaMetricConfig, Rate, recordAndGetThrottleTime } from './Rate';

export type QuotaType = 'Produce' | 'Fetch' | 'Request';

export interface ClientQuotaManagerConfig {
  /** quota.window.num */
  numQuotaSamples: number;
  /** quota.window.size.seconds */
  quotaWindowSizeSeconds: number;
}

/** The quota sensor of one entity, with the throttle-time Avg Kafka keeps beside it. */
export interface ClientSensor {
  readonly tags: QuotaMetricTags;
  readonly rate: Rate;
  config: QuotaMetricConfig;
  throttleTimeSum: number;
  throttleCount: number;
  /** Last time it was used: sensors idle for an hour go (Metrics' sensor expiration). */
  lastUsedMs: number;
}

/** Long.MaxValue as a double: the limit of an entity without quota. */
const UNLIMITED = 2 ** 63;
/** ClientQuotaManager.InactiveSensorExpirationTimeSeconds */
const INACTIVE_SENSOR_EXPIRATION_MS = 3600 * 1000;

export class ClientQuotaManager {
  readonly callback = new DefaultQuotaCallback();
  private readonly sensors = new Map<string, ClientSensor>();
  /** (principal name, client id) -> its sensor: saves sanitizing and tag matching per request; cleared on any change. */
  private readonly byClient = new Map<string, ClientSensor>();
  private readonly log: Logger;
  private lastExpiryCheckMs = 0;
  /** ClientQuotaManager throttles as long as the rate needs (QuotaUtils.throttleTime), the request quota one window at most. */
  private readonly maxThrottleTimeMs: number;

  constructor(
    readonly quotaType: QuotaType,
    private readonly config: ClientQuotaManagerConfig,
    private readonly time: () => number = Date.now,
  ) {
    this.log = getLogger('kafka.server.ClientQuotaManager');
    this.maxThrottleTimeMs = quotaType === 'Request' ? config.quotaWindowSizeSeconds * 1000 : Number.MAX_SAFE_INTEGER;
  }

  /** ClientQuotaManager.quotasEnabled: some level has been configured since start-up. */
  get quotasEnabled(): boolean {
    return this.callback.quotaTypesEnabled !== QuotaTypes.NoQuotas;
  }

  /**
   * ClientQuotaManager.maybeRecordAndGetThrottleTimeMs: records `value` for the (user, client id) entity and answers
   * the throttle time when that puts its rate over the quota; 0 without any quota configured (nothing recorded).
   */
  maybeRecordAndGetThrottleTimeMs(user: string, clientId: string, value: number, timeMs: number = this.time()): number {
    if (!this.quotasEnabled) return 0;
    const s = this.sensorFor(user, clientId, timeMs);
    const t = recordAndGetThrottleTime(s.rate, s.config, value, timeMs, this.maxThrottleTimeMs);
    if (t > 0) this.log.debug(`Quota violated for sensor (${this.sensorName(s.tags)}). Delay time: (${t})`);
    return t;
  }

  /** unrecordQuotaSensor: a throttled fetch sends nothing, so its bytes come off the rate (a negative recording). */
  unrecordQuotaSensor(user: string, clientId: string, value: number, timeMs: number = this.time()): void {
    if (!this.quotasEnabled) return;
    const s = this.sensorFor(user, clientId, timeMs);
    s.rate.record(s.config, -value, timeMs);
  }

  /**
   * getMaxValueInQuotaWindow: the most that can be recorded at once without being throttled for sure, quota x
   * (samples - 1) x window seconds; Fetch caps its max_bytes with it. Infinity without a quota.
   */
  getMaxValueInQuotaWindow(user: string, clientId: string): number {
    if (!this.quotasEnabled) return Infinity;
    const limit = this.callback.quotaLimit(this.sensorFor(user, clientId).tags);
    return limit === undefined ? Infinity : limit * (this.config.numQuotaSamples - 1) * this.config.quotaWindowSizeSeconds;
  }

  /** ClientQuotaManager.throttle's bookkeeping: the entity's throttle-time sensor (the muting is the channel's). */
  recordThrottle(user: string, clientId: string, throttleTimeMs: number): void {
    if (throttleTimeMs <= 0 || !this.quotasEnabled) return;
    const s = this.sensorFor(user, clientId);
    s.throttleTimeSum += throttleTimeMs;
    s.throttleCount++;
  }

  /** ClientQuotaManager.quota(user, clientId): the limit that applies to this client (Infinity for none). */
  quota(user: string, clientId: string): number {
    const limit = this.callback.quotaLimit(this.callback.quotaMetricTags(sanitize(user), clientId));
    return limit ?? Infinity;
  }

  /** Every entity's sensor (metrics and tests). */
  allSensors(): ClientSensor[] {
    return [...this.sensors.values()];
  }

  /**
   * ClientQuotaManager.updateQuota: one entity's limit set or removed, then every existing sensor gets the limit
   * that now applies to its tags (updateQuotaMetricConfigs; Long.MaxValue when none does). The recorded samples
   * stay, so a lowered quota throttles at once and a raised one lets the client go at once.
   */
  updateQuota(user: EntityPart, clientId: EntityPart, limit: number | null): void {
    const who =
      `${user === null ? '' : `user=${user.kind === 'default' ? '<default>' : user.name}`} ${clientId === null ? '' : `clientId=${clientId.kind === 'default' ? '<default>' : clientId.name}`}`.trim();
    this.log.info(limit === null ? `Removing ${this.quotaType} quota for ${who}` : `Changing ${this.quotaType} quota for ${who} to ${limit}`);
    this.callback.update(user, clientId, limit);
    this.byClient.clear();
    for (const s of this.sensors.values()) {
      const bound = this.limitOf(s.tags);
      if (bound !== s.config.bound) s.config = this.metricConfig(bound);
    }
  }

  private limitOf(tags: QuotaMetricTags): number {
    return this.callback.quotaLimit(tags) ?? UNLIMITED;
  }

  private metricConfig(bound: number): QuotaMetricConfig {
    return { samples: this.config.numQuotaSamples, timeWindowMs: this.config.quotaWindowSizeSeconds * 1000, bound };
  }

  private sensorName(tags: QuotaMetricTags): string {
    return `${this.quotaType}-${tags.user}:${tags.clientId}`;
  }

  /** getOrCreateQuotaSensors: Kafka's user tag is the sanitized principal name (Session.sanitizedUser). */
  private sensorFor(user: string, clientId: string, now: number = this.time()): ClientSensor {
    const clientKey = `${user}\u0000${clientId}`;
    let s = this.byClient.get(clientKey);
    if (s === undefined) {
      s = this.entitySensor(user, clientId, now);
      if (this.byClient.size >= 10_000) this.byClient.clear(); // a cache, not a registry of every client seen
      this.byClient.set(clientKey, s);
    }
    s.lastUsedMs = now;
    return s;
  }

  private entitySensor(user: string, clientId: string, now: number): ClientSensor {
    const tags = this.callback.quotaMetricTags(sanitize(user), clientId);
    const key = `${tags.user}\u0000${tags.clientId}`;
    let s = this.sensors.get(key);
    if (!s) {
      this.expireInactiveSensors(now);
      s = { tags, rate: new Rate(), config: this.metricConfig(this.limitOf(tags)), throttleTimeSum: 0, throttleCount: 0, lastUsedMs: now };
      this.sensors.set(key, s);
    }
    return s;
  }

  /** Sensors of clients gone for an hour are dropped (checked at most once a minute, when a sensor is created). */
  private expireInactiveSensors(now: number): void {
    if (now - this.lastExpiryCheckMs < 60_000) return;
    this.lastExpiryCheckMs = now;
    for (const [key, s] of this.sensors) if (now - s.lastUsedMs >= INACTIVE_SENSOR_EXPIRATION_MS) this.sensors.delete(key);
    this.byClient.clear();
  }
}
