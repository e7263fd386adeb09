/**
 * The Raft client's timing (Kafka's RaftConfig, `controller.quorum.*`), with Kafka 3.7's defaults. Parsing and
 * validating the properties (and controller.quorum.voters) belong to the KRaft configuration; this is what the
 * client needs once they are valid.
 */
import { Random } from './Time';

export interface RaftConfig {
  /** controller.quorum.election.timeout.ms: a voter without a leader stands after a random time in [t, 2t). */
  readonly electionTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms: the cap of the exponential backoff between failed elections. */
  readonly electionBackoffMaxMs: number;
  /** controller.quorum.fetch.timeout.ms: a follower that cannot fetch for this long stands for election. */
  readonly fetchTimeoutMs: number;
  /** controller.quorum.request.timeout.ms. */
  readonly requestTimeoutMs: number;
  /** controller.quorum.retry.backoff.ms. */
  readonly retryBackoffMs: number;
  /** controller.quorum.append.linger.ms: how long the leader gathers scheduled records into one batch. */
  readonly appendLingerMs: number;
}

export const DEFAULT_RAFT_CONFIG: RaftConfig = {
  electionTimeoutMs: 1000,
  electionBackoffMaxMs: 1000,
  fetchTimeoutMs: 2000,
  requestTimeoutMs: 2000,
  retryBackoffMs: 20,
  appendLingerMs: 25,
};

/** KafkaRaftClient's constants. */
export const RETRY_BACKOFF_BASE_MS = 100;
export const FETCH_MAX_WAIT_MS = 500;
export const MAX_BATCH_SIZE_BYTES = 8 * 1024 * 1024;
export const MAX_FETCH_SIZE_BYTES = MAX_BATCH_SIZE_BYTES;

/**
 * KafkaRaftClient.binaryExponentialElectionBackoffMs, after a lost election: 100 ms x random(2^retries), capped at
 * controller.quorum.election.backoff.max.ms, so repeated split votes spread the candidates out.
 */
export function binaryExponentialElectionBackoffMs(retries: number, random: Random, electionBackoffMaxMs: number): number {
  if (retries <= 0) throw new Error(`Retries ${retries} should be larger than zero`);
  return Math.min(RETRY_BACKOFF_BASE_MS * random.nextInt(2 << Math.min(20, retries - 1)), electionBackoffMaxMs);
}

/**
 * KafkaRaftClient.strictExponentialElectionBackoffMs, after EndQuorumEpoch: the successor at `position` (the first,
 * at 0, stands at once) of `total` waits max >> (total - 1) << (position - 1).
 */
export function strictExponentialElectionBackoffMs(position: number, total: number, electionBackoffMaxMs: number): number {
  if (position <= 0 || position >= total)
    throw new Error(`Position ${position} should be larger than zero and smaller than total number of successors ${total}`);
  const base = electionBackoffMaxMs >> (total - 1);
  return Math.min(electionBackoffMaxMs, base << (position - 1));
}
