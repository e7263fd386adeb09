/**
 * The security part of an admin client's properties (--command-config) for our own NetworkClient requests: the mapping
 * itself is ClientSecurityConfig.ts (shared by every tool and by the kafkajs clients); this keeps the name the users
 * path of kafka-configs and kafka-acls call, turning a bad setting into the tool's one-line error.
 */
import type { ClientSecurity } from '../security/auth/ListenerSecurity';
import { ClientRole, clientSecuritySettings, ClientSecurityConfigError } from './ClientSecurityConfig';
import { fail } from './CommandUtils';

export function clientSecurityFromProps(props: ReadonlyMap<string, string>, role: ClientRole = 'admin'): ClientSecurity {
  try {
    return clientSecuritySettings(props, role).security;
  } catch (e) {
    if (e instanceof ClientSecurityConfigError) fail(e.message);
    throw e;
  }
}
