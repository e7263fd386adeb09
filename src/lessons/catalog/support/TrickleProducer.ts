/**
 * The trickle producer of batching-and-compression: a Python script over confluent_kafka (librdkafka, the same
 * client as kcat) that sends one record, waits about a millisecond, sends the next. kcat reads its input as fast as
 * it can, so every batch fills up whatever linger.ms says; only records that arrive with gaps between them show
 * what linger.ms does: how long a partial batch waits for more records before it is sent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LessonFailure } from '../../Lesson';
import { runCommand } from '../../Shell';

/** The script the lesson writes into its temp folder and shows the learner. */
export const PRODUCE_PY = `# produce.py BOOTSTRAP TOPIC LINGER_MS COUNT GAP_MS: one record every GAP_MS ms (needs python3-confluent-kafka)
import sys, time, json
from confluent_kafka import Producer

bootstrap, topic, linger_ms, count, gap_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': linger_ms, 'acks': 'all'})
latencies, errors = [], []

def delivered(err, msg, sent):
    if err is not None:
        errors.append(str(err))
    else:
        latencies.append((time.monotonic() - sent) * 1000)

start = time.monotonic()
for i in range(count):
    value = json.dumps({'order': i + 1, 'customer': 'customer-%d' % (i % 50), 'item': 'widget', 'status': 'NEW'})
    sent = time.monotonic()
    producer.produce(topic, value=value, on_delivery=lambda err, msg, sent=sent: delivered(err, msg, sent))
    producer.poll(0)
    time.sleep(gap_ms / 1000)  # the gap after each record, never a burst to catch up
left = producer.flush(30)
elapsed = time.monotonic() - start
if errors or left:
    sys.exit('%d records failed (%s), %d not delivered' % (len(errors), errors[:1], left))
print('sent %d records in %.2f s: %.0f records/s' % (count, elapsed, count / elapsed))
print('delivery latency: average %.1f ms, max %.1f ms' % (sum(latencies) / len(latencies), max(latencies)))
`;

/** What produce.py printed: its own throughput and its average delivery latency. */
export interface TrickleReport {
  recordsPerSecond: number;
  avgLatencyMs: number;
}

export function parseTrickleReport(stdout: string): TrickleReport | undefined {
  const rate = /: (\d+) records\/s/.exec(stdout);
  const latency = /delivery latency: average ([\d.]+) ms/.exec(stdout);
  return rate && latency ? { recordsPerSecond: Number(rate[1]), avgLatencyMs: Number(latency[1]) } : undefined;
}

/**
 * A python3 that imports confluent_kafka: the system's /usr/bin/python3 first (Debian's python3-confluent-kafka
 * installs there; a pyenv python3 earlier on PATH usually lacks it), then python3 on PATH. A missing module is the
 * lesson's failure with the reason, never a pass.
 */
export async function findPython(cwd: string): Promise<string> {
  const tried: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !fs.existsSync(python)) continue;
    const r = await runCommand(`${python} -c 'import confluent_kafka'`, { cwd, timeoutMs: 30_000 });
    if (r.code === 0) return python;
    tried.push(`${python}: ${(r.stderr.trim().split('\n').pop() ?? '').trim() || `exit code ${r.code}`}`);
  }
  throw new LessonFailure(
    `the trickle producer needs python3-confluent-kafka (librdkafka's Python client; apt-get install python3-confluent-kafka): ${tried.join('; ') || 'no python3 found'}`,
  );
}

export function writeProducePy(dir: string): string {
  const file = path.join(dir, 'produce.py');
  fs.writeFileSync(file, PRODUCE_PY);
  return file;
}
