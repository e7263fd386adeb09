/**
 * A quiet ZooKeeper reader for the lessons' polling loops. ctx.zkGet/zkLs print the zkCli command and its
 * output, which is what a learner should see once, not on every poll while a lesson waits for a change;
 * the lesson waits with this reader and then shows the final state with ctx.zkGet.
 */
import * as zookeeper from 'node-zookeeper-client';

/** /brokers/topics/<t>/partitions/<p>/state as Kafka's controller writes it (KafkaZkClient/TopicPartitionStateZNode). */
export interface PartitionStateZNode {
  controller_epoch: number;
  leader: number;
  version: number;
  leader_epoch: number;
  isr: number[];
}

export class QuietZk {
  private readonly client: zookeeper.Client;
  private readonly connected: Promise<void>;

  constructor(connectString: string) {
    this.client = zookeeper.createClient(connectString, { sessionTimeout: 10000, retries: 1 });
    // A probe never throws on its own: errors surface as rejected reads, which waitFor retries.
    this.client.on('error', () => undefined);
    this.connected = new Promise((resolve) => this.client.once('connected', () => resolve()));
    this.client.connect();
  }

  async get(path: string): Promise<string | undefined> {
    await this.connected;
    return new Promise((resolve, reject) =>
      this.client.getData(path, (err, data) => {
        if (err && isNoNode(err)) resolve(undefined);
        else if (err) reject(err);
        else resolve(data ? data.toString('utf8') : '');
      }),
    );
  }

  async children(path: string): Promise<string[]> {
    await this.connected;
    return new Promise((resolve, reject) =>
      this.client.getChildren(path, (err, c) => {
        if (err && isNoNode(err)) resolve([]);
        else if (err) reject(err);
        else resolve(c.sort());
      }),
    );
  }

  async brokerIds(): Promise<number[]> {
    return (await this.children('/brokers/ids')).map(Number).sort((a, b) => a - b);
  }

  async partitionState(topic: string, partition: number): Promise<PartitionStateZNode | undefined> {
    const data = await this.get(partitionStatePath(topic, partition));
    return data ? (JSON.parse(data) as PartitionStateZNode) : undefined;
  }

  /** /controller's brokerid, or undefined while no controller is elected. */
  async controller(): Promise<number | undefined> {
    const data = await this.get('/controller');
    return data ? (JSON.parse(data) as { brokerid: number }).brokerid : undefined;
  }

  async controllerEpoch(): Promise<number | undefined> {
    const data = await this.get('/controller_epoch');
    return data ? Number(data) : undefined;
  }

  close(): void {
    this.client.close();
  }
}

export function partitionStatePath(topic: string, partition: number): string {
  return `/brokers/topics/${topic}/partitions/${partition}/state`;
}

/** The state znode's JSON as ctx.zkGet returned it. */
export function parseState(data: string): PartitionStateZNode {
  return JSON.parse(data) as PartitionStateZNode;
}

function isNoNode(err: Error | zookeeper.Exception): boolean {
  return 'getCode' in err && err.getCode() === zookeeper.Exception.NO_NODE;
}
