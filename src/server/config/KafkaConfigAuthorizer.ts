/**
 * The authorizer configs of a broker: `authorizer.class.name` (KafkaConfig) and AclAuthorizer's own `super.users` and
 * `allow.everyone.if.no.acl.found`, which Kafka's AclAuthorizer.configure reads from the broker's originals.
 * Only kafka.security.authorizer.AclAuthorizer exists here (ZooKeeper mode); any other class name fails the start
 * with a message, as Kafka fails on a class it cannot load.
 */
import { ConfigException } from '../../common/config/ConfigDef';

export const ACL_AUTHORIZER_CLASS_NAME = 'kafka.security.authorizer.AclAuthorizer';
/** KRaft's authorizer (ACLs in metadata records): not implemented in this round. */
const STANDARD_AUTHORIZER_CLASS_NAME = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

export interface AuthorizerSettings {
  superUsers: string;
  allowEveryoneIfNoAclFound: boolean;
}

/** null = no authorizer (every action allowed). */
export function authorizerSettings(className: string | null, originals: Readonly<Record<string, unknown>>, kraft: boolean): AuthorizerSettings | null {
  const name = (className ?? '').trim();
  if (name === '') return null;
  if (name === STANDARD_AUTHORIZER_CLASS_NAME || (kraft && name === ACL_AUTHORIZER_CLASS_NAME)) {
    throw new ConfigException(
      `authorizer.class.name=${name} is not supported in ${kraft ? 'KRaft' : 'ZooKeeper'} mode by this broker: ` +
        `only ${ACL_AUTHORIZER_CLASS_NAME} in ZooKeeper mode is implemented (KRaft's StandardAuthorizer is not)`,
      'authorizer.class.name',
    );
  }
  if (name !== ACL_AUTHORIZER_CLASS_NAME) {
    throw new ConfigException(`Class ${name} cannot be found: authorizer.class.name must be ${ACL_AUTHORIZER_CLASS_NAME} or empty`, 'authorizer.class.name');
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
  return { superUsers, allowEveryoneIfNoAclFound: allow === 'true' };
}
