import { expect } from 'chai';
import {
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  readGroupMessageValue,
  readMessageKey,
  readOffsetMessageValue,
} from '../../../src/coordinator/group/ConsumerOffsetsFormats';

const hex = (s: string) => s.replace(/\s+/g, '');

describe('__consumer_offsets record formats (zk-mode.md §7)', () => {
  it('offset commit key v1: group, topic, partition', () => {
    expect(offsetCommitKey('g', 't', 3).toString('hex')).to.equal(hex('0001 0001 67 0001 74 00000003'));
    expect(readMessageKey(offsetCommitKey('my-group', 'orders', 7))).to.deep.equal({
      kind: 'offset',
      version: 1,
      group: 'my-group',
      topic: 'orders',
      partition: 7,
    });
  });

  it('group metadata key v2: group', () => {
    expect(groupMetadataKey('g').toString('hex')).to.equal(hex('0002 0001 67'));
    expect(readMessageKey(groupMetadataKey('g'))).to.deep.equal({ kind: 'group', version: 2, group: 'g' });
    expect(readMessageKey(Buffer.from('0005', 'hex')).kind).to.equal('unknown');
  });

  it('offset commit value v3 (normal case) and v1 (explicit expiry), never v2', () => {
    const v3 = offsetCommitValue({ offset: 42, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 });
    expect(v3.toString('hex')).to.equal(hex('0003 000000000000002a 00000005 0001 6d 00000000000003e8'));
    const v1 = offsetCommitValue({ offset: 42, leaderEpoch: 5, metadata: '', commitTimestamp: 1000, expireTimestamp: 2000 });
    expect(v1.toString('hex')).to.equal(hex('0001 000000000000002a 0000 00000000000003e8 00000000000007d0'));
    expect(readOffsetMessageValue(v3)).to.deep.equal({ offset: 42, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 });
    expect(readOffsetMessageValue(v1)).to.deep.equal({ offset: 42, leaderEpoch: -1, metadata: '', commitTimestamp: 1000, expireTimestamp: 2000 });
    expect(readOffsetMessageValue(null)).to.equal(null);
  });

  it('group metadata value v3 with a member, and an empty group', () => {
    const buf = groupMetadataValue({
      protocolType: 'consumer',
      generation: 2,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 5,
      members: [
        {
          memberId: 'm1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/h',
          rebalanceTimeout: 60000,
          sessionTimeout: 10000,
          subscription: Buffer.from([1]),
          assignment: Buffer.from([2, 3]),
        },
      ],
    });
    expect(buf.toString('hex')).to.equal(
      hex(`0003 0008 ${Buffer.from('consumer').toString('hex')} 00000002 0005 ${Buffer.from('range').toString('hex')}
      0002 6d31 0000000000000005 00000001 0002 6d31 ffff 0001 63 0002 2f68 0000ea60 00002710 00000001 01 00000002 0203`),
    );
    const back = readGroupMessageValue(buf)!;
    expect(back.generation).to.equal(2);
    expect(back.members[0].assignment.toString('hex')).to.equal('0203');
    const empty = groupMetadataValue({ protocolType: '', generation: 1, protocol: null, leader: null, currentStateTimestamp: 7, members: [] });
    expect(empty.toString('hex')).to.equal(hex('0003 0000 00000001 ffff ffff 0000000000000007 00000000'));
  });
});
