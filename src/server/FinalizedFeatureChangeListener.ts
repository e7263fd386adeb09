import { getLogger, Logger } from '../common/logger';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import * as D from '../zk/ZkData';

/** The finalized features a broker advertises (ApiVersions v3+), with the /feature znode's version as epoch. */
export interface FinalizedFeatures {
  readonly features: ReadonlyMap<string, number>;
  /** -1 (ApiVersionsResponse.UNKNOWN_FINALIZED_FEATURES_EPOCH) until /feature has been read. */
  readonly epoch: number;
}

/**
 * kafka.server.FinalizedFeatureChangeListener with ZkMetadataCache's feature cache: a data watch on /feature
 * (re-armed on every change and after a new ZooKeeper session) keeps the finalized features and their epoch
 * (the znode's dataVersion). In ZK mode metadata.version is never among them (server-common Features), and the
 * controller writes `{"features":{},...}`, so brokers advertise no finalized feature and epoch 0.
 */
export class FinalizedFeatureChangeListener {
  private current: FinalizedFeatures = { features: new Map(), epoch: -1 };
  private closed = false;
  private unregister: (() => void) | null = null;
  private readonly log: Logger;
  private readonly watcher = (): void => this.refresh();

  constructor(
    private readonly zk: KafkaZkClient,
    brokerId: number,
  ) {
    this.log = getLogger('kafka.server.FinalizedFeatureChangeListener', `[FinalizedFeatureChangeListener broker=${brokerId}] `);
  }

  async startup(): Promise<void> {
    this.unregister = this.zk.zk.onSessionStateChange({ afterNewSession: () => this.refresh() });
    await this.update();
  }

  shutdown(): void {
    this.closed = true;
    this.unregister?.();
    this.unregister = null;
  }

  features(): FinalizedFeatures {
    return this.current;
  }

  private refresh(): void {
    if (this.closed) return;
    this.update().catch((e: Error) => this.log.error(`Failed to read ${D.FeatureZNode.path}`, e));
  }

  private async update(): Promise<void> {
    // An exists-watch sees the node created; the data watch sees it change or go.
    if (!(await this.zk.watchExistence(D.FeatureZNode.path, this.watcher))) {
      this.current = { features: new Map(), epoch: -1 };
      return;
    }
    const r = await this.zk.getDataAndStat(D.FeatureZNode.path, this.watcher);
    if (!r) return;
    const f = D.decodeFeature(r.data);
    const features = new Map<string, number>();
    if (f && f.status === 1) for (const [name, v] of Object.entries(f.features)) if (name !== 'metadata.version') features.set(name, v.maxVersionLevel);
    if (r.stat.version !== this.current.epoch)
      this.log.info(`Updated cache from existing finalized features ${JSON.stringify(Object.fromEntries(features))} with epoch ${r.stat.version}`);
    this.current = { features, epoch: r.stat.version };
  }
}
