/**
 * A KRaft controller's metrics (Kafka 3.7's org.apache.kafka.controller.metrics.QuorumControllerMetrics and
 * ControllerMetadataMetrics, kafka.controller:type=KafkaController) in the names the Prometheus JMX exporter gives
 * them, so a dashboard reads a ZooKeeper-mode controller and a KRaft controller alike. ActiveControllerCount is 1
 * only on the active controller; the image counts come from the controller's committed image on every controller,
 * as ControllerMetadataMetricsPublisher publishes them.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { YAMMER_PERCENTILES } from './KafkaMetrics';
import { RequestMetrics } from './RequestMetrics';
import { YammerSummary } from './YammerHistogram';

/** What the gauges read: the quorum controller's state and its committed image. */
export interface QuorumControllerGauges {
  isActive(): boolean;
  image(): {
    offset: number;
    lastContainedLogTimeMs: number;
    brokers: ReadonlyMap<number, { fenced: boolean }>;
    topicsByName: ReadonlyMap<string, { partitions: ReadonlyMap<number, { leader: number; replicas: number[] }> }>;
  };
}

export class QuorumControllerMetrics {
  readonly registry = new Registry();
  /** The CONTROLLER listener's RequestMetrics (a controller's SocketServer has them too: BrokerHeartbeat, Fetch, ...). */
  readonly requestMetrics: RequestMetrics;

  constructor(controller: QuorumControllerGauges, opts: { defaultMetrics?: boolean; time?: () => number } = {}) {
    const registry = this.registry;
    if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
    const now = opts.time ?? Date.now;
    const g = (name: string, help: string, read: () => number) =>
      new Gauge({
        name: `kafka_controller_kafkacontroller_${name.toLowerCase()}`,
        help: `kafka.controller:type=KafkaController,name=${name}: ${help}`,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    const partitions = function* () {
      for (const t of controller.image().topicsByName.values()) yield* t.partitions.values();
    };
    const count = (pred: (p: { leader: number; replicas: number[] }) => boolean) => {
      let n = 0;
      for (const p of partitions()) if (pred(p)) n++;
      return n;
    };
    const totalTime = new YammerSummary<'request'>({
      name: 'kafka_network_requestmetrics_totaltimems',
      help: 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=<api>: ms from reading the request off the socket to handing its response back',
      labelNames: ['request'],
      percentiles: YAMMER_PERCENTILES,
      registers: [registry],
    });
    const requestMetrics = new RequestMetrics(totalTime);
    this.requestMetrics = requestMetrics;
    new Counter<'request' | 'version'>({
      name: 'kafka_network_requestmetrics_requests_total',
      help: 'kafka.network:type=RequestMetrics,name=RequestsPerSec,request=<api>,version=<version>: requests completed',
      labelNames: ['request', 'version'],
      registers: [registry],
      collect() {
        this.reset();
        for (const m of requestMetrics.all()) m.counts.forEach((count, version) => this.inc({ request: m.name, version: String(version) }, count));
      },
    });
    g('ActiveControllerCount', '1 on the active controller, else 0', () => (controller.isActive() ? 1 : 0));
    g('ActiveBrokerCount', 'registered brokers that are not fenced', () => [...controller.image().brokers.values()].filter((b) => !b.fenced).length);
    g('FencedBrokerCount', 'registered brokers that are fenced', () => [...controller.image().brokers.values()].filter((b) => b.fenced).length);
    g('GlobalTopicCount', 'topics in the cluster', () => controller.image().topicsByName.size);
    g('GlobalPartitionCount', 'partitions in the cluster', () => count(() => true));
    g('OfflinePartitionsCount', 'partitions without a leader', () => count((p) => p.leader < 0));
    g('PreferredReplicaImbalanceCount', 'partitions not led by their preferred (first) replica', () => count((p) => p.leader !== p.replicas[0]));
    g('LastCommittedRecordOffset', 'the offset of the last record the controller replayed from the committed log', () => controller.image().offset);
    g('LastAppliedRecordOffset', 'the offset of the last record applied to the committed image', () => controller.image().offset);
    g('LastAppliedRecordTimestamp', 'the append time (ms) of the last batch applied', () => controller.image().lastContainedLogTimeMs);
    g('LastAppliedRecordLagMs', 'now minus the append time of the last batch applied', () => {
      const t = controller.image().lastContainedLogTimeMs;
      return t < 0 ? 0 : now() - t;
    });
  }
}
