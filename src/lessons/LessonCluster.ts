/**
 * Where a lesson runs: a private cluster it starts itself (--check: its own ZooKeeper and brokers on free ports in a
 * temp folder, removed afterwards) or a running cluster (`npm start`'s, or --bootstrap/--zookeeper), whose brokers
 * are started and stopped through the observatory's POST /api/brokers/<id>/{stop,kill,start} when it is up.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterLayout, localClusterLayout, tempClusterLayout } from '../launcher/ClusterLayout';
import { KRaftCluster } from '../launcher/KRaftCluster';
import { tempKRaftLayout } from '../launcher/KRaftLayout';
import { LocalCluster, portAccepts } from '../launcher/LocalCluster';
import { readProperties } from '../launcher/zookeeper';
import { LessonFailure } from './Lesson';
import { connectKRaftLauncher, KRaftTarget, waitForKRaftBroker } from './KRaftTarget';
import { actionError, httpGetOk, httpPost, waitUntil } from './LessonHttp';
import { registeredEndpoint } from './ZkRead';

export type { KRaftTarget };

export interface ClusterTarget {
  readonly bootstrap: string;
  readonly zookeeper: string;
  readonly brokerIds: number[];
  /** The observatory's base URL when one answers (printed by ctx.watch), else undefined. */
  readonly observatory?: string;
  readonly kraft?: KRaftTarget;
  killBroker(id: number): Promise<void>;
  stopBroker(id: number): Promise<void>;
  startBroker(id: number): Promise<void>;
  brokerDataDir(id: number): string;
  close(): Promise<void>;
}

/** log.dirs of a broker of a layout: its --override first, then its properties file (relative to the repo root). */
function layoutDataDir(layout: ClusterLayout, id: number): string {
  const b = layout.brokers.find((x) => x.id === id);
  if (!b) throw new LessonFailure(`unknown broker ${id} (brokers: ${layout.brokers.map((x) => x.id).join(',')})`);
  const override = b.overrides.find((o) => o.startsWith('log.dirs='));
  const dirs = override
    ? override.slice('log.dirs='.length)
    : (readProperties(b.propertiesFile).get('log.dirs') ?? readProperties(b.propertiesFile).get('log.dir'));
  if (!dirs) throw new LessonFailure(`broker ${id} has no log.dirs in ${b.propertiesFile}`);
  return path.resolve(layout.rootDir, dirs.split(',')[0]);
}

/**
 * A started broker is back once it registered anew (a /brokers/ids/<id> written after `since`, not the killed
 * process's entry still waiting for its session to expire) and its listener accepts connections.
 */
async function waitForRestart(id: number, zookeeper: string, since: number): Promise<void> {
  await waitUntil(
    `broker ${id} to register again in /brokers/ids and listen`,
    async () => {
      const reg = await registeredEndpoint(zookeeper, id).catch(() => null);
      // The broker stamps its registration with its own clock, the same as ours; allow a second of rounding.
      return !!reg && reg.timestamp >= since - 1000 && (await portAccepts(reg.host, reg.port, 1000));
    },
    90_000,
  );
}

/** The private cluster of --check: LocalCluster on a tempClusterLayout with the lesson's broker config (and KRaft when asked). */
export class PrivateCluster implements ClusterTarget {
  kraft?: KRaftTarget;
  private kraftCluster?: KRaftCluster;

  private constructor(
    private readonly cluster: LocalCluster,
    private readonly registered: () => Promise<number[]>,
  ) {}

  get bootstrap(): string {
    return this.cluster.bootstrapServers;
  }
  get zookeeper(): string {
    return this.cluster.zookeeperConnect;
  }
  get brokerIds(): number[] {
    return this.cluster.layout.brokers.map((b) => b.id);
  }

  static async start(opts: {
    tmpRoot: string;
    brokers: number;
    brokerConfig: Record<string, string>;
    kraft: boolean;
    log: (line: string) => void;
    registered: (zk: string) => Promise<number[]>;
    /** Called before anything starts, so that a Ctrl-C during start-up can close what is starting. */
    created?: (pc: PrivateCluster) => void;
  }): Promise<PrivateCluster> {
    const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers: opts.brokers, tmpRoot: opts.tmpRoot, brokerProps: opts.brokerConfig });
    const cluster = new LocalCluster({ layout, log: opts.log, brokerStopTimeoutMs: 10_000, zookeeperStopTimeoutMs: 5_000 });
    const pc = new PrivateCluster(cluster, () => opts.registered(cluster.zookeeperConnect));
    opts.created?.(pc);
    try {
      await cluster.start();
      if (opts.kraft) await pc.startKRaft(opts.tmpRoot, opts.brokerConfig, opts.log);
    } catch (err) {
      await pc.close();
      throw err;
    }
    return pc;
  }

  private async startKRaft(tmpRoot: string, brokerConfig: Record<string, string>, log: (line: string) => void): Promise<void> {
    const layout = await tempKRaftLayout({ tmpRoot, controllers: 3, brokers: 3, brokerProps: brokerConfig });
    const kc = new KRaftCluster({ layout, log: (l) => log(`[kraft] ${l}`), stopTimeoutMs: 10_000 });
    this.kraftCluster = kc;
    await kc.start();
    this.kraft = {
      bootstrap: layout.brokers.map((b) => `${b.host}:${b.port}`).join(','),
      controllers: layout.controllers.map((c) => `${c.host}:${c.port}`).join(','),
      brokerIds: layout.brokers.map((b) => b.id),
      killBroker: async (id: number): Promise<void> => {
        const p = kc.node(id);
        if (!p?.alive) throw new LessonFailure(`KRaft broker ${id} is not running`);
        kc.kill(id);
        await p.exited;
      },
      startBroker: async (id: number): Promise<void> => {
        const b = layout.brokers.find((x) => x.id === id);
        if (!b) throw new LessonFailure(`unknown KRaft broker ${id}`);
        kc.restart(id);
        await waitForKRaftBroker(b, id);
      },
    };
  }

  async killBroker(id: number): Promise<void> {
    const p = this.cluster.broker(id);
    if (!p?.alive) throw new LessonFailure(`broker ${id} is not running`);
    this.cluster.killBroker(id);
    await p.exited;
  }

  async stopBroker(id: number): Promise<void> {
    const p = this.cluster.broker(id);
    if (!p?.alive) throw new LessonFailure(`broker ${id} is not running`);
    this.cluster.stopBroker(id);
    await p.exited;
  }

  async startBroker(id: number): Promise<void> {
    const since = Date.now();
    await this.cluster.startBroker(id);
    await waitForRestart(id, this.zookeeper, since);
  }

  brokerDataDir(id: number): string {
    return layoutDataDir(this.cluster.layout, id);
  }

  /** The cluster is thrown away: SIGKILL every process group at once (seconds, not a controlled shutdown each), then wait. */
  async close(): Promise<void> {
    this.kraftCluster?.killAllSync();
    this.cluster.killAllSync();
    await Promise.all([this.kraftCluster?.stop(), this.cluster.stop()]);
  }
}

/** A running cluster: `npm start`'s by default, or --bootstrap/--zookeeper. */
export class ExternalCluster implements ClusterTarget {
  /** `npm start -- --kraft`'s cluster, for a lesson that needs one (zk-vs-kraft), found through its launcher's process control. */
  kraft?: KRaftTarget;

  private constructor(
    readonly bootstrap: string,
    readonly zookeeper: string,
    readonly brokerIds: number[],
    readonly observatory: string | undefined,
    private readonly layout: ClusterLayout | undefined,
    private readonly registered: () => Promise<number[]>,
  ) {}

  static async connect(opts: {
    bootstrap?: string;
    zookeeper?: string;
    observatory: string;
    registered: (zk: string) => Promise<number[]>;
    /** The KRaft launcher's process control URL, when the lesson needs a KRaft cluster too. */
    kraftControl?: string;
  }): Promise<ExternalCluster> {
    const isDefault = !opts.bootstrap && !opts.zookeeper;
    const layout = isDefault ? localClusterLayout() : undefined;
    const bootstrap = opts.bootstrap ?? (layout ? layout.brokers.map((b) => `${b.host}:${b.port}`).join(',') : '127.0.0.1:9092');
    const zookeeper = opts.zookeeper ?? '127.0.0.1:2181';
    const [host, port] = bootstrap.split(',')[0].split(':');
    if (!(await portAccepts(host, Number(port), 2000))) {
      throw new LessonFailure(
        `no broker answers at ${bootstrap.split(',')[0]}: start the local cluster with \`npm start\`, point at one with --bootstrap/--zookeeper, or use --check (a private cluster)`,
      );
    }
    const ids = await opts.registered(zookeeper).catch((e: Error) => {
      throw new LessonFailure(`cannot read /brokers/ids from ZooKeeper at ${zookeeper}: ${e.message}`);
    });
    const observatory = (await httpGetOk(`${opts.observatory}/api/state`, 2000)) ? opts.observatory : undefined;
    const cluster = new ExternalCluster(bootstrap, zookeeper, ids, observatory, layout, () => opts.registered(zookeeper));
    if (opts.kraftControl) cluster.kraft = await connectKRaftLauncher(opts.kraftControl);
    return cluster;
  }

  private async action(id: number, action: 'stop' | 'kill' | 'start'): Promise<void> {
    if (!this.observatory) {
      throw new LessonFailure(`this step ${action}s broker ${id}: that needs the observatory of \`npm start\` (not reachable), or use --check`);
    }
    const res = await httpPost(`${this.observatory}/api/brokers/${id}/${action}`, 10_000).catch((e: Error) => {
      throw new LessonFailure(`the observatory did not ${action} broker ${id}: ${e.message}`);
    });
    if (res.status < 200 || res.status >= 300)
      throw new LessonFailure(`the observatory refused to ${action} broker ${id}: ${res.status} ${actionError(res.body)}`);
  }

  async killBroker(id: number): Promise<void> {
    const at = await this.endpoint(id);
    await this.action(id, 'kill');
    await this.waitPortClosed(id, at);
  }

  async stopBroker(id: number): Promise<void> {
    const at = await this.endpoint(id);
    await this.action(id, 'stop');
    await this.waitPortClosed(id, at);
  }

  async startBroker(id: number): Promise<void> {
    const since = Date.now();
    await this.action(id, 'start');
    await waitForRestart(id, this.zookeeper, since);
  }

  /** Where the broker listens: its registration in /brokers/ids/<id>, else the `npm start` layout. */
  private async endpoint(id: number): Promise<{ host: string; port: number } | undefined> {
    const reg = await registeredEndpoint(this.zookeeper, id).catch(() => null);
    if (reg) return reg;
    const b = this.layout?.brokers.find((x) => x.id === id);
    return b ? { host: b.host, port: b.port } : undefined;
  }

  /** kill/stop return once the process is gone: its listener no longer accepts connections. */
  private async waitPortClosed(id: number, at: { host: string; port: number } | undefined): Promise<void> {
    if (!at) return;
    await waitUntil(`broker ${id} to stop listening on ${at.host}:${at.port}`, async () => !(await portAccepts(at.host, at.port, 500)), 60_000);
  }

  brokerDataDir(id: number): string {
    if (!this.layout) throw new LessonFailure(`broker ${id}'s data folder is known only for the local \`npm start\` cluster (or use --check)`);
    const dir = layoutDataDir(this.layout, id);
    if (!fs.existsSync(dir)) throw new LessonFailure(`broker ${id}'s data folder ${dir} does not exist`);
    return dir;
  }

  async close(): Promise<void> {
    /* not ours to stop */
  }
}
