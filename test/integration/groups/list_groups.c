/*
 * librdkafka's ListConsumerGroups (ListGroups; v4 carries the states filter and each group's state) on every
 * broker. Usage: list_groups <bootstrap> [state...]. Prints "group state simple" per group (state as librdkafka
 * names it, simple 1 for a group without protocol type), "ERROR <name> <message>" per broker error and exits 1.
 */
#include <stdio.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

int main(int argc, char **argv) {
  char errstr[512];
  if (argc < 2) {
    fprintf(stderr, "usage: %s <bootstrap> [state...]\n", argv[0]);
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
  rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
  rd_kafka_AdminOptions_set_request_timeout(opts, 30000, errstr, sizeof(errstr));
  rd_kafka_consumer_group_state_t states[8];
  int nstates = 0;
  for (int i = 2; i < argc && nstates < 8; i++) states[nstates++] = rd_kafka_consumer_group_state_code(argv[i]);
  if (nstates > 0) {
    rd_kafka_error_t *err = rd_kafka_AdminOptions_set_match_consumer_group_states(opts, states, nstates);
    if (err) {
      printf("ERROR %s %s\n", rd_kafka_error_name(err), rd_kafka_error_string(err));
      return 1;
    }
  }
  rd_kafka_ListConsumerGroups(rk, opts, q);
  rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 60000);
  int rc = 0;
  if (!ev) {
    printf("ERROR timeout no result\n");
    rc = 1;
  } else if (rd_kafka_event_error(ev)) {
    printf("ERROR %s %s\n", rd_kafka_err2name(rd_kafka_event_error(ev)), rd_kafka_event_error_string(ev));
    rc = 1;
  } else {
    const rd_kafka_ListConsumerGroups_result_t *res = rd_kafka_event_ListConsumerGroups_result(ev);
    size_t n = 0, nerr = 0;
    const rd_kafka_ConsumerGroupListing_t **groups = rd_kafka_ListConsumerGroups_result_valid(res, &n);
    for (size_t i = 0; i < n; i++) {
      printf("%s %s %d\n", rd_kafka_ConsumerGroupListing_group_id(groups[i]),
             rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(groups[i])),
             rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]));
    }
    const rd_kafka_error_t **errors = rd_kafka_ListConsumerGroups_result_errors(res, &nerr);
    for (size_t i = 0; i < nerr; i++) {
      printf("ERROR %s %s\n", rd_kafka_error_name(errors[i]), rd_kafka_error_string(errors[i]));
      rc = 1;
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return rc;
}
