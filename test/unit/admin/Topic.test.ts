import { expect } from 'chai';
import * as Topic from '../../../src/admin/Topic';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';

describe('Topic (org.apache.kafka.common.internals.Topic)', () => {
  it('accepts legal names', () => {
    for (const name of ['a', 'my-topic', 'my_topic.v1', 'A-Z.0_9', 'x'.repeat(249), '...', '__consumer_offsets']) {
      expect(Topic.isValid(name), name).to.equal(true);
      expect(() => Topic.validate(name)).not.to.throw();
    }
  });
  const bad: Array<[string, string]> = [
    ['', 'Topic name is invalid: the empty string is not allowed'],
    ['.', "Topic name is invalid: '.' is not allowed"],
    ['..', "Topic name is invalid: '..' is not allowed"],
    ['x'.repeat(250), `Topic name is invalid: the length of '${'x'.repeat(250)}' is longer than the max allowed length 249`],
    ['a b', "Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
    ['é', "Topic name is invalid: 'é' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
    ['a/b', "Topic name is invalid: 'a/b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
  ];
  for (const [name, message] of bad) {
    it(`rejects ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…` : name)}`, () => {
      expect(Topic.isValid(name)).to.equal(false);
      try {
        Topic.validate(name);
        expect.fail('should throw');
      } catch (e) {
        expect(e).to.be.instanceOf(KafkaError);
        expect((e as KafkaError).code).to.equal(ErrorCode.INVALID_TOPIC_EXCEPTION);
        expect((e as Error).message).to.equal(message);
      }
    });
  }
  it('collision characters', () => {
    expect(Topic.hasCollisionChars('a.b')).to.equal(true);
    expect(Topic.hasCollisionChars('a_b')).to.equal(true);
    expect(Topic.hasCollisionChars('a-b')).to.equal(false);
    expect(Topic.hasCollision('a.b_c', 'a_b.c')).to.equal(true);
    expect(Topic.hasCollision('a.b', 'a-b')).to.equal(false);
    expect(Topic.unifyCollisionChars('a.b.c')).to.equal('a_b_c');
  });
  it('internal topics', () => {
    expect(Topic.GROUP_METADATA_TOPIC_NAME).to.equal('__consumer_offsets');
    expect(Topic.TRANSACTION_STATE_TOPIC_NAME).to.equal('__transaction_state');
    expect(Topic.isInternal('__consumer_offsets')).to.equal(true);
    expect(Topic.isInternal('__transaction_state')).to.equal(true);
    expect(Topic.isInternal('_consumer_offsets')).to.equal(false);
  });
});
