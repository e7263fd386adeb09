"""Consume-transform-produce with transactional offset commits (python3-confluent-kafka = librdkafka 2.0.2, KIP-447).

usage: group_eos.py <bootstrap> <mode> <in_topic> <out_topic> <group> <transactional.id> <n> [transaction.timeout.ms]

A read_committed consumer in <group> (no auto commit) reads <n> records of <in_topic>; a transactional producer writes
each value upper-cased to <out_topic> and sends the consumer's positions with its group metadata
(send_offsets_to_transaction: AddOffsetsToTxn, then TxnOffsetCommit v3), then:
  commit  commit_transaction                      -> prints "committed <topic>:<partition>:<offset>,..." (positions)
  abort   abort_transaction                       -> prints "aborted <positions>"
  hang    flush, print "open <positions>", wait (the test SIGKILLs it; the coordinator aborts on timeout)
  read    no producer: print "first <partition>:<offset>,..." for the first record read from each partition, i.e.
          where the group's committed offsets (fetched with require_stable) made the consumer start

Every step prints a line; any unexpected error exits 1 with "error:<name>:<message>".
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def consumer(bootstrap, group):
    return Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'isolation.level': 'read_committed',
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 500,
    })


def take(c, topic, n, deadline_s=45):
    """Reads n records (or fails); returns them."""
    c.subscribe([topic])
    out = []
    end = time.time() + deadline_s
    while len(out) < n and time.time() < end:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        out.append(m)
    if len(out) < n:
        raise SystemExit(f'error:TIMEOUT:read {len(out)} of {n} records')
    return out


def fmt(tps):
    return ','.join(f'{tp.topic}:{tp.partition}:{tp.offset}' for tp in sorted(tps, key=lambda t: (t.topic, t.partition)))


def main():
    bootstrap, mode, in_topic, out_topic, group, txid, n = sys.argv[1:8]
    n = int(n)
    timeout_ms = int(sys.argv[8]) if len(sys.argv) > 8 else 60000
    c = consumer(bootstrap, group)
    if mode == 'read':
        msgs = take(c, in_topic, n)
        first = {}
        for m in msgs:
            first.setdefault(m.partition(), m.offset())
        print('first ' + ','.join(f'{p}:{o}' for p, o in sorted(first.items())), flush=True)
        c.close()
        return
    p = Producer({
        'bootstrap.servers': bootstrap,
        'transactional.id': txid,
        'transaction.timeout.ms': timeout_ms,
        'message.timeout.ms': min(timeout_ms, 30000),
        'retry.backoff.ms': 100,
    })
    p.init_transactions(60)
    msgs = take(c, in_topic, n)
    p.begin_transaction()
    for m in msgs:
        p.produce(out_topic, key=m.key(), value=m.value().upper())
    # The positions after the records read: one past the last record of each partition.
    last = {}
    for m in msgs:
        last[(m.topic(), m.partition())] = m.offset() + 1
    positions = [TopicPartition(t, part, o) for (t, part), o in last.items()]
    p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 60)
    if mode == 'commit':
        p.commit_transaction(60)
        print('committed ' + fmt(positions), flush=True)
    elif mode == 'abort':
        p.abort_transaction(60)
        print('aborted ' + fmt(positions), flush=True)
    elif mode == 'hang':
        p.flush(30)
        print('open ' + fmt(positions), flush=True)
        time.sleep(600)
    else:
        raise SystemExit(f'unknown mode {mode}')
    c.close()


if __name__ == '__main__':
    try:
        main()
    except KafkaException as e:
        err = e.args[0]
        print(f'error:{err.name()}:{err.str()}', flush=True)
        sys.exit(1)
