import { expect } from 'chai';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { MetadataApi } from '../../../src/protocol/apis';
import { TestCluster } from '../../helpers/cluster';
import { run } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const PYTHON = '/usr/bin/python3';
const TOPIC = 'quota-sasl';
const CLIENT_DEFAULT_QUOTA = 48 * 1024;

/**
 * librdkafka (confluent-kafka-python 1.7.0 / librdkafka 2.0.2) producing over SASL_PLAINTEXT for `seconds` with at
 * most 16 messages of 4 KiB in flight; prints the steady rate (delivery reports after the warm-up) and the largest
 * broker throttle time its statistics reported.
 */
const PRODUCER = `
import sys, time, json
from confluent_kafka import Producer
bootstrap, user, client_id, seconds, warmup = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
state = {'throttle': 0, 'reports': 0}
def on_stats(s):
    state['reports'] += 1
    for b in json.loads(s)['brokers'].values():
        state['throttle'] = max(state['throttle'], b.get('throttle', {}).get('max', 0))
p = Producer({'bootstrap.servers': bootstrap, 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'PLAIN',
              'sasl.username': user, 'sasl.password': user + '-secret', 'client.id': client_id, 'linger.ms': 5,
              'queue.buffering.max.messages': 16, 'statistics.interval.ms': 200, 'stats_cb': on_stats})
points = []
errors = []
def on_delivery(err, msg):
    if err is not None: errors.append(str(err))
    else: points.append((time.time(), len(msg.value())))
value = b'q' * 4096
start = time.time()
while time.time() - start < seconds:
    try:
        p.produce('${TOPIC}', value, callback=on_delivery)
    except BufferError:
        p.poll(0.01)
    p.poll(0)
end = time.time()
p.flush(30)
# One statistics report after the last delivery (its window holds the last responses' throttle times), within 10 s.
state['reports'] = 0
deadline = time.time() + 10
while state['reports'] == 0 and time.time() < deadline:
    p.poll(0.05)
steady = sum(n for (t, n) in points if start + warmup <= t <= end)
print(json.dumps({'rate': steady / (end - start - warmup), 'throttle': state['throttle'], 'delivered': len(points), 'errors': errors[:3]}))
`;

/**
 * Quota levels on a SASL listener: the principal comes from SASL, so users/<user> quotas apply to it and win over
 * the clients/<default> quota (DefaultQuotaCallback's order); a user without a quota of its own falls to the client
 * default; a request_percentage quota throttles any API's response (sendResponseMaybeThrottle).
 */
describe('integration: quota levels with SASL principals (librdkafka), request_percentage', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let saslPort: number;

  const configs = async (...args: string[]): Promise<void> => {
    const r = await runTool('kafka-configs', ['--bootstrap-server', cluster.bootstrap.join(','), '--alter', ...args]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
  };

  const applied = async (entityPath: string, config: Record<string, string>): Promise<void> => {
    const line = `Processing quota override for entityPath: ${entityPath} with config: ${JSON.stringify(config)}`;
    await waitFor(`broker applied ${entityPath}`, async () => cluster.broker(1).output.some((l) => l.includes(line)), 20000);
  };

  const produce = async (user: string, clientId: string, seconds: number, warmup: number): Promise<{ rate: number; throttle: number; delivered: number }> => {
    const r = await run(PYTHON, ['-c', PRODUCER, `127.0.0.1:${saslPort}`, user, clientId, String(seconds), String(warmup)], { timeoutMs: 90000 });
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rate: number; throttle: number; delivered: number; errors: string[] };
    expect(out.errors, r.stderr).to.deep.equal([]);
    return out;
  };

  before(async () => {
    saslPort = await freePort();
    cluster = await TestCluster.start({
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
        'sasl.enabled.mechanisms': 'PLAIN',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret" user_bob="bob-secret";',
        'num.partitions': '1',
        'quota.window.num': '3',
        'quota.window.size.seconds': '1',
      },
    });
    await cluster.metadata(1, [TOPIC]);
    await waitFor('the topic leader', async () => (await cluster.metadata(1, [TOPIC])).topics[0]?.partitions[0]?.leaderId === 1, 20000);
    await configs('--add-config', `producer_byte_rate=${CLIENT_DEFAULT_QUOTA}`, '--entity-type', 'clients', '--entity-default');
    await configs('--add-config', 'producer_byte_rate=104857600', '--entity-type', 'users', '--entity-name', 'alice');
    await applied('clients/<default>', { producer_byte_rate: String(CLIENT_DEFAULT_QUOTA) });
    await applied('users/alice', { producer_byte_rate: '104857600' });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('bob (no user quota) falls to clients/<default>: librdkafka is throttled and held near that quota', async () => {
    const s = await produce('bob', 'bob-app', 7, 3);
    console.log(`      bob: quota ${CLIENT_DEFAULT_QUOTA} B/s (clients/<default>), measured ${Math.round(s.rate)} B/s, max throttle ${s.throttle} ms`);
    expect(s.throttle).to.be.greaterThan(0);
    expect(s.rate).to.be.at.most(1.5 * CLIENT_DEFAULT_QUOTA);
    expect(s.rate).to.be.at.least(0.3 * CLIENT_DEFAULT_QUOTA);
  });

  it('alice, authenticated by SASL, gets her users/alice quota (100 MB/s), which wins over clients/<default>', async () => {
    const s = await produce('alice', 'alice-app', 3, 1);
    console.log(`      alice: users/alice 104857600 B/s wins over clients/<default>, measured ${Math.round(s.rate)} B/s, max throttle ${s.throttle} ms`);
    expect(s.throttle).to.equal(0);
    expect(s.rate).to.be.greaterThan(4 * CLIENT_DEFAULT_QUOTA);
  });

  it('users/alice/clients/slow-app (set live) wins over users/alice for that client id only', async () => {
    await configs(
      '--add-config',
      `producer_byte_rate=${CLIENT_DEFAULT_QUOTA}`,
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
      '--entity-type',
      'clients',
      '--entity-name',
      'slow-app',
    );
    await applied('users/alice/clients/slow-app', { producer_byte_rate: String(CLIENT_DEFAULT_QUOTA) });
    const s = await produce('alice', 'slow-app', 7, 3);
    console.log(
      `      alice/slow-app: quota ${CLIENT_DEFAULT_QUOTA} B/s (users/alice/clients/slow-app), measured ${Math.round(s.rate)} B/s, max throttle ${s.throttle} ms`,
    );
    expect(s.throttle).to.be.greaterThan(0);
    expect(s.rate).to.be.at.most(1.5 * CLIENT_DEFAULT_QUOTA);
    expect(s.rate).to.be.at.least(0.3 * CLIENT_DEFAULT_QUOTA);
    const other = await produce('alice', 'alice-app', 2, 0.5);
    expect(other.throttle).to.equal(0);
    expect(other.rate).to.be.greaterThan(4 * CLIENT_DEFAULT_QUOTA);
  });

  it('request_percentage: a client over its request quota gets throttle_time_ms in any response, capped at one window', async () => {
    await configs('--add-config', 'request_percentage=0.01', '--entity-type', 'clients', '--entity-name', 'busy-admin');
    await applied('clients/busy-admin', { request_percentage: '0.01' });
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'busy-admin', 10000);
    const idle = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'idle-admin', 10000);
    try {
      let max = 0;
      for (let i = 0; i < 50 && max === 0; i++) {
        max = Math.max(
          max,
          (await c.send(MetadataApi, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).throttleTimeMs,
        );
      }
      expect(max).to.be.greaterThan(0);
      expect(max).to.be.at.most(1000); // ClientRequestQuotaManager: at most quota.window.size.seconds
      const other = await idle.send(MetadataApi, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(other.throttleTimeMs).to.equal(0);
    } finally {
      c.close();
      idle.close();
    }
  });
});
