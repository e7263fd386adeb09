/**
 * The authorizer configs of a node: `authorizer.class.name` (KafkaConfig) and the authorizer's own `super.users` and
 * `allow.everyone.if.no.acl.found`, which Kafka's AclAuthorizer.configure / StandardAuthorizer.configure read from the
 * originals. kafka.security.authorizer.AclAuthorizer keeps its ACLs in ZooKeeper (ZooKeeper mode only);
 * org.apache.kafka.metadata.authorizer.StandardAuthorizer in the metadata log (KRaft mode only, brokers and
 * controllers). Any other class name fails the start with a message, as Kafka fails on a class it cannot load.
 */
import { ConfigException } from '../../common/config/ConfigDef';

export const ACL_AUTHORIZER_CLASS_NAME = 'kafka.security.authorizer.AclAuthorizer';
/** KRaft's authorizer (ACLs in metadata records). */
export const STANDARD_AUTHORIZER_CLASS_NAME = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

export interface AuthorizerSettings {
  /** ACL_AUTHORIZER_CLASS_NAME (ZooKeeper mode) or STANDARD_AUTHORIZER_CLASS_NAME (KRaft mode). */
  className: string;
  superUsers: string;
  allowEveryoneIfNoAclFound: boolean;
}

/** null = no authorizer (every action allowed). */
export function authorizerSettings(className: string | null, originals: Readonly<Record<string, unknown>>, kraft: boolean): AuthorizerSettings | null {
  const name = (className ?? '').trim();
  if (name === '') return null;
  // AclAuthorizer needs ZooKeeper; StandardAuthorizer is fed by the metadata log (a ZooKeeper-mode broker has none:
  // Kafka 3.7 allows it there only during a migration, which this project does not do).
  if ((name === STANDARD_AUTHORIZER_CLASS_NAME && !kraft) || (kraft && name === ACL_AUTHORIZER_CLASS_NAME)) {
    const wanted = kraft ? STANDARD_AUTHORIZER_CLASS_NAME : ACL_AUTHORIZER_CLASS_NAME;
    throw new ConfigException(
      `authorizer.class.name=${name} is not supported in ${kraft ? 'KRaft' : 'ZooKeeper'} mode by this broker: use ${wanted} in ${kraft ? 'KRaft' : 'ZooKeeper'} mode`,
      'authorizer.class.name',
    );
  }
  if (name !== ACL_AUTHORIZER_CLASS_NAME && name !== STANDARD_AUTHORIZER_CLASS_NAME) {
    throw new ConfigException(
      `Class ${name} cannot be found: authorizer.class.name must be ${kraft ? STANDARD_AUTHORIZER_CLASS_NAME : ACL_AUTHORIZER_CLASS_NAME} or empty`,
      'authorizer.class.name',
    );
  }
  const superUsers = String(originals['super.users'] ?? '');
  for (const s of superUsers.split(';')) {
    const t = s.trim();
    if (t !== '' && t.indexOf(':') <= 0) throw new ConfigException(`Invalid super.users entry '${t}': expected <type>:<name>, e.g. User:admin`, 'super.users');
  }
  const allow = String(originals['allow.everyone.if.no.acl.found'] ?? 'false')
    .trim()
    .toLowerCase();
  if (allow !== 'true' && allow !== 'false') {
    throw new ConfigException(
      `Invalid value ${allow} for configuration allow.everyone.if.no.acl.found: Expected value to be either true or false`,
      'allow.everyone.if.no.acl.found',
    );
  }
  return { className: name, superUsers, allowEveryoneIfNoAclFound: allow === 'true' };
}
