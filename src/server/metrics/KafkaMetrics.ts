/**
 * One broker's metrics, in a prom-client Registry of its own (not the global default, so that tests can hold several).
 * Kafka publishes Yammer metrics as JMX MBeans; Prometheus users scrape them through the JMX exporter with its Kafka
 * rules and `lowercaseOutputName: true`. We serve the names those rules give, so dashboards and queries written for a
 * real Kafka work here:
 * - a meter (`*PerSec`) becomes a counter `kafka_<domain>_<type>_<name without PerSec>_total`, its tags as labels;
 * - a gauge (`Value`) becomes `kafka_<domain>_<type>_<name>`;
 * - a histogram or timer becomes a summary with the percentiles Yammer exposes (quantile 0.5 … 0.999), `_count`
 *   and `_sum`, its quantiles from Yammer's exponentially decaying reservoir (YammerHistogram.ts), as in Kafka.
 * Meters are plain numbers bumped by the data path and read when scraped; gauges are computed when scraped from the
 * managers' state (Kafka's gauges are closures over that state too), so nothing is maintained on the hot path.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { BROKER_TOPIC_METERS, BrokerTopicStats } from './BrokerTopicStats';
import { RequestMetrics } from './RequestMetrics';
import { YammerSummary } from './YammerHistogram';

/** The percentiles of a Yammer histogram's MBean (50thPercentile … 999thPercentile). */
export const YAMMER_PERCENTILES = [0.5, 0.75, 0.95, 0.98, 0.99, 0.999];

/** ReplicaManager's meters that Partition marks (Kafka's AlterPartitionListener over isrExpandRate, isrShrinkRate, failedIsrUpdatesRate). */
export class ReplicaManagerMeters {
  isrExpands = 0;
  isrShrinks = 0;
  failedIsrUpdates = 0;

  markIsrExpand(): void {
    this.isrExpands++;
  }

  markIsrShrink(): void {
    this.isrShrinks++;
  }

  markFailed(): void {
    this.failedIsrUpdates++;
  }
}

/** ReplicaManager's gauges (kafka.server:type=ReplicaManager), read when scraped. */
export interface ReplicaManagerGauges {
  partitionCount(): number;
  leaderCount(): number;
  underReplicatedPartitionCount(): number;
  underMinIsrPartitionCount(): number;
  atMinIsrPartitionCount(): number;
}

/** What KafkaController's gauges (kafka.controller:type=KafkaController) read: the controller and its context. */
export interface ControllerGauges {
  isActive(): boolean;
  readonly ctx: {
    offlinePartitionCount(): number;
    preferredReplicaImbalanceCount(): number;
    partitionWithLeadersCount(): number;
    readonly allTopics: ReadonlySet<string>;
    readonly topicsToBeDeleted: ReadonlySet<string>;
    readonly liveBrokers: ReadonlyMap<number, unknown>;
    readonly stats: { readonly uncleanLeaderElections: number };
  };
}

/** Kafka's BrokerState values (org.apache.kafka.metadata.BrokerState), the `kafka.server:type=KafkaServer,name=BrokerState` gauge. */
export const BrokerState = {
  NOT_RUNNING: 0,
  STARTING: 1,
  RECOVERY: 2,
  RUNNING: 3,
  PENDING_CONTROLLED_SHUTDOWN: 6,
  SHUTTING_DOWN: 7,
} as const;

/** A counter whose values are read from plain numbers when scraped. */
function counterOf<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  read: (inc: (labels: Partial<Record<L, string>>, value: number) => void) => void,
): Counter<L> {
  return new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => this.inc(labels, value));
    },
  });
}

function gaugeOf(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

export class KafkaMetrics {
  readonly registry = new Registry();
  readonly brokerTopicStats = new BrokerTopicStats();
  readonly replicaManagerMeters = new ReplicaManagerMeters();
  readonly requestMetrics: RequestMetrics;
  /** KafkaZkClient's latencyMetric (ZooKeeperRequestLatencyMs): one observation per ZooKeeper request, in ms. */
  readonly observeZooKeeperLatency: (ms: number) => void;

  /** `defaultMetrics`: also prom-client's Node process metrics (CPU, memory, event loop lag, GC), as the JMX exporter adds the JVM's. */
  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registry = this.registry;
    if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });

    for (const meter of BROKER_TOPIC_METERS) {
      const name = meter.mbean.replace(/PerSec$/, '').toLowerCase();
      counterOf(
        registry,
        `kafka_server_brokertopicmetrics_${name}_total`,
        `kafka.server:type=BrokerTopicMetrics,name=${meter.mbean}[,topic=<topic>]: ${meter.help}; without a topic label, all topics`,
        ['topic'],
        (inc) => {
          const stats = this.brokerTopicStats;
          inc({}, stats.allTopicsStats[meter.field]);
          for (const [topic, m] of stats.topics()) if (m.has(meter.bit)) inc({ topic }, m[meter.field]);
        },
      );
    }
    counterOf(
      registry,
      'kafka_server_brokertopicmetrics_replicationbytesin_total',
      'kafka.server:type=BrokerTopicMetrics,name=ReplicationBytesInPerSec: bytes this broker appended as a follower',
      [],
      (inc) => inc({}, this.brokerTopicStats.replicationBytesIn),
    );
    counterOf(
      registry,
      'kafka_server_brokertopicmetrics_replicationbytesout_total',
      'kafka.server:type=BrokerTopicMetrics,name=ReplicationBytesOutPerSec: record bytes sent to followers in fetch responses',
      [],
      (inc) => inc({}, this.brokerTopicStats.replicationBytesOut),
    );

    const totalTime = new YammerSummary<'request'>({
      name: 'kafka_network_requestmetrics_totaltimems',
      help: 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=<api>: ms from reading the request off the socket to handing its response back',
      labelNames: ['request'],
      percentiles: YAMMER_PERCENTILES,
      registers: [registry],
    });
    this.requestMetrics = new RequestMetrics(totalTime);
    counterOf(
      registry,
      'kafka_network_requestmetrics_requests_total',
      'kafka.network:type=RequestMetrics,name=RequestsPerSec,request=<api>,version=<version>: requests completed',
      ['request', 'version'],
      (inc) => {
        for (const m of this.requestMetrics.all()) {
          m.counts.forEach((count, version) => inc({ request: m.name, version: String(version) }, count));
        }
      },
    );

    const meters = this.replicaManagerMeters;
    counterOf(
      registry,
      'kafka_server_replicamanager_isrshrinks_total',
      'kafka.server:type=ReplicaManager,name=IsrShrinksPerSec: ISR shrinks the controller accepted for partitions this broker leads',
      [],
      (inc) => inc({}, meters.isrShrinks),
    );
    counterOf(
      registry,
      'kafka_server_replicamanager_isrexpands_total',
      'kafka.server:type=ReplicaManager,name=IsrExpandsPerSec: ISR expansions the controller accepted for partitions this broker leads',
      [],
      (inc) => inc({}, meters.isrExpands),
    );
    counterOf(
      registry,
      'kafka_server_replicamanager_failedisrupdates_total',
      'kafka.server:type=ReplicaManager,name=FailedIsrUpdatesPerSec: AlterPartition requests the controller refused',
      [],
      (inc) => inc({}, meters.failedIsrUpdates),
    );

    const zkLatency = new YammerSummary({
      name: 'kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms',
      help: 'kafka.server:type=ZooKeeperClientMetrics,name=ZooKeeperRequestLatencyMs: ms from sending a ZooKeeper request to its answer',
      percentiles: YAMMER_PERCENTILES,
      registers: [registry],
    }).histogram();
    this.observeZooKeeperLatency = (ms) => zkLatency.update(ms);
  }

  /** ReplicaManager's gauges, from the moment the broker has one (Kafka registers them in ReplicaManager's constructor). */
  registerReplicaManager(rm: ReplicaManagerGauges): void {
    const g = (name: string, help: string, read: () => number) =>
      gaugeOf(this.registry, `kafka_server_replicamanager_${name.toLowerCase()}`, `kafka.server:type=ReplicaManager,name=${name}: ${help}`, read);
    g('PartitionCount', 'partitions this broker hosts, as leader or follower', () => rm.partitionCount());
    g('LeaderCount', 'partitions this broker leads', () => rm.leaderCount());
    g('UnderReplicatedPartitions', 'partitions this broker leads whose ISR is smaller than their replica set', () => rm.underReplicatedPartitionCount());
    g('UnderMinIsrPartitionCount', 'partitions this broker leads whose ISR is below min.insync.replicas', () => rm.underMinIsrPartitionCount());
    g('AtMinIsrPartitionCount', 'partitions this broker leads whose ISR is exactly min.insync.replicas', () => rm.atMinIsrPartitionCount());
  }

  /**
   * KafkaController's gauges: every broker has them; KafkaController.updateMetrics sets them to 0 unless active.
   * Kafka refreshes them after each controller event; we read the context when scraped.
   */
  registerController(c: ControllerGauges): void {
    const g = (name: string, help: string, read: () => number) =>
      gaugeOf(this.registry, `kafka_controller_kafkacontroller_${name.toLowerCase()}`, `kafka.controller:type=KafkaController,name=${name}: ${help}`, () =>
        c.isActive() ? read() : 0,
      );
    g('ActiveControllerCount', '1 on the active controller, else 0', () => 1);
    g('OfflinePartitionsCount', 'partitions without a live leader (topics being deleted excepted)', () => c.ctx.offlinePartitionCount());
    g('PreferredReplicaImbalanceCount', 'partitions not led by their preferred (first) replica', () => c.ctx.preferredReplicaImbalanceCount());
    g('GlobalTopicCount', 'topics in the cluster', () => c.ctx.allTopics.size);
    g('GlobalPartitionCount', 'partitions with leadership information in the cluster', () => c.ctx.partitionWithLeadersCount());
    g('TopicsToDeleteCount', 'topics queued for deletion', () => c.ctx.topicsToBeDeleted.size);
    g('ActiveBrokerCount', 'registered brokers, shutting down or not', () => c.ctx.liveBrokers.size);
    counterOf(
      this.registry,
      'kafka_controller_controllerstats_uncleanleaderelections_total',
      'kafka.controller:type=ControllerStats,name=UncleanLeaderElectionsPerSec: leaders this broker, as controller, elected outside the ISR',
      [],
      (inc) => inc({}, c.ctx.stats.uncleanLeaderElections),
    );
  }

  /**
   * ZooKeeperClient's session meters (kafka.server:type=SessionExpireListener, the metric type KafkaServer gives its
   * ZooKeeper client): connections established, lost and sessions expired.
   */
  registerZooKeeperClient(zk: { readonly sessionEvents: { syncConnects: number; disconnects: number; expires: number } }): void {
    const m = (name: string, field: 'syncConnects' | 'disconnects' | 'expires', help: string) =>
      counterOf(
        this.registry,
        `kafka_server_sessionexpirelistener_zookeeper${name.toLowerCase()}_total`,
        `kafka.server:type=SessionExpireListener,name=ZooKeeper${name}PerSec: ${help}`,
        [],
        (inc) => inc({}, zk.sessionEvents[field]),
      );
    m('SyncConnects', 'syncConnects', 'connections to ZooKeeper established (SyncConnected), the first one included');
    m('Disconnects', 'disconnects', 'connections to ZooKeeper lost (Disconnected); the client reconnects within the session');
    m('Expires', 'expires', 'ZooKeeper sessions expired (the broker then re-registers in a new session)');
  }

  /** KafkaServer's BrokerState gauge (values of BrokerState above). */
  registerBrokerState(read: () => number): void {
    gaugeOf(
      this.registry,
      'kafka_server_kafkaserver_brokerstate',
      'kafka.server:type=KafkaServer,name=BrokerState: 0 not running, 1 starting, 2 recovery, 3 running, 6 pending controlled shutdown, 7 shutting down',
      read,
    );
  }

  /** The Prometheus text exposition of everything above. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
