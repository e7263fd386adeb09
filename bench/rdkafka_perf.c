/*
 * rdkafka_perf: a small librdkafka throughput harness for `npm run bench` (in the spirit of librdkafka's
 * examples/rdkafka_performance.c and Kafka's kafka-producer-perf-test / kafka-consumer-perf-test).
 *
 *   rdkafka_perf produce -b HOST:PORT[,..] -t TOPIC [-n COUNT] [-s SIZE] [-T SECONDS] [-X key=value]...
 *   rdkafka_perf consume -b HOST:PORT[,..] -t TOPIC [-n COUNT] [-T SECONDS] [-X key=value]...
 *   rdkafka_perf latency -b HOST:PORT[,..] -t TOPIC [-n COUNT] [-s SIZE] [-r RATE] [-T SECONDS] [-X key=value]...
 *
 * produce: sends COUNT records of SIZE bytes (no key, one shared payload buffer, not copied) as fast as
 *   the producer queue allows, then waits for every delivery report. Defaults: acks=1, linger.ms=5,
 *   batch.num.messages=10000, a large queue, compression none. The clock runs from the first produce call
 *   to the last delivery report. "partitions" in the result is the number of partitions written to.
 * consume: assigns every partition of TOPIC at the beginning (no group join, no commits) and reads until
 *   COUNT records or end of all partitions, in batches of up to 10,000 from the consumer queue
 *   (rd_kafka_consume_batch_queue, as librdkafka's examples/rdkafka_performance.c does), so the client spends
 *   little per record and the broker is what is measured. The clock runs from the first record (read alone,
 *   so its time is exact) to the end of the batch holding the last one; it is read once per batch.
 * group: -m MEMBERS consumers (default 1), one thread each, subscribe in one new consumer group (JoinGroup/
 *   SyncGroup, auto.offset.reset=earliest, auto commit) and read in batches until they have COUNT records
 *   between them. The clock runs from the first record any member gets to the last record of all; the
 *   result has the aggregate rate, each member's count and the distinct records (from offset 0 of a topic
 *   without gaps: the sum of each partition's highest offset read + 1; fewer than records means some were
 *   read twice, after a rebalance).
 *
 * latency: end-to-end latency at a fixed rate: one producer sends COUNT records at RATE records/s (each
 *   carrying its send time, CLOCK_MONOTONIC) while a consumer in the same process, assigned to every partition
 *   of a fresh TOPIC from the beginning, takes receive time - send time. -X applies to the producer (e.g.
 *   acks=all); the producer uses linger.ms=0. A first second of warm-up records (while the consumer connects)
 *   is sent but not counted. Prints p50/p99/p99.9/max in milliseconds.
 *
 * The result is one JSON line on stdout; progress and errors go to stderr. MB = 1048576 bytes of record
 * values, as Kafka's perf tools count. Exit codes: 0 ok, 1 usage/config error, 2 delivery or consume
 * errors, 3 timeout.
 */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t run = 1;
static long long delivered = 0, failed = 0, delivered_bytes = 0;
static char first_error[512] = "";
/* The settings this harness gives librdkafka beyond its defaults (and every -X), reported in the JSON result. */
static char settings[2048] = "";

#define BATCH 10000
#define MAX_PARTITIONS 4096

/* produce: the partitions that received at least one record (keyless records go where librdkafka's sticky
 * partitioner puts them: one partition for sticky.partitioning.linger.ms, then another at random). */
static unsigned char written[MAX_PARTITIONS];
static int partitions_written = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig) { (void)sig; run = 0; }

static void usage(FILE *out) {
  fprintf(out,
    "Usage: rdkafka_perf produce|consume|group|latency -b BROKERS -t TOPIC [options]\n"
    "  -b BROKERS     bootstrap servers, e.g. 127.0.0.1:9092\n"
    "  -t TOPIC       topic (must exist)\n"
    "  -n COUNT       records to produce / consume (default 1000000)\n"
    "  -s SIZE        record value size in bytes (produce; default 100)\n"
    "  -T SECONDS     give up after this long (default 120)\n"
    "  -r RATE        records per second (latency; default 1000)\n"
    "  -m MEMBERS     group members, one consumer and thread each (group; default 1)\n"
    "  -X key=value   librdkafka property (repeatable), overrides the defaults\n"
    "  -h             this help\n"
    "Producer defaults: acks=1 linger.ms=5 batch.num.messages=10000 queue.buffering.max.messages=10000000\n"
    "  queue.buffering.max.kbytes=2097151 compression.codec=none\n"
    "Consumer: assign all partitions at the beginning, enable.partition.eof=true, no commits; batches of 10000.\n"
    "Group: MEMBERS consumers subscribe in a new consumer group (auto.offset.reset=earliest, auto commit)\n"
    "  until they have COUNT records between them; batches of 10000.\n"
    "Prints one JSON line: {\"mode\",\"records\",\"bytes\",\"seconds\",\"records_per_sec\",\"mb_per_sec\",\n"
    "  ...,\"settings\"} where settings lists every librdkafka property set beyond its defaults.\n");
}

static int set_conf(rd_kafka_conf_t *conf, const char *key, const char *val) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "rdkafka_perf: %s\n", err);
    return -1;
  }
  return 0;
}

/* set_conf, and the key is remembered: describe_settings() lists it in the result unless its final value is
 * librdkafka's default anyway (group.id and bootstrap.servers are set with set_conf: they name, not tune). */
static char *reported_keys[64];
static int reported_count = 0;

static int set_reported(rd_kafka_conf_t *conf, const char *key, const char *val) {
  if (set_conf(conf, key, val)) return -1;
  for (int i = 0; i < reported_count; i++)
    if (!strcmp(reported_keys[i], key)) return 0;
  if (reported_count < 64) reported_keys[reported_count++] = strdup(key);
  return 0;
}

/* Appends "prefix key=value" to settings for every remembered key whose value differs from the default. */
static void describe_settings(const rd_kafka_conf_t *conf, const char *prefix) {
  rd_kafka_conf_t *defaults = rd_kafka_conf_new();
  for (int i = 0; i < reported_count; i++) {
    char val[512], def[512];
    size_t vsize = sizeof(val), dsize = sizeof(def);
    if (rd_kafka_conf_get(conf, reported_keys[i], val, &vsize) != RD_KAFKA_CONF_OK) continue;
    if (rd_kafka_conf_get(defaults, reported_keys[i], def, &dsize) == RD_KAFKA_CONF_OK && !strcmp(def, val)) continue;
    size_t n = strlen(settings);
    snprintf(settings + n, sizeof(settings) - n, "%s%s%s=%s", n ? " " : "", prefix, reported_keys[i], val);
    for (char *c = settings + n; *c; c++)
      if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) *c = ' ';
  }
  rd_kafka_conf_destroy(defaults);
  while (reported_count > 0) free(reported_keys[--reported_count]);
}

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk; (void)opaque;
  if (m->err) {
    if (failed++ == 0) snprintf(first_error, sizeof(first_error), "%s", rd_kafka_err2str(m->err));
  } else {
    delivered++;
    delivered_bytes += (long long)m->len;
    if (m->partition >= 0 && m->partition < MAX_PARTITIONS && !written[m->partition]) {
      written[m->partition] = 1;
      partitions_written++;
    }
  }
}

/* extra: more JSON members (",\"k\":v..."), or "". */
static void print_result_x(const char *mode, long long records, long long bytes, double secs, long long errors,
                           int timed_out, int partitions, const char *extra) {
  double rps = secs > 0 ? (double)records / secs : 0;
  double mbps = secs > 0 ? (double)bytes / 1048576.0 / secs : 0;
  for (char *c = first_error; *c; c++)
    if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) *c = ' ';
  printf("{\"mode\":\"%s\",\"records\":%lld,\"bytes\":%lld,\"seconds\":%.3f,\"records_per_sec\":%.1f,"
         "\"mb_per_sec\":%.2f,\"errors\":%lld,\"timed_out\":%s,\"partitions\":%d,\"first_error\":\"%s\","
         "\"settings\":\"%s\"%s}\n",
         mode, records, bytes, secs, rps, mbps, errors, timed_out ? "true" : "false", partitions, first_error, settings,
         extra);
  fflush(stdout);
}

static void print_result(const char *mode, long long records, long long bytes, double secs, long long errors,
                         int timed_out, int partitions) {
  print_result_x(mode, records, bytes, secs, errors, timed_out, partitions, "");
}

static int do_produce(rd_kafka_conf_t *conf, const char *topic, long long count, size_t size, double timeout) {
  char err[512];
  rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk) { fprintf(stderr, "rdkafka_perf: %s\n", err); return 1; }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  char *payload = malloc(size ? size : 1);
  for (size_t i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);

  double start = now_s(), deadline = start + timeout;
  int timed_out = 0;
  for (long long i = 0; i < count && run; ) {
    /* flags 0: librdkafka neither copies nor frees the shared payload */
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, payload, size, NULL, 0, NULL) == 0) {
      i++;
      if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
      continue;
    }
    rd_kafka_resp_err_t e = rd_kafka_last_error();
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      fprintf(stderr, "rdkafka_perf: produce failed: %s\n", rd_kafka_err2str(e));
      failed += count - i;
      break;
    }
    rd_kafka_poll(rk, 1); /* queue full: serve delivery reports, then retry */
    if (now_s() > deadline) { timed_out = 1; break; }
  }
  while (run && !timed_out && rd_kafka_outq_len(rk) > 0) {
    rd_kafka_poll(rk, 50);
    if (now_s() > deadline) timed_out = 1;
  }
  double secs = now_s() - start;
  print_result("produce", delivered, delivered_bytes, secs, failed, timed_out, partitions_written);
  if (failed) fprintf(stderr, "rdkafka_perf: %lld records failed, first error: %s\n", failed, first_error);
  rd_kafka_topic_destroy(rkt);
  if (timed_out || !run) rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk, 1000);
  rd_kafka_destroy(rk);
  free(payload);
  return timed_out ? 3 : failed ? 2 : 0;
}

static int do_consume(rd_kafka_conf_t *conf, const char *topic, long long count, double timeout) {
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (!rk) { fprintf(stderr, "rdkafka_perf: %s\n", err); return 1; }
  rd_kafka_poll_set_consumer(rk);

  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, timeout < 10 ? (int)(timeout * 1000) : 10000);
  if (e || md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0) {
    fprintf(stderr, "rdkafka_perf: no metadata for topic %s: %s\n", topic,
            rd_kafka_err2str(e ? e : md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return 1;
  }
  int partitions = md->topics[0].partition_cnt;
  rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
  for (int i = 0; i < partitions; i++)
    rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  if ((e = rd_kafka_assign(rk, parts))) {
    fprintf(stderr, "rdkafka_perf: assign failed: %s\n", rd_kafka_err2str(e));
    return 1;
  }

  char *at_eof = calloc((size_t)partitions + 1, 1);
  rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
  rd_kafka_message_t **batch = malloc(sizeof(*batch) * BATCH);
  int eof_count = 0, timed_out = 0;
  long long records = 0, bytes = 0, errors = 0;
  double first = 0, last = 0, deadline = now_s() + timeout;
  while (run && records < count && eof_count < partitions) {
    /* The first record alone (its arrival time is the start of the clock), then whole batches, never more than
     * the records still wanted, so the last batch returns as soon as the last record is there. */
    long long want = records == 0 ? 1 : count - records < BATCH ? count - records : BATCH;
    ssize_t n = rd_kafka_consume_batch_queue(q, records == 0 ? 100 : 10, batch, (size_t)want);
    double now = now_s();
    if (n < 0) {
      if (errors++ == 0) snprintf(first_error, sizeof(first_error), "%s", rd_kafka_err2str(rd_kafka_last_error()));
      break;
    }
    long long before = records;
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *m = batch[i];
      int p = m->partition;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (p >= 0 && p < partitions && !at_eof[p]) { at_eof[p] = 1; eof_count++; }
      } else if (m->err) {
        if (errors++ == 0) snprintf(first_error, sizeof(first_error), "%s", rd_kafka_message_errstr(m));
        fprintf(stderr, "rdkafka_perf: consume error: %s\n", rd_kafka_message_errstr(m));
      } else {
        records++;
        bytes += (long long)m->len;
        if (p >= 0 && p < partitions && at_eof[p]) { at_eof[p] = 0; eof_count--; }
      }
      rd_kafka_message_destroy(m);
    }
    if (records > before) {
      if (before == 0) first = now;
      last = now;
    }
    if (now > deadline) { timed_out = records < count && eof_count < partitions; break; }
  }
  rd_kafka_queue_destroy(q);
  free(batch);
  print_result("consume", records, bytes, last - first, errors, timed_out, partitions);
  rd_kafka_topic_partition_list_destroy(parts);
  free(at_eof);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return timed_out ? 3 : errors ? 2 : 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(const double *v, long long n, double p) {
  if (n == 0) return 0;
  long long i = (long long)(p * (double)n);
  return v[i >= n ? n - 1 : i];
}

static int do_latency(rd_kafka_conf_t *pconf, const char *brokers, const char *topic, long long count, size_t size,
                      double rate, double timeout) {
  char err[512];
  if (size < sizeof(double)) size = sizeof(double);
  rd_kafka_conf_set_dr_msg_cb(pconf, dr_msg_cb);
  rd_kafka_t *prod = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, err, sizeof(err));
  if (!prod) { fprintf(stderr, "rdkafka_perf: %s\n", err); return 1; }
  rd_kafka_conf_t *cconf = rd_kafka_conf_new();
  if (set_conf(cconf, "bootstrap.servers", brokers) || set_conf(cconf, "group.id", "rdkafka-perf-latency") ||
      set_reported(cconf, "enable.auto.commit", "false") ||
      set_reported(cconf, "fetch.wait.max.ms", "100"))
    return 1;
  describe_settings(cconf, "consumer:");
  rd_kafka_t *cons = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, err, sizeof(err));
  if (!cons) { fprintf(stderr, "rdkafka_perf: %s\n", err); return 1; }
  rd_kafka_poll_set_consumer(cons);
  rd_kafka_topic_t *ckt = rd_kafka_topic_new(cons, topic, NULL);
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t e = rd_kafka_metadata(cons, 0, ckt, &md, 10000);
  if (e || md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0) {
    fprintf(stderr, "rdkafka_perf: no metadata for topic %s\n", topic);
    return 1;
  }
  int partitions = md->topics[0].partition_cnt;
  rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
  for (int i = 0; i < partitions; i++)
    rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(ckt);
  if ((e = rd_kafka_assign(cons, parts))) { fprintf(stderr, "rdkafka_perf: assign failed: %s\n", rd_kafka_err2str(e)); return 1; }

  rd_kafka_topic_t *pkt = rd_kafka_topic_new(prod, topic, NULL);
  double *lat = malloc(sizeof(double) * (size_t)count);
  char *payload = calloc(1, size);
  long long sent = 0, received = 0, errors = 0;
  long long warmup = (long long)rate, total = count + warmup;
  double start = now_s(), deadline = start + timeout, measure_from = start + 1.0;
  int timed_out = 0;
  while (run && received < count) {
    double now = now_s();
    if (now > deadline) { timed_out = 1; break; }
    while (sent < total && now >= start + (double)sent / rate) {
      memcpy(payload, &now, sizeof(double));
      if (rd_kafka_produce(pkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload, size, NULL, 0, NULL) != 0) break;
      sent++;
    }
    rd_kafka_poll(prod, 0);
    rd_kafka_message_t *m = rd_kafka_consumer_poll(cons, 1);
    if (!m) continue;
    if (m->err == 0 && m->len >= sizeof(double)) {
      double t0;
      memcpy(&t0, m->payload, sizeof(double));
      if (t0 >= measure_from && received < count) lat[received++] = (now_s() - t0) * 1000.0;
    } else if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (errors++ == 0) snprintf(first_error, sizeof(first_error), "%s", rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }
  double secs = now_s() - start;
  qsort(lat, (size_t)received, sizeof(double), cmp_double);
  printf("{\"mode\":\"latency\",\"records\":%lld,\"bytes\":%lld,\"seconds\":%.3f,\"records_per_sec\":%.1f,"
         "\"mb_per_sec\":%.2f,\"errors\":%lld,\"timed_out\":%s,\"partitions\":%d,\"first_error\":\"%s\","
         "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"settings\":\"%s\"}\n",
         received, received * (long long)size, secs, secs > 0 ? (double)received / secs : 0,
         secs > 0 ? (double)(received * (long long)size) / 1048576.0 / secs : 0, errors + failed,
         timed_out ? "true" : "false", partitions, first_error, pct(lat, received, 0.5), pct(lat, received, 0.99),
         pct(lat, received, 0.999), received ? lat[received - 1] : 0, settings);
  fflush(stdout);
  rd_kafka_topic_destroy(pkt);
  rd_kafka_flush(prod, 2000);
  rd_kafka_destroy(prod);
  rd_kafka_topic_partition_list_destroy(parts);
  rd_kafka_consumer_close(cons);
  rd_kafka_destroy(cons);
  free(lat);
  free(payload);
  return timed_out ? 3 : (errors + failed) ? 2 : 0;
}

/* group: MEMBERS consumers in one new consumer group (JoinGroup/SyncGroup through the group coordinator,
 * auto.offset.reset=earliest, offsets committed automatically), one thread each, read until they have COUNT
 * records between them. The clock runs from the first record any member gets to the last record of all, so the
 * group join is not counted (it is reported as join_ms, from the start to the first record). */
struct member {
  rd_kafka_t *rk;
  pthread_t thread;
  long long records, bytes, errors;
  long long next[MAX_PARTITIONS]; /* per partition: highest offset read + 1, for the count of distinct records */
  double first, last;
  int timed_out;
  char error[256];
};

static long long group_total = 0; /* records of all members, updated atomically once per batch */
static long long group_count = 0;
static double group_deadline = 0;

static void *member_run(void *arg) {
  struct member *mb = arg;
  rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(mb->rk);
  rd_kafka_message_t **batch = malloc(sizeof(*batch) * BATCH);
  while (run) {
    long long total = __atomic_load_n(&group_total, __ATOMIC_RELAXED);
    if (total >= group_count) break;
    long long left = group_count - total;
    long long want = mb->records == 0 ? 1 : left < BATCH ? left : BATCH;
    ssize_t n = rd_kafka_consume_batch_queue(q, mb->records == 0 ? 100 : 10, batch, (size_t)want);
    double now = now_s();
    if (n < 0) {
      if (mb->errors++ == 0) snprintf(mb->error, sizeof(mb->error), "%s", rd_kafka_err2str(rd_kafka_last_error()));
      break;
    }
    long long got = 0;
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *m = batch[i];
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        /* nothing: the group assigns the partitions; the count says when to stop */
      } else if (m->err) {
        if (mb->errors++ == 0) snprintf(mb->error, sizeof(mb->error), "%s", rd_kafka_message_errstr(m));
      } else {
        got++;
        mb->bytes += (long long)m->len;
        if (m->partition >= 0 && m->partition < MAX_PARTITIONS && m->offset + 1 > mb->next[m->partition])
          mb->next[m->partition] = m->offset + 1;
      }
      rd_kafka_message_destroy(m);
    }
    if (got) {
      if (mb->records == 0) mb->first = now;
      mb->last = now;
      mb->records += got;
      __atomic_add_fetch(&group_total, got, __ATOMIC_RELAXED);
    }
    if (now > group_deadline) {
      mb->timed_out = __atomic_load_n(&group_total, __ATOMIC_RELAXED) < group_count;
      break;
    }
  }
  rd_kafka_queue_destroy(q);
  free(batch);
  return NULL;
}

static int do_group_consume(rd_kafka_conf_t *conf, const char *topic, long long count, int members, double timeout) {
  char err[512];
  double started = now_s();
  struct member *mbs = calloc((size_t)members, sizeof(*mbs));
  group_count = count;
  group_deadline = started + timeout;
  for (int i = 0; i < members; i++) {
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, i + 1 < members ? rd_kafka_conf_dup(conf) : conf, err, sizeof(err));
    if (!rk) { fprintf(stderr, "rdkafka_perf: %s\n", err); return 1; }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (e) { fprintf(stderr, "rdkafka_perf: subscribe failed: %s\n", rd_kafka_err2str(e)); return 1; }
    mbs[i].rk = rk;
  }
  for (int i = 0; i < members; i++) pthread_create(&mbs[i].thread, NULL, member_run, &mbs[i]);
  long long records = 0, bytes = 0, errors = 0;
  int timed_out = 0;
  double first = 0, last = 0;
  char counts[1024] = "";
  long long *next = calloc(MAX_PARTITIONS, sizeof(long long));
  for (int i = 0; i < members; i++) {
    struct member *mb = &mbs[i];
    pthread_join(mb->thread, NULL);
    for (int p = 0; p < MAX_PARTITIONS; p++)
      if (mb->next[p] > next[p]) next[p] = mb->next[p];
    records += mb->records;
    bytes += mb->bytes;
    errors += mb->errors;
    timed_out |= mb->timed_out;
    if (mb->errors && !first_error[0]) snprintf(first_error, sizeof(first_error), "%s", mb->error);
    if (mb->records && (first == 0 || mb->first < first)) first = mb->first;
    if (mb->records && mb->last > last) last = mb->last;
    size_t n = strlen(counts);
    snprintf(counts + n, sizeof(counts) - n, "%s%lld", i ? "," : "", mb->records);
  }
  /* The topic is read from offset 0 and has no gaps (no transactions, no compaction): the distinct records are the
   * sum of each partition's highest offset read + 1; more records than that were read twice (after a rebalance). */
  long long distinct = 0;
  for (int p = 0; p < MAX_PARTITIONS; p++) distinct += next[p];
  free(next);
  fprintf(stderr, "rdkafka_perf: group start to first record: %.0f ms; records per member: %s; distinct: %lld\n",
          first ? (first - started) * 1000 : 0, counts, distinct);
  char extra[1200];
  snprintf(extra, sizeof(extra), ",\"members\":%d,\"member_records\":[%s],\"join_ms\":%.0f,\"distinct_records\":%lld",
           members, counts, first ? (first - started) * 1000 : 0, distinct);
  print_result_x("group", records, bytes, last - first, errors, timed_out, 0, extra);
  for (int i = 0; i < members; i++) {
    rd_kafka_consumer_close(mbs[i].rk);
    rd_kafka_destroy(mbs[i].rk);
  }
  free(mbs);
  return timed_out ? 3 : errors ? 2 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  const char *mode = argv[1];
  int latency = !strcmp(mode, "latency");
  int producing = !strcmp(mode, "produce") || latency;
  int group = !strcmp(mode, "group");
  if (!producing && !group && strcmp(mode, "consume")) { usage(stderr); return 1; }

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (producing) {
    if (set_reported(conf, "acks", "1") || set_reported(conf, "linger.ms", "5") ||
        set_reported(conf, "batch.num.messages", "10000") ||
        set_reported(conf, "queue.buffering.max.messages", "10000000") ||
        set_reported(conf, "queue.buffering.max.kbytes", "2097151") ||
        set_reported(conf, "compression.codec", "none"))
      return 1;
  } else if (group) {
    char gid[64];
    snprintf(gid, sizeof(gid), "rdkafka-perf-%ld", (long)time(NULL));
    if (set_conf(conf, "group.id", gid) || set_reported(conf, "auto.offset.reset", "earliest")) return 1;
  } else {
    /* group.id is required by the consumer API; assign() never joins the group and nothing is committed */
    if (set_conf(conf, "group.id", "rdkafka-perf") || set_reported(conf, "enable.partition.eof", "true") ||
        set_reported(conf, "enable.auto.commit", "false") ||
        set_reported(conf, "enable.auto.offset.store", "false"))
      return 1;
  }

  const char *brokers = NULL, *topic = NULL;
  long long count = 1000000;
  long size = 100;
  double timeout = 120, rate = 1000;
  int members = 1;
  if (latency && set_reported(conf, "linger.ms", "0")) return 1;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h")) { usage(stdout); return 0; }
    if (a[0] != '-' || a[1] == '\0' || a[2] != '\0' || i + 1 >= argc) {
      fprintf(stderr, "rdkafka_perf: bad argument '%s'\n", a);
      usage(stderr);
      return 1;
    }
    const char *v = argv[++i];
    switch (a[1]) {
      case 'b': brokers = v; break;
      case 't': topic = v; break;
      case 'n': count = atoll(v); break;
      case 's': size = atol(v); break;
      case 'T': timeout = atof(v); break;
      case 'r': rate = atof(v); break;
      case 'm': members = atoi(v); break;
      case 'X': {
        char key[256];
        const char *eq = strchr(v, '=');
        if (!eq || (size_t)(eq - v) >= sizeof(key)) { fprintf(stderr, "rdkafka_perf: -X needs key=value\n"); return 1; }
        memcpy(key, v, (size_t)(eq - v));
        key[eq - v] = '\0';
        if (set_reported(conf, key, eq + 1)) return 1;
        break;
      }
      default:
        fprintf(stderr, "rdkafka_perf: unknown option %s\n", a);
        usage(stderr);
        return 1;
    }
  }
  if (!brokers || !topic || count <= 0 || size < 0 || rate <= 0 || members < 1 || members > 64) {
    fprintf(stderr, "rdkafka_perf: -b and -t are required, -n must be > 0, -m 1..64\n");
    usage(stderr);
    return 1;
  }
  if (set_conf(conf, "bootstrap.servers", brokers)) return 1;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  describe_settings(conf, "");
  if (latency) return do_latency(conf, brokers, topic, count, (size_t)size, rate, timeout);
  if (group) return do_group_consume(conf, topic, count, members, timeout);
  return producing ? do_produce(conf, topic, count, (size_t)size, timeout) : do_consume(conf, topic, count, timeout);
}
