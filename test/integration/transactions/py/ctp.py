"""Consume-transform-produce with librdkafka (python3-confluent-kafka 2.0.2), driven by the integration tests.

usage: ctp.py <bootstrap> <commit|abort> <input topic> <output topic> <group> <transactional.id> <n>

Reads n records of the input topic as a member of <group> (read_committed, no auto commit), writes "out-<value>"
for each to the output topic in one transaction together with the consumed offsets (send_offsets_to_transaction:
AddOffsetsToTxn + TxnOffsetCommit), then commits or aborts it. Prints "committed <n>" / "aborted <n>".
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def main():
    bootstrap, action, src, dst, group, txid, n = sys.argv[1:8]
    n = int(n)
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'isolation.level': 'read_committed',
        'session.timeout.ms': 10000,
    })
    producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': txid, 'transaction.timeout.ms': 30000})
    producer.init_transactions(60)
    consumer.subscribe([src])
    got = []
    deadline = time.time() + 60
    while len(got) < n and time.time() < deadline:
        m = consumer.poll(0.5)
        if m is None or m.error():
            continue
        got.append(m)
    if len(got) < n:
        print(f'error:TIMEOUT:only {len(got)} of {n} records', flush=True)
        sys.exit(1)
    producer.begin_transaction()
    for m in got:
        producer.produce(dst, value=b'out-' + m.value())
    positions = {}
    for m in got:
        positions[(m.topic(), m.partition())] = max(positions.get((m.topic(), m.partition()), -1), m.offset() + 1)
    offsets = [TopicPartition(t, p, o) for (t, p), o in positions.items()]
    producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 60)
    if action == 'commit':
        producer.commit_transaction(60)
        print(f'committed {len(got)}', flush=True)
    else:
        producer.abort_transaction(60)
        print(f'aborted {len(got)}', flush=True)
    consumer.close()


if __name__ == '__main__':
    try:
        main()
    except KafkaException as e:
        err = e.args[0]
        print(f'error:{err.name()}:{err.str()}', flush=True)
        sys.exit(1)
