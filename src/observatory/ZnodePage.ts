/**
 * The znode browser's page (/znode?path=/x): what zkCli's `get -s /x` prints (the data verbatim, then the
 * stat) and the node's children as links, like `ls /x`. A path that does not exist answers as zkCli does,
 * "Node does not exist: /x", with HTTP 404.
 */
import type { ZooKeeperClient } from '../zk/ZooKeeperClient';
import { ZkError } from '../zk/errors';
import { dataText, statLines } from './zkCliFormat';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** ZooKeeper's PathUtils.validatePath rules that a URL can break: absolute, no empty segment, no trailing slash, no "." / "..". */
export function validateZnodePath(p: string): string | null {
  if (!p.startsWith('/')) return 'Path must start with / character';
  if (p === '/') return null;
  if (p.endsWith('/')) return 'Path must not end with / character';
  for (const seg of p.substring(1).split('/')) {
    if (seg === '') return 'empty node name specified';
    if (seg === '.' || seg === '..') return 'relative paths not allowed';
    if (seg.includes('\u0000')) return 'null character not allowed';
  }
  return null;
}

const childPath = (parent: string, child: string): string => (parent === '/' ? `/${child}` : `${parent}/${child}`);

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222;max-width:70em}
pre{background:#f6f6f4;border:1px solid #ddd;padding:.6em .8em;white-space:pre-wrap;word-break:break-all}
a{color:#1a5fb4} h1{font-size:1.3em;font-family:ui-monospace,monospace} .crumbs a{font-family:ui-monospace,monospace}
.missing{color:#a51d2d;font-weight:600} ul{font-family:ui-monospace,monospace}
</style></head><body>
<p><a href="/">&larr; observatory</a></p>
${body}
</body></html>`;
}

/** Links to each ancestor: / brokers / ids / 1. */
function crumbs(p: string): string {
  const parts = p === '/' ? [] : p.substring(1).split('/');
  let acc = '';
  const links = ['<a href="/znode?path=%2F">/</a>'];
  for (const seg of parts) {
    acc += `/${seg}`;
    links.push(`<a href="/znode?path=${encodeURIComponent(acc)}">${escapeHtml(seg)}</a>`);
  }
  return `<p class="crumbs">${links.join(' / ')}</p>`;
}

export interface PageAnswer {
  status: number;
  html: string;
}

/** The page for `path`, read through the observatory's ZooKeeper session. */
export async function znodePage(zk: ZooKeeperClient | null, p: string): Promise<PageAnswer> {
  const bad = validateZnodePath(p);
  if (bad) return { status: 400, html: shell('Invalid path', `<h1>Invalid path ${escapeHtml(p)}</h1><p class="missing">${escapeHtml(bad)}</p>`) };
  if (!zk || !zk.isConnected()) {
    return { status: 503, html: shell(p, `<h1>${escapeHtml(p)}</h1><p class="missing">ZooKeeper is unreachable; try again when it is back.</p>`) };
  }
  try {
    const { data, stat } = await zk.getData(p);
    const children = (await zk.getChildren(p)).children.sort();
    const list = children.length
      ? `<ul>${children.map((c) => `<li><a href="/znode?path=${encodeURIComponent(childPath(p, c))}">${escapeHtml(c)}</a></li>`).join('')}</ul>`
      : '<p>(no children)</p>';
    const body = [
      `<h1>${escapeHtml(p)}</h1>`,
      crumbs(p),
      `<h2>get -s ${escapeHtml(p)}</h2>`,
      `<pre id="data">${escapeHtml(dataText(data))}</pre>`,
      `<pre id="stat">${escapeHtml(statLines(stat).join('\n'))}</pre>`,
      `<h2>ls ${escapeHtml(p)}</h2>`,
      list,
    ].join('\n');
    return { status: 200, html: shell(p, body) };
  } catch (e) {
    if (e instanceof ZkError && e.code === 'NONODE') {
      return { status: 404, html: shell(p, `<h1>${escapeHtml(p)}</h1>${crumbs(p)}<p class="missing">Node does not exist: ${escapeHtml(p)}</p>`) };
    }
    return { status: 503, html: shell(p, `<h1>${escapeHtml(p)}</h1><p class="missing">ZooKeeper error: ${escapeHtml((e as Error).message)}</p>`) };
  }
}
