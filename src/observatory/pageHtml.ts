/**
 * The observatory page's HTML and CSS. The script (page/app.ts, compiled for the browser by `npm run build`)
 * fills the sections from the live feed; uPlot draws the two charts.
 */
const CSS = `
:root{--ok:#26a269;--bad:#c01c28;--warn:#b5835a;--muted:#666;--line:#ddd}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafaf8}
header{background:#24292f;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:baseline;flex-wrap:wrap}
header h1{font-size:1.15em;margin:0} header a{color:#9cf}
main{padding:0 1.2em 2em;display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 2em}
section{margin-top:1em} h2{font-size:1.05em;border-bottom:1px solid var(--line);padding-bottom:.2em;margin:.8em 0 .4em}
h3{font-size:.95em;margin:.9em 0 .3em;font-family:ui-monospace,monospace}
table{border-collapse:collapse;font-size:.92em;background:#fff} th,td{border:1px solid var(--line);padding:.15em .55em;text-align:left}
th{background:#f0f0ee;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:var(--ok);font-weight:600} .down{color:var(--bad);font-weight:600} .muted{color:var(--muted)}
.badge{display:inline-block;border-radius:3px;padding:0 .4em;font-size:.85em;font-weight:600}
.controller{background:#1c71d8;color:#fff} .under-replicated{background:#f6d32d;color:#222} .offline{background:var(--bad);color:#fff}
.status{font-size:.9em} .status .down{color:#ff8a80}
button{font:inherit;font-size:.85em;padding:.05em .5em;margin-right:.2em;cursor:pointer}
#actions{background:#1e1e1e;color:#ddd;padding:.5em .7em;min-height:1.5em;max-height:10em;overflow:auto;font-size:.85em;white-space:pre-wrap}
#actions .err{color:#ff8a80}
#timeline{list-style:none;padding:0;margin:0;max-height:34em;overflow:auto;font-size:.88em;background:#fff;border:1px solid var(--line)}
#timeline li{padding:.15em .5em;border-bottom:1px solid #eee;font-family:ui-monospace,monospace}
#timeline time{color:var(--muted);margin-right:.6em} #timeline .action{color:#613583}
#timeline .zookeeper{color:var(--bad)} #timeline .controller{background:none;color:#1c71d8}
form input{font:inherit;font-size:.9em;width:7em} form input[name=name]{width:12em}
.chart{background:#fff;border:1px solid var(--line);margin-bottom:.6em;min-height:60px}
.note{font-size:.85em;color:var(--muted)}
@media (max-width:900px){main{grid-template-columns:1fr}}
`;

export function indexHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kafka observatory (ZooKeeper mode)</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="stylesheet" href="/uplot.css">
<style>${CSS}</style>
</head><body>
<header><h1>Kafka observatory &middot; ZooKeeper mode</h1>
<span class="status" id="feed">live feed: connecting&hellip;</span>
<span class="status" id="zk">ZooKeeper: &hellip;</span>
<a href="/znode?path=%2F">ZooKeeper browser</a></header>
<main>
<div>
<section id="brokers-section"><h2>Brokers</h2><p id="controller-line" class="muted">Controller: unknown</p><div id="brokers"></div></section>
<section><h2>Actions</h2>
<form id="create-topic">Create topic <input name="name" placeholder="name" required> partitions <input name="partitions" type="number" min="1" value="3"> replication factor <input name="replicationFactor" type="number" min="1" value="2"> <button type="submit">Create</button></form>
<p class="note">Each action prints its command-line equivalent:</p>
<div id="actions"></div></section>
<section><h2>Topics</h2><div id="topics"></div></section>
<section><h2>Consumer groups</h2><p class="note">The numbers of <code>kafka-consumer-groups --describe --group &lt;group&gt;</code>.</p><div id="groups"></div></section>
</div>
<div>
<section><h2>Messages in per second, per topic</h2><div id="chart-topics" class="chart"></div>
<h2>Requests per second, per broker</h2><div id="chart-brokers" class="chart"></div><p id="metrics-note" class="note"></p></section>
<section><h2>Events</h2><ul id="timeline"></ul></section>
</div>
</main>
<script src="/uplot.js"></script>
<script type="module" src="/app.js"></script>
</body></html>
`;
}
