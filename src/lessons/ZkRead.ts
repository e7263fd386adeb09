/** Short ZooKeeper reads for the runner (what `bin/zookeeper-shell <zk> ls|get` would show), one session each. */
import * as zookeeper from 'node-zookeeper-client';
import { LessonFailure } from './Lesson';

export function zkConnect(connect: string): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connect, { sessionTimeout: 10_000, retries: 2 });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      client.close();
      reject(new LessonFailure(`cannot connect to ZooKeeper at ${connect}`));
    }, 15_000);
    client.once('connected', () => {
      clearTimeout(t);
      resolve(client);
    });
    client.connect();
  });
}

export function isNoNode(err: Error | zookeeper.Exception): boolean {
  return 'getCode' in err && err.getCode() === zookeeper.Exception.NO_NODE;
}

/** Error text of node-zookeeper-client as zkCli.sh words it. */
export function zkError(path: string, err: Error | zookeeper.Exception): LessonFailure {
  return new LessonFailure(isNoNode(err) ? `Node does not exist: ${path}` : `ZooKeeper ${path}: ${String(err)}`);
}

/** /brokers/ids of a ZooKeeper connect string. */
export async function registeredBrokers(connect: string): Promise<number[]> {
  const client = await zkConnect(connect);
  try {
    return await new Promise<number[]>((resolve, reject) =>
      client.getChildren('/brokers/ids', (err, c) => (err ? reject(zkError('/brokers/ids', err)) : resolve(c.map(Number).sort((a, b) => a - b)))),
    );
  } finally {
    client.close();
  }
}

/**
 * The first endpoint a broker registered in /brokers/ids/<id> (`{"endpoints":["PLAINTEXT://host:port"],...}`) and the
 * registration's timestamp (ms, set by the broker when it registered: tells a restarted broker from a stale entry), or null.
 */
export async function registeredEndpoint(connect: string, id: number): Promise<{ host: string; port: number; timestamp: number } | null> {
  const client = await zkConnect(connect);
  try {
    const data = await new Promise<string | null>((resolve, reject) =>
      client.getData(`/brokers/ids/${id}`, (err, d) =>
        err && isNoNode(err) ? resolve(null) : err ? reject(zkError(`/brokers/ids/${id}`, err)) : resolve(d ? d.toString('utf8') : null),
      ),
    );
    if (!data) return null;
    const reg = JSON.parse(data) as { host?: string; port?: number; endpoints?: string[]; timestamp?: string };
    const timestamp = Number(reg.timestamp ?? 0);
    const m = reg.endpoints?.length ? /:\/\/\[?([^\]]*?)\]?:(\d+)$/.exec(reg.endpoints[0]) : null;
    if (m) return { host: m[1] || '127.0.0.1', port: Number(m[2]), timestamp };
    return reg.host && reg.port ? { host: reg.host, port: reg.port, timestamp } : null;
  } finally {
    client.close();
  }
}
