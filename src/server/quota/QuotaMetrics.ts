/**
 * The client quota metrics Kafka registers per quota entity (kafka.server:type=Produce|Fetch|Request,
 * user=<u>,client-id=<c>, attributes byte-rate / request-time and throttle-time), served with the names the JMX
 * exporter's Kafka rules give them: kafka_server_produce_byte_rate{user,client_id}, kafka_server_fetch_byte_rate,
 * kafka_server_request_request_time and kafka_server_<type>_throttle_time. Computed when scraped; an entity
 * appears once a quota is configured and it sent a request (Kafka creates the sensors only then too).
 * throttle-time is Kafka's Avg over its metric window; ours is the average since the sensor was created.
 */
import { Gauge, Registry } from 'prom-client';
import type { ClientQuotaManager } from './ClientQuotaManager';
import type { QuotaManagers } from './QuotaManagers';

function entityGauge(
  registry: Registry,
  name: string,
  help: string,
  manager: ClientQuotaManager,
  read: (m: ClientQuotaManager) => Array<[Record<string, string>, number]>,
): void {
  new Gauge({
    name,
    help,
    labelNames: ['user', 'client_id'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, v] of read(manager)) this.set(labels, v);
    },
  });
}

const rates = (m: ClientQuotaManager): Array<[Record<string, string>, number]> => {
  const now = Date.now();
  return m.allSensors().map((s) => [{ user: s.tags.user, client_id: s.tags.clientId }, Math.max(0, s.rate.measure(s.config, now))]);
};

const throttles = (m: ClientQuotaManager): Array<[Record<string, string>, number]> =>
  m.allSensors().map((s) => [{ user: s.tags.user, client_id: s.tags.clientId }, s.throttleCount === 0 ? 0 : s.throttleTimeSum / s.throttleCount]);

export function registerQuotaMetrics(registry: Registry, quotas: QuotaManagers): void {
  entityGauge(registry, 'kafka_server_produce_byte_rate', 'Tracking byte-rate per user/client-id', quotas.produce, rates);
  entityGauge(registry, 'kafka_server_fetch_byte_rate', 'Tracking byte-rate per user/client-id', quotas.fetch, rates);
  entityGauge(registry, 'kafka_server_request_request_time', 'Tracking request-time per user/client-id', quotas.request, rates);
  entityGauge(registry, 'kafka_server_produce_throttle_time', 'Tracking average throttle-time per user/client-id', quotas.produce, throttles);
  entityGauge(registry, 'kafka_server_fetch_throttle_time', 'Tracking average throttle-time per user/client-id', quotas.fetch, throttles);
  entityGauge(registry, 'kafka_server_request_throttle_time', 'Tracking average throttle-time per user/client-id', quotas.request, throttles);
}
