/**
 * The broker config keys we honour, with Apache Kafka 3.7's types, defaults, validators, importance and
 * documentation (kafka.server.KafkaConfig.configDef, ZooKeeper mode). Defaults are written in property-file form
 * and parsed like user values, so `9223372036854775807` (Long.MaxValue) stays exact in logs and DescribeConfigs.
 */
import { ConfigException, ConfigKey, ConfigType, Importance, Validator, atLeast, validList, validString } from '../../common/config/ConfigDef';
import { SECURITY_PROTOCOLS } from '../../cluster/EndPoint';
import { QUORUM_VOTERS_CONFIG, controllerQuorumVotersValidator } from './QuorumConfig';

const LONG_MAX = '9223372036854775807';
const INT_MAX = '2147483647';

/** EndPoint.DefaultSecurityProtocolMap: one entry per SecurityProtocol, in enum order. */
const DEFAULT_LISTENER_SECURITY_PROTOCOL_MAP = SECURITY_PROTOCOLS.map((p) => `${p}:${p}`).join(',');

/** BrokerCompressionType names, in enum order (used in the validator message). */
const BROKER_COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

/** The newest MetadataVersion of Apache Kafka 3.7, the default inter.broker.protocol.version. */
const LATEST_IBP = '3.7-IV4';

/** MetadataVersionValidator: 0.8.0 … 3.7-IV4 shapes (`x.y`, `x.y.z`, `x.y-IVn`, `0.x.y.z`). */
const metadataVersion: Validator = {
  ensureValid(name, value) {
    const v = String(value);
    const m = /^(\d+)\.(\d+)(?:\.\d+){0,2}(?:-IV\d+)?$/.exec(v);
    const ok = m !== null && (m[1] === '0' ? Number(m[2]) >= 8 : m[1] === '1' || m[1] === '2' ||
      (m[1] === '3' && Number(m[2]) <= 7));
    if (!ok) throw new ConfigException(name, value, `Version ${v} is not a valid version`);
  },
  toString: () => '[0.8.0, …, 3.7-IV4]',
};

const defs: ConfigKey[] = [];
function define(name: string, type: ConfigType, defaultValue: string | number | boolean | null,
  validator: Validator | undefined, importance: Importance, doc: string): void {
  defs.push({ name, type, defaultValue: defaultValue === null ? null : String(defaultValue), validator, importance, doc });
}

/* ********** ZooKeeper ********** */
define('zookeeper.connect', 'STRING', null, undefined, 'HIGH',
  'Specifies the ZooKeeper connection string in the form <code>hostname:port</code> where host and port are the host and port of a ZooKeeper server. To allow connecting through other ZooKeeper nodes when that ZooKeeper machine is down you can also specify multiple hosts in the form <code>hostname1:port1,hostname2:port2,hostname3:port3</code>.\nThe server can also have a ZooKeeper chroot path as part of its ZooKeeper connection string which puts its data under some path in the global ZooKeeper namespace. For example to give a chroot path of <code>/chroot/path</code> you would give the connection string as <code>hostname1:port1,hostname2:port2,hostname3:port3/chroot/path</code>.');
define('zookeeper.session.timeout.ms', 'INT', 18000, undefined, 'HIGH', 'Zookeeper session timeout');
define('zookeeper.connection.timeout.ms', 'INT', null, undefined, 'HIGH',
  'The max time that the client waits to establish a connection to ZooKeeper. If not set, the value in zookeeper.session.timeout.ms is used');
define('zookeeper.set.acl', 'BOOLEAN', false, undefined, 'HIGH', 'Set client to use secure ACLs');
define('zookeeper.max.in.flight.requests', 'INT', 10, atLeast(1), 'HIGH',
  'The maximum number of unacknowledged requests the client will send to ZooKeeper before blocking.');
define('zookeeper.metadata.migration.enable', 'BOOLEAN', false, undefined, 'HIGH', 'Enable ZK to KRaft migration');

/* ********** KRaft (KafkaConfig's KRaft keys and RaftConfig's quorum keys, Kafka 3.7 defaults and docs) ********** */
// Defined so that a KRaft server.properties parses and kafka-storage can read it; KRaftConfigValidation.ts checks them.
define('process.roles', 'LIST', '', validList('broker', 'controller'), 'HIGH',
  'The roles that this process plays: \'broker\', \'controller\', or \'broker,controller\' if it is both. This configuration is only applicable for clusters in KRaft (Kafka Raft) mode (instead of ZooKeeper). Leave this config undefined or empty for ZooKeeper clusters.');
define('node.id', 'INT', -1, undefined, 'HIGH',
  'The node ID associated with the roles this process is playing when `process.roles` is non-empty. This is required configuration when running in KRaft mode.');
define('broker.heartbeat.interval.ms', 'INT', 2000, undefined, 'MEDIUM',
  'The length of time in milliseconds between broker heartbeats. Used when running in KRaft mode.');
define('broker.session.timeout.ms', 'INT', 9000, undefined, 'MEDIUM',
  'The length of time in milliseconds that a broker lease lasts if no heartbeats are made. Used when running in KRaft mode.');
define('controller.listener.names', 'STRING', null, undefined, 'HIGH',
  'A comma-separated list of the names of the listeners used by the controller. This is required if running in KRaft mode. When communicating with the controller quorum, the broker will always use the first listener in this list.\n Note: The ZooKeeper-based controller should not set this configuration.');
define('metadata.log.dir', 'STRING', null, undefined, 'HIGH',
  'This configuration determines where we put the metadata log for clusters in KRaft mode. If it is not set, the metadata log is placed in the first log directory from log.dirs.');
define('metadata.log.segment.bytes', 'INT', 1073741824, atLeast(12), 'HIGH', 'The maximum size of a single metadata log file.');
define('metadata.log.segment.ms', 'LONG', 604800000, undefined, 'HIGH', 'The maximum time before a new metadata log file is rolled out (in milliseconds).');
define('metadata.max.retention.bytes', 'LONG', 104857600, undefined, 'HIGH',
  'The maximum combined size of the metadata log and snapshots before deleting old snapshots and log files. Since at least one snapshot must exist before any logs can be deleted, this is a soft limit.');
define('metadata.max.retention.ms', 'LONG', 604800000, undefined, 'HIGH',
  'The number of milliseconds to keep a metadata log file or snapshot before deleting it. Since at least one snapshot must exist before any logs can be deleted, this is a soft limit.');
define('metadata.log.max.record.bytes.between.snapshots', 'LONG', 20971520, atLeast(1), 'HIGH',
  'This is the maximum number of bytes in the log between the latest snapshot and the high-watermark needed before generating a new snapshot. The default value is 20971520. To generate snapshots based on the time elapsed, see the <code>metadata.log.max.snapshot.interval.ms</code> configuration. The Kafka node will generate a snapshot when either the maximum time interval is reached or the maximum bytes limit is reached.');
define('metadata.log.max.snapshot.interval.ms', 'LONG', 3600000, atLeast(0), 'HIGH',
  'This is the maximum number of milliseconds to wait to generate a snapshot if there are committed records in the log that are not included in the latest snapshot. A value of zero disables time based snapshot generation. The default value is 3600000. To generate snapshots based on the number of metadata bytes, see the <code>metadata.log.max.record.bytes.between.snapshots</code> configuration. The Kafka node will generate a snapshot when either the maximum time interval is reached or the maximum bytes limit is reached.');
define('metadata.max.idle.interval.ms', 'INT', 500, atLeast(0), 'LOW',
  'This configuration controls how often the active controller should write no-op records to the metadata partition. If the value is 0, no-op records are not appended to the metadata partition. The default value is 500');
define('initial.broker.registration.timeout.ms', 'INT', 60000, undefined, 'MEDIUM',
  'When initially registering with the controller quorum, the number of milliseconds to wait before declaring failure and exiting the broker process.');
define(QUORUM_VOTERS_CONFIG, 'LIST', '', controllerQuorumVotersValidator, 'HIGH',
  'Map of id/endpoint information for the set of voters in a comma-separated list of <code>{id}@{host}:{port}</code> entries. For example: <code>1@localhost:9092,2@localhost:9093,3@localhost:9094</code>');
define('controller.quorum.election.timeout.ms', 'INT', 1000, undefined, 'HIGH',
  'Maximum time in milliseconds to wait without being able to fetch from the leader before triggering a new election');
define('controller.quorum.fetch.timeout.ms', 'INT', 2000, undefined, 'HIGH',
  'Maximum time without a successful fetch from the current leader before becoming a candidate and triggering an election for voters; Maximum time a leader can go without receiving valid fetch or fetchSnapshot request from a majority of the quorum before resigning.');
define('controller.quorum.election.backoff.max.ms', 'INT', 1000, undefined, 'HIGH',
  'Maximum time in milliseconds before starting new elections. This is used in the binary exponential backoff mechanism that helps prevent gridlocked elections');
define('controller.quorum.request.timeout.ms', 'INT', 2000, undefined, 'MEDIUM',
  'The configuration controls the maximum amount of time the client will wait for the response of a request. If the response is not received before the timeout elapses the client will resend the request if necessary or fail the request if retries are exhausted.');
define('controller.quorum.append.linger.ms', 'INT', 25, undefined, 'MEDIUM',
  'The duration in milliseconds that the leader will wait for writes to accumulate before flushing them to disk.');
define('controller.quorum.retry.backoff.ms', 'INT', 20, undefined, 'LOW',
  'The amount of time to wait before attempting to retry a failed request to a given topic partition. This avoids repeatedly sending requests in a tight loop under some failure scenarios. This value is the initial backoff value and will increase exponentially for each failed request, up to the <code>retry.backoff.max.ms</code> value.');
// defineInternal in Kafka: no documentation.
define('unstable.metadata.versions.enable', 'BOOLEAN', false, undefined, 'HIGH', '');

/* ********** General ********** */
define('broker.id.generation.enable', 'BOOLEAN', true, undefined, 'MEDIUM',
  'Enable automatic broker id generation on the server. When enabled the value configured for reserved.broker.max.id should be reviewed.');
define('reserved.broker.max.id', 'INT', 1000, atLeast(0), 'MEDIUM', 'Max number that can be used for a broker.id');
define('broker.id', 'INT', -1, undefined, 'HIGH',
  'The broker id for this server. If unset, a unique broker id will be generated.To avoid conflicts between ZooKeeper generated broker id\'s and user configured broker id\'s, generated broker ids start from reserved.broker.max.id + 1.');
define('message.max.bytes', 'INT', 1048588, atLeast(0), 'HIGH',
  'The largest record batch size allowed by Kafka (after compression if compression is enabled). If this is increased and there are consumers older than 0.10.2, the consumers\' fetch size must also be increased so that they can fetch record batches this large. In the latest message format version, records are always grouped into batches for efficiency. In previous message format versions, uncompressed records are not grouped into batches and this limit only applies to a single record in that case.This can be set per topic with the topic level <code>max.message.bytes</code> config.');
define('num.network.threads', 'INT', 3, atLeast(1), 'HIGH',
  'The number of threads that the server uses for receiving requests from the network and sending responses to the network. Noted: each listener (except for controller listener) creates its own thread pool.');
define('num.io.threads', 'INT', 8, atLeast(1), 'HIGH',
  'The number of threads that the server uses for processing requests, which may include disk I/O');
define('background.threads', 'INT', 10, atLeast(1), 'HIGH', 'The number of threads to use for various background processing tasks');
define('queued.max.requests', 'INT', 500, atLeast(1), 'HIGH',
  'The number of queued requests allowed for data-plane, before blocking the network threads');
define('queued.max.request.bytes', 'LONG', -1, undefined, 'MEDIUM', 'The number of queued bytes allowed before no more requests are read');

/* ********** Socket server ********** */
define('listeners', 'STRING', 'PLAINTEXT://:9092', undefined, 'HIGH',
  'Listener List - Comma-separated list of URIs we will listen on and the listener names. If the listener name is not a security protocol, <code>listener.security.protocol.map</code> must also be set.\n Listener names and port numbers must be unique unless \n one listener is an IPv4 address and the other listener is \n an IPv6 address (for the same port).\n Specify hostname as 0.0.0.0 to bind to all interfaces.\n Leave hostname empty to bind to default interface.\n Examples of legal listener lists:\n <code>PLAINTEXT://myhost:9092,SSL://:9091</code>\n <code>CLIENT://0.0.0.0:9092,REPLICATION://localhost:9093</code>\n <code>PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092</code>\n');
define('advertised.listeners', 'STRING', null, undefined, 'HIGH',
  'Listeners to publish to ZooKeeper for clients to use, if different than the <code>listeners</code> config property. In IaaS environments, this may need to be different from the interface to which the broker binds. If this is not set, the value for <code>listeners</code> will be used. Unlike <code>listeners</code>, it is not valid to advertise the 0.0.0.0 meta-address.\n Also unlike <code>listeners</code>, there can be duplicated ports in this property, so that one listener can be configured to advertise another listener\'s address. This can be useful in some cases where external load balancers are used.');
define('listener.security.protocol.map', 'STRING', DEFAULT_LISTENER_SECURITY_PROTOCOL_MAP, undefined, 'LOW',
  'Map between listener names and security protocols. This must be defined for the same security protocol to be usable in more than one port or IP. For example, internal and external traffic can be separated even if SSL is required for both. Concretely, the user could define listeners with names INTERNAL and EXTERNAL and this property as: <code>INTERNAL:SSL,EXTERNAL:SSL</code>. As shown, key and value are separated by a colon and map entries are separated by commas. Each listener name should only appear once in the map.');
define('socket.send.buffer.bytes', 'INT', 102400, undefined, 'HIGH',
  'The SO_SNDBUF buffer of the socket server sockets. If the value is -1, the OS default will be used.');
define('socket.receive.buffer.bytes', 'INT', 102400, undefined, 'HIGH',
  'The SO_RCVBUF buffer of the socket server sockets. If the value is -1, the OS default will be used.');
define('socket.request.max.bytes', 'INT', 104857600, atLeast(1), 'HIGH', 'The maximum number of bytes in a socket request');
define('max.connections.per.ip', 'INT', INT_MAX, atLeast(0), 'MEDIUM',
  'The maximum number of connections we allow from each ip address. This can be set to 0 if there are overrides configured using max.connections.per.ip.overrides property. New connections from the ip address are dropped if the limit is reached.');
define('max.connections', 'INT', INT_MAX, atLeast(0), 'MEDIUM',
  'The maximum number of connections we allow in the broker at any time. This limit is applied in addition to any per-ip limits configured using max.connections.per.ip.');
define('connections.max.idle.ms', 'LONG', 600000, undefined, 'MEDIUM',
  'Idle connections timeout: the server socket processor threads close the connections that idle more than this');
define('broker.rack', 'STRING', null, undefined, 'MEDIUM',
  'Rack of the broker. This will be used in rack aware replication assignment for fault tolerance. Examples: <code>RACK1</code>, <code>us-east-1d</code>');

/* ********** Log ********** */
define('num.partitions', 'INT', 1, atLeast(1), 'MEDIUM', 'The default number of log partitions per topic');
define('log.dir', 'STRING', '/tmp/kafka-logs', undefined, 'HIGH',
  'The directory in which the log data is kept (supplemental for log.dirs property)');
define('log.dirs', 'STRING', null, undefined, 'HIGH',
  'A comma-separated list of the directories where the log data is stored. If not set, the value in log.dir is used.');
define('log.segment.bytes', 'INT', 1073741824, atLeast(14), 'HIGH', 'The maximum size of a single log file');
define('log.roll.ms', 'LONG', null, undefined, 'HIGH',
  'The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used');
define('log.roll.hours', 'INT', 168, atLeast(1), 'HIGH',
  'The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms property');
define('log.roll.jitter.ms', 'LONG', null, undefined, 'HIGH',
  'The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used');
define('log.roll.jitter.hours', 'INT', 0, atLeast(0), 'HIGH',
  'The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property');
define('log.retention.ms', 'LONG', null, undefined, 'HIGH',
  'The number of milliseconds to keep a log file before deleting it (in milliseconds), If not set, the value in log.retention.minutes is used. If set to -1, no time limit is applied.');
define('log.retention.minutes', 'INT', null, undefined, 'HIGH',
  'The number of minutes to keep a log file before deleting it (in minutes), secondary to log.retention.ms property. If not set, the value in log.retention.hours is used');
define('log.retention.hours', 'INT', 168, undefined, 'HIGH',
  'The number of hours to keep a log file before deleting it (in hours), tertiary to log.retention.ms property');
define('log.retention.bytes', 'LONG', -1, undefined, 'HIGH', 'The maximum size of the log before deleting it');
define('log.retention.check.interval.ms', 'LONG', 300000, atLeast(1), 'MEDIUM',
  'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion');
define('log.cleanup.policy', 'LIST', 'delete', validList('compact', 'delete'), 'MEDIUM',
  'The default cleanup policy for segments beyond the retention window. A comma separated list of valid policies. Valid policies are: "delete" and "compact"');
define('log.cleaner.enable', 'BOOLEAN', true, undefined, 'MEDIUM',
  'Enable the log cleaner process to run on the server. Should be enabled if using any topics with a cleanup.policy=compact including the internal offsets topic. If disabled those topics will not be compacted and continually grow in size.');
define('log.cleaner.threads', 'INT', 1, atLeast(0), 'MEDIUM', 'The number of background threads to use for log cleaning');
define('log.cleaner.dedupe.buffer.size', 'LONG', 134217728, undefined, 'MEDIUM',
  'The total memory used for log deduplication across all cleaner threads');
define('log.cleaner.io.buffer.size', 'INT', 524288, atLeast(0), 'MEDIUM',
  'The total memory used for log cleaner I/O buffers across all cleaner threads');
define('log.cleaner.io.max.bytes.per.second', 'DOUBLE', '1.7976931348623157E308', undefined, 'MEDIUM',
  'The log cleaner will be throttled so that the sum of its read and write i/o will be less than this value on average');
define('log.cleaner.backoff.ms', 'LONG', 15000, atLeast(0), 'MEDIUM', 'The amount of time to sleep when there are no logs to clean');
define('log.cleaner.min.cleanable.ratio', 'DOUBLE', 0.5, undefined, 'MEDIUM',
  'The minimum ratio of dirty log to total log for a log to eligible for cleaning.');
define('log.cleaner.delete.retention.ms', 'LONG', 86400000, atLeast(0), 'MEDIUM',
  'The amount of time to retain tombstone message markers for log compacted topics.');
define('log.cleaner.min.compaction.lag.ms', 'LONG', 0, atLeast(0), 'MEDIUM',
  'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.');
define('log.cleaner.max.compaction.lag.ms', 'LONG', LONG_MAX, atLeast(1), 'MEDIUM',
  'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.');
define('log.index.size.max.bytes', 'INT', 10485760, atLeast(4), 'MEDIUM', 'The maximum size in bytes of the offset index');
define('log.index.interval.bytes', 'INT', 4096, atLeast(0), 'MEDIUM', 'The interval with which we add an entry to the offset index.');
define('log.flush.interval.messages', 'LONG', LONG_MAX, atLeast(1), 'HIGH',
  'The number of messages accumulated on a log partition before messages are flushed to disk.');
define('log.flush.interval.ms', 'LONG', null, undefined, 'HIGH',
  'The maximum time in ms that a message in any topic is kept in memory before flushed to disk. If not set, the value in log.flush.scheduler.interval.ms is used');
define('log.flush.scheduler.interval.ms', 'LONG', LONG_MAX, undefined, 'HIGH',
  'The frequency in ms that the log flusher checks whether any log needs to be flushed to disk');
define('log.flush.offset.checkpoint.interval.ms', 'INT', 60000, atLeast(0), 'HIGH',
  'The frequency with which we update the persistent record of the last flush which acts as the log recovery point.');
define('log.flush.start.offset.checkpoint.interval.ms', 'INT', 60000, atLeast(0), 'HIGH',
  'The frequency with which we update the persistent record of log start offset');
define('log.segment.delete.delay.ms', 'LONG', 60000, atLeast(0), 'HIGH',
  'The amount of time to wait before deleting a file from the filesystem. If the value is 0 and there is no file to delete, the system will wait 1 millisecond. Low value will cause busy waiting');
define('log.preallocate', 'BOOLEAN', false, undefined, 'MEDIUM',
  'Should pre allocate file when create new segment? If you are using Kafka on Windows, you probably need to set it to true.');
define('log.message.format.version', 'STRING', '3.0-IV1', metadataVersion, 'MEDIUM',
  'Specify the message format version the broker will use to append messages to the logs. The value should be a valid MetadataVersion.');
define('log.message.timestamp.type', 'STRING', 'CreateTime', validString('CreateTime', 'LogAppendTime'), 'MEDIUM',
  'Define whether the timestamp in the message is message create time or log append time. The value should be either <code>CreateTime</code> or <code>LogAppendTime</code>.');
define('log.message.timestamp.difference.max.ms', 'LONG', LONG_MAX, atLeast(0), 'MEDIUM',
  '[DEPRECATED] The maximum difference allowed between the timestamp when a broker receives a message and the timestamp specified in the message.');
define('log.message.timestamp.before.max.ms', 'LONG', LONG_MAX, atLeast(0), 'MEDIUM',
  'This configuration sets the allowable timestamp difference between the broker\'s timestamp and the message timestamp. The message timestamp can be earlier than or equal to the broker\'s timestamp, with the maximum allowable difference determined by the value set in this configuration.');
define('log.message.timestamp.after.max.ms', 'LONG', LONG_MAX, atLeast(0), 'MEDIUM',
  'This configuration sets the allowable timestamp difference between the message timestamp and the broker\'s timestamp. The message timestamp can be later than or equal to the broker\'s timestamp, with the maximum allowable difference determined by the value set in this configuration.');
define('log.message.downconversion.enable', 'BOOLEAN', true, undefined, 'LOW',
  'This configuration controls whether down-conversion of message formats is enabled to satisfy consume requests.');
define('num.recovery.threads.per.data.dir', 'INT', 1, atLeast(1), 'HIGH',
  'The number of threads per data directory to be used for log recovery at startup and flushing at shutdown');
define('auto.create.topics.enable', 'BOOLEAN', true, undefined, 'HIGH', 'Enable auto creation of topic on the server.');
define('min.insync.replicas', 'INT', 1, atLeast(1), 'HIGH',
  'When a producer sets acks to "all" (or "-1"), <code>min.insync.replicas</code> specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful. If this minimum cannot be met, then the producer will raise an exception (either <code>NotEnoughReplicas</code> or <code>NotEnoughReplicasAfterAppend</code>).');
define('compression.type', 'STRING', 'producer', validString(...BROKER_COMPRESSION_TYPES), 'HIGH',
  'Specify the final compression type for a given topic. This configuration accepts the standard compression codecs (\'gzip\', \'snappy\', \'lz4\', \'zstd\'). It additionally accepts \'uncompressed\' which is equivalent to no compression; and \'producer\' which means retain the original compression codec set by the producer.');
define('delete.topic.enable', 'BOOLEAN', true, undefined, 'HIGH',
  'Enables delete topic. Delete topic through the admin tool will have no effect if this config is turned off');

/* ********** Replication ********** */
define('controller.socket.timeout.ms', 'INT', 30000, undefined, 'MEDIUM', 'The socket timeout for controller-to-broker channels.');
define('default.replication.factor', 'INT', 1, undefined, 'MEDIUM', 'The default replication factors for automatically created topics.');
define('replica.lag.time.max.ms', 'LONG', 30000, undefined, 'HIGH',
  'If a follower hasn\'t sent any fetch requests or hasn\'t consumed up to the leaders log end offset for at least this time, the leader will remove the follower from isr');
define('replica.socket.timeout.ms', 'INT', 30000, undefined, 'HIGH',
  'The socket timeout for network requests. Its value should be at least replica.fetch.wait.max.ms');
define('replica.socket.receive.buffer.bytes', 'INT', 65536, undefined, 'HIGH', 'The socket receive buffer for network requests to the leader for replicating data');
define('replica.fetch.max.bytes', 'INT', 1048576, atLeast(0), 'MEDIUM',
  'The number of bytes of messages to attempt to fetch for each partition. This is not an absolute maximum, if the first record batch in the first non-empty partition of the fetch is larger than this value, the record batch will still be returned to ensure that progress can be made.');
define('replica.fetch.wait.max.ms', 'INT', 500, undefined, 'HIGH',
  'The maximum wait time for each fetcher request issued by follower replicas. This value should always be less than the replica.lag.time.max.ms at all times to prevent frequent shrinking of ISR for low throughput topics');
define('replica.fetch.min.bytes', 'INT', 1, undefined, 'HIGH',
  'Minimum bytes expected for each fetch response. If not enough bytes, wait up to <code>replica.fetch.wait.max.ms</code> (broker config).');
define('replica.fetch.response.max.bytes', 'INT', 10485760, atLeast(0), 'MEDIUM', 'Maximum bytes expected for the entire fetch response.');
define('replica.fetch.backoff.ms', 'INT', 1000, atLeast(0), 'MEDIUM', 'The amount of time to sleep when fetch partition error occurs.');
define('num.replica.fetchers', 'INT', 1, undefined, 'HIGH',
  'Number of fetcher threads used to replicate records from each source broker. The total number of fetchers on each broker is bound by <code>num.replica.fetchers</code> multiplied by the number of brokers in the cluster.');
define('replica.high.watermark.checkpoint.interval.ms', 'LONG', 5000, undefined, 'HIGH',
  'The frequency with which the high watermark is saved out to disk');
define('fetch.purgatory.purge.interval.requests', 'INT', 1000, undefined, 'MEDIUM', 'The purge interval (in number of requests) of the fetch request purgatory');
define('producer.purgatory.purge.interval.requests', 'INT', 1000, undefined, 'MEDIUM', 'The purge interval (in number of requests) of the producer request purgatory');
define('auto.leader.rebalance.enable', 'BOOLEAN', true, undefined, 'HIGH',
  'Enables auto leader balancing. A background thread checks the distribution of partition leaders at regular intervals, configurable by leader.imbalance.check.interval.seconds. If the leader imbalance exceeds leader.imbalance.per.broker.percentage, leader rebalance to the preferred leader for partitions is triggered.');
define('leader.imbalance.per.broker.percentage', 'INT', 10, undefined, 'HIGH',
  'The ratio of leader imbalance allowed per broker. The controller would trigger a leader balance if it goes above this value per broker. The value is specified in percentage.');
define('leader.imbalance.check.interval.seconds', 'LONG', 300, atLeast(1), 'HIGH',
  'The frequency with which the partition rebalance check is triggered by the controller');
define('unclean.leader.election.enable', 'BOOLEAN', false, undefined, 'HIGH',
  'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss');
define('security.inter.broker.protocol', 'STRING', 'PLAINTEXT', validString(...SECURITY_PROTOCOLS), 'MEDIUM',
  `Security protocol used to communicate between brokers. Valid values are: ${SECURITY_PROTOCOLS.join(', ')}. It is an error to set this and inter.broker.listener.name properties at the same time.`);
define('inter.broker.protocol.version', 'STRING', LATEST_IBP, metadataVersion, 'MEDIUM',
  'Specify which version of the inter-broker protocol will be used.\n This is typically bumped after all brokers were upgraded to a new version.\n Example of some valid values are: 0.8.0, 0.8.1, 0.8.1.1, 0.8.2, 0.8.2.0, 0.8.2.1, 0.9.0.0, 0.9.0.1 Check MetadataVersion for the full list.');
define('inter.broker.listener.name', 'STRING', null, undefined, 'MEDIUM',
  'Name of listener used for communication between brokers. If this is unset, the listener name is defined by security.inter.broker.protocol. It is an error to set this and security.inter.broker.protocol properties at the same time.');

/* ********** Controlled shutdown ********** */
define('controlled.shutdown.max.retries', 'INT', 3, undefined, 'MEDIUM',
  'Controlled shutdown can fail for multiple reasons. This determines the number of retries when such failure happens');
define('controlled.shutdown.retry.backoff.ms', 'LONG', 5000, undefined, 'MEDIUM',
  'Before each retry, the system needs time to recover from the state that caused the previous failure (Controller fail over, replica lag etc). This config determines the amount of time to wait before retrying.');
define('controlled.shutdown.enable', 'BOOLEAN', true, undefined, 'MEDIUM', 'Enable controlled shutdown of the server.');

/* ********** Group coordinator ********** */
define('group.min.session.timeout.ms', 'INT', 6000, undefined, 'MEDIUM',
  'The minimum allowed session timeout for registered consumers. Shorter timeouts result in quicker failure detection at the cost of more frequent consumer heartbeating, which can overwhelm broker resources.');
define('group.max.session.timeout.ms', 'INT', 1800000, undefined, 'MEDIUM',
  'The maximum allowed session timeout for registered consumers. Longer timeouts give consumers more time to process messages in between heartbeats at the cost of a longer time to detect failures.');
define('group.initial.rebalance.delay.ms', 'INT', 3000, undefined, 'MEDIUM',
  'The amount of time the group coordinator will wait for more consumers to join a new group before performing the first rebalance. A longer delay means potentially fewer rebalances, but increases the time until processing begins.');
define('group.max.size', 'INT', INT_MAX, atLeast(1), 'MEDIUM', 'The maximum number of consumers that a single consumer group can accommodate.');

/* ********** Offset management ********** */
define('offset.metadata.max.bytes', 'INT', 4096, undefined, 'HIGH', 'The maximum size for a metadata entry associated with an offset commit.');
define('offsets.load.buffer.size', 'INT', 5242880, atLeast(1), 'HIGH',
  'Batch size for reading from the offsets segments when loading offsets into the cache (soft-limit, overridden if records are too large).');
define('offsets.topic.replication.factor', 'SHORT', 3, atLeast(1), 'HIGH',
  'The replication factor for the offsets topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.');
define('offsets.topic.num.partitions', 'INT', 50, atLeast(1), 'HIGH',
  'The number of partitions for the offset commit topic (should not change after deployment).');
define('offsets.topic.segment.bytes', 'INT', 104857600, atLeast(1), 'HIGH',
  'The offsets topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads.');
define('offsets.topic.compression.codec', 'INT', 0, undefined, 'HIGH',
  'Compression codec for the offsets topic - compression may be used to achieve "atomic" commits.');
define('offsets.retention.minutes', 'INT', 10080, atLeast(1), 'HIGH',
  'For subscribed consumers, committed offset of a specific partition will be expired and discarded when 1) this retention period has elapsed after the consumer group loses all its consumers (i.e. becomes empty); 2) this retention period has elapsed since the last time an offset is committed for the partition and the group is no longer subscribed to the corresponding topic.');
define('offsets.retention.check.interval.ms', 'LONG', 600000, atLeast(1), 'HIGH', 'Frequency at which to check for stale offsets');
define('offsets.commit.timeout.ms', 'INT', 5000, atLeast(1), 'HIGH',
  'Offset commit will be delayed until all replicas for the offsets topic receive the commit or this timeout is reached. This is similar to the producer request timeout.');
define('offsets.commit.required.acks', 'SHORT', -1, undefined, 'HIGH',
  'DEPRECATED: The required acks before the commit can be accepted. In general, the default (-1) should not be overridden.');

/* ********** Transactions ********** */
define('transactional.id.expiration.ms', 'INT', 604800000, atLeast(1), 'HIGH',
  'The time in ms that the transaction coordinator will wait without receiving any transaction status updates for the current transaction before expiring its transactional id.');
define('transaction.max.timeout.ms', 'INT', 900000, atLeast(1), 'HIGH', 'The maximum allowed timeout for transactions.');
define('transaction.state.log.min.isr', 'INT', 2, atLeast(1), 'HIGH', 'The minimum number of replicas that must acknowledge a write to transaction topic in order to be considered successful.');
define('transaction.state.log.load.buffer.size', 'INT', 5242880, atLeast(1), 'HIGH',
  'Batch size for reading from the transaction log segments when loading producer ids and transactions into the cache (soft-limit, overridden if records are too large).');
define('transaction.state.log.replication.factor', 'SHORT', 3, atLeast(1), 'HIGH',
  'The replication factor for the transaction topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.');
define('transaction.state.log.num.partitions', 'INT', 50, atLeast(1), 'HIGH', 'The number of partitions for the transaction topic (should not change after deployment).');
define('transaction.state.log.segment.bytes', 'INT', 104857600, atLeast(1), 'HIGH',
  'The transaction topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads');
define('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'INT', 10000, atLeast(1), 'LOW', 'The interval at which to rollback transactions that have timed out');
define('transaction.remove.expired.transaction.cleanup.interval.ms', 'INT', 3600000, atLeast(1), 'LOW',
  'The interval at which to remove transactions that have expired due to <code>transactional.id.expiration.ms</code> passing');
define('producer.id.expiration.ms', 'INT', 86400000, atLeast(1), 'LOW',
  'The time in ms that a topic partition leader will wait before expiring producer IDs. Producer IDs will not expire while a transaction associated to them is still ongoing. Note that producer IDs may expire sooner if the last write from the producer ID is deleted due to the topic\'s retention settings. Setting this value the same or higher than <code>delivery.timeout.ms</code> can help prevent expiration during retries and protect against message duplication, but the default should be reasonable for most use cases.');
// An internal config in Kafka 3.7 (defineInternal): accepted, left out of the documentation.
define('producer.id.expiration.check.interval.ms', 'INT', 600000, atLeast(1), 'LOW',
  'The interval at which to remove producer IDs that have expired due to <code>producer.id.expiration.ms</code> passing.');

/* ********** Fetch ********** */
define('max.incremental.fetch.session.cache.slots', 'INT', 1000, atLeast(0), 'MEDIUM', 'The maximum number of incremental fetch sessions that we will maintain.');
define('fetch.max.bytes', 'INT', 57671680, atLeast(1024), 'MEDIUM', 'The maximum number of bytes we will return for a fetch request. Must be at least 1024.');

/* ********** Authorizer ********** */
// super.users and allow.everyone.if.no.acl.found are AclAuthorizer's own configs (not in KafkaConfig's ConfigDef):
// KafkaConfig reads them from the originals, as the authorizer's configure(originals) does.
define('authorizer.class.name', 'STRING', '', undefined, 'LOW',
  'The fully qualified name of a class that implements <code>org.apache.kafka.server.authorizer.Authorizer</code> interface, which is used by the broker for authorization.');

/* ********** Listener security: SSL and SASL (secnet; Kafka 3.7's SslConfigs / BrokerSecurityConfigs / SaslConfigs) ********** */
// Each may also be given per listener as listener.name.<listener>.<key> (and SASL's per mechanism,
// listener.name.<listener>.<mechanism>.sasl.jaas.config): KafkaConfigSecurity.ts reads those from the originals.
define('ssl.protocol', 'STRING', 'TLSv1.3', undefined, 'MEDIUM',
  'The SSL protocol used to generate the SSLContext. The default is \'TLSv1.3\' when running with Java 11 or newer, \'TLSv1.2\' otherwise.');
define('ssl.provider', 'STRING', null, undefined, 'MEDIUM', 'The name of the security provider used for SSL connections. Default value is the default security provider of the JVM.');
define('ssl.enabled.protocols', 'LIST', 'TLSv1.2,TLSv1.3', undefined, 'MEDIUM', 'The list of protocols enabled for SSL connections.');
define('ssl.keystore.type', 'STRING', 'JKS', undefined, 'MEDIUM',
  'The file format of the key store file. This is optional for client. This broker supports PKCS12 and PEM (JKS keystores are refused at startup: convert them with keytool -importkeystore -deststoretype PKCS12).');
define('ssl.keystore.location', 'STRING', null, undefined, 'MEDIUM', 'The location of the key store file. This is optional for client and can be used for two-way authentication for client.');
define('ssl.keystore.password', 'PASSWORD', null, undefined, 'MEDIUM', 'The store password for the key store file. This is optional for client and only needed if \'ssl.keystore.location\' is configured. Key store password is not supported for PEM format.');
define('ssl.key.password', 'PASSWORD', null, undefined, 'MEDIUM', 'The password of the private key in the key store file or the PEM key specified in \'ssl.keystore.key\'.');
define('ssl.keystore.key', 'PASSWORD', null, undefined, 'MEDIUM',
  'Private key in the format specified by \'ssl.keystore.type\'. Default SSL engine factory supports only PEM format with PKCS#8 keys. If the key is encrypted, key password must be specified using \'ssl.key.password\'');
define('ssl.keystore.certificate.chain', 'PASSWORD', null, undefined, 'MEDIUM',
  'Certificate chain in the format specified by \'ssl.keystore.type\'. Default SSL engine factory supports only PEM format with a list of X.509 certificates');
define('ssl.truststore.type', 'STRING', 'JKS', undefined, 'MEDIUM', 'The file format of the trust store file. This broker supports PKCS12 and PEM.');
define('ssl.truststore.location', 'STRING', null, undefined, 'MEDIUM', 'The location of the trust store file.');
define('ssl.truststore.password', 'PASSWORD', null, undefined, 'MEDIUM', 'The password for the trust store file. If a password is not set, trust store file configured will still be used, but integrity checking is disabled. Trust store password is not supported for PEM format.');
define('ssl.truststore.certificates', 'PASSWORD', null, undefined, 'MEDIUM', 'Trusted certificates in the format specified by \'ssl.truststore.type\'. Default SSL engine factory supports only PEM format with X.509 certificates.');
define('ssl.keymanager.algorithm', 'STRING', 'SunX509', undefined, 'MEDIUM', 'The algorithm used by key manager factory for SSL connections. Default value is the key manager factory algorithm configured for the Java Virtual Machine.');
define('ssl.trustmanager.algorithm', 'STRING', 'PKIX', undefined, 'MEDIUM', 'The algorithm used by trust manager factory for SSL connections. Default value is the trust manager factory algorithm configured for the Java Virtual Machine.');
define('ssl.endpoint.identification.algorithm', 'STRING', 'https', undefined, 'LOW', 'The endpoint identification algorithm to validate server hostname using server certificate. ');
define('ssl.secure.random.implementation', 'STRING', null, undefined, 'LOW', 'The SecureRandom PRNG implementation to use for SSL cryptography operations. ');
define('ssl.client.auth', 'STRING', 'none', validString('required', 'requested', 'none'), 'MEDIUM',
  'Configures kafka broker to request client authentication. The following settings are common: <ul> <li><code>ssl.client.auth=required</code> If set to required client authentication is required. <li><code>ssl.client.auth=requested</code> This means client authentication is optional. unlike required, if this option is set client can choose not to provide authentication information about itself <li><code>ssl.client.auth=none</code> This means client authentication is not needed.</ul>');
define('ssl.cipher.suites', 'LIST', '', undefined, 'MEDIUM', 'A list of cipher suites. By default all the available cipher suites are supported.');
define('ssl.principal.mapping.rules', 'STRING', 'DEFAULT', undefined, 'LOW',
  'A list of rules for mapping from distinguished name from the client certificate to short name. The rules are evaluated in order and the first rule that matches a principal name is used to map it to a short name. Any later rules in the list are ignored. By default, distinguished name of the X.500 certificate will be the principal. For more details on the format please see <a href="#security_authz"> security authorization and acls</a>. Note that this configuration is ignored if an extension of KafkaPrincipalBuilder is provided by the <code>principal.builder.class</code> configuration.');
define('ssl.engine.factory.class', 'CLASS', null, undefined, 'LOW', 'The class of type org.apache.kafka.common.security.auth.SslEngineFactory to provide SSLEngine objects. Default value is org.apache.kafka.common.security.ssl.DefaultSslEngineFactory');
define('principal.builder.class', 'CLASS', 'org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder', undefined, 'MEDIUM',
  'The fully qualified name of a class that implements the KafkaPrincipalBuilder interface, which is used to build the KafkaPrincipal object used during authorization.');
define('connections.max.reauth.ms', 'LONG', 0, undefined, 'MEDIUM',
  'When explicitly set to a positive number (the default is 0, not a positive number), a session lifetime that will not exceed the configured value will be communicated to v2.2.0 or later clients when they authenticate. The broker will disconnect any such connection that is not re-authenticated within the session lifetime and that is then subsequently used for any purpose other than re-authentication.');
define('sasl.enabled.mechanisms', 'LIST', 'GSSAPI', undefined, 'MEDIUM',
  'The list of SASL mechanisms enabled in the Kafka server. The list may contain any mechanism for which a security provider is available. Only GSSAPI is enabled by default.');
define('sasl.mechanism.inter.broker.protocol', 'STRING', 'GSSAPI', undefined, 'MEDIUM', 'SASL mechanism used for inter-broker communication. Default is GSSAPI.');
define('sasl.jaas.config', 'PASSWORD', null, undefined, 'MEDIUM',
  'JAAS login context parameters for SASL connections in the format used by JAAS configuration files. JAAS configuration file format is described <a href="http://docs.oracle.com/javase/8/docs/technotes/guides/security/jgss/tutorials/LoginConfigFile.html">here</a>. The format for the value is: <code>loginModuleClass controlFlag (optionName=optionValue)*;</code>. For brokers, the config must be prefixed with listener prefix and SASL mechanism name in lower-case. For example, listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=com.example.ScramLoginModule required;');
define('sasl.server.max.receive.size', 'INT', 524288, undefined, 'MEDIUM', 'The maximum receive size allowed before and during initial SASL authentication. Default receive size is 512KB. GSSAPI limits requests to 64K, but we allow upto 512KB by default for custom SASL mechanisms. In practice, PLAIN, SCRAM and OAUTH mechanisms can use much smaller limits.');
define('sasl.kerberos.service.name', 'STRING', null, undefined, 'MEDIUM', 'The Kerberos principal name that Kafka runs as. This can be defined either in Kafka\'s JAAS config or in Kafka\'s config.');

/* ********** Quotas (KafkaConfig's quota keys, Kafka 3.7 defaults and docs) ********** */
define('quota.window.num', 'INT', 11, atLeast(1), 'LOW', 'The number of samples to retain in memory for client quotas');
define('replication.quota.window.num', 'INT', 11, atLeast(1), 'LOW', 'The number of samples to retain in memory for replication quotas');
define('alter.log.dirs.replication.quota.window.num', 'INT', 11, atLeast(1), 'LOW', 'The number of samples to retain in memory for alter log dirs replication quotas');
define('controller.quota.window.num', 'INT', 11, atLeast(1), 'LOW', 'The number of samples to retain in memory for controller mutation quotas');
define('quota.window.size.seconds', 'INT', 1, atLeast(1), 'LOW', 'The time span of each sample for client quotas');
define('replication.quota.window.size.seconds', 'INT', 1, atLeast(1), 'LOW', 'The time span of each sample for replication quotas');
define('alter.log.dirs.replication.quota.window.size.seconds', 'INT', 1, atLeast(1), 'LOW', 'The time span of each sample for alter log dirs replication quotas');
define('controller.quota.window.size.seconds', 'INT', 1, atLeast(1), 'LOW', 'The time span of each sample for controller mutations quotas');
define('client.quota.callback.class', 'CLASS', null, undefined, 'LOW',
  'The fully qualified name of a class that implements the ClientQuotaCallback interface, which is used to determine quota limits applied to client requests. By default, the &lt;user&gt; and &lt;client-id&gt; quotas that are stored in ZooKeeper are applied. For any given request, the most specific quota that matches the user principal of the session and the client-id of the request is applied.');

/* ********** Delegation tokens (KIP-48; Kafka 3.7 defaults and docs) ********** */
define('delegation.token.master.key', 'PASSWORD', null, undefined, 'MEDIUM', 'DEPRECATED: An alias for delegation.token.secret.key, which should be used instead of this config.');
define('delegation.token.secret.key', 'PASSWORD', null, undefined, 'MEDIUM',
  'Secret key to generate and verify delegation tokens. The same key must be configured across all the brokers.  If using Kafka with KRaft, the key must also be set across all controllers.  If the key is not set or set to empty string, brokers will disable the delegation token support.');
define('delegation.token.max.lifetime.ms', 'LONG', 7 * 24 * 60 * 60 * 1000, atLeast(1), 'MEDIUM', 'The token has a maximum lifetime beyond which it cannot be renewed anymore. Default value 7 days.');
define('delegation.token.expiry.time.ms', 'LONG', 24 * 60 * 60 * 1000, atLeast(1), 'MEDIUM', 'The token validity time in milliseconds before the token needs to be renewed. Default value 1 day.');
define('delegation.token.expiry.check.interval.ms', 'LONG', 60 * 60 * 1000, atLeast(1), 'LOW', 'Scan interval to remove expired delegation tokens.');

/* ********** Password encryption for dynamic configs (Kafka 3.7 defaults and docs) ********** */
define('password.encoder.secret', 'PASSWORD', null, undefined, 'MEDIUM', 'The secret used for encoding dynamically configured passwords for this broker.');
define('password.encoder.old.secret', 'PASSWORD', null, undefined, 'MEDIUM',
  'The old secret that was used for encoding dynamically configured passwords. This is required only when the secret is updated. If specified, all dynamically encoded passwords are decoded using this old secret and re-encoded using password.encoder.secret when broker starts up.');
define('password.encoder.keyfactory.algorithm', 'STRING', null, undefined, 'LOW',
  'The SecretKeyFactory algorithm used for encoding dynamically configured passwords. Default is PBKDF2WithHmacSHA512 if available and PBKDF2WithHmacSHA1 otherwise.');
define('password.encoder.cipher.algorithm', 'STRING', 'AES/CBC/PKCS5Padding', undefined, 'LOW', 'The Cipher algorithm used for encoding dynamically configured passwords.');
define('password.encoder.key.length', 'INT', 128, atLeast(8), 'LOW', 'The key length used for encoding dynamically configured passwords.');
define('password.encoder.iterations', 'INT', 4096, atLeast(1024), 'LOW', 'The iteration count used for encoding dynamically configured passwords.');

/* ********** Metrics (not in Apache Kafka: the Prometheus JMX exporter's part, built in) ********** */
/** A TCP port: 0 (off) to 65535, with ConfigDef.Range's messages. */
const tcpPort: Validator = {
  ensureValid(name, value) {
    const n = value as number;
    if (n < 0) throw new ConfigException(name, value, 'Value must be at least 0');
    if (n > 65535) throw new ConfigException(name, value, 'Value must be no more than 65535');
  },
  toString: () => '[0,...,65535]',
};
define('metrics.prometheus.port', 'INT', 0, tcpPort, 'LOW',
  'The port of the broker\'s Prometheus endpoint: <code>http://&lt;metrics.prometheus.host&gt;:&lt;port&gt;/metrics</code> serves the broker\'s metrics in the Prometheus text format, named as the Prometheus JMX exporter names Kafka\'s MBeans (e.g. <code>kafka_server_brokertopicmetrics_messagesin_total</code>). 0 (the default) serves no endpoint. A port already in use stops the broker at startup.');
define('metrics.prometheus.host', 'STRING', '127.0.0.1', undefined, 'LOW',
  'The address the Prometheus endpoint (<code>metrics.prometheus.port</code>) binds to. Use 0.0.0.0 to serve every interface.');

export const KAFKA_CONFIG_DEFS: ReadonlyMap<string, ConfigKey> = new Map(defs.map((d) => [d.name, d]));
