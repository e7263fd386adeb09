/**
 * Where a node keeps its ElectionState (Kafka's QuorumStateStore). FileBasedStateStore writes
 * `<metadata.log.dir>/__cluster_metadata-0/quorum-state` as Kafka 3.7 does: one line of JSON, QuorumStateData's
 * fields in schema order (clusterId, leaderId, leaderEpoch, votedId, appliedOffset, currentVoters as
 * [{"voterId":N}]) then "data_version":0, no newline; written to `quorum-state.tmp`, fsynced, renamed over the file.
 * Kafka 3.7 writes clusterId "" and appliedOffset 0 (it never sets them), and so do we.
 */
import * as fs from 'fs';
import { ElectionState, hasLeader, hasVoted, NOT_VOTED, UNKNOWN_LEADER_ID } from './ElectionState';

export const QUORUM_STATE_FILE = 'quorum-state';
const DATA_VERSION = 'data_version';

export interface QuorumStateStore {
  /** undefined when nothing was ever written. Throws on a file that cannot be read or parsed. */
  readElectionState(): ElectionState | undefined;
  writeElectionState(state: ElectionState): void;
  clear(): void;
}

export class MemoryStateStore implements QuorumStateStore {
  private state: ElectionState | undefined;
  /** Every state written, oldest first (tests check what was made durable). */
  readonly writes: ElectionState[] = [];

  readElectionState(): ElectionState | undefined {
    return this.state;
  }

  writeElectionState(state: ElectionState): void {
    this.state = state;
    this.writes.push(state);
  }

  clear(): void {
    this.state = undefined;
  }
}

export class QuorumStateFileError extends Error {}

export class FileBasedStateStore implements QuorumStateStore {
  constructor(readonly path: string) {}

  readElectionState(): ElectionState | undefined {
    if (!fs.existsSync(this.path)) return undefined;
    const text = fs.readFileSync(this.path, 'utf8');
    const line = text.split('\n')[0];
    if (line.length === 0) throw new QuorumStateFileError(`Error while reading the Quorum status from the file ${this.path}: File ended prematurely.`);
    let node: unknown;
    try {
      node = JSON.parse(line);
    } catch (e) {
      throw new QuorumStateFileError(`Error while reading the Quorum status from the file ${this.path}: ${(e as Error).message}`);
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      throw new QuorumStateFileError(`Error while reading the Quorum status from the file ${this.path}: Deserialized node ${line} is not an object node`);
    }
    const o = node as Record<string, unknown>;
    if (o[DATA_VERSION] === undefined) {
      throw new QuorumStateFileError(
        `Error while reading the Quorum status from the file ${this.path}: Deserialized node ${line} does not have ${DATA_VERSION} field`,
      );
    }
    if (o[DATA_VERSION] !== 0) throw new QuorumStateFileError(`Unknown data version of ${JSON.stringify(o[DATA_VERSION])}`);
    const int = (key: string, dflt: number): number => {
      const v = o[key];
      if (v === undefined) return dflt;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new QuorumStateFileError(`${this.path}: ${key} is not an integer: ${JSON.stringify(v)}`);
      return v;
    };
    const votersNode = o.currentVoters;
    if (votersNode !== null && votersNode !== undefined && !Array.isArray(votersNode)) {
      throw new QuorumStateFileError(`${this.path}: currentVoters is not an array: ${JSON.stringify(votersNode)}`);
    }
    const voters = new Set<number>();
    for (const v of (votersNode as unknown[] | null | undefined) ?? []) {
      const id = (v as { voterId?: unknown } | null)?.voterId;
      if (typeof id !== 'number' || !Number.isInteger(id)) throw new QuorumStateFileError(`${this.path}: bad voter ${JSON.stringify(v)}`);
      voters.add(id);
    }
    return { epoch: int('leaderEpoch', -1), leaderId: int('leaderId', UNKNOWN_LEADER_ID), votedId: int('votedId', NOT_VOTED), voters };
  }

  writeElectionState(state: ElectionState): void {
    // Key order is QuorumStateDataJsonConverter.write's: the schema's field order, then data_version.
    const json = JSON.stringify({
      clusterId: '',
      leaderId: hasLeader(state) ? state.leaderId : UNKNOWN_LEADER_ID,
      leaderEpoch: state.epoch,
      votedId: hasVoted(state) ? state.votedId : NOT_VOTED,
      appliedOffset: 0,
      // Kafka's voters are a HashSet<Integer>, which iterates small ids in ascending order.
      currentVoters: [...state.voters].sort((a, b) => a - b).map((voterId) => ({ voterId })),
      [DATA_VERSION]: 0,
    });
    const tmp = `${this.path}.tmp`;
    fs.rmSync(tmp, { force: true });
    try {
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, json);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.path);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  clear(): void {
    fs.rmSync(this.path, { force: true });
    fs.rmSync(`${this.path}.tmp`, { force: true });
  }
}
