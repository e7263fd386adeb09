/**
 * The security part of KafkaConfig (Kafka 3.7's KafkaConfig.validateValues SASL checks, ChannelBuilders'
 * listener-prefixed configs and JaasContext.loadServerContext): each listener's ssl.* / sasl.* settings, where a
 * `listener.name.<listener lower-case>.<key>` override wins over the broker-wide key, and the JAAS login modules of
 * each SASL mechanism (`listener.name.<l>.<mechanism lower-case>.sasl.jaas.config`, else the JAAS file named by
 * -Djava.security.auth.login.config in KAFKA_OPTS, section `<l>.KafkaServer` then `KafkaServer`).
 *
 * Checks that need no file run with the KafkaConfig (so a bad value stops the broker before anything starts);
 * key and trust stores are read when the SocketServer and the inter-broker clients are built.
 */
import * as fs from 'fs';
import { ConfigException } from '../../common/config/ConfigDef';
import type { EndPoint } from '../../cluster/EndPoint';
import { ClientSecurity, ListenerSecurity, SecurityProtocol, SslClientAuth, usesSasl, usesTls } from '../../security/auth/ListenerSecurity';
import {
  clientCredentials,
  jaasFileFromKafkaOpts,
  JaasConfigError,
  LoginModuleEntry,
  parseJaasConfigValue,
  parseJaasFile,
  plainUsers,
} from '../../security/sasl/JaasConfig';
import { OAuthBearerConfigException } from '../../security/sasl/OAuthBearerUnsecuredJws';
import { unsecuredLoginToken } from '../../security/sasl/OAuthBearerUnsecuredLogin';
import { hasKeystore, secureContextOptions, SslConfigError, SslSettings } from '../../security/ssl/SslFactory';
import { SslPrincipalMapper } from '../../security/ssl/SslPrincipalMapper';

/** The mechanisms this broker implements (GSSAPI is not; OAUTHBEARER with Kafka's default unsecured JWS callbacks). */
export const SUPPORTED_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** What KafkaConfigSecurity reads: the parsed config's typed getters and the raw properties. */
export interface SecurityConfigSource {
  readonly originals: Readonly<Record<string, unknown>>;
  readonly listeners: EndPoint[];
  readonly interBrokerListenerName: string;
  readonly interBrokerSecurityProtocol: string;
  getString(name: string): string | null;
  getList(name: string): string[];
  getLong(name: string): number;
  getInt(name: string): number;
  isSupplied(name: string): boolean;
}

const CSV = /\s*,\s*/;

function prefix(listenerName: string): string {
  return `listener.name.${listenerName.toLowerCase()}.`;
}

/** The listener's override of a key, else the broker-wide value (ListenerName.configPrefix + valuesWithPrefixOverride). */
function stringFor(c: SecurityConfigSource, listenerName: string, key: string): string | null {
  const v = c.originals[prefix(listenerName) + key];
  if (v !== undefined && v !== null) return String(v).trim();
  return c.getString(key);
}

/** A numeric key with its listener override (e.g. listener.name.sasl_ssl.connections.max.reauth.ms). */
function numberFor(c: SecurityConfigSource, listenerName: string, key: string, fallback: number): number {
  const v = c.originals[prefix(listenerName) + key];
  if (v === undefined || v === null) return fallback;
  const n = Number(String(v).trim());
  if (!Number.isFinite(n)) throw new ConfigException(prefix(listenerName) + key, String(v), 'Not a number');
  return n;
}

function listFor(c: SecurityConfigSource, listenerName: string, key: string): string[] {
  const v = c.originals[prefix(listenerName) + key];
  if (v !== undefined && v !== null) {
    const text = Array.isArray(v) ? v.join(',') : String(v);
    return text.trim() === '' ? [] : text.trim().split(CSV);
  }
  return c.getList(key);
}

/** sasl.enabled.mechanisms of a listener, upper-cased as clients name them. */
export function saslEnabledMechanisms(c: SecurityConfigSource, listenerName: string): string[] {
  return listFor(c, listenerName, 'sasl.enabled.mechanisms').map((m) => m.trim());
}

/**
 * The validateValues part: per SASL listener, enabled mechanisms this broker can serve (GSSAPI refused with a message
 * saying what to set; dropped with a warning when other mechanisms are enabled too), the inter-broker mechanism among
 * the inter-broker listener's, the principal mapping rules parse, ssl.client.auth valid where overridden.
 * Returns warnings for the caller to log.
 */
export function validateSecurityConfig(c: SecurityConfigSource): string[] {
  const warnings: string[] = [];
  for (const l of c.listeners) {
    const protocol = l.securityProtocol as SecurityProtocol;
    if (usesSasl(protocol)) {
      const mechanisms = saslEnabledMechanisms(c, l.listenerName);
      const served = mechanisms.filter((m) => SUPPORTED_SASL_MECHANISMS.includes(m));
      const key =
        c.originals[prefix(l.listenerName) + 'sasl.enabled.mechanisms'] !== undefined
          ? prefix(l.listenerName) + 'sasl.enabled.mechanisms'
          : 'sasl.enabled.mechanisms';
      if (served.length === 0) {
        const gssapi = mechanisms.includes('GSSAPI');
        throw new ConfigException(
          `${gssapi ? 'SASL mechanism GSSAPI (Kerberos) is not supported by this broker' : `None of the SASL mechanisms [${mechanisms.join(', ')}] is supported by this broker`}: ` +
            `listener ${l.listenerName} (${protocol}) needs ${key} set to one or more of ${SUPPORTED_SASL_MECHANISMS.join(', ')} (the default is GSSAPI)`,
          key,
        );
      }
      for (const m of mechanisms) {
        if (!served.includes(m)) warnings.push(`SASL mechanism ${m} in ${key} is not supported by this broker and is disabled on listener ${l.listenerName}`);
        // oauth: JaasContext.loadServerContext reads only the listener- and mechanism-prefixed key on a broker.
        const prefixed = c.originals[`${prefix(l.listenerName)}${m.toLowerCase()}.sasl.jaas.config`];
        if (served.includes(m) && (prefixed === undefined || prefixed === null) && c.originals['sasl.jaas.config'] !== undefined) {
          warnings.push('Server config sasl.jaas.config should be prefixed with SASL mechanism name, ignoring config');
        }
      }
    }
    if (usesTls(protocol)) {
      const clientAuth = stringFor(c, l.listenerName, 'ssl.client.auth') ?? 'none';
      if (!['none', 'requested', 'required'].includes(clientAuth)) {
        throw new ConfigException(prefix(l.listenerName) + 'ssl.client.auth', clientAuth, 'String must be one of: required, requested, none');
      }
      const rules = stringFor(c, l.listenerName, 'ssl.principal.mapping.rules');
      try {
        new SslPrincipalMapper(rules);
      } catch (e) {
        throw new ConfigException('ssl.principal.mapping.rules', rules, (e as Error).message);
      }
    }
  }
  // KafkaConfig.validateValues: the inter-broker SASL mechanism must be enabled on the inter-broker listener.
  const ibp = c.interBrokerSecurityProtocol as SecurityProtocol;
  if (usesSasl(ibp)) {
    const mech = c.getString('sasl.mechanism.inter.broker.protocol') ?? 'GSSAPI';
    if (!saslEnabledMechanisms(c, c.interBrokerListenerName).includes(mech)) {
      throw new ConfigException(
        'sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms when SASL is used for inter-broker communication',
        'sasl.mechanism.inter.broker.protocol',
      );
    }
    if (!SUPPORTED_SASL_MECHANISMS.includes(mech)) {
      throw new ConfigException(
        `SASL mechanism ${mech} is not supported by this broker for inter-broker communication: set sasl.mechanism.inter.broker.protocol to one of ${SUPPORTED_SASL_MECHANISMS.join(', ')}`,
        'sasl.mechanism.inter.broker.protocol',
      );
    }
  }
  return warnings;
}

function sslSettings(c: SecurityConfigSource, listenerName: string): SslSettings {
  const s = (k: string) => stringFor(c, listenerName, k);
  return {
    keystoreType: s('ssl.keystore.type') ?? 'JKS',
    keystoreLocation: s('ssl.keystore.location'),
    keystorePassword: s('ssl.keystore.password'),
    keyPassword: s('ssl.key.password'),
    keystoreKey: s('ssl.keystore.key'),
    keystoreCertificateChain: s('ssl.keystore.certificate.chain'),
    truststoreType: s('ssl.truststore.type') ?? 'JKS',
    truststoreLocation: s('ssl.truststore.location'),
    truststorePassword: s('ssl.truststore.password'),
    truststoreCertificates: s('ssl.truststore.certificates'),
    enabledProtocols: listFor(c, listenerName, 'ssl.enabled.protocols'),
  };
}

function sslConfigException(e: unknown, listenerName: string): never {
  if (e instanceof SslConfigError) throw new ConfigException(`${e.message} (listener ${listenerName})`, e.config);
  throw e;
}

/** JaasContext.loadServerContext for one mechanism of a listener. */
function jaasEntries(c: SecurityConfigSource, listenerName: string, mechanism: string, env: NodeJS.ProcessEnv): LoginModuleEntry[] {
  const key = `${prefix(listenerName)}${mechanism.toLowerCase()}.sasl.jaas.config`;
  const value = c.originals[key];
  try {
    if (value !== undefined && value !== null) return parseJaasConfigValue(String(value));
    const file = jaasFileFromKafkaOpts(env.KAFKA_OPTS);
    const section = `${listenerName.toLowerCase()}.KafkaServer`;
    if (file === null) {
      throw new ConfigException(
        `Could not find a 'KafkaServer' or '${section}' entry in the JAAS configuration. System property 'java.security.auth.login.config' is not set`,
        key,
      );
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigException(`Cannot read the JAAS file ${file} (java.security.auth.login.config): ${(e as Error).message}`, key);
    }
    const sections = parseJaasFile(text);
    const entries = sections.get(section) ?? sections.get('KafkaServer');
    if (!entries)
      throw new ConfigException(
        `Could not find a 'KafkaServer' or '${section}' entry in the JAAS configuration. System property 'java.security.auth.login.config' is ${file}`,
        key,
      );
    return entries;
  } catch (e) {
    if (e instanceof JaasConfigError) throw new ConfigException(`${e.message} (${key})`, key);
    throw e;
  }
}

/** The SocketServer's settings for one listener (reads key and trust stores, and the JAAS file if any). */
export function listenerSecurity(c: SecurityConfigSource, listenerName: string, protocol: string, env: NodeJS.ProcessEnv = process.env): ListenerSecurity {
  const p = protocol as SecurityProtocol;
  const out: ListenerSecurity = { listenerName, protocol: p };
  if (usesTls(p)) {
    const settings = sslSettings(c, listenerName);
    if (!hasKeystore(settings)) {
      throw new ConfigException(
        `A ${p} listener (${listenerName}) needs a key store: set ssl.keystore.location or ssl.keystore.key and ssl.keystore.certificate.chain`,
        'ssl.keystore.location',
      );
    }
    let context;
    try {
      context = secureContextOptions(settings);
    } catch (e) {
      sslConfigException(e, listenerName);
    }
    out.tls = {
      context,
      clientAuth: (stringFor(c, listenerName, 'ssl.client.auth') ?? 'none') as SslClientAuth,
      principalMapper: new SslPrincipalMapper(stringFor(c, listenerName, 'ssl.principal.mapping.rules')),
    };
  }
  if (usesSasl(p)) {
    const enabled = saslEnabledMechanisms(c, listenerName).filter((m) => SUPPORTED_SASL_MECHANISMS.includes(m));
    let users = new Map<string, string>();
    let oauthBearerOptions: ReadonlyMap<string, string> | undefined;
    for (const m of enabled) {
      const entries = jaasEntries(c, listenerName, m, env);
      if (m === 'PLAIN') users = plainUsers(entries);
      if (m === 'OAUTHBEARER') oauthBearerOptions = oauthBearerLoginOptions(c, entries, listenerName, 'server');
    }
    out.sasl = {
      enabledMechanisms: enabled,
      plainUsers: users,
      ...(oauthBearerOptions ? { oauthBearerOptions } : {}),
      maxReauthMs: numberFor(c, listenerName, 'connections.max.reauth.ms', c.getLong('connections.max.reauth.ms')),
      maxReceiveSize: numberFor(c, listenerName, 'sasl.server.max.receive.size', c.getInt('sasl.server.max.receive.size')),
    };
  }
  return out;
}

/**
 * The broker's own client side of the inter-broker listener (replica fetchers, controller channel, marker sender):
 * the listener's truststore (and key store, offered when the listener asks for client certificates), the endpoint
 * identification setting, and for SASL the inter-broker mechanism with the jaas config's username/password.
 */
export function interBrokerClientSecurity(c: SecurityConfigSource, env: NodeJS.ProcessEnv = process.env): ClientSecurity {
  const listenerName = c.interBrokerListenerName;
  const p = c.interBrokerSecurityProtocol as SecurityProtocol;
  const out: ClientSecurity = { protocol: p };
  if (usesTls(p)) {
    try {
      out.tls = {
        context: secureContextOptions(sslSettings(c, listenerName)),
        verifyHostname: (stringFor(c, listenerName, 'ssl.endpoint.identification.algorithm') ?? '').toLowerCase() === 'https',
      };
    } catch (e) {
      sslConfigException(e, listenerName);
    }
  }
  if (usesSasl(p)) {
    const mechanism = c.getString('sasl.mechanism.inter.broker.protocol') ?? 'GSSAPI';
    if (mechanism === 'OAUTHBEARER') {
      const loginOptions = oauthBearerLoginOptions(c, jaasEntries(c, listenerName, mechanism, env), listenerName, 'client');
      out.sasl = { mechanism, username: '', password: '', loginOptions };
      return out;
    }
    const creds = clientCredentials(jaasEntries(c, listenerName, mechanism, env));
    if (!creds) {
      throw new ConfigException(
        `The JAAS config of mechanism ${mechanism} on the inter-broker listener ${listenerName} needs username and password options for the broker's own connections`,
        `${prefix(listenerName)}${mechanism.toLowerCase()}.sasl.jaas.config`,
      );
    }
    out.sasl = { mechanism, ...creds };
  }
  return out;
}

// oauth: OAUTHBEARER's JAAS options.
const UNSECURED_VALIDATOR = 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler';
const UNSECURED_LOGIN = 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredLoginCallbackHandler';
/**
 * The OAuthBearerLoginModule options of a listener's OAUTHBEARER JAAS config. Kafka's callback handlers
 * (OAuthBearerUnsecured{Login,Validator}CallbackHandler.configure) need exactly one login module, and the broker
 * logs in at startup (LoginManager): options that cannot make a token (no principal claim, an `iat`/`exp` claim,
 * a bad lifetime or extension) stop the broker. Empty options are a login without a token: fine for a listener
 * that only validates, not for the broker's own inter-broker connections.
 */
function oauthBearerLoginOptions(
  c: SecurityConfigSource,
  entries: LoginModuleEntry[],
  listenerName: string,
  side: 'server' | 'client',
): ReadonlyMap<string, string> {
  const key = `${prefix(listenerName)}oauthbearer.sasl.jaas.config`;
  // Only Kafka's default (unsecured JWS) callback handlers are implemented: a broker configured for the secured
  // ones (OAuthBearerValidatorCallbackHandler with a JWKS endpoint, OAuthBearerLoginCallbackHandler) must not
  // silently accept unsigned tokens instead, so it refuses to start.
  for (const handlerKey of ['sasl.server.callback.handler.class', 'sasl.login.callback.handler.class']) {
    const k = `${prefix(listenerName)}oauthbearer.${handlerKey}`;
    const v = c.originals[k];
    if (v === undefined || v === null) continue;
    const cls = String(v).trim();
    const unsecured = handlerKey.startsWith('sasl.server') ? UNSECURED_VALIDATOR : UNSECURED_LOGIN;
    if (cls !== unsecured) {
      throw new ConfigException(`${cls} is not supported by this broker: OAUTHBEARER uses Kafka's unsecured JWS callback handler (${unsecured})`, k);
    }
  }
  if (entries.length !== 1) throw new ConfigException(`Must supply exactly 1 non-null JAAS mechanism configuration (size was ${entries.length})`, key);
  const options = entries[0].options;
  let token;
  try {
    token = unsecuredLoginToken(options);
  } catch (e) {
    if (e instanceof OAuthBearerConfigException) throw new ConfigException(`OAUTHBEARER login failed on listener ${listenerName}: ${e.message}`, key);
    throw e;
  }
  if (side === 'client' && token === null) {
    throw new ConfigException(
      `The OAUTHBEARER JAAS config of the inter-broker listener ${listenerName} needs unsecuredLoginStringClaim_sub (or another principal claim) for the broker's own connections`,
      key,
    );
  }
  return options;
}
