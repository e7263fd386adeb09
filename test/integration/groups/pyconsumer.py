#!/usr/bin/python3
"""
A librdkafka (Debian's python3-confluent-kafka) group consumer driven by the integration tests.

usage: pyconsumer.py '<json librdkafka config>' <topic>

Prints one JSON object per line on stdout:
  {"ev": "ready"}                                   the consumer is created and subscribed
  {"ev": "assign", "partitions": [0, 1]}            on_assign (eager protocols: the full assignment)
  {"ev": "revoke", "partitions": [...]}             on_revoke
  {"ev": "message", "partition": p, "offset": o}    a record
  {"ev": "msgerror", "code": c, "name": n, "str": s, "fatal": b}   an error delivered through poll()
  {"ev": "error", "code": c, "name": n, "str": s, "fatal": b}      error_cb
  {"ev": "paused"} / {"ev": "resumed"} / {"ev": "closed"}
Reads commands on stdin, one per line:
  pause    stop calling poll() (exceeds max.poll.interval.ms if long enough)
  resume   call poll() again
  close    Consumer.close() (a dynamic member sends LeaveGroup) and exit
  crash    exit at once without closing (like SIGKILL)
"""
import json
import os
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaError


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def err_obj(ev, e):
    return {"ev": ev, "code": e.code(), "name": e.name(), "str": e.str(), "fatal": e.fatal()}


def main():
    conf = json.loads(sys.argv[1])
    topic = sys.argv[2]
    conf["error_cb"] = lambda e: out(err_obj("error", e))
    consumer = Consumer(conf)

    def on_assign(c, parts):
        out({"ev": "assign", "partitions": sorted(p.partition for p in parts)})

    def on_revoke(c, parts):
        out({"ev": "revoke", "partitions": sorted(p.partition for p in parts)})

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    out({"ev": "ready"})

    state = {"paused": False, "cmd": None}
    lock = threading.Lock()

    def read_stdin():
        for line in sys.stdin:
            cmd = line.strip()
            with lock:
                if cmd == "pause":
                    state["paused"] = True
                elif cmd == "resume":
                    state["paused"] = False
                elif cmd in ("close", "crash"):
                    state["cmd"] = cmd
        # The test process went away: leave like a crash.
        with lock:
            state["cmd"] = state["cmd"] or "crash"

    threading.Thread(target=read_stdin, daemon=True).start()

    was_paused = False
    while True:
        with lock:
            paused, cmd = state["paused"], state["cmd"]
        if cmd == "crash":
            os._exit(0)
        if cmd == "close":
            consumer.close()
            out({"ev": "closed"})
            os._exit(0)
        if paused:
            if not was_paused:
                out({"ev": "paused"})
                was_paused = True
            time.sleep(0.05)
            continue
        if was_paused:
            out({"ev": "resumed"})
            was_paused = False
        msg = consumer.poll(0.1)
        if msg is None:
            continue
        if msg.error():
            out(err_obj("msgerror", msg.error()))
            continue
        out({"ev": "message", "partition": msg.partition(), "offset": msg.offset()})


if __name__ == "__main__":
    main()
