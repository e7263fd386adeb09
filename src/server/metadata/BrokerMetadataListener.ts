/**
 * The broker's side of the metadata log (Kafka 3.7's MetadataLoader as a broker runs it, with the publishing of
 * BrokerMetadataPublisher behind it): a Raft listener that replays every committed batch, and every snapshot it is
 * handed, into a MetadataImage, and publishes the image with what changed. Publishing is batched: the batches the
 * Raft client commits in one turn of the event loop are replayed one by one and published once, as Kafka's loader
 * publishes one delta per batch group rather than per record.
 *
 * A publish may take several turns of the event loop (the publisher applies thousands of replica transitions in
 * slices so heartbeats and requests are served between them): the next one starts only when it has finished, so
 * publishes still apply in order, and the published offset (what heartbeats report) moves only then.
 */
import type { Logger } from '../../common/logger';
import { MetadataImage, TopicImage } from '../../metadata/image/MetadataImage';
import type { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import type { Batch } from '../../raft/RaftBatches';
import { MetadataRecordTypeId as T } from '../../metadata/records/MetadataRecordType';
import type { LeaderAndEpoch, RaftListener } from '../../raft/RaftClient';
import type { SnapshotContents } from '../../raft/Snapshots';
import type { SecurityChanges } from '../../metadata/image/SecurityImage';

/** What replay touched since the last publish (MetadataImage.takeChanges, plus whether a snapshot replaced the image). */
export interface PublishedChanges {
  topics: Set<string>;
  /**
   * The partitions that changed, per topic id (hex) of `topics` (MetadataDelta's TopicDelta.partitionChanges): a topic
   * of `topics` that has no entry here counts as changed in full. Undefined when `full`.
   */
  partitions?: Map<string, Set<number>>;
  deletedTopics: TopicImage[];
  brokers: Set<number>;
  configs: Set<string>;
  features: boolean;
  /** The first publish, or a snapshot load: everything counts as changed. */
  full: boolean;
  /** kraftsec: SCRAM users, ACLs and client-quota entities that changed (MetadataImage.takeChanges). */
  security?: SecurityChanges;
}

/** Applies one published image; a returned promise makes the listener wait for it before the next publish. */
export type MetadataPublish = (image: MetadataImage, changes: PublishedChanges) => void | Promise<void>;

export class BrokerMetadataListener implements RaftListener<ApiMessageAndVersion> {
  private image = new MetadataImage();
  private scheduled = false;
  private publishedOffset = -1;
  private first = true;
  private snapshotLoaded = false;
  private readonly publishWaiters: Array<{ offset: number; resolve: () => void }> = [];
  private closed = false;
  /** Partitions replayed since the last publish, per topic id (hex). */
  private changedPartitions = new Map<string, Set<number>>();
  /** A publish that has not finished yet (the publisher works in slices), and whether another is due after it. */
  private inFlight = false;
  private publishAgain = false;

  /** MetadataLoader's catchingUp: nothing is published before the image reaches the high watermark once. */
  private catchingUp = true;

  constructor(
    private readonly publish: MetadataPublish,
    private readonly log: Logger,
    /** The Raft client's high watermark (undefined while unknown). */
    private readonly highWatermark: () => number | undefined,
    /** Defer publishing to the next turn of the event loop; tests pass a synchronous scheduler. */
    private readonly schedule: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {}

  handleCommit(batch: Batch<ApiMessageAndVersion>): void {
    if (this.closed) return;
    this.notePartitions(batch);
    try {
      this.image.replayBatch(batch);
    } catch (e) {
      // MetadataLoader: a record that cannot be replayed is a fault, logged; the loader keeps going.
      this.log.error(`Error replaying metadata batch at offset ${batch.baseOffset}`, e);
    }
    this.schedulePublish();
  }

  handleLoadSnapshot(snapshot: SnapshotContents<ApiMessageAndVersion>): void {
    if (this.closed) return;
    // The image replaces its contents; what it had and the snapshot lacks is reported as deleted.
    this.image.loadSnapshot(snapshot);
    this.snapshotLoaded = true;
    this.log.info(`Loaded metadata snapshot ${snapshot.snapshotId.offset}-${snapshot.snapshotId.epoch}`);
    this.schedulePublish();
  }

  handleLeaderChange(_leader: LeaderAndEpoch): void {}

  /** The image as replayed so far (read-only use: DescribeConfigs, topic configs). */
  currentImage(): MetadataImage {
    return this.image;
  }

  /** The last offset published to the broker's components: what heartbeats report as currentMetadataOffset. */
  highestMetadataOffset(): number {
    return this.publishedOffset;
  }

  /** Resolves once an image that includes `offset` has been published. */
  awaitPublished(offset: number): Promise<void> {
    if (this.publishedOffset >= offset) return Promise.resolve();
    return new Promise((resolve) => this.publishWaiters.push({ offset, resolve }));
  }

  close(): void {
    this.closed = true;
  }

  /** TopicDelta.partitionChanges: which partitions the batch's PartitionRecords and PartitionChangeRecords touch. */
  private notePartitions(batch: Batch<ApiMessageAndVersion>): void {
    for (const r of batch.records) {
      if (r.type !== T.PARTITION && r.type !== T.PARTITION_CHANGE) continue;
      const id = r.data.topicId;
      if (!Buffer.isBuffer(id) && !(id instanceof Uint8Array)) continue;
      const hex = Buffer.from(id).toString('hex');
      let set = this.changedPartitions.get(hex);
      if (!set) this.changedPartitions.set(hex, (set = new Set()));
      set.add(r.data.partitionId as number);
    }
  }

  private schedulePublish(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      if (!this.closed) this.publishNow();
    });
  }

  /**
   * MetadataLoader.stillNeedToCatchUp: at start-up the broker publishes nothing until it has replayed up to the high
   * watermark, so its components never see a partial image (the first publish also deletes stray logs: a half-read
   * log would make live replicas look stray).
   */
  private stillNeedToCatchUp(offset: number): boolean {
    if (!this.catchingUp) return false;
    const hw = this.highWatermark();
    if (hw === undefined) {
      this.log.debug('The loader is still catching up because we still do not know the high water mark yet.');
      return true;
    }
    if (hw - 1 > offset) {
      this.log.debug(`The loader is still catching up because we have loaded up to offset ${offset}, but the high water mark is ${hw}`);
      return true;
    }
    this.log.info(`The loader finished catching up to the current high water mark of ${hw}`);
    this.catchingUp = false;
    return false;
  }

  private publishNow(): void {
    if (this.inFlight) {
      this.publishAgain = true;
      return;
    }
    const image = this.image;
    if (this.stillNeedToCatchUp(image.offset)) return;
    const c = image.takeChanges();
    const full = this.first || this.snapshotLoaded;
    const partitions = this.changedPartitions;
    this.changedPartitions = new Map();
    const changes: PublishedChanges = {
      topics: full ? new Set(image.topicsById.keys()) : c.topics,
      partitions: full ? undefined : partitions,
      deletedTopics: c.deletedTopics,
      brokers: full ? new Set(image.brokers.keys()) : c.brokers,
      configs: full ? new Set(image.configs.keys()) : c.configs,
      features: full || c.features,
      full,
      security: c.security,
    };
    this.first = false;
    this.snapshotLoaded = false;
    const offset = image.offset;
    let pending: void | Promise<void> = undefined;
    try {
      pending = this.publish(image, changes);
    } catch (e) {
      this.log.error(`Error publishing metadata at offset ${offset}`, e);
    }
    if (!pending) {
      this.published(offset);
      return;
    }
    this.inFlight = true;
    const started = Date.now();
    void pending
      .catch((e: unknown) => this.log.error(`Error publishing metadata at offset ${offset}`, e))
      .then(() => {
        this.inFlight = false;
        this.log.debug(`Published metadata at offset ${offset} in ${Date.now() - started} ms`);
        this.published(offset);
        if (this.publishAgain) {
          this.publishAgain = false;
          this.schedulePublish();
        }
      });
  }

  private published(offset: number): void {
    this.publishedOffset = offset;
    for (let i = this.publishWaiters.length - 1; i >= 0; i--) {
      if (this.publishWaiters[i].offset <= this.publishedOffset) {
        this.publishWaiters[i].resolve();
        this.publishWaiters.splice(i, 1);
      }
    }
  }
}
