/**
 * Kafka's kafka.zk.KafkaZkClient: the typed ZooKeeper operations of brokers and the controller
 * (zk-mode.md §1.1 notes, §2, §3, §6). Reads return null/empty for NONODE as Kafka's do; every controller
 * write is fenced by check(/controller_epoch, epochZkVersion) (see ZkRequests.fencedOp). The partition state
 * znodes are in ZkPartitionStates (which this class extends), the generic reads and request plumbing in ZkRequests.
 */
import { getLogger } from '../common/logger';
import { ControllerMovedError, TopicExistsError, ZkError, isZkError } from './errors';
import * as D from './ZkData';
import type { BrokerInfo, BrokerRegistration, TopicIdReplicaAssignment, TopicPartition } from './ZkData';
import { maybeThrow } from './ZkRequests';
import { ZkPartitionStates } from './ZkPartitionStates';
import { MATCH_ANY_VERSION, ZkOp, ZkStat, ZkWatcher, ZooKeeperClient } from './ZooKeeperClient';

interface BrokerAndEpoch {
  info: BrokerRegistration;
  /** czxid of /brokers/ids/<id> */
  epoch: number;
}

/** KafkaController.InitialControllerEpoch / InitialControllerEpochZkVersion */
const INITIAL_CONTROLLER_EPOCH = 0;
const INITIAL_CONTROLLER_EPOCH_ZK_VERSION = 0;

export class KafkaZkClient extends ZkPartitionStates {
  private constructor(zk: ZooKeeperClient, logIdent: string) {
    super(zk, getLogger('kafka.zk.KafkaZkClient', logIdent));
  }

  /**
   * Connects (KafkaServer.initZkClient): a chroot in the connect string is created first through a
   * chroot-less session, as Kafka does.
   */
  static async create(connectString: string, sessionTimeoutMs: number, connectionTimeoutMs: number, logIdent = ''): Promise<KafkaZkClient> {
    const slash = connectString.indexOf('/');
    if (slash >= 0 && connectString.length > slash + 1) {
      const chroot = connectString.substring(slash).replace(/\/+$/, '');
      const plain = await ZooKeeperClient.connect(connectString.substring(0, slash), { sessionTimeoutMs, connectionTimeoutMs, logIdent });
      try {
        await new KafkaZkClient(plain, logIdent).createRecursive(chroot, null, false);
      } finally {
        await plain.close();
      }
    }
    const zk = await ZooKeeperClient.connect(connectString, { sessionTimeoutMs, connectionTimeoutMs, logIdent });
    return new KafkaZkClient(zk, logIdent);
  }

  close(): Promise<void> {
    return this.zk.close();
  }

  makeSurePersistentPathExists(path: string): Promise<void> {
    return this.createRecursive(path, null, false);
  }

  /** Pre-creates the top-level persistent paths in Kafka's order (ZkData.PersistentZkPaths). */
  async createTopLevelPaths(): Promise<void> {
    for (const path of D.PersistentZkPaths) await this.makeSurePersistentPathExists(path);
  }

  // ---- cluster id, broker registration ------------------------------------------------------------

  async getClusterId(): Promise<string | null> {
    const r = await this.getDataAndStat(D.ClusterIdZNode.path);
    return r ? D.decodeClusterId(r.data) : null;
  }

  /** Creates /cluster/id (creating /cluster first); on NODEEXISTS another broker won: read its id. */
  async createOrGetClusterId(proposedClusterId: string): Promise<string> {
    try {
      await this.createRecursive(D.ClusterIdZNode.path, D.encodeClusterId(proposedClusterId));
      return proposedClusterId;
    } catch (e) {
      if (!isZkError(e, 'NODEEXISTS')) throw e;
      const id = await this.getClusterId();
      if (id === null) throw new Error('Failed to get cluster id from Zookeeper. This can happen if /cluster/id is deleted from Zookeeper.');
      return id;
    }
  }

  /** setData(/brokers/seqid, empty, any) → dataVersion; the broker id is that + reserved.broker.max.id. */
  async generateBrokerSequenceId(): Promise<number> {
    const r = await this.raw(() => this.zk.setData(D.BrokerSequenceIdZNode.path, Buffer.alloc(0), MATCH_ANY_VERSION));
    if (r.code === 'NONODE') {
      await this.createRecursive(D.BrokerSequenceIdZNode.path, Buffer.alloc(0), false);
      return this.generateBrokerSequenceId();
    }
    return maybeThrow(r).version;
  }

  /** Registers /brokers/ids/<id> (ephemeral, dataVersion 1); returns the czxid, i.e. the broker epoch. */
  async registerBroker(info: BrokerInfo): Promise<number> {
    const path = D.BrokerIdZNode.path(info.id);
    const stat = await this.checkedEphemeralCreate(path, D.encodeBrokerInfo(info));
    this.log.info(
      `Registered broker ${info.id} at path ${path} with addresses: ${info.endpoints.map(D.endpointConnectionString).join(',')}, ` +
        `czxid (broker epoch): ${stat.czxid}`,
    );
    return stat.czxid;
  }

  /** Rewrites the registration (dynamic listener change): setData any version. */
  async updateBrokerInfo(info: BrokerInfo): Promise<void> {
    await this.retry(() => this.zk.setData(D.BrokerIdZNode.path(info.id), D.encodeBrokerInfo(info), MATCH_ANY_VERSION));
  }

  async getSortedBrokerList(watcher?: ZkWatcher): Promise<number[]> {
    return (await this.getChildren(D.BrokerIdsZNode.path, watcher)).map(Number).sort((a, b) => a - b);
  }

  /** All registered brokers with their epochs, by id. A watcher goes on the /brokers/ids children. */
  async getAllBrokersInCluster(watcher?: ZkWatcher): Promise<BrokerAndEpoch[]> {
    const ids = await this.getSortedBrokerList(watcher);
    const all = await Promise.all(ids.map((id) => this.getBroker(id)));
    return all.filter((b): b is BrokerAndEpoch => b !== null);
  }

  async getBroker(id: number, watcher?: ZkWatcher): Promise<BrokerAndEpoch | null> {
    const r = await this.getDataAndStat(D.BrokerIdZNode.path(id), watcher);
    if (!r || !r.data) return null;
    return { info: D.decodeBrokerInfo(id, r.data), epoch: r.stat.czxid };
  }

  // ---- controller election ------------------------------------------------------------------------

  /**
   * The active controller's id, null if none. With a watcher, an exists-watch is set first (fires on
   * creation when absent, on change/deletion when present), as the controller's ControllerChangeHandler.
   */
  async getControllerId(watcher?: ZkWatcher): Promise<number | null> {
    if (watcher) await this.retry(() => this.zk.exists(D.ControllerZNode.path, watcher));
    const r = await this.getDataAndStat(D.ControllerZNode.path);
    return r ? (D.decodeController(r.data)?.brokerId ?? null) : null;
  }

  async getControllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    const r = await this.getDataAndStat(D.ControllerEpochZNode.path);
    return r ? { epoch: D.decodeControllerEpoch(r.data), zkVersion: r.stat.version } : null;
  }

  private async maybeCreateControllerEpochZNode(): Promise<{ epoch: number; zkVersion: number }> {
    const r = await this.raw(() => this.zk.create(D.ControllerEpochZNode.path, D.encodeControllerEpoch(INITIAL_CONTROLLER_EPOCH)));
    if (r.code === 'OK') {
      this.log.info(`Successfully created ${D.ControllerEpochZNode.path} with initial epoch ${INITIAL_CONTROLLER_EPOCH}`);
      return { epoch: INITIAL_CONTROLLER_EPOCH, zkVersion: INITIAL_CONTROLLER_EPOCH_ZK_VERSION };
    }
    if (r.code !== 'NODEEXISTS') maybeThrow(r);
    const e = await this.getControllerEpoch();
    if (!e) throw new Error(`${D.ControllerEpochZNode.path} existed before but goes away while trying to read it`);
    return e;
  }

  /**
   * Election (§3.1 steps 2-4): read or create /controller_epoch, then one multi creating /controller
   * (ephemeral) and bumping the epoch conditionally. NODEEXISTS/BADVERSION: we still won if /controller
   * names us and the epoch is ours (lost response); otherwise ControllerMovedError.
   */
  async registerControllerAndIncrementControllerEpoch(controllerId: number): Promise<{ epoch: number; epochZkVersion: number }> {
    const timestamp = Date.now();
    const cur = (await this.getControllerEpoch()) ?? (await this.maybeCreateControllerEpochZNode());
    const newEpoch = cur.epoch + 1;
    const expected = cur.zkVersion;
    this.log.debug(
      `Try to create ${D.ControllerZNode.path} and increment controller epoch to ${newEpoch} with expected controller epoch zkVersion ${expected}`,
    );
    const r = await this.raw(() =>
      this.zk.multi([
        { type: 'create', path: D.ControllerZNode.path, data: D.encodeController(controllerId, timestamp), mode: 'EPHEMERAL' },
        { type: 'setData', path: D.ControllerEpochZNode.path, data: D.encodeControllerEpoch(newEpoch), version: expected },
      ]),
    );
    if (r.code === 'OK') {
      const set = r.value?.[1];
      if (set?.type !== 'setData') throw new ZkError('RUNTIMEINCONSISTENCY', D.ControllerEpochZNode.path);
      return { epoch: newEpoch, epochZkVersion: set.stat.version };
    }
    if (r.code !== 'NODEEXISTS' && r.code !== 'BADVERSION') maybeThrow(r);
    const current = await this.getControllerId();
    if (current === null) {
      throw new ControllerMovedError(
        `The ephemeral node at ${D.ControllerZNode.path} went away while checking whether the controller election succeeds. Aborting controller startup procedure`,
      );
    }
    if (current === controllerId) {
      const e = await this.getControllerEpoch();
      if (!e) throw new Error(`${D.ControllerEpochZNode.path} existed before but goes away while trying to read it`);
      if (e.epoch === newEpoch) return { epoch: newEpoch, epochZkVersion: e.zkVersion };
    }
    throw new ControllerMovedError('Controller moved to another broker. Aborting controller startup procedure');
  }

  /**
   * KafkaController.enableFeatureVersioning (§3.3 step 1): create /feature `{"features":{},"version":2,"status":1}`
   * if missing (not fenced), or re-enable a disabled one. Returns the znode's dataVersion.
   */
  async createFeatureZNodeIfMissing(): Promise<number> {
    const cur = await this.getDataAndStat(D.FeatureZNode.path);
    if (!cur) {
      this.log.info(`Creating FeatureZNode at path: ${D.FeatureZNode.path}`);
      const r = await this.raw(() => this.zk.create(D.FeatureZNode.path, D.encodeFeature()));
      if (r.code !== 'NODEEXISTS') maybeThrow(r);
      return (await this.getDataAndStat(D.FeatureZNode.path))?.stat.version ?? 0;
    }
    const f = D.decodeFeature(cur.data);
    if (f && f.status === 1) return cur.stat.version;
    return (await this.retry(() => this.zk.setData(D.FeatureZNode.path, D.encodeFeature(), MATCH_ANY_VERSION))).version;
  }

  /** Resign / triggerControllerMove: delete /controller, fenced. */
  /** KafkaController.updateFeatureZNode: replaces /feature's data (any version). */
  async setFeatureZNode(data: Buffer): Promise<number> {
    return (await this.retry(() => this.zk.setData(D.FeatureZNode.path, data, MATCH_ANY_VERSION))).version;
  }

  async deleteController(expectedControllerEpochZkVersion: number): Promise<void> {
    await this.fencedOp({ type: 'delete', path: D.ControllerZNode.path, version: MATCH_ANY_VERSION }, expectedControllerEpochZkVersion);
  }

  // ---- topics (request-handler side, not fenced) ---------------------------------------------------

  async getEntityConfigs(entityType: string, sanitizedName: string): Promise<Record<string, string>> {
    const r = await this.getDataAndStat(D.ConfigEntityZNode.path(entityType, sanitizedName));
    return r ? D.decodeConfigEntity(r.data) : {};
  }

  /** setData (any version); NONODE → createRecursive; NODEEXISTS on that → setData again. */
  async setOrCreateEntityConfigs(entityType: string, sanitizedName: string, config: Readonly<Record<string, string>>): Promise<void> {
    const path = D.ConfigEntityZNode.path(entityType, sanitizedName);
    await this.setOrCreate(path, D.encodeConfigEntity(config));
  }

  /** setData (any version); NONODE → createRecursive; NODEEXISTS on that (a concurrent creator) → setData again. */
  private async setOrCreate(path: string, data: Buffer): Promise<void> {
    const set = () => this.raw(() => this.zk.setData(path, data, MATCH_ANY_VERSION));
    const first = await set();
    if (first.code !== 'NONODE') {
      maybeThrow(first);
      return;
    }
    try {
      await this.createRecursive(path, data);
    } catch (e) {
      if (!isZkError(e, 'NODEEXISTS')) throw e;
      maybeThrow(await set());
    }
  }

  // ---- ZooKeeper-stored consumer offsets (OffsetCommit/OffsetFetch v0) ------------------------------

  /**
   * KafkaZkClient.setOrCreateConsumerOffset: setData on /consumers/<group>/offsets/<topic>/<partition>; NONODE →
   * createRecursive. (A concurrent creator's NODEEXISTS → setData again, where Kafka would throw.)
   */
  async setOrCreateConsumerOffset(group: string, tp: TopicPartition, offset: number): Promise<void> {
    const path = D.ConsumerOffsetZNode.path(group, tp.topic, tp.partition);
    await this.setOrCreate(path, D.ConsumerOffsetZNode.encode(offset));
  }

  /** KafkaZkClient.getConsumerOffset: the stored offset, null for NONODE. */
  async getConsumerOffset(group: string, tp: TopicPartition): Promise<number | null> {
    const r = await this.getDataAndStat(D.ConsumerOffsetZNode.path(group, tp.topic, tp.partition));
    return r ? D.ConsumerOffsetZNode.decode(r.data) : null;
  }

  getTopicConfig(topic: string): Promise<Record<string, string>> {
    return this.getEntityConfigs(D.ConfigType.Topic, topic);
  }

  /**
   * KafkaZkClient.createConfigChangeNotification: a persistent sequential /config/changes/config_change_<n>
   * with `{"version":2,"entity_path":"<type>/<name>"}`, which every broker's ZkConfigManager watches.
   */
  async createConfigChangeNotification(sanitizedEntityPath: string): Promise<string> {
    await this.createRecursive(D.ConfigEntityChangeNotificationZNode.path, null, false);
    const data = D.encodeConfigChangeNotification(sanitizedEntityPath);
    return this.retry(() => this.zk.create(D.ConfigEntityChangeNotificationSequenceZNode.createPath, data, 'PERSISTENT_SEQUENTIAL'));
  }

  /** Deletes one znode (any version); false when it was already gone. */
  async deletePathIfExists(path: string): Promise<boolean> {
    const r = await this.raw(() => this.zk.delete(path, MATCH_ANY_VERSION));
    if (r.code === 'NONODE') return false;
    maybeThrow(r);
    return true;
  }

  /**
   * AdminZkClient.createTopicWithAssignment's ZooKeeper writes (§6.1 step 4): the config znode (always,
   * `{}` without overrides), then /brokers/topics/<t> v3 with the topic id. NODEEXISTS → TopicExistsError.
   */
  async createTopicWithConfig(
    topic: string,
    topicId: string | null,
    assignment: ReadonlyMap<number, readonly number[]>,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.setOrCreateEntityConfigs(D.ConfigType.Topic, topic, config);
    try {
      await this.createRecursive(D.TopicZNode.path(topic), D.encodeTopicZNode(topicId, assignment));
    } catch (e) {
      if (isZkError(e, 'NODEEXISTS')) throw new TopicExistsError(`Topic '${topic}' already exists.`);
      throw e;
    }
  }

  async getAllTopicsInCluster(watcher?: ZkWatcher): Promise<string[]> {
    return this.getChildren(D.TopicsZNode.path, watcher);
  }

  async topicExists(topic: string): Promise<boolean> {
    return this.pathExists(D.TopicZNode.path(topic));
  }

  /** Assignments and ids; a missing topic maps to no id and empty maps (as Kafka's). */
  async getReplicaAssignmentAndTopicIds(topics: readonly string[], watcher?: ZkWatcher): Promise<Map<string, TopicIdReplicaAssignment>> {
    const all = await Promise.all(topics.map((t) => this.getDataAndStat(D.TopicZNode.path(t), watcher)));
    const out = new Map<string, TopicIdReplicaAssignment>();
    topics.forEach((t, i) => out.set(t, D.decodeTopicZNode(all[i]?.data ?? null)));
    return out;
  }

  /** Rewrites a topic znode (partitions added, reassignment steps), fenced when a version is given. */
  async setTopicAssignment(topic: string, a: TopicIdReplicaAssignment, expectedControllerEpochZkVersion = MATCH_ANY_VERSION): Promise<ZkStat | null> {
    const data = D.encodeTopicZNode(a.topicId, a.partitions, a.adding, a.removing);
    const r = maybeThrow(
      await this.fencedOp({ type: 'setData', path: D.TopicZNode.path(topic), data, version: MATCH_ANY_VERSION }, expectedControllerEpochZkVersion),
    );
    return r.type === 'setData' ? r.stat : null;
  }

  /** Controller: give a fresh topic id to every topic znode lacking one (fenced setData, any version). */
  async setTopicIdsIfMissing(
    assignments: ReadonlyMap<string, TopicIdReplicaAssignment>,
    expectedControllerEpochZkVersion: number,
  ): Promise<Map<string, TopicIdReplicaAssignment>> {
    const updated = new Map<string, TopicIdReplicaAssignment>();
    const ops: ZkOp[] = [];
    for (const [topic, a] of assignments) {
      if (a.topicId !== null) continue;
      const withId = { ...a, topicId: D.randomTopicId() };
      updated.set(topic, withId);
      const data = D.encodeTopicZNode(withId.topicId, a.partitions, a.adding, a.removing);
      ops.push({ type: 'setData', path: D.TopicZNode.path(topic), data, version: MATCH_ANY_VERSION });
    }
    await this.fencedBatch(ops, expectedControllerEpochZkVersion);
    return updated;
  }

  async isTopicMarkedForDeletion(topic: string): Promise<boolean> {
    return this.pathExists(D.DeleteTopicsTopicZNode.path(topic));
  }

  /** /admin/delete_topics/<t> with null data; NODEEXISTS is thrown (already marked). */
  createDeleteTopicPath(topic: string): Promise<void> {
    return this.createRecursive(D.DeleteTopicsTopicZNode.path(topic));
  }

  getTopicDeletions(watcher?: ZkWatcher): Promise<string[]> {
    return this.getChildren(D.DeleteTopicsZNode.path, watcher);
  }

  async deleteTopicDeletions(topics: readonly string[], expectedControllerEpochZkVersion: number): Promise<void> {
    const ops: ZkOp[] = topics.map((t) => ({ type: 'delete', path: D.DeleteTopicsTopicZNode.path(t), version: MATCH_ANY_VERSION }));
    await this.fencedBatch(ops, expectedControllerEpochZkVersion);
  }

  async deleteTopicZNode(topic: string, expectedControllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(D.TopicZNode.path(topic), expectedControllerEpochZkVersion);
  }

  async deleteTopicConfigs(topics: readonly string[], expectedControllerEpochZkVersion: number): Promise<void> {
    const ops: ZkOp[] = topics.map((t) => ({ type: 'delete', path: D.ConfigEntityZNode.path(D.ConfigType.Topic, t), version: MATCH_ANY_VERSION }));
    await this.fencedBatch(ops, expectedControllerEpochZkVersion);
  }
}
