import { expect } from 'chai';
import { ActionError, BrokerControl, brokerAction, createTopicCommand, parseCreateTopic } from '../../../src/observatory/Actions';
import { diffSnapshots, partitionView } from '../../../src/observatory/model';
import type { BrokerView, ClusterSnapshot, GroupView, TopicView } from '../../../src/observatory/types';

const broker = (id: number, up = true): BrokerView => ({ id, host: '127.0.0.1', port: 9091 + id, up, known: true });
const live = (...ids: number[]) => new Set(ids);

function topic(name: string, parts: Array<[number, number[], number[]]>, liveIds = live(1, 2, 3), epoch = 0): TopicView {
  return {
    name,
    markedForDeletion: false,
    partitions: parts.map(([leader, replicas, isr], p) => partitionView(p, { leader, leaderEpoch: epoch, isr }, replicas, liveIds)),
  };
}

function snap(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    zookeeper: { connectString: '127.0.0.1:2181', connected: true },
    brokers: [broker(1), broker(2), broker(3)],
    controller: { brokerId: 1, epoch: 1 },
    topics: [],
    groups: [],
    bootstrapServers: '127.0.0.1:9092',
    canControl: false,
    ...over,
  };
}

const texts = (prev: ClusterSnapshot | null, next: ClusterSnapshot): string[] => diffSnapshots(prev, next, 0).map((e) => e.text);

describe('observatory: model', () => {
  it("flags partitions as Kafka's metrics count them", () => {
    const ok = partitionView(0, { leader: 1, leaderEpoch: 0, isr: [1, 2] }, [1, 2], live(1, 2));
    expect([ok.underReplicated, ok.offline]).to.deep.equal([false, false]);
    const shrunk = partitionView(0, { leader: 2, leaderEpoch: 1, isr: [2] }, [1, 2], live(2));
    expect([shrunk.underReplicated, shrunk.offline]).to.deep.equal([true, false]);
    const noLeader = partitionView(0, { leader: -1, leaderEpoch: 2, isr: [1] }, [1], live());
    expect([noLeader.underReplicated, noLeader.offline]).to.deep.equal([false, true]);
    // The leader's broker is gone but the controller has not moved leadership yet: offline too.
    expect(partitionView(0, { leader: 3, leaderEpoch: 0, isr: [3] }, [3], live(1, 2)).offline).to.equal(true);
  });

  it('the first look tells the brokers, the controller, the topics and groups already there', () => {
    const g: GroupView = { groupId: 'g', state: 'Stable', protocol: 'range', members: 2, generation: 4, partitions: [] };
    const lines = texts(null, snap({ topics: [topic('t', [[1, [1, 2], [1, 2]]])], groups: [g] }));
    expect(lines).to.deep.equal([
      'broker 1 registered at 127.0.0.1:9092 (/brokers/ids/1)',
      'broker 2 registered at 127.0.0.1:9093 (/brokers/ids/2)',
      'broker 3 registered at 127.0.0.1:9094 (/brokers/ids/3)',
      'broker 1 elected controller (epoch 1)',
      'topic t created, 1 partition',
      'group g generation 4, Stable, 2 members',
    ]);
    expect(texts(snap(), snap())).to.deep.equal([]);
  });

  it('a killed broker: gone, a new controller, leaders and ISRs shrink', () => {
    const before = snap({
      topics: [
        topic('t', [
          [3, [3, 1], [3, 1]],
          [1, [1, 3], [1, 3]],
        ]),
      ],
      controller: { brokerId: 3, epoch: 1 },
    });
    const after = snap({
      brokers: [broker(1), broker(2), broker(3, false)],
      controller: { brokerId: 1, epoch: 2 },
      topics: [
        topic(
          't',
          [
            [1, [3, 1], [1]],
            [1, [1, 3], [1]],
          ],
          live(1, 2),
          1,
        ),
      ],
    });
    expect(texts(before, after)).to.deep.equal([
      'broker 3 gone (/brokers/ids/3 deleted)',
      'broker 1 elected controller (epoch 2)',
      't-0 leader 3 -> 1, ISR [3,1] -> [1], leader epoch 1 (under-replicated)',
      't-1 ISR [1,3] -> [1], leader epoch 1 (under-replicated)',
    ]);
    const back = snap({
      controller: { brokerId: 1, epoch: 2 },
      topics: [
        topic(
          't',
          [
            [1, [3, 1], [1, 3]],
            [1, [1, 3], [1, 3]],
          ],
          live(1, 2, 3),
          1,
        ),
      ],
    });
    expect(texts(after, back)).to.deep.equal([
      'broker 3 registered at 127.0.0.1:9094 (/brokers/ids/3)',
      't-0 ISR [1] -> [1,3], leader epoch 1',
      't-1 ISR [1] -> [1,3], leader epoch 1',
    ]);
  });

  it('many partitions changing at once (a broker gone) are told in one line per topic', () => {
    const n = 8;
    const before = snap({
      topics: [
        topic(
          '__consumer_offsets',
          Array.from({ length: n }, (_, p): [number, number[], number[]] => [(p % 2) + 1, [1, 2], [1, 2]]),
        ),
      ],
    });
    const after = snap({
      brokers: [broker(1, false), broker(2), broker(3)],
      topics: [
        topic(
          '__consumer_offsets',
          Array.from({ length: n }, (): [number, number[], number[]] => [2, [1, 2], [2]]),
          live(2, 3),
          1,
        ),
      ],
    });
    expect(texts(before, after)).to.deep.equal([
      'broker 1 gone (/brokers/ids/1 deleted)',
      '__consumer_offsets: 8 partitions changed (leader moved on 4, ISR shrank on 8), 8 under-replicated',
    ]);
  });

  it('a new topic whose partitions get their first state: one line; deletion', () => {
    const created = snap({
      topics: [
        topic(
          't',
          [
            [-1, [1], []],
            [-1, [2], []],
          ],
          live(1, 2, 3),
          -1,
        ),
      ],
    });
    const online = snap({
      topics: [
        topic('t', [
          [1, [1], [1]],
          [2, [2], [2]],
        ]),
      ],
    });
    expect(texts(snap(), created)).to.deep.equal(['topic t created, 2 partitions']);
    expect(texts(created, online)).to.deep.equal(['t: 2 partitions online: t-0 leader 1 ISR [1], t-1 leader 2 ISR [2]']);
    const marked = snap({ topics: [{ ...online.topics[0], markedForDeletion: true }] });
    expect(texts(online, marked)).to.deep.equal(['topic t marked for deletion (/admin/delete_topics/t)']);
    expect(texts(marked, snap())).to.deep.equal(['topic t deleted']);
  });

  it('ZooKeeper unreachable and back; the first connection attempt is neither', () => {
    const connecting = snap({ zookeeper: { connectString: 'zk:2181', connected: false } });
    const down = snap({ zookeeper: { connectString: 'zk:2181', connected: false, error: 'connection lost' } });
    expect(texts(null, connecting).filter((l) => l.includes('ZooKeeper'))).to.deep.equal([]);
    expect(texts(connecting, snap()).filter((l) => l.includes('ZooKeeper'))).to.deep.equal([]);
    expect(texts(snap(), down)).to.deep.equal(['ZooKeeper unreachable (connection lost)']);
    expect(texts(down, snap())).to.deep.equal(['ZooKeeper reachable again (127.0.0.1:2181)']);
  });

  it('group generations and states; a group no longer listed is Dead', () => {
    const g = (state: string, members: number, generation?: number): GroupView => ({
      groupId: 'g',
      state,
      protocol: 'range',
      members,
      generation,
      partitions: [],
    });
    expect(texts(snap({ groups: [g('Stable', 1, 1)] }), snap({ groups: [g('PreparingRebalance', 1, 1)] }))).to.deep.equal([
      'group g generation 1, PreparingRebalance, 1 member',
    ]);
    expect(texts(snap({ groups: [g('PreparingRebalance', 1, 1)] }), snap({ groups: [g('Stable', 2, 2)] }))).to.deep.equal([
      'group g generation 2, Stable, 2 members',
    ]);
    expect(texts(snap({ groups: [g('Empty', 0)] }), snap())).to.deep.equal(['group g Dead (no longer listed)']);
    // Groups unavailable (the poll failed): nothing is concluded.
    expect(texts(snap({ groups: [g('Empty', 0)] }), snap({ groupsError: 'down' }))).to.deep.equal([]);
  });
});

describe('observatory: actions', () => {
  it('validates a topic to create, with clear messages', () => {
    expect(parseCreateTopic({ name: ' t1 ', partitions: '3', replicationFactor: 2 })).to.deep.equal({ name: 't1', partitions: 3, replicationFactor: 2 });
    const err = (body: unknown): string => {
      try {
        parseCreateTopic(body);
      } catch (e) {
        expect(e).to.be.instanceOf(ActionError);
        expect((e as ActionError).status).to.equal(400);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(err({ partitions: 1, replicationFactor: 1 })).to.equal('missing topic name');
    expect(err({ name: 't', partitions: 'x', replicationFactor: 1 })).to.equal('partitions must be a positive integer, got "x"');
    expect(err({ name: 't', partitions: 1.5, replicationFactor: 1 })).to.contain('partitions must be a positive integer');
    expect(err({ name: 't', partitions: 1, replicationFactor: 0 })).to.contain('replication factor must be a positive integer');
    expect(err({ name: 'a b', partitions: 1, replicationFactor: 1 })).to.contain('illegal');
    expect(err({ name: '..', partitions: 1, replicationFactor: 1 })).to.contain('cannot be');
    expect(err('nope')).to.contain('expected a JSON object');
    expect(createTopicCommand('127.0.0.1:9092', { name: 't', partitions: 3, replicationFactor: 2 })).to.equal(
      'bin/kafka-topics --bootstrap-server 127.0.0.1:9092 --create --topic t --partitions 3 --replication-factor 2',
    );
  });

  it('broker actions answer with the command-line equivalent; bad ones are 400/409', () => {
    const calls: string[] = [];
    let running = true;
    const control: BrokerControl = {
      brokerPid: () => (running ? 4242 : undefined),
      brokerRunning: () => running,
      stopBroker: (id) => void calls.push(`stop ${id}`),
      killBroker: (id) => void calls.push(`kill ${id}`),
      startBroker: async (id) => void calls.push(`start ${id}`),
      startCommand: (id) => `bin/kafka-server-start config/local/server-${id}.properties`,
    };
    const fail = (): void => undefined;
    expect(brokerAction(control, [1, 2], 2, 'stop', fail).command).to.equal('kill -TERM 4242');
    expect(brokerAction(control, [1, 2], 2, 'kill', fail).command).to.equal('kill -9 4242');
    expect(() => brokerAction(control, [1, 2], 2, 'start', fail)).to.throw(ActionError, 'broker 2 is already running (pid 4242)');
    running = false;
    expect(brokerAction(control, [1, 2], 2, 'start', fail).command).to.equal('bin/kafka-server-start config/local/server-2.properties');
    expect(() => brokerAction(control, [1, 2], 2, 'kill', fail)).to.throw(ActionError, 'broker 2 is not running');
    expect(() => brokerAction(control, [1, 2], 7, 'stop', fail)).to.throw(ActionError, 'unknown broker 7 (known: 1, 2)');
    expect(() => brokerAction(undefined, [1, 2], 1, 'stop', fail)).to.throw(ActionError, 'no process control');
    expect(calls).to.deep.equal(['stop 2', 'kill 2', 'start 2']);
  });
});
