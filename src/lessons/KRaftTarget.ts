/**
 * The KRaft cluster of zk-vs-kraft when it runs on the learner's clusters: `npm start -- --kraft` owns its node
 * processes, and its launcher's process control (KRaftControlServer: GET /api/state, POST /api/brokers/<id>/
 * {kill,start}, the observatory's routes) tells where the brokers and controllers listen and kills or restarts a
 * broker as the launcher itself would, so the restarted broker stays the launcher's child, stopped by its Ctrl-C.
 */
import * as http from 'http';
import { metadataBrokers } from '../launcher/KRaftCluster';
import type { KRaftControlState } from '../launcher/KRaftControlServer';
import { portAccepts } from '../launcher/LocalCluster';
import { LessonFailure } from './Lesson';
import { actionError, httpPost, waitUntil } from './LessonHttp';

export interface KRaftTarget {
  bootstrap: string;
  controllers: string;
  brokerIds: number[];
  /** SIGKILL; returns once the process is gone. */
  killBroker(id: number): Promise<void>;
  /** Starts it as at start-up; returns once it is registered and unfenced again. */
  startBroker(id: number): Promise<void>;
}

/** The default of --kraft-control: where `npm start -- --kraft` serves its process control (--ui-port, default 8081). */
export const DEFAULT_KRAFT_CONTROL = 'http://127.0.0.1:8081';

/** A restarted KRaft broker is back once it answers Metadata listing itself: registered, caught up and unfenced. */
export async function waitForKRaftBroker(b: { host: string; port: number }, id: number, timeoutMs = 90_000): Promise<void> {
  await waitUntil(
    `KRaft broker ${id} to register and be unfenced again`,
    async () => (await portAccepts(b.host, b.port, 1000)) && !!(await metadataBrokers(b))?.includes(id),
    timeoutMs,
  );
}

function httpGetJson(url: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) !== 200) return reject(new Error(`${url}: HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`${url}: not JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** The KRaft cluster behind a launcher's process control at `url`; a LessonFailure saying how to start one when none answers. */
export async function connectKRaftLauncher(url: string): Promise<KRaftTarget> {
  const base = url.replace(/\/+$/, '');
  const state = (await httpGetJson(`${base}/api/state`, 3000).catch((e: Error) => {
    throw new LessonFailure(
      `no KRaft launcher answers at ${base} (${e.message}): start one beside \`npm start\` with \`npm start -- --kraft --broker-port 9192\` ` +
        'in another terminal, or point at its process control with --kraft-control <url>, or use --check (private clusters)',
    );
  })) as Partial<KRaftControlState>;
  if (state.mode !== 'kraft' || !state.nodes || !state.bootstrapServers || !state.controllers) {
    throw new LessonFailure(`${base}/api/state is not a KRaft launcher's (is --kraft-control pointing at the observatory?)`);
  }
  const brokers = state.nodes.filter((n) => n.role === 'broker');
  const down = brokers.filter((n) => !n.running).map((n) => n.id);
  if (down.length > 0) throw new LessonFailure(`KRaft broker(s) ${down.join(', ')} not running: start them again first (POST ${base}/api/brokers/<id>/start)`);
  const action = async (id: number, what: 'kill' | 'start'): Promise<void> => {
    const res = await httpPost(`${base}/api/brokers/${id}/${what}`, 10_000).catch((e: Error) => {
      throw new LessonFailure(`the KRaft launcher did not ${what} broker ${id}: ${e.message}`);
    });
    if (res.status < 200 || res.status >= 300)
      throw new LessonFailure(`the KRaft launcher refused to ${what} broker ${id}: ${res.status} ${actionError(res.body)}`);
  };
  const node = (id: number): { host: string; port: number } => {
    const n = brokers.find((b) => b.id === id);
    if (!n) throw new LessonFailure(`unknown KRaft broker ${id} (brokers: ${brokers.map((b) => b.id).join(',')})`);
    return n;
  };
  return {
    bootstrap: state.bootstrapServers,
    controllers: state.controllers,
    brokerIds: brokers.map((b) => b.id),
    killBroker: async (id: number): Promise<void> => {
      const n = node(id);
      await action(id, 'kill');
      await waitUntil(`KRaft broker ${id} to stop listening on ${n.host}:${n.port}`, async () => !(await portAccepts(n.host, n.port, 500)), 60_000);
    },
    startBroker: async (id: number): Promise<void> => {
      const n = node(id);
      await action(id, 'start');
      await waitForKRaftBroker(n, id);
    },
  };
}
