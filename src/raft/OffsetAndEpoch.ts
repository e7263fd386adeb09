/**
 * A log position with the epoch of the record before it (Kafka's OffsetAndEpoch), and the answer of
 * ReplicatedLog.validateOffsetAndEpoch (ValidOffsetAndEpoch): the leader's verdict on a follower's fetch position.
 */
export interface OffsetAndEpoch {
  readonly offset: number;
  readonly epoch: number;
}

/** OffsetAndEpoch.compareTo: epoch first, then offset. The basis of "the more up-to-date log" in an election. */
export function compareOffsetAndEpoch(a: OffsetAndEpoch, b: OffsetAndEpoch): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return a.offset === b.offset ? 0 : a.offset < b.offset ? -1 : 1;
}

export type ValidOffsetAndEpoch =
  /** The fetch position is on the leader's log: read from it. */
  | { readonly kind: 'VALID'; readonly offsetAndEpoch: OffsetAndEpoch }
  /** The follower's log diverges: it must truncate to this end offset of this epoch (KIP-595 DivergingEpoch). */
  | { readonly kind: 'DIVERGING'; readonly offsetAndEpoch: OffsetAndEpoch }
  /** The position is below the leader's log start: the follower must fetch this snapshot (KIP-630 SnapshotId). */
  | { readonly kind: 'SNAPSHOT'; readonly offsetAndEpoch: OffsetAndEpoch };
