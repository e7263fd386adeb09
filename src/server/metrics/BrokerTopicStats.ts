/**
 * kafka.server.BrokerTopicStats and BrokerTopicMetrics (KafkaRequestHandler.scala): the per-topic meters of
 * `kafka.server:type=BrokerTopicMetrics,name=*PerSec,topic=<t>` and the all-topics meters (the same MBeans without
 * a topic tag). The data path only adds to plain numbers here; prom-client reads them when /metrics is scraped
 * (see KafkaMetrics), so an append or a fetch costs a Map lookup and a few additions, no label hashing.
 */

/** Which meters a topic has been marked on: Kafka's MeterWrapper creates each meter (and its MBean) lazily. */
const MESSAGES_IN = 1;
const BYTES_IN = 2;
const BYTES_OUT = 4;
const TOTAL_PRODUCE = 8;
const FAILED_PRODUCE = 16;
const TOTAL_FETCH = 32;
const FAILED_FETCH = 64;
/** The meters BrokerTopicStats.removeOldLeaderMetrics closes when this broker no longer leads the topic. */
const LEADER_METERS = MESSAGES_IN | BYTES_IN | TOTAL_PRODUCE | FAILED_PRODUCE;

/** One topic's (or all topics') meter counts since the meter was created: a meter's Count. */
export class BrokerTopicMetrics {
  messagesIn = 0;
  bytesIn = 0;
  bytesOut = 0;
  totalProduceRequests = 0;
  failedProduceRequests = 0;
  totalFetchRequests = 0;
  failedFetchRequests = 0;
  /** Bit set of the meters that exist (see the constants above); the all-topics meters always do. */
  created = 0;

  /** Whether the meter behind `bit` exists (exported only then, as an MBean exists only once created). */
  has(bit: number): boolean {
    return (this.created & bit) !== 0;
  }
}

type MeterField = Exclude<keyof BrokerTopicMetrics, 'created' | 'has'>;

/** The meters and their Prometheus names (JMX exporter: `kafka_server_brokertopicmetrics_<name without PerSec>_total`). */
export const BROKER_TOPIC_METERS: ReadonlyArray<{ bit: number; field: MeterField; mbean: string; help: string }> = [
  { bit: MESSAGES_IN, field: 'messagesIn', mbean: 'MessagesInPerSec', help: 'records appended by this broker as leader' },
  { bit: BYTES_IN, field: 'bytesIn', mbean: 'BytesInPerSec', help: 'bytes of produced record batches appended by this broker as leader' },
  {
    bit: BYTES_OUT,
    field: 'bytesOut',
    mbean: 'BytesOutPerSec',
    help: 'record bytes sent to consumers in fetch responses (followers count in ReplicationBytesOutPerSec)',
  },
  {
    bit: TOTAL_PRODUCE,
    field: 'totalProduceRequests',
    mbean: 'TotalProduceRequestsPerSec',
    help: 'partition appends requested (produce requests count once per partition)',
  },
  {
    bit: FAILED_PRODUCE,
    field: 'failedProduceRequests',
    mbean: 'FailedProduceRequestsPerSec',
    help: 'partition appends that failed unexpectedly (not leader, unknown partition and too large do not count)',
  },
  {
    bit: TOTAL_FETCH,
    field: 'totalFetchRequests',
    mbean: 'TotalFetchRequestsPerSec',
    help: 'partition reads for fetch requests, from consumers and followers',
  },
  { bit: FAILED_FETCH, field: 'failedFetchRequests', mbean: 'FailedFetchRequestsPerSec', help: 'partition reads that failed unexpectedly' },
];

export class BrokerTopicStats {
  /** Kafka's allTopicsStats: the series without a topic label. Its meters always exist. */
  readonly allTopicsStats = new BrokerTopicMetrics();
  private readonly stats = new Map<string, BrokerTopicMetrics>();
  /** The all-topics ReplicationBytesInPerSec and ReplicationBytesOutPerSec (no per-topic meters in Kafka). */
  replicationBytesIn = 0;
  replicationBytesOut = 0;

  constructor() {
    this.allTopicsStats.created = ~0;
  }

  /** BrokerTopicStats.topicStats: the topic's meters, created on first use. */
  topicStats(topic: string): BrokerTopicMetrics {
    let m = this.stats.get(topic);
    if (m === undefined) {
      m = new BrokerTopicMetrics();
      this.stats.set(topic, m);
    }
    return m;
  }

  /** Topics that have meters, in the order they were created. */
  topics(): IterableIterator<[string, BrokerTopicMetrics]> {
    return this.stats.entries();
  }

  /** ReplicaManager.appendToLocalLog: every partition of a produce request (or coordinator append) counts once. */
  markProduceRequest(topic: string): void {
    const m = this.topicStats(topic);
    m.totalProduceRequests++;
    m.created |= TOTAL_PRODUCE;
    this.allTopicsStats.totalProduceRequests++;
  }

  /** ReplicaManager.appendToLocalLog after a successful leader append: the request's batch bytes and the record count. */
  markAppend(topic: string, records: number, bytes: number): void {
    const m = this.topicStats(topic);
    m.messagesIn += records;
    m.bytesIn += bytes;
    m.created |= MESSAGES_IN | BYTES_IN;
    const all = this.allTopicsStats;
    all.messagesIn += records;
    all.bytesIn += bytes;
  }

  /** appendToLocalLog's processFailedRecord: an append failed for a reason other than the expected ones. */
  markFailedProduce(topic: string): void {
    const m = this.topicStats(topic);
    m.failedProduceRequests++;
    m.created |= FAILED_PRODUCE;
    this.allTopicsStats.failedProduceRequests++;
  }

  /** ReplicaManager.readFromLocalLog: every partition read counts once (a parked fetch counts again when it completes). */
  markFetchRequest(topic: string): void {
    const m = this.topicStats(topic);
    m.totalFetchRequests++;
    m.created |= TOTAL_FETCH;
    this.allTopicsStats.totalFetchRequests++;
  }

  markFailedFetch(topic: string): void {
    const m = this.topicStats(topic);
    m.failedFetchRequests++;
    m.created |= FAILED_FETCH;
    this.allTopicsStats.failedFetchRequests++;
  }

  /** BrokerTopicStats.updateBytesOut: a follower's fetch counts in ReplicationBytesOutPerSec, a consumer's per topic. */
  updateBytesOut(topic: string, isFollower: boolean, bytes: number): void {
    if (isFollower) {
      this.replicationBytesOut += bytes;
      return;
    }
    const m = this.topicStats(topic);
    m.bytesOut += bytes;
    m.created |= BYTES_OUT;
    this.allTopicsStats.bytesOut += bytes;
  }

  /** BrokerTopicStats.updateReplicationBytesIn: what the replica fetchers appended as followers. */
  updateReplicationBytesIn(bytes: number): void {
    this.replicationBytesIn += bytes;
  }

  /**
   * BrokerTopicStats.removeOldLeaderMetrics: this broker became a follower of every partition of the topic it
   * hosts, so the leader-only meters (MessagesIn, BytesIn, produce requests) go; the next mark starts them at 0.
   */
  removeOldLeaderMetrics(topic: string): void {
    const m = this.topicStats(topic);
    m.messagesIn = 0;
    m.bytesIn = 0;
    m.totalProduceRequests = 0;
    m.failedProduceRequests = 0;
    m.created &= ~LEADER_METERS;
  }

  /** BrokerTopicStats.removeMetrics: the topic's partitions are gone from this broker (deleted), so are its series. */
  removeMetrics(topic: string): void {
    this.stats.delete(topic);
  }
}
