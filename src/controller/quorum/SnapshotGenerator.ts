/**
 * Kafka 3.7's org.apache.kafka.image.publisher.SnapshotGenerator, as the controller uses it: after
 * metadata.log.max.record.bytes.between.snapshots bytes of committed batches, or once
 * metadata.log.max.snapshot.interval.ms has passed since the last snapshot with new records committed, the
 * committed image is written as a snapshot through the Raft client (`<offset>-<epoch>.checkpoint`).
 */
import { Logger } from '../../common/logger';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { imageToRecords } from '../../metadata/image/MetadataImageWriter';
import { Batch } from '../../raft/RaftBatches';
import { OffsetAndEpoch } from '../../raft/OffsetAndEpoch';

export class SnapshotGenerator {
  private bytesSinceSnapshot = 0;
  private lastSnapshotTimeMs: number;

  constructor(
    private readonly createSnapshot: (id: OffsetAndEpoch, lastContainedLogTimestamp: number, batches: ReadonlyArray<readonly ApiMessageAndVersion[]>) => void,
    private readonly maxBytes: number,
    /** 0: no time-based snapshots. */
    private readonly maxIntervalMs: number,
    private readonly time: { milliseconds(): number },
    private readonly log: Logger,
  ) {
    this.lastSnapshotTimeMs = time.milliseconds();
  }

  /** After `image` has replayed `batch`. */
  publishLogDelta(batch: Batch<ApiMessageAndVersion>, image: MetadataImage): void {
    this.bytesSinceSnapshot += batch.sizeInBytes;
    if (this.bytesSinceSnapshot >= this.maxBytes) this.emit(batch, image, `we have replayed at least ${this.maxBytes} bytes`);
    else if (this.maxIntervalMs > 0 && this.time.milliseconds() - this.lastSnapshotTimeMs >= this.maxIntervalMs) {
      this.emit(batch, image, `we have waited at least ${Math.floor(this.maxIntervalMs / 60000)} minute(s)`);
    }
  }

  /** A snapshot was loaded: count from it. */
  reset(): void {
    this.bytesSinceSnapshot = 0;
  }

  private emit(batch: Batch<ApiMessageAndVersion>, image: MetadataImage, reason: string): void {
    const id = { offset: batch.lastOffset + 1, epoch: batch.epoch };
    const name = `snapshot ${String(id.offset).padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}`;
    try {
      this.log.info(`Creating new KRaft snapshot file ${name} because ${reason}.`);
      this.createSnapshot(id, batch.appendTimestamp, [imageToRecords(image)]);
      this.bytesSinceSnapshot = 0;
      this.lastSnapshotTimeMs = this.time.milliseconds();
    } catch (e) {
      this.log.error(`Unable to create snapshot ${name}`, e);
    }
  }
}
