/**
 * What every server process of this project does the same way at start-up and shutdown (ZooKeeper-mode KafkaServer,
 * KRaft BrokerServer, ControllerServer and KafkaRaftServer): the optional Prometheus endpoint, and shutdown steps
 * that log a failure and go on, as Kafka's CoreUtils.swallow does for each component.
 */
import type { Logger } from '../common/logger';
import type { KafkaConfig } from './config/KafkaConfig';
import { MetricsSource, PrometheusHttpServer } from './metrics/PrometheusHttpServer';

/**
 * With metrics.prometheus.port set, binds the endpoint (first, as the JMX exporter agent binds before a real broker
 * starts: a busy port fails the start-up at once); null otherwise.
 */
export async function startMetricsEndpoint(cfg: KafkaConfig, source: MetricsSource, log: Logger): Promise<PrometheusHttpServer | null> {
  if (cfg.metricsPrometheusPort <= 0) return null;
  const server = new PrometheusHttpServer(source);
  await server.startup(cfg.metricsPrometheusHost, cfg.metricsPrometheusPort);
  log.info(`Serving Prometheus metrics at http://${cfg.metricsPrometheusHost}:${server.boundPort}/metrics`);
  return server;
}

/** A shutdown step runner: each step's failure is logged (`Error during <name>`) and the shutdown goes on. */
export function shutdownSteps(log: Logger, level: 'warn' | 'error' = 'warn'): (name: string, fn: () => unknown) => Promise<void> {
  return async (name, fn) => {
    try {
      await fn();
    } catch (e) {
      log[level](`Error during ${name}`, e);
    }
  };
}
