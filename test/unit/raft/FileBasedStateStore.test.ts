/** The quorum-state file, byte for byte as Kafka 3.7's FileBasedStateStore writes it, and how bad files are met. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withElectedLeader, withUnknownLeader, withVotedCandidate } from '../../../src/raft/ElectionState';
import { QuorumState } from '../../../src/raft/QuorumState';
import { FileBasedStateStore, QUORUM_STATE_FILE } from '../../../src/raft/QuorumStateStore';
import { SeededRandom } from '../../../src/raft/Time';
import { MockTime } from './RaftSimulation';

describe('FileBasedStateStore (quorum-state)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quorum-state-'));
    file = path.join(dir, QUORUM_STATE_FILE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes Kafka's exact line: schema field order, data_version last, no newline, no temp file left", () => {
    const store = new FileBasedStateStore(file);
    store.writeElectionState(withElectedLeader(4, 3002, new Set([3003, 3001, 3002])));
    expect(fs.readFileSync(file, 'utf8')).to.equal(
      '{"clusterId":"","leaderId":3002,"leaderEpoch":4,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":3001},{"voterId":3002},{"voterId":3003}],"data_version":0}',
    );
    expect(fs.readdirSync(dir)).to.deep.equal([QUORUM_STATE_FILE]);
    store.writeElectionState(withVotedCandidate(5, 3001, new Set([3001, 3002, 3003])));
    expect(fs.readFileSync(file, 'utf8')).to.equal(
      '{"clusterId":"","leaderId":-1,"leaderEpoch":5,"votedId":3001,"appliedOffset":0,"currentVoters":[{"voterId":3001},{"voterId":3002},{"voterId":3003}],"data_version":0}',
    );
  });

  it('reads back what it wrote, and a file Kafka wrote', () => {
    const store = new FileBasedStateStore(file);
    expect(store.readElectionState()).to.equal(undefined);
    const e = withUnknownLeader(9, new Set([1, 2, 3]));
    store.writeElectionState(e);
    expect(store.readElectionState()).to.deep.equal(e);
    fs.writeFileSync(
      file,
      '{"clusterId":"","leaderId":2,"leaderEpoch":3,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0}',
    );
    expect(store.readElectionState()).to.deep.equal(withElectedLeader(3, 2, new Set([1, 2, 3])));
  });

  it('refuses files that are empty, not JSON objects, without data_version, or of an unknown version', () => {
    const store = new FileBasedStateStore(file);
    const bad: Array<[string, RegExp]> = [
      ['', /File ended prematurely/],
      ['not json', /Error while reading the Quorum status/],
      ['[1,2]', /is not an object node/],
      ['{"leaderEpoch":1}', /does not have data_version field/],
      ['{"leaderEpoch":1,"data_version":1}', /Unknown data version of 1/],
      ['{"leaderEpoch":"x","data_version":0}', /leaderEpoch is not an integer/],
    ];
    for (const [text, err] of bad) {
      fs.writeFileSync(file, text);
      expect(() => store.readElectionState(), text).to.throw(err);
    }
  });

  it('QuorumState clears an unreadable file and starts Unattached in epoch 0, as Kafka does', () => {
    fs.writeFileSync(file, 'garbage');
    const store = new FileBasedStateStore(file);
    const q = new QuorumState(1, new Set([1, 2, 3]), 1000, 2000, store, new MockTime(), new SeededRandom(1));
    q.initialize({ offset: 0, epoch: 0 });
    expect([q.current.name, q.epoch]).to.deep.equal(['Unattached', 0]);
    expect(store.readElectionState()).to.deep.equal(withUnknownLeader(0, new Set([1, 2, 3])));
  });

  it('a node restarted over its quorum-state file keeps its vote', () => {
    const store = new FileBasedStateStore(file);
    const q = new QuorumState(1, new Set([1, 2, 3]), 1000, 2000, store, new MockTime(), new SeededRandom(1));
    q.initialize({ offset: 0, epoch: 0 });
    q.transitionToVoted(6, 2);
    const again = new QuorumState(1, new Set([1, 2, 3]), 1000, 2000, new FileBasedStateStore(file), new MockTime(), new SeededRandom(2));
    again.initialize({ offset: 0, epoch: 0 });
    expect([again.current.name, again.epoch]).to.deep.equal(['Voted', 6]);
    expect(again.canGrantVote(3, true)).to.equal(false);
    expect(again.canGrantVote(2, true)).to.equal(true);
  });
});
