/**
 * org.apache.kafka.common.internals.Topic: topic-name rules shared by CreateTopics, auto-creation and the CLI.
 * Legal names use [a-zA-Z0-9._-], are at most 249 chars (so `<topic>-<partition>` directory names fit in 255),
 * and are not "." or "..". Names differing only by '.' vs '_' collide in metric names.
 */
import { ErrorCode, KafkaError } from '../protocol/errors';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';
const MAX_NAME_LENGTH = 249;

const INTERNAL_TOPICS: ReadonlySet<string> = new Set([GROUP_METADATA_TOPIC_NAME, TRANSACTION_STATE_TOPIC_NAME]);
const VALID_CHARS = /^[a-zA-Z0-9._-]*$/;

/** Topic.detectInvalidTopic: the reason a name is illegal, or null. */
function detectInvalidTopic(name: string): string | null {
  if (name.length === 0) return 'the empty string is not allowed';
  if (name === '.') return "'.' is not allowed";
  if (name === '..') return "'..' is not allowed";
  if (name.length > MAX_NAME_LENGTH) {
    return `the length of '${name}' is longer than the max allowed length ${MAX_NAME_LENGTH}`;
  }
  if (!VALID_CHARS.test(name)) {
    return `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

export function isValid(name: string): boolean {
  return detectInvalidTopic(name) === null;
}

/** Topic.validate: throws InvalidTopicException (INVALID_TOPIC_EXCEPTION) "Topic name is invalid: <reason>". */
export function validate(name: string): void {
  const reason = detectInvalidTopic(name);
  if (reason !== null) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name is invalid: ${reason}`);
}

/** Internal topics (__consumer_offsets, __transaction_state) are hidden from Metadata unless asked for. */
export function isInternal(topic: string): boolean {
  return INTERNAL_TOPICS.has(topic);
}

/** Topics with '.' or '_' may collide with another topic in metric names. */
export function hasCollisionChars(topic: string): boolean {
  return topic.includes('_') || topic.includes('.');
}

/** Topic.unifyCollisionChars: '.' → '_' (only for the collision check). */
export function unifyCollisionChars(topic: string): string {
  return topic.replace(/\./g, '_');
}

/** Topic.hasCollision: true if the names differ only by '.' vs '_' in the same positions. */
export function hasCollision(topicA: string, topicB: string): boolean {
  return unifyCollisionChars(topicA) === unifyCollisionChars(topicB);
}
