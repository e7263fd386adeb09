"""A transactional producer driven by the integration tests (python3-confluent-kafka = librdkafka 2.0.2).

usage: txn.py <bootstrap> <mode> <topic> <transactional.id> [n] [prefix] [transaction.timeout.ms]

modes:
  commit  init, begin, produce n records "<prefix>-<i>", commit           -> prints "committed"
  abort   init, begin, produce n records, flush, abort                    -> prints "aborted"
  fence   producer A opens a transaction; producer B with the same id inits (fencing A);
          A's commit must fail; B commits its own records "<prefix>-b-<i>" -> prints "fenced:<error>" then "b-committed"
  hang    init, begin, produce n records, flush, prints "open" and waits (the test SIGKILLs it)
  wait    init, begin, produce n records, flush, prints "open", waits for a line on stdin, commits -> "committed"

Every step prints a line; any unexpected error exits 1 with "error:<name>:<message>".
"""
import sys
import time

from confluent_kafka import KafkaException, Producer


def make(bootstrap, txid, timeout_ms):
    return Producer({
        'bootstrap.servers': bootstrap,
        'transactional.id': txid,
        'transaction.timeout.ms': timeout_ms,
        'message.timeout.ms': min(timeout_ms, 30000),
        'socket.timeout.ms': min(timeout_ms, 10000),
        'retry.backoff.ms': 100,
    })


def produce(p, topic, prefix, n):
    for i in range(n):
        p.produce(topic, value=f'{prefix}-{i}'.encode(), key=str(i).encode())
    p.flush(30)


def main():
    bootstrap, mode, topic, txid = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    prefix = sys.argv[6] if len(sys.argv) > 6 else txid
    timeout_ms = int(sys.argv[7]) if len(sys.argv) > 7 else 60000
    p = make(bootstrap, txid, timeout_ms)
    p.init_transactions(60)
    print('initialized', flush=True)
    p.begin_transaction()
    produce(p, topic, prefix, n)
    if mode == 'commit':
        p.commit_transaction(60)
        print('committed', flush=True)
    elif mode == 'abort':
        p.abort_transaction(60)
        print('aborted', flush=True)
    elif mode == 'hang':
        print('open', flush=True)
        time.sleep(600)
    elif mode == 'wait':
        print('open', flush=True)
        sys.stdin.readline()
        p.commit_transaction(90)
        print('committed', flush=True)
    elif mode == 'fence':
        b = make(bootstrap, txid, timeout_ms)
        b.init_transactions(60)
        print('b-initialized', flush=True)
        try:
            p.commit_transaction(30)
            print('a-committed', flush=True)
        except KafkaException as e:
            err = e.args[0]
            print(f'fenced:{err.name()}:fatal={err.fatal()}', flush=True)
        b.begin_transaction()
        produce(b, topic, f'{prefix}-b', n)
        b.commit_transaction(60)
        print('b-committed', flush=True)
    else:
        raise SystemExit(f'unknown mode {mode}')


if __name__ == '__main__':
    try:
        main()
    except KafkaException as e:
        err = e.args[0]
        print(f'error:{err.name()}:{err.str()}', flush=True)
        sys.exit(1)
