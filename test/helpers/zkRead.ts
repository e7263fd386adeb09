import * as zookeeper from 'node-zookeeper-client';

/** A bare ZooKeeper reader for tests (what zkCli.sh get/ls would show). */
export class ZkReader {
  private constructor(private readonly client: zookeeper.Client) {}

  static connect(connectString: string): Promise<ZkReader> {
    const client = zookeeper.createClient(connectString, { sessionTimeout: 10000 });
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('zk connect timeout')), 10000);
      client.once('connected', () => {
        clearTimeout(t);
        resolve(new ZkReader(client));
      });
      client.connect();
    });
  }

  get(path: string): Promise<{ data: string | null; stat: zookeeper.Stat }> {
    return new Promise((resolve, reject) =>
      this.client.getData(path, (err, data, stat) => (err ? reject(err) : resolve({ data: data ? data.toString('utf8') : null, stat }))),
    );
  }

  children(path: string): Promise<string[]> {
    return new Promise((resolve, reject) => this.client.getChildren(path, (err, c) => (err ? reject(err) : resolve(c.sort()))));
  }

  exists(path: string): Promise<boolean> {
    return new Promise((resolve, reject) => this.client.exists(path, (err, stat) => (err ? reject(err) : resolve(!!stat))));
  }

  /** Creates a persistent znode, as a legacy admin tool writing /admin/reassign_partitions would. */
  create(path: string, data: string): Promise<void> {
    return new Promise((resolve, reject) => this.client.create(path, Buffer.from(data), (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.client.close();
  }
}
