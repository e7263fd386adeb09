/**
 * The observatory page's script (plain TypeScript compiled for the browser, no framework): renders the
 * cluster picture the server pushes over /events (EventSource reconnects by itself), the timeline, two
 * uPlot charts, and posts the actions.
 */
import type { BrokerView, ClusterSnapshot, GroupView, MetricsPoint, TimelineEvent, TopicView } from '../types';

const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const list = (ids: number[]): string => `[${ids.join(',')}]`;
const time = (ts: number): string => new Date(ts).toTimeString().substring(0, 8);

let state: ClusterSnapshot | null = null;
const points: MetricsPoint[] = [];
const openDetails = new Set<string>();

function brokerRow(b: BrokerView, s: ClusterSnapshot): string {
  const isController = s.controller.brokerId === b.id;
  const role = isController ? `<span class="badge controller">controller</span> epoch ${esc(s.controller.epoch ?? '?')}` : '';
  const metrics =
    b.metricsPort === undefined
      ? '<span class="muted">no endpoint</span>'
      : b.metricsUp === false
        ? `<span class="down" title="${esc(b.metricsError ?? '')}">no metrics</span>`
        : `<a href="http://${esc(b.host)}:${b.metricsPort}/metrics">:${b.metricsPort}/metrics</a>`;
  const proc = b.process ? `${esc(b.process)}${b.pid ? ` (pid ${b.pid})` : ''}` : '';
  const actions =
    s.canControl && b.known
      ? `<button data-action="stop" data-id="${b.id}">stop</button><button data-action="kill" data-id="${b.id}">kill -9</button><button data-action="start" data-id="${b.id}">start</button>`
      : '';
  // Registration is ZooKeeper's to tell: while it is unreachable the last answer may be stale.
  const st = !s.zookeeper.connected
    ? ['muted', 'unknown', 'ZooKeeper is unreachable']
    : b.up
      ? ['up', 'up', `/brokers/ids/${b.id} exists`]
      : ['down', 'down', `no /brokers/ids/${b.id}`];
  return `<tr data-broker="${b.id}"><td class="num">${b.id}</td><td>${esc(b.host)}:${b.port}</td><td class="${st[0]}" title="${esc(st[2])}">${st[1]}</td><td>${role}</td><td>${proc}</td><td>${metrics}</td><td>${actions}</td></tr>`;
}

function renderBrokers(s: ClusterSnapshot): void {
  const c = s.controller;
  $('controller-line').innerHTML =
    c.brokerId !== null
      ? `Controller: broker ${c.brokerId}, epoch ${esc(c.epoch ?? '?')} (<a href="/znode?path=%2Fcontroller">/controller</a>, <a href="/znode?path=%2Fcontroller_epoch">/controller_epoch</a>)`
      : 'Controller: none (/controller is empty)';
  $('brokers').innerHTML =
    `<table><thead><tr><th>Id</th><th>Address</th><th>State</th><th>Role</th><th>Process</th><th>Metrics</th><th></th></tr></thead><tbody>` +
    s.brokers.map((b) => brokerRow(b, s)).join('') +
    '</tbody></table>';
}

function topicTable(t: TopicView): string {
  const rows = t.partitions
    .map((p) => {
      const flags = [
        p.offline ? '<span class="badge offline">offline</span>' : '',
        p.underReplicated ? '<span class="badge under-replicated">under-replicated</span>' : '',
      ].join(' ');
      return `<tr data-partition="${p.partition}"><td class="num">${p.partition}</td><td class="num">${p.leader}</td><td>${list(p.replicas)}</td><td>${list(p.isr)}</td><td>${flags}</td></tr>`;
    })
    .join('');
  const del = t.markedForDeletion ? ' <span class="badge offline">marked for deletion</span>' : '';
  const path = encodeURIComponent(`/brokers/topics/${t.name}`);
  return `<div data-topic="${esc(t.name)}"><h3>${esc(t.name)}${del} <a class="note" href="/znode?path=${path}">znode</a></h3><table><thead><tr><th>Partition</th><th>Leader</th><th>Replicas</th><th>ISR</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderTopics(s: ClusterSnapshot): void {
  const user = s.topics.filter((t) => !t.name.startsWith('__'));
  const internal = s.topics.filter((t) => t.name.startsWith('__'));
  let html = user.length ? user.map(topicTable).join('') : '<p class="muted">No topics yet.</p>';
  if (internal.length) {
    const open = openDetails.has('internal') ? ' open' : '';
    html += `<details data-key="internal"${open}><summary>Internal topics (${internal.map((t) => esc(t.name)).join(', ')})</summary>${internal.map(topicTable).join('')}</details>`;
  }
  $('topics').innerHTML = html;
}

const dash = (v: number | string | null): string => (v === null ? '-' : esc(v));

function groupTable(g: GroupView): string {
  const rows = g.partitions
    .map(
      (p) =>
        `<tr><td>${esc(p.topic)}</td><td class="num">${p.partition}</td><td class="num">${dash(p.currentOffset)}</td><td class="num">${dash(p.logEndOffset)}</td><td class="num lag">${dash(p.lag)}</td><td>${dash(p.consumerId)}</td><td>${dash(p.host)}</td><td>${dash(p.clientId)}</td></tr>`,
    )
    .join('');
  const gen = g.generation !== undefined ? `, generation ${g.generation}` : '';
  return `<div data-group="${esc(g.groupId)}"><h3>${esc(g.groupId)}</h3><p class="note">state ${esc(g.state)}${gen}, ${g.members} member${g.members === 1 ? '' : 's'}${g.protocol ? `, assignor ${esc(g.protocol)}` : ''}</p><table><thead><tr><th>Topic</th><th>Partition</th><th>Current offset</th><th>Log-end offset</th><th>Lag</th><th>Consumer id</th><th>Host</th><th>Client id</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderGroups(s: ClusterSnapshot): void {
  const err = s.groupsError ? `<p class="down">${esc(s.groupsError)}</p>` : '';
  $('groups').innerHTML = err + (s.groups.length ? s.groups.map(groupTable).join('') : '<p class="muted">No consumer groups.</p>');
}

function renderStatus(s: ClusterSnapshot): void {
  const zk = $('zk');
  zk.innerHTML = s.zookeeper.connected
    ? `ZooKeeper: <span class="up">connected</span> (${esc(s.zookeeper.connectString)})`
    : `ZooKeeper: <span class="down">unreachable</span> (${esc(s.zookeeper.error ?? s.zookeeper.connectString)})`;
  const noMetrics = s.brokers.filter((b) => b.metricsPort !== undefined && b.metricsUp === false).map((b) => `broker ${b.id}`);
  $('metrics-note').textContent = noMetrics.length
    ? `No metrics from ${noMetrics.join(', ')} (endpoint unreachable).`
    : 'Scraped from each broker\u2019s /metrics every few seconds.';
}

function render(): void {
  if (!state) return;
  for (const d of document.querySelectorAll('details[data-key]')) {
    const key = (d as HTMLElement).dataset.key as string;
    if ((d as HTMLDetailsElement).open) openDetails.add(key);
    else openDetails.delete(key);
  }
  renderStatus(state);
  renderBrokers(state);
  renderTopics(state);
  renderGroups(state);
}

function addTimeline(events: TimelineEvent[]): void {
  const ul = $('timeline');
  for (const e of events) {
    const li = document.createElement('li');
    li.className = e.kind;
    li.innerHTML = `<time>${time(e.ts)}</time>${esc(e.text)}`;
    ul.insertBefore(li, ul.firstChild);
  }
  while (ul.children.length > 500) ul.removeChild(ul.lastChild as Node);
}

// ---- charts ------------------------------------------------------------------------------------------

const COLORS = ['#1c71d8', '#e01b24', '#2ec27e', '#f5c211', '#9141ac', '#ff7800', '#865e3c', '#3d3846'];

class Chart {
  private plot: uPlot | null = null;
  private keys = '';
  constructor(
    private readonly el: HTMLElement,
    private readonly pick: (p: MetricsPoint) => Record<string, number>,
    private readonly label: (k: string) => string,
  ) {}

  update(all: MetricsPoint[]): void {
    const names = [...new Set(all.flatMap((p) => Object.keys(this.pick(p))))].sort();
    if (names.length === 0) {
      this.plot?.destroy();
      this.plot = null;
      this.keys = '';
      this.el.innerHTML = '<p class="note">&nbsp;waiting for two scrapes of a broker&rsquo;s /metrics&hellip;</p>';
      return;
    }
    const data: Array<Array<number | null>> = [all.map((p) => p.ts / 1000), ...names.map((n) => all.map((p) => this.pick(p)[n] ?? null))];
    const keys = names.join('\u0000');
    if (this.plot && keys === this.keys) return this.plot.setData(data);
    this.plot?.destroy();
    this.el.innerHTML = '';
    this.keys = keys;
    const width = Math.max(300, this.el.clientWidth - 4);
    this.plot = new uPlot(
      {
        width,
        height: 170,
        series: [
          {},
          ...names.map((n, i) => ({
            label: this.label(n),
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            value: (_u: unknown, v: number | null) => (v === null ? '-' : v.toFixed(1)),
          })),
        ],
        scales: { y: { range: (_u: unknown, _min: number, max: number) => [0, Math.max(1, max * 1.1)] } },
      },
      data,
      this.el,
    );
  }
}

let topicChart: Chart;
let brokerChart: Chart;

function addPoints(ps: MetricsPoint[]): void {
  points.push(...ps);
  if (points.length > 120) points.splice(0, points.length - 120);
  topicChart.update(points.map((p) => ({ ...p, topics: Object.fromEntries(Object.entries(p.topics).filter(([t]) => !t.startsWith('__'))) })));
  brokerChart.update(points);
}

// ---- feed and actions -----------------------------------------------------------------------------------

function connect(): void {
  const feed = $('feed');
  const es = new EventSource('/events');
  es.addEventListener('open', () => (feed.innerHTML = 'live feed: <span class="up">connected</span>'));
  es.addEventListener('error', () => (feed.innerHTML = 'live feed: <span class="down">disconnected, reconnecting&hellip;</span>'));
  es.addEventListener('snapshot', (ev) => {
    const hello = JSON.parse((ev as MessageEvent<string>).data) as { state: ClusterSnapshot; timeline: TimelineEvent[]; metrics: MetricsPoint[] };
    state = hello.state;
    $('timeline').innerHTML = '';
    addTimeline(hello.timeline);
    points.length = 0;
    addPoints(hello.metrics);
    render();
  });
  es.addEventListener('state', (ev) => {
    state = JSON.parse((ev as MessageEvent<string>).data) as ClusterSnapshot;
    render();
  });
  es.addEventListener('timeline', (ev) => addTimeline(JSON.parse((ev as MessageEvent<string>).data) as TimelineEvent[]));
  es.addEventListener('metrics', (ev) => addPoints([JSON.parse((ev as MessageEvent<string>).data) as MetricsPoint]));
}

function report(line: string, error = false): void {
  const out = $('actions');
  const div = document.createElement('div');
  if (error) div.className = 'err';
  div.textContent = line;
  out.appendChild(div);
  out.scrollTop = out.scrollHeight;
}

async function post(url: string, body: unknown): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { ok: boolean; command?: string; message?: string; error?: string };
    if (answer.ok) report(`$ ${answer.command}\n  ${answer.message}`);
    else report(`error: ${answer.error}`, true);
  } catch (e) {
    report(`error: ${(e as Error).message}`, true);
  }
}

function init(): void {
  topicChart = new Chart(
    $('chart-topics'),
    (p) => p.topics,
    (t) => t,
  );
  brokerChart = new Chart(
    $('chart-brokers'),
    (p) => p.brokers,
    (id) => `broker ${id}`,
  );
  addPoints([]);
  $('brokers').addEventListener('click', (ev) => {
    const btn = (ev.target as HTMLElement).closest('button[data-action]') as HTMLButtonElement | null;
    if (btn) void post(`/api/brokers/${btn.dataset.id}/${btn.dataset.action}`, {});
  });
  const form = $('create-topic') as HTMLFormElement;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    void post('/api/topics', { name: f.get('name'), partitions: f.get('partitions'), replicationFactor: f.get('replicationFactor') });
  });
  connect();
}

init();
