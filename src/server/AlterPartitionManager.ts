import { getLogger, Logger } from '../common/logger';
import { AlterPartitionApi } from '../protocol/apis';
import { AlterPartitionResponsePartitionData } from '../protocol/apis/56-alter-partition';
import { ErrorCode, errorName } from '../protocol/errors';
import { BrokerToControllerChannel, ControllerNodeProvider } from './BrokerToControllerChannel';
import { Partition } from '../cluster/Partition';

/**
 * AlterPartitionRequest.Builder: the latest version (3: topic ids, NewIsrWithEpochs) when every pending change has a
 * topic id, else version 1, the highest that names topics.
 */
const ALTER_PARTITION_VERSION = 3;
const ALTER_PARTITION_VERSION_WITHOUT_TOPIC_IDS = 1;
const ZERO_UUID = Buffer.alloc(16);

/**
 * kafka.server.AlterPartitionManager (IBP >= 2.7-IV2): the leader never writes ISR changes to ZooKeeper
 * itself; it asks the controller, which writes the partition state znode conditionally and answers with the
 * new state (zk-mode.md §4.5). Requests queued in the same tick go out together.
 */
export class AlterPartitionManager {
  private readonly queue = new Map<string, { p: Partition; newIsr: number[] }>();
  private scheduled = false;
  private readonly channel: BrokerToControllerChannel;
  private readonly log: Logger;

  /**
   * @param isrBrokerEpoch KRaft: the broker epoch of an ISR member from the metadata image (Partition.addBrokerEpochToIsr,
   *   KIP-903), undefined when unknown; ZooKeeper mode passes none and sends -1.
   */
  constructor(
    private readonly brokerId: number,
    private readonly brokerEpoch: () => number,
    controllerNode: ControllerNodeProvider,
    timeoutMs: number,
    private readonly onResult: (p: Partition, res: AlterPartitionResponsePartitionData) => void,
    private readonly isrBrokerEpoch?: (brokerId: number) => number | undefined,
  ) {
    this.channel = new BrokerToControllerChannel(brokerId, 'alter-partition', controllerNode, timeoutMs);
    // NodeToControllerChannelManager's thread name: "zk-broker-N-..." in ZooKeeper mode, "broker-N-..." in KRaft.
    const kind = isrBrokerEpoch ? 'broker' : 'zk-broker';
    this.log = getLogger('kafka.server.AlterPartitionManager', `[${kind}-${brokerId}-to-controller-alter-partition-channel-manager] `);
  }

  submit(p: Partition, newIsr: number[]): void {
    p.pendingIsrChange = { newIsr, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch };
    this.queue.set(p.key, { p, newIsr });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const items = [...this.queue.values()];
    this.queue.clear();
    if (items.length === 0) return;
    const fail = (why: string) => {
      this.log.warn(`AlterPartition for ${items.map((i) => i.p.key).join(',')} not sent: ${why}; the leader retries on its next ISR check`);
      for (const { p } of items) p.pendingIsrChange = null;
    };
    const byTopic = new Map<string, typeof items>();
    for (const it of items) byTopic.set(it.p.topic, [...(byTopic.get(it.p.topic) ?? []), it]);
    const idOf = (p: Partition): Buffer => (p.topicId && p.topicId.length === 16 ? p.topicId : ZERO_UUID);
    const useTopicIds = items.every(({ p }) => !idOf(p).equals(ZERO_UUID));
    const version = useTopicIds ? ALTER_PARTITION_VERSION : ALTER_PARTITION_VERSION_WITHOUT_TOPIC_IDS;
    try {
      const res = await this.channel.send(AlterPartitionApi, version, {
        brokerId: this.brokerId,
        brokerEpoch: this.brokerEpoch(),
        topics: [...byTopic].map(([topicName, its]) => ({
          topicName: useTopicIds ? '' : topicName,
          topicId: useTopicIds ? idOf(its[0].p) : ZERO_UUID,
          partitions: its.map(({ p, newIsr }) => ({
            partitionIndex: p.partition,
            leaderEpoch: p.leaderEpoch,
            newIsr: useTopicIds ? [] : newIsr,
            // Partition.addBrokerEpochToIsr: a ZooKeeper-mode leader knows no broker epochs and sends -1 (KIP-903);
            // a KRaft leader sends each member's epoch from its metadata image.
            newIsrWithEpochs: useTopicIds ? newIsr.map((brokerId) => ({ brokerId, brokerEpoch: this.isrBrokerEpoch?.(brokerId) ?? -1 })) : [],
            leaderRecoveryState: 0,
            partitionEpoch: p.partitionEpoch,
          })),
        })),
      });
      if (res.errorCode !== ErrorCode.NONE) return fail(errorName(res.errorCode));
      for (const t of res.topics) {
        for (const d of t.partitions) {
          const it = items.find((i) => (useTopicIds ? idOf(i.p).equals(t.topicId) : i.p.topic === t.topicName) && i.p.partition === d.partitionIndex);
          if (it) this.onResult(it.p, d);
        }
      }
    } catch (e) {
      fail((e as Error).message);
    }
  }

  shutdown(): void {
    this.channel.shutdown();
  }
}
