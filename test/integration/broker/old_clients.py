#!/usr/bin/python3
"""
kafka-python (Debian's python3-kafka 2.0.2) pinned to an old protocol with api_version, for the integration tests
of message formats v0/v1: api_version=(0, 8, 2) speaks Produce v0 and Fetch v0 (magic 0, no groups), (0, 9) Produce v1
(magic 0) and Fetch v1, (0, 10, 0) Produce v2 (magic 1) and Fetch v2, (0, 10, 1) Fetch v3.

usage: old_clients.py produce  <bootstrap> <api_version> <topic> <codec> <n>
       old_clients.py consume  <bootstrap> <api_version> <topic> <group> <n>     (group "-": assign partition 0, no group)
       old_clients.py offsets  <bootstrap> <api_version>
Prints one JSON document on stdout.
"""
import json
import struct
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata


def version(s):
    return tuple(int(x) for x in s.split("."))


def produce(boot, api, topic, codec, n):
    p = KafkaProducer(bootstrap_servers=boot, api_version=api, acks="all", linger_ms=50,
                      compression_type=None if codec == "none" else codec)
    futures = [p.send(topic, key=b"k%d" % i, value=("%s-%s-%d" % (codec, ".".join(map(str, api)), i)).encode(), partition=0)
               for i in range(n)]
    p.flush()
    out = []
    for f in futures:
        md = f.get(timeout=30)
        out.append({"offset": md.offset, "timestamp": md.timestamp})
    p.close()
    print(json.dumps(out))


def consume(boot, api, topic, group, n):
    c = KafkaConsumer(bootstrap_servers=boot, api_version=api, group_id=None if group == "-" else group,
                      enable_auto_commit=False, auto_offset_reset="earliest", session_timeout_ms=10000,
                      heartbeat_interval_ms=1000)
    tp = TopicPartition(topic, 0)
    if group == "-":
        c.assign([tp])
    else:
        c.subscribe([topic])
    got = []
    deadline = time.time() + 60
    while len(got) < n and time.time() < deadline:
        for tp, msgs in c.poll(timeout_ms=500).items():
            for m in msgs:
                got.append({"partition": m.partition, "offset": m.offset, "timestamp": m.timestamp,
                            "key": m.key.decode() if m.key is not None else None, "value": m.value.decode()})
    committed = None
    if group != "-":
        c.commit({tp: OffsetAndMetadata(max(m["offset"] for m in got) + 1, "")} if got else None)
        committed = c.committed(tp)
    c.close()
    print(json.dumps({"records": got, "committed": committed}))


def offsets(boot, api):
    """Reads __consumer_offsets from the beginning and decodes the offset commit keys and values (version 0-3)."""
    c = KafkaConsumer(bootstrap_servers=boot, api_version=api, enable_auto_commit=False, exclude_internal_topics=False,
                      consumer_timeout_ms=3000)
    parts = [TopicPartition("__consumer_offsets", p) for p in c.partitions_for_topic("__consumer_offsets")]
    c.assign(parts)
    c.seek_to_beginning()
    out = []
    for m in c:
        key = m.key
        (kv,) = struct.unpack(">h", key[:2])
        if kv not in (0, 1) or m.value is None:
            continue
        pos = 2
        (glen,) = struct.unpack(">h", key[pos:pos + 2])
        group = key[pos + 2:pos + 2 + glen].decode()
        pos += 2 + glen
        (tlen,) = struct.unpack(">h", key[pos:pos + 2])
        topic = key[pos + 2:pos + 2 + tlen].decode()
        pos += 2 + tlen
        (partition,) = struct.unpack(">i", key[pos:pos + 4])
        (offset,) = struct.unpack(">q", m.value[2:10])
        out.append({"group": group, "topic": topic, "partition": partition, "offset": offset, "at": m.offset})
    c.close()
    print(json.dumps(out))


def main():
    cmd, boot, api = sys.argv[1], sys.argv[2], version(sys.argv[3])
    if cmd == "produce":
        produce(boot, api, sys.argv[4], sys.argv[5], int(sys.argv[6]))
    elif cmd == "consume":
        consume(boot, api, sys.argv[4], sys.argv[5], int(sys.argv[6]))
    elif cmd == "offsets":
        offsets(boot, api)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
