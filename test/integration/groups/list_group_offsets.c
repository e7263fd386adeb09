/*
 * librdkafka's ListConsumerGroupOffsets for a whole group (no partitions: OffsetFetch with a null topic
 * list). Usage: list_group_offsets <bootstrap> <group>. Prints "topic partition offset metadata" per
 * committed offset, or "ERROR <name> <message>" and exits 1.
 */
#include <stdio.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

int main(int argc, char **argv) {
  char errstr[512];
  if (argc != 3) {
    fprintf(stderr, "usage: %s <bootstrap> <group>\n", argv[0]);
    return 2;
  }
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    printf("ERROR conf %s\n", errstr);
    return 1;
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    printf("ERROR new %s\n", errstr);
    return 1;
  }
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
  rd_kafka_AdminOptions_set_request_timeout(opts, 30000, errstr, sizeof(errstr));
  rd_kafka_ListConsumerGroupOffsets_t *req = rd_kafka_ListConsumerGroupOffsets_new(argv[2], NULL);
  rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, opts, q);
  rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 60000);
  int rc = 0;
  if (!ev) {
    printf("ERROR timeout no result\n");
    rc = 1;
  } else if (rd_kafka_event_error(ev)) {
    printf("ERROR %s %s\n", rd_kafka_err2name(rd_kafka_event_error(ev)), rd_kafka_event_error_string(ev));
    rc = 1;
  } else {
    size_t n = 0;
    const rd_kafka_group_result_t **groups =
        rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
    for (size_t i = 0; i < n; i++) {
      const rd_kafka_error_t *gerr = rd_kafka_group_result_error(groups[i]);
      if (gerr) {
        printf("ERROR %s %s\n", rd_kafka_error_name(gerr), rd_kafka_error_string(gerr));
        rc = 1;
        continue;
      }
      const rd_kafka_topic_partition_list_t *parts = rd_kafka_group_result_partitions(groups[i]);
      for (int j = 0; parts && j < parts->cnt; j++) {
        const rd_kafka_topic_partition_t *p = &parts->elems[j];
        printf("%s %d %lld %.*s\n", p->topic, (int)p->partition, (long long)p->offset,
               p->metadata ? (int)p->metadata_size : 0, p->metadata ? (const char *)p->metadata : "");
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_ListConsumerGroupOffsets_destroy(req);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return rc;
}
