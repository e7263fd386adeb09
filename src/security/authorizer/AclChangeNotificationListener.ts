/**
 * kafka.common.ZkNodeChangeNotificationListener for the ACL change paths: a child watch on the change path, each new
 * `acl_changes_<seq>` handled once in sequence order, and executed notifications older than 15 minutes
 * (changeExpirationMs) deleted. After a new ZooKeeper session the notifications are read again.
 */
import { getLogger, type Logger } from '../../common/logger';
import type { KafkaZkClient } from '../../zk/KafkaZkClient';

/** ZkNodeChangeNotificationListener's default changeExpirationMs. */
export const CHANGE_EXPIRATION_MS = 15 * 60 * 1000;

export class AclChangeNotificationListener {
  private lastExecutedChange = -1;
  private running = false;
  private rerun = false;
  private closed = false;
  private unregister: (() => void) | null = null;
  private readonly log: Logger;

  constructor(
    private readonly zk: KafkaZkClient,
    private readonly seqNodeRoot: string,
    private readonly seqNodePrefix: string,
    private readonly handler: (data: Buffer | null) => Promise<void>,
    brokerId: number,
    private readonly time: () => number = Date.now,
    private readonly changeExpirationMs = CHANGE_EXPIRATION_MS,
  ) {
    this.log = getLogger('kafka.common.ZkNodeChangeNotificationListener', `[ZkNodeChangeNotificationListener broker=${brokerId}] `);
  }

  async startup(): Promise<void> {
    this.unregister = this.zk.zk.onSessionStateChange({ afterNewSession: () => this.trigger() });
    await this.zk.makeSurePersistentPathExists(this.seqNodeRoot);
    await this.processNotifications();
  }

  shutdown(): void {
    this.closed = true;
    this.unregister?.();
    this.unregister = null;
  }

  private trigger(): void {
    if (!this.closed) void this.processNotifications();
  }

  private async processNotifications(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.rerun = false;
        await this.processOnce();
      } while (this.rerun && !this.closed);
    } catch (e) {
      if (!this.closed) this.log.error(`Error while processing notification change for path = ${this.seqNodeRoot}`, e);
    } finally {
      this.running = false;
    }
  }

  private async processOnce(): Promise<void> {
    const children = await this.zk.getChildren(this.seqNodeRoot, () => this.trigger());
    const notifications = children.filter((c) => c.startsWith(this.seqNodePrefix)).sort();
    for (const name of notifications) {
      if (this.closed) return;
      const changeId = Number(name.substring(this.seqNodePrefix.length));
      if (changeId <= this.lastExecutedChange) continue;
      const r = await this.zk.getDataAndStat(`${this.seqNodeRoot}/${name}`);
      if (r) await this.handler(r.data);
      this.lastExecutedChange = changeId;
    }
    await this.purgeObsoleteNotifications(notifications);
  }

  private async purgeObsoleteNotifications(notifications: string[]): Promise<void> {
    const now = this.time();
    for (const name of notifications) {
      if (Number(name.substring(this.seqNodePrefix.length)) > this.lastExecutedChange) continue;
      const path = `${this.seqNodeRoot}/${name}`;
      const r = await this.zk.getDataAndStat(path);
      if (r && now - r.stat.ctime >= this.changeExpirationMs) {
        this.log.debug(`Purging change notification ${path}`);
        await this.zk.deletePathIfExists(path);
      }
    }
  }
}
