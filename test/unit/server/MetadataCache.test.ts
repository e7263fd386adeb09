import { expect } from 'chai';
import { MetadataCache } from '../../../src/server/MetadataCache';

const ID_A = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const ID_B = Buffer.from('fedcba9876543210fedcba9876543210', 'hex');

function state(topicName: string, partitionIndex: number, leader: number) {
  return { topicName, partitionIndex, controllerEpoch: 1, leader, leaderEpoch: 0, isr: [1], partitionEpoch: 0, replicas: [1], offlineReplicas: [] };
}

describe('MetadataCache topic ids (ZkMetadataCache.getTopicId / getTopicName)', () => {
  it('looks topics up by id in both directions, from the ids UpdateMetadata carries', () => {
    const cache = new MetadataCache(1);
    cache.update(1, [], [state('a', 0, 1), state('b', 0, 1)], new Map([['a', ID_A]]));
    expect(cache.topicId('a')).to.deep.equal(ID_A);
    expect(cache.topicName(ID_A)).to.equal('a');
    expect(cache.topicName(ID_B)).to.equal(undefined);
    cache.update(1, [], [], new Map([['b', ID_B]]));
    expect(cache.topicName(ID_B)).to.equal('b');
  });

  it('forgets the id once the topic is deleted (leader -2 for every partition), and a re-created topic gets its new id', () => {
    const cache = new MetadataCache(1);
    cache.update(1, [], [state('a', 0, 1)], new Map([['a', ID_A]]));
    cache.update(1, [], [state('a', 0, -2)], new Map());
    expect(cache.topicId('a')).to.equal(undefined);
    expect(cache.topicName(ID_A)).to.equal(undefined);
    cache.update(1, [], [state('a', 0, 1)], new Map([['a', ID_B]]));
    expect(cache.topicName(ID_B)).to.equal('a');
    expect(cache.topicName(ID_A)).to.equal(undefined);
  });
});
