/**
 * The active controller's reactions to ZooKeeper changes (KafkaController.processBrokerChange, onBrokerStartup,
 * onBrokerFailure, processTopicChange, processPartitionModifications, triggerOnlinePartitionStateChange):
 * brokers registered or gone under /brokers/ids, topics added under /brokers/topics, partitions added to a
 * topic znode. Each runs inside the controller's event queue, only while this broker is the active controller.
 */
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { ZkWatchEvent } from '../zk/ZooKeeperClient';
import { ControllerChannelManager } from './ControllerChannelManager';
import { TopicPartition, tpString } from './ControllerContext';
import { ControllerEventLog } from './ControllerEventLog';
import { ControllerParts } from './ControllerRequests';
import { TopicDeletionManager } from './TopicDeletionManager';

/** The active controller's parts these handlers work on, and the watchers they re-arm. */
export interface ChangeHandlerParts extends ControllerParts {
  zk: KafkaZkClient;
  channel: ControllerChannelManager;
  tdm: TopicDeletionManager;
  events: ControllerEventLog;
  watchers: { brokerChange: () => void; topicChange: () => void; partitionModifications: (event: ZkWatchEvent) => void };
}

export async function loadTopics(c: ChangeHandlerParts, topics: string[]): Promise<TopicPartition[]> {
  const assignments = await c.zk.getReplicaAssignmentAndTopicIds(topics, c.watchers.partitionModifications);
  const added: TopicPartition[] = [];
  for (const [topic, a] of assignments) {
    c.ctx.allTopics.add(topic);
    if (a.topicId) c.ctx.topicIds.set(topic, a.topicId);
    c.ctx.partitionAssignments.set(topic, a.partitions);
    if (a.adding.size > 0 || a.removing.size > 0) c.reassign.resumeFromTopicZNode(topic, a.adding, a.removing);
    for (const p of a.partitions.keys()) added.push({ topic, partition: p });
  }
  return added;
}

/** New partitions get initialised, offline ones an offline election (Kafka's triggerOnlinePartitionStateChange). */
export async function triggerOnlinePartitionStateChange(c: ChangeHandlerParts): Promise<void> {
  const psm = c.psm;
  const newParts: TopicPartition[] = [];
  const offline: TopicPartition[] = [];
  for (const tp of c.ctx.allPartitions()) {
    if (c.ctx.topicsToBeDeleted.has(tp.topic)) continue;
    const l = c.ctx.leadership(tp);
    if (!l) newParts.push(tp);
    else if (l.leaderAndIsr.leader < 0 || !c.ctx.isLiveBroker(l.leaderAndIsr.leader)) offline.push(tp);
  }
  if (newParts.length > 0) await psm.initializeLeaderAndIsr(newParts);
  if (offline.length > 0) await psm.electLeaders(offline, 'offline');
  // Kafka's PartitionStateMachine.handleStateChanges sends its batch when it ends: the new leaders hear of
  // their election before the controller goes on (onReplicasBecomeOffline's ISR shrinks of the dead replicas).
  c.batch.sendRequestsToBrokers(c.ctx.epoch);
}

/** /brokers/topics/<t> changed: new partitions (CreatePartitions) get leaders like new topics (§6.2). */
export async function processPartitionModifications(c: ChangeHandlerParts, topic: string): Promise<void> {
  if (!c.ctx.allTopics.has(topic)) return;
  const a = (await c.zk.getReplicaAssignmentAndTopicIds([topic], c.watchers.partitionModifications)).get(topic);
  if (!a || a.partitions.size === 0) return; // being deleted
  const cur = c.ctx.partitionAssignments.get(topic) ?? new Map<number, number[]>();
  const added = [...a.partitions.keys()].filter((p) => !cur.has(p)).sort((x, y) => x - y);
  if (added.length === 0) return;
  if (c.ctx.topicsToBeDeleted.has(topic)) {
    c.log.error(`Skipping adding partitions ${added.join(',')} for topic ${topic} since it is currently being deleted`);
    await c.zk.setTopicAssignment(topic, { topicId: a.topicId, partitions: cur, adding: new Map(), removing: new Map() }, c.ctx.epochZkVersion);
    return;
  }
  for (const p of added) cur.set(p, a.partitions.get(p)!);
  c.ctx.partitionAssignments.set(topic, cur);
  const tps = added.map((partition) => ({ topic, partition }));
  c.log.info(`New partitions to be added ${tps.map((tp) => `${tpString(tp)} -> [${c.ctx.replicasFor(tp).join(',')}]`).join(', ')}`);
  await c.psm.initializeLeaderAndIsr(tps);
  c.batch.sendRequestsToBrokers(c.ctx.epoch);
}

export async function processBrokerChange(c: ChangeHandlerParts): Promise<void> {
  const current = await c.zk.getAllBrokersInCluster(c.watchers.brokerChange);
  const curIds = new Map(current.map((b) => [b.info.id, b]));
  const newBrokers = current.filter((b) => !c.ctx.liveBrokers.has(b.info.id));
  const bounced = current.filter((b) => c.ctx.liveBrokers.has(b.info.id) && c.ctx.liveBrokers.get(b.info.id)!.epoch !== b.epoch);
  const dead = [...c.ctx.liveBrokers.keys()].filter((id) => !curIds.has(id));
  c.log.info(
    `Newly added brokers: ${newBrokers.map((b) => b.info.id).join(',')}, deleted brokers: ${dead.join(',')}, bounced brokers: ${bounced.map((b) => b.info.id).join(',')}, all live brokers: ${current.map((b) => b.info.id).join(',')}`,
  );
  for (const id of [...dead, ...bounced.map((b) => b.info.id)]) {
    c.channel.removeBroker(id);
    c.ctx.liveBrokers.delete(id);
    c.ctx.shuttingDownBrokerIds.delete(id);
    c.events.emit('broker_removed', { broker_id: id });
  }
  if (dead.length > 0 || bounced.length > 0) await onBrokerFailure(c, [...dead, ...bounced.map((b) => b.info.id)]);
  for (const b of [...newBrokers, ...bounced]) {
    c.ctx.liveBrokers.set(b.info.id, b);
    c.channel.addBroker(b.info.id, b.info);
    c.events.emit('broker_added', { broker_id: b.info.id, broker_epoch: b.epoch });
  }
  if (newBrokers.length > 0 || bounced.length > 0)
    await onBrokerStartup(
      c,
      [...newBrokers, ...bounced].map((b) => b.info.id),
    );
  c.batch.sendRequestsToBrokers(c.ctx.epoch);
}

async function onBrokerStartup(c: ChangeHandlerParts, ids: number[]): Promise<void> {
  c.log.info(`New broker startup callback for ${ids.join(',')}`);
  // Everyone learns the new live-broker list; the new brokers get every partition.
  c.batch.addUpdateMetadataRequestForBrokers(c.ctx.liveBrokerIds(), c.ctx.allPartitions());
  for (const id of ids) {
    for (const tp of c.ctx.partitionsOnBroker(id)) {
      if (c.ctx.leadership(tp)) c.batch.addLeaderAndIsrRequestForBrokers([id], tp, false);
    }
  }
  await triggerOnlinePartitionStateChange(c);
  await c.tdm.resumeDeletions();
}

async function onBrokerFailure(c: ChangeHandlerParts, ids: number[]): Promise<void> {
  c.log.info(`Broker failure callback for ${ids.join(',')}`);
  await triggerOnlinePartitionStateChange(c);
  for (const id of ids) await c.psm.removeReplicaFromIsr(id, c.ctx.partitionsOnBroker(id));
  c.batch.addUpdateMetadataRequestForBrokers(c.ctx.liveBrokerIds(), []);
}

export async function processTopicChange(c: ChangeHandlerParts): Promise<void> {
  const topics = await c.zk.getAllTopicsInCluster(c.watchers.topicChange);
  const newTopics = topics.filter((t) => !c.ctx.allTopics.has(t));
  if (newTopics.length === 0) return;
  c.log.info(`New topics: [Set(${newTopics.join(', ')})], deleted topics: [Set()], new partition replica assignment [...]`);
  const added = await loadTopics(c, newTopics);
  for (const t of newTopics)
    c.events.emit('topic_created', { topic: t, partitions: c.ctx.partitionsOfTopic(t).length, topic_id: c.ctx.topicIds.get(t) ?? null });
  c.log.info(`New partition creation callback for ${added.map(tpString).join(',')}`);
  await c.psm.initializeLeaderAndIsr(added);
  c.batch.sendRequestsToBrokers(c.ctx.epoch);
}
