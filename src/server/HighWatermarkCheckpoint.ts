/** replication-offset-checkpoint: each partition's high watermark, so a restarted leader keeps it. */
export { readOffsetCheckpoint, writeOffsetCheckpoint } from '../log/OffsetCheckpointFile';
export const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';
