/**
 * The observatory against a real cluster (real ZooKeeper, three broker processes started by the launcher's
 * LocalCluster, so the page's process control works) and a real browser (Debian's chromium, headless,
 * through playwright-core). One cluster for the whole file; the tests run in order and the destructive ones
 * (SIGKILL, ZooKeeper down) come last. Every wait is on a condition with a deadline.
 */
import { expect } from 'chai';
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { configureLogging } from '../../../src/common/logger';
import { findRepoRoot, tempClusterLayout } from '../../../src/launcher/ClusterLayout';
import { LocalCluster } from '../../../src/launcher/LocalCluster';
import { spawnZooKeeper } from '../../../src/launcher/zookeeper';
import { startObservatory } from '../../../src/launcher/main';
import { ObservatoryServer } from '../../../src/observatory/ObservatoryServer';
import { launchBrowser, textOf, waitForText } from '../../helpers/browser';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

const root = findRepoRoot(__dirname);
/** Short sessions so a SIGKILLed broker's registration goes quickly (Kafka's default is 18 s). */
const SESSION_TIMEOUT_MS = 6000;

async function get(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

/** `zookeeper-shell <zk> get -s <path>` (ZooKeeper's zkCli): the data line and the 11 stat lines. */
async function zkCliGet(connect: string, p: string): Promise<{ data: string; stat: string[] }> {
  const r = await runTool('zookeeper-shell', [connect, 'get', '-s', p], { timeoutMs: 60000 });
  const lines = r.stdout.split('\n');
  const i = lines.findIndex((l) => l.startsWith('cZxid = '));
  if (i < 1) throw new Error(`unexpected zkCli output:\n${r.stdout}\n${r.stderr}`);
  return { data: lines[i - 1], stat: lines.slice(i, i + 11) };
}

describe('observatory: the live cluster in a browser', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let obs: ObservatoryServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  let bootstrap: string;
  let zkRestarted: ChildProcess | null = null;
  const log: string[] = [];

  before(async function () {
    this.timeout(180_000);
    // The observatory's ZooKeeper client logs through Kafka's logger; the launcher keeps it to errors too.
    configureLogging({ level: 'ERROR', files: false });
    const layout = await tempClusterLayout({
      brokers: 3,
      metrics: true,
      rootDir: root,
      brokerProps: { 'zookeeper.session.timeout.ms': String(SESSION_TIMEOUT_MS) },
    });
    cluster = new LocalCluster({ layout, log: (l) => log.push(l), brokerStopTimeoutMs: 20_000 });
    await cluster.start();
    bootstrap = cluster.bootstrapServers.split(',')[0];
    const started = await startObservatory(cluster, 0);
    if (!started) throw new Error('observatory did not start');
    obs = started;
    base = obs.url;
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(base);
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await obs?.close();
    await cluster?.stop();
    if (zkRestarted && zkRestarted.exitCode === null) {
      zkRestarted.kill('SIGKILL');
      await new Promise((r) => zkRestarted?.once('exit', r));
    }
  });

  it('names the brokers, up, and the controller with its epoch', async () => {
    const zk = await ZkReader.connect(cluster.zookeeperConnect);
    let controller: number;
    let epoch: number;
    try {
      controller = JSON.parse((await zk.get('/controller')).data as string).brokerid as number;
      epoch = Number((await zk.get('/controller_epoch')).data);
    } finally {
      zk.close();
    }
    for (const b of cluster.layout.brokers) {
      const row = await waitForText(page, `tr[data-broker="${b.id}"]`, (t) => t.includes(`127.0.0.1:${b.port}`) && /\bup\b/.test(t), `broker ${b.id} up`);
      expect(row.includes('controller')).to.equal(b.id === controller);
    }
    const row = await textOf(page, `tr[data-broker="${controller}"]`);
    expect(row).to.contain('controller').and.to.contain(`epoch ${epoch}`);
    expect(await textOf(page, '#controller-line')).to.contain(`broker ${controller}, epoch ${epoch}`);
    await waitForText(page, '#timeline', (t) => t.includes(`broker ${controller} elected controller (epoch ${epoch})`), 'the election in the timeline');
  });

  it('a topic created with kafka-topics appears without reload, with Partition, Leader, Replicas and ISR', async () => {
    const r = await runTool('kafka-topics', [
      '--bootstrap-server',
      bootstrap,
      '--create',
      '--topic',
      'watched',
      '--partitions',
      '3',
      '--replication-factor',
      '2',
    ]);
    expect(r.stdout).to.contain('Created topic watched.');
    const text = await waitForText(
      page,
      '[data-topic="watched"]',
      (t) => (t.match(/\[\d,\d\]\s+\[\d,\d\]/g) ?? []).length === 3,
      'the three partitions with their ISR',
    );
    expect(text).to.contain('Partition').and.to.contain('Leader').and.to.contain('Replicas').and.to.contain('ISR');
    // The same leaders, replicas and ISRs as ZooKeeper holds.
    const zk = await ZkReader.connect(cluster.zookeeperConnect);
    try {
      const assignment = JSON.parse((await zk.get('/brokers/topics/watched')).data as string).partitions as Record<string, number[]>;
      const rows = await page.$$eval('[data-topic="watched"] tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      for (let p = 0; p < 3; p++) {
        const state = JSON.parse((await zk.get(`/brokers/topics/watched/partitions/${p}/state`)).data as string) as { leader: number; isr: number[] };
        expect(rows[p].slice(0, 4)).to.deep.equal([String(p), String(state.leader), `[${assignment[p].join(',')}]`, `[${state.isr.join(',')}]`]);
      }
    } finally {
      zk.close();
    }
    await waitForText(page, '#timeline', (t) => t.includes('topic watched created, 3 partitions'), 'the creation in the timeline');
  });

  it('the znode pages for /brokers/ids/1 and /controller show what zkCli get -s shows', async () => {
    for (const p of ['/brokers/ids/1', '/controller']) {
      const cli = await zkCliGet(cluster.zookeeperConnect, p);
      const znode = await browser.newPage();
      try {
        const res = await znode.goto(`${base}znode?path=${encodeURIComponent(p)}`);
        expect(res?.status()).to.equal(200);
        expect(await znode.locator('#data').innerText()).to.equal(cli.data);
        const stat = (await znode.locator('#stat').innerText()).split('\n');
        expect(stat).to.deep.equal(cli.stat);
        expect(stat.find((l) => l.startsWith('ephemeralOwner = 0x'))).to.not.equal('ephemeralOwner = 0x0');
      } finally {
        await znode.close();
      }
    }
    // Children as links: /brokers/ids lists 1, 2 and 3.
    const ids = await browser.newPage();
    try {
      await ids.goto(`${base}znode?path=%2Fbrokers%2Fids`);
      const links = await ids.$$eval('ul a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
      expect(links).to.deep.equal([1, 2, 3].map((i) => [String(i), `/znode?path=%2Fbrokers%2Fids%2F${i}`]));
    } finally {
      await ids.close();
    }
  });

  it('404s: an unknown page, a znode that does not exist (as zkCli says it); a bad path is a 400', async () => {
    const missing = await get(`${base}znode?path=${encodeURIComponent('/no/such<node>')}`);
    expect(missing.status).to.equal(404);
    expect(missing.text).to.contain('Node does not exist: /no/such&lt;node&gt;');
    const unknown = await get(`${base}nothing-here`);
    expect(unknown.status).to.equal(404);
    const bad = await get(`${base}znode?path=relative`);
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('Path must start with / character');
  });

  it("a group's lag on the page equals kafka-consumer-groups --describe", async () => {
    const kafka = new Kafka({ clientId: 'obs-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (let p = 0; p < 3; p++)
        await producer.send({ topic: 'watched', messages: Array.from({ length: 5 + p * 3 }, (_, i) => ({ partition: p, value: `m${i}` })) });
    } finally {
      await producer.disconnect();
    }
    // Committed offsets for an inactive group, as a learner would set them.
    const reset = await runTool('kafka-consumer-groups', [
      '--bootstrap-server',
      bootstrap,
      '--group',
      'learners',
      '--topic',
      'watched',
      '--reset-offsets',
      '--to-offset',
      '2',
      '--execute',
    ]);
    expect(reset.code, reset.stderr).to.equal(0);
    const describe = await runTool('kafka-consumer-groups', ['--bootstrap-server', bootstrap, '--describe', '--group', 'learners']);
    const cliLag = describe.stdout
      .split('\n')
      .filter((l) => l.startsWith('learners '))
      .map((l) => l.trim().split(/\s+/))
      .map((f) => [f[1], f[2], f[5]]);
    expect(cliLag).to.deep.equal([
      ['watched', '0', '3'],
      ['watched', '1', '6'],
      ['watched', '2', '9'],
    ]);
    const pageLag = await waitFor(
      'the group on the page with the same lag',
      async () => {
        const rows = await page.$$eval('[data-group="learners"] tbody tr', (trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
        );
        const lag = rows.map((r) => [r[0], r[1], r[4]]);
        return JSON.stringify(lag) === JSON.stringify(cliLag) ? lag : null;
      },
      30000,
    );
    expect(pageLag).to.have.length(3);
    const heading = await textOf(page, '[data-group="learners"]');
    expect(heading)
      .to.contain('Partition')
      .and.to.contain('Lag')
      .and.to.match(/state \w+/);
  });

  it('an active group: its generation in the timeline, the member and assignment as kafka-consumer-groups shows them', async function () {
    this.timeout(90_000);
    const kafka = new Kafka({ clientId: 'obs-reader', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'readers' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'watched', fromBeginning: true });
      await consumer.run({ autoCommitInterval: 500, eachMessage: async () => undefined });
      // The coordinator's "Stabilized group readers generation N" line gives the page its generation.
      const line = await waitForText(
        page,
        '#timeline',
        (t) => /group readers generation \d+, Stable, 1 member/.test(t),
        'the group stable in the timeline',
        30000,
      );
      const generation = /group readers generation (\d+), Stable/.exec(line)?.[1];
      const rows = await waitFor(
        'every partition assigned and consumed',
        async () => {
          const r = await page.$$eval('[data-group="readers"] tbody tr', (trs) =>
            trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
          );
          return r.length === 3 && r.every((x) => x[4] === '0' && x[5] !== '-') ? r : null;
        },
        30000,
      );
      expect(await textOf(page, '[data-group="readers"]')).to.contain(`state Stable, generation ${generation}, 1 member`);
      const cli = await runTool('kafka-consumer-groups', ['--bootstrap-server', bootstrap, '--describe', '--group', 'readers']);
      const cliRows = cli.stdout
        .split('\n')
        .filter((l) => l.startsWith('readers '))
        .map((l) => l.trim().split(/\s+/))
        .map((f) => [f[1], f[2], f[5], f[6]]);
      expect(cliRows).to.deep.equal(rows.map((r) => [r[0], r[1], r[4], r[5]]));
    } finally {
      await consumer.disconnect();
    }
  });

  it("charts: messages in per topic and requests per broker, from the brokers' /metrics", async () => {
    const kafka = new Kafka({ clientId: 'obs-chart', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      // Keep producing until a scrape round has seen messages arrive on "watched".
      await waitFor(
        'a messages-in rate for topic watched',
        async () => {
          await producer.send({ topic: 'watched', messages: Array.from({ length: 50 }, (_, i) => ({ value: `c${i}` })) });
          const s = (await (await fetch(`${base}api/state`)).json()) as { metrics: Array<{ topics: Record<string, number>; brokers: Record<string, number> }> };
          return s.metrics.some((p) => (p.topics.watched ?? 0) > 0 && Object.keys(p.brokers).length >= 2);
        },
        40000,
        500,
      );
    } finally {
      await producer.disconnect();
    }
    await waitForText(page, '#chart-topics', (t) => t.includes('watched'), 'the topic in the messages-in chart');
    await waitForText(page, '#chart-brokers', (t) => ['broker 1', 'broker 2', 'broker 3'].every((b) => t.includes(b)), 'the brokers in the request-rate chart');
  });

  it('actions: bad input is a 400 with a clear message; create a topic from the page shows the command', async () => {
    const post = (p: string, body: unknown) =>
      get(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await post('api/topics', { partitions: 1, replicationFactor: 1 })).to.deep.equal({
      status: 400,
      text: '{"ok":false,"error":"missing topic name"}\n',
    });
    const nonInt = await post('api/topics', { name: 'x', partitions: 'two', replicationFactor: 1 });
    expect(nonInt.status).to.equal(400);
    expect(nonInt.text).to.contain('partitions must be a positive integer');
    const unknownBroker = await post('api/brokers/9/kill', {});
    expect(unknownBroker.status).to.equal(400);
    expect(unknownBroker.text).to.contain('unknown broker 9');
    const tooMany = await post('api/topics', { name: 'too-many', partitions: 1, replicationFactor: 5 });
    expect(tooMany.status).to.equal(400);
    expect(tooMany.text).to.match(/replication.factor/i);
    const notJson = await get(`${base}api/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).to.equal(400);
    expect(notJson.text).to.contain('not valid JSON');
    // What another site's form could send: refused, nothing killed.
    const form = await get(`${base}api/brokers/1/kill`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' });
    expect(form.status).to.equal(415);
    const foreign = await get(`${base}api/brokers/1/kill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: '{}',
    });
    expect(foreign.status).to.equal(403);
    expect(cluster.brokerRunning(1)).to.equal(true);

    await page.fill('#create-topic input[name=name]', 'from-page');
    await page.fill('#create-topic input[name=partitions]', '2');
    await page.fill('#create-topic input[name=replicationFactor]', '1');
    await page.click('#create-topic button');
    await waitForText(
      page,
      '#actions',
      (t) => t.includes(`$ bin/kafka-topics --bootstrap-server ${bootstrap} --create --topic from-page --partitions 2 --replication-factor 1`),
      'the command line',
    );
    await waitForText(page, '[data-topic="from-page"]', (t) => (t.match(/\[\d\]\s+\[\d\]/g) ?? []).length === 2, 'the new topic');
  });

  it('a controlled stop of the controller from the page: it goes down at once, another broker is elected; start brings it back', async function () {
    this.timeout(150_000);
    const before = await ZkReader.connect(cluster.zookeeperConnect);
    let controller: number;
    let epoch: number;
    try {
      controller = JSON.parse((await before.get('/controller')).data as string).brokerid as number;
      epoch = Number((await before.get('/controller_epoch')).data);
    } finally {
      before.close();
    }
    const pid = cluster.brokerPid(controller);
    await page.click(`tr[data-broker="${controller}"] button[data-action="stop"]`);
    await waitForText(page, '#actions', (t) => t.includes(`$ kill -TERM ${pid}`), 'the stop command');
    // A controlled shutdown closes the session itself: no session timeout to wait for.
    await waitForText(page, `tr[data-broker="${controller}"]`, (t) => /\bdown\b/.test(t) && t.includes('not running'), `broker ${controller} down`, 40000);
    const line = await waitForText(
      page,
      '#controller-line',
      (t) => /broker \d, epoch \d+/.test(t) && !t.includes(`broker ${controller},`),
      'a new controller',
      30000,
    );
    const [, newController, newEpoch] = /broker (\d), epoch (\d+)/.exec(line) as RegExpExecArray;
    expect(Number(newEpoch)).to.be.greaterThan(epoch);
    await waitForText(page, '#timeline', (t) => t.includes(`broker ${newController} elected controller (epoch ${newEpoch})`), 'the election in the timeline');
    await page.click(`tr[data-broker="${controller}"] button[data-action="start"]`);
    await waitForText(page, `tr[data-broker="${controller}"]`, (t) => /\bup\b/.test(t), `broker ${controller} up again`, 60000);
  });

  it('SIGKILL from the page: the broker shows down and the ISRs shrink within the session timeout + a few seconds; start brings it back', async function () {
    this.timeout(150_000);
    const victim = 2;
    const pid = cluster.brokerPid(victim);
    const t0 = Date.now();
    await page.click(`tr[data-broker="${victim}"] button[data-action="kill"]`);
    await waitForText(page, '#actions', (t) => t.includes(`$ kill -9 ${pid}`), 'the kill command');
    await waitForText(page, `tr[data-broker="${victim}"]`, (t) => /\bdown\b/.test(t), `broker ${victim} down`, SESSION_TIMEOUT_MS + 15000);
    // Every partition of "watched" that had the victim in its ISR loses it, and is marked under-replicated.
    const topic = await waitForText(
      page,
      '[data-topic="watched"]',
      (t) => {
        const isrs = [...t.matchAll(/\[(\d(?:,\d)*)\]\s+\[(\d(?:,\d)*)\]/g)].map((m) => ({ replicas: m[1].split(','), isr: m[2].split(',') }));
        return isrs.length === 3 && isrs.every((x) => !x.isr.includes(String(victim)));
      },
      'ISRs without the killed broker',
      SESSION_TIMEOUT_MS + 15000,
    );
    expect(Date.now() - t0).to.be.lessThan(SESSION_TIMEOUT_MS + 15000);
    expect(topic).to.contain('under-replicated');
    await waitForText(page, '#timeline', (t) => t.includes(`broker ${victim} gone`), 'the broker gone in the timeline');
    // Its Prometheus endpoint died with it: the page says so rather than showing stale numbers.
    await waitForText(page, `tr[data-broker="${victim}"]`, (t) => t.includes('no metrics'), `broker ${victim} without metrics`);

    await page.click(`tr[data-broker="${victim}"] button[data-action="start"]`);
    await waitForText(page, '#actions', (t) => t.includes('bin/kafka-server-start '), 'the start command');
    await waitForText(page, `tr[data-broker="${victim}"]`, (t) => /\bup\b/.test(t), `broker ${victim} up again`, 60000);
    await waitForText(page, '#timeline', (t) => t.includes(`broker ${victim} registered`), 'the registration in the timeline');
  });

  it('the whole cluster down: the page says what is unreachable; back: it recovers without reload', async function () {
    this.timeout(150_000);
    for (const b of cluster.layout.brokers) cluster.killBroker(b.id);
    const zkProc = cluster.processes.find((p) => p.kind === 'zookeeper');
    if (!zkProc) throw new Error('no ZooKeeper process');
    await zkProc.stop(10_000);
    await waitForText(page, '#zk', (t) => t.includes('unreachable'), 'ZooKeeper unreachable', 30000);
    await waitForText(page, '#timeline', (t) => t.includes('ZooKeeper unreachable'), 'the outage in the timeline');
    for (const b of cluster.layout.brokers) {
      await waitForText(
        page,
        `tr[data-broker="${b.id}"]`,
        (t) => t.includes('unknown') && t.includes('not running') && t.includes('no metrics'),
        `broker ${b.id} unknown`,
      );
    }
    await waitForText(page, '#groups', (t) => t.includes('consumer groups unavailable'), 'the groups unavailable', 30000);
    // The page itself stays up: the live feed is still connected.
    expect(await textOf(page, '#feed')).to.match(/live feed: connected/);

    const z = cluster.layout.zookeeper[0];
    const out = fs.openSync(path.join(cluster.layout.logDir, 'zookeeper-restarted.out'), 'a');
    zkRestarted = spawnZooKeeper(z.propertiesFile, { stdio: ['ignore', out, out], cwd: root, detached: true });
    fs.closeSync(out);
    await waitForText(page, '#zk', (t) => /ZooKeeper: connected/.test(t), 'ZooKeeper connected again', 60000);
    await waitForText(page, '#timeline', (t) => t.includes('ZooKeeper reachable again'), 'the recovery in the timeline');
    // The brokers restart once ZooKeeper has expired their old sessions; the picture is live again.
    for (const b of cluster.layout.brokers) await page.click(`tr[data-broker="${b.id}"] button[data-action="start"]`);
    for (const b of cluster.layout.brokers) await waitForText(page, `tr[data-broker="${b.id}"]`, (t) => /\bup\b/.test(t), `broker ${b.id} up`, 90000);
    await waitForText(page, '#groups', (t) => !t.includes('unavailable') && t.includes('learners'), 'the groups back', 30000);
  });

  it('the live feed reconnects when the observatory itself restarts (no reload)', async () => {
    const port = obs.port;
    await obs.close();
    await waitForText(page, '#feed', (t) => t.includes('reconnecting'), 'the feed disconnected');
    obs = new ObservatoryServer({
      zookeeperConnect: cluster.zookeeperConnect,
      bootstrapServers: cluster.bootstrapServers,
      brokers: cluster.layout.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, metricsPort: b.metricsPort })),
      control: cluster,
      port,
    });
    await obs.start();
    await waitForText(page, '#feed', (t) => t.includes('connected') && !t.includes('reconnecting'), 'the feed connected again');
    await waitForText(page, '#timeline', (t) => t.includes('elected controller'), 'a fresh timeline');
    for (const b of cluster.layout.brokers) await waitForText(page, `tr[data-broker="${b.id}"]`, (t) => /\bup\b/.test(t), `broker ${b.id} up`);
  });
});
