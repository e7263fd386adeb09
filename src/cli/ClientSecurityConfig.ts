/**
 * Kafka's client security properties (CommonClientConfigs / SslConfigs / SaslConfigs), as every command-line tool reads
 * them from --command-config, --producer.config, --consumer.config and --producer-property/--consumer-property:
 *   security.protocol            PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
 *   ssl.truststore.location/.password/.type, ssl.truststore.certificates (inline PEM), ssl.keystore.* (client
 *   certificates), ssl.endpoint.identification.algorithm (https by default; empty = no host name check)
 *   sasl.mechanism               GSSAPI by default (not implemented); PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER
 *   sasl.jaas.config             PlainLoginModule / ScramLoginModule with username and password,
 *                                OAuthBearerLoginModule with unsecuredLoginStringClaim_sub (an unsecured JWS).
 * One mapping, two outputs: the ClientSecurity our NetworkClient uses, and the `ssl`/`sasl` options of kafkajs.
 * Errors are ClientSecurityConfigError with the message Kafka's client constructor would give (the tools print it).
 */
import * as fs from 'fs';
import * as tls from 'tls';
import type { SASLOptions } from 'kafkajs';
import type { ClientSecurity, SecurityProtocol } from '../security/auth/ListenerSecurity';
import { usesSasl, usesTls } from '../security/auth/ListenerSecurity';
import { JaasConfigError, LoginModuleEntry, parseJaasConfigValue } from '../security/sasl/JaasConfig';
import { secureContextOptions, SslConfigError } from '../security/ssl/SslFactory';
import { OAuthBearerConfigException } from '../security/sasl/OAuthBearerUnsecuredJws';
import { UnsecuredLoginToken, unsecuredLoginToken } from '../security/sasl/OAuthBearerUnsecuredLogin';

export class ClientSecurityConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientSecurityConfigError';
  }
}

/** Which client the tool builds: only the wording of construction errors differs (KafkaAdminClient / KafkaProducer / KafkaConsumer). */
export type ClientRole = 'admin' | 'producer' | 'consumer';

const CONSTRUCT_FAILED: Record<ClientRole, string> = {
  admin: 'Failed to create new KafkaAdminClient',
  producer: 'Failed to construct kafka producer',
  consumer: 'Failed to construct kafka consumer',
};

export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
export const CLIENT_SASL_MECHANISMS: readonly string[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];
const OAUTH_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

/** OAUTHBEARER's login options travel in ClientSecurity.sasl.loginOptions (username = the token's principal). */
export const OAUTHBEARER = 'OAUTHBEARER';

export interface ClientSecuritySettings {
  security: ClientSecurity;
  /** The kafkajs client's ssl / sasl options (undefined when the protocol needs none). */
  kafkajs: { ssl?: tls.ConnectionOptions; sasl?: SASLOptions };
  /** Set when the settings work for our NetworkClient only: why a kafkajs client cannot use them. */
  kafkajsUnsupported?: string;
}

/** The security keys this mapping applies (other ssl.* / sasl.* keys, e.g. ssl.cipher.suites, are not honoured). */
export const APPLIED_SECURITY_KEYS: ReadonlySet<string> = new Set([
  'security.protocol',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.keystore.type',
  'ssl.key.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.endpoint.identification.algorithm',
  'ssl.enabled.protocols',
  'sasl.mechanism',
  'sasl.jaas.config',
]);

/**
 * Without ssl.*.type Kafka assumes JKS, which Java also uses to open PKCS12 files (keystore.type.compat). JKS itself is
 * Java-only, so an unset type is read from the file: PEM text, a JKS magic number (refused by SslFactory with a
 * conversion hint), else PKCS12.
 */
function storeType(get: (k: string) => string | null, typeKey: string, locationKey: string): string {
  const explicit = get(typeKey);
  if (explicit !== null && explicit !== '') return explicit;
  const location = get(locationKey);
  if (location === null) return 'JKS';
  let head: Buffer;
  try {
    const fd = fs.openSync(location, 'r');
    head = Buffer.alloc(64);
    fs.readSync(fd, head, 0, 64, 0);
    fs.closeSync(fd);
  } catch {
    return 'JKS'; // let SslFactory report the unreadable file under its own key
  }
  if (head.readUInt32BE(0) === 0xfeedfeed) return 'JKS';
  return head.toString('latin1').includes('-----BEGIN') ? 'PEM' : 'PKCS12';
}

export function clientSecuritySettings(props: ReadonlyMap<string, string>, role: ClientRole = 'admin'): ClientSecuritySettings {
  const get = (k: string): string | null => {
    const v = props.get(k);
    return v === undefined ? null : v.trim();
  };
  const failed = CONSTRUCT_FAILED[role];
  const protocolText = get('security.protocol') ?? 'PLAINTEXT';
  const protocol = protocolText.toUpperCase() as SecurityProtocol;
  if (!SECURITY_PROTOCOLS.includes(protocol)) {
    throw new ClientSecurityConfigError(
      `Invalid value ${protocolText} for configuration security.protocol: String must be one of: ${SECURITY_PROTOCOLS.join(', ')}`,
    );
  }
  const security: ClientSecurity = { protocol };
  const kafkajs: ClientSecuritySettings['kafkajs'] = {};
  if (usesTls(protocol)) {
    let context: tls.SecureContextOptions;
    try {
      context = secureContextOptions({
        keystoreType: storeType(get, 'ssl.keystore.type', 'ssl.keystore.location'),
        keystoreLocation: get('ssl.keystore.location'),
        keystorePassword: get('ssl.keystore.password'),
        keyPassword: get('ssl.key.password'),
        keystoreKey: get('ssl.keystore.key'),
        keystoreCertificateChain: get('ssl.keystore.certificate.chain'),
        truststoreType:
          get('ssl.truststore.certificates') !== null
            ? (get('ssl.truststore.type') ?? 'PEM')
            : storeType(get, 'ssl.truststore.type', 'ssl.truststore.location'),
        truststoreLocation: get('ssl.truststore.location'),
        truststorePassword: get('ssl.truststore.password'),
        truststoreCertificates: get('ssl.truststore.certificates'),
        enabledProtocols: (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(/\s*,\s*/).filter((s) => s !== ''),
      });
    } catch (e) {
      if (e instanceof SslConfigError) throw new ClientSecurityConfigError(`${failed}: ${e.message} (${e.config})`);
      throw e;
    }
    const algorithm = (get('ssl.endpoint.identification.algorithm') ?? 'https').toLowerCase();
    if (algorithm !== '' && algorithm !== 'https') {
      throw new ClientSecurityConfigError(`${failed}: Unsupported ssl.endpoint.identification.algorithm ${algorithm} (use https, or an empty value for none)`);
    }
    const verifyHostname = algorithm === 'https';
    security.tls = { context, verifyHostname };
    kafkajs.ssl = {
      ...context,
      rejectUnauthorized: true,
      // ssl.endpoint.identification.algorithm='' : trust the chain, not the host name (Kafka's SslFactory).
      ...(verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  if (usesSasl(protocol)) {
    const mechanism = (get('sasl.mechanism') ?? 'GSSAPI').toUpperCase();
    if (!CLIENT_SASL_MECHANISMS.includes(mechanism)) {
      throw new ClientSecurityConfigError(
        `${failed}: SASL mechanism ${mechanism} is not supported by this client (sasl.mechanism: use one of ${CLIENT_SASL_MECHANISMS.join(', ')})`,
      );
    }
    const jaas = get('sasl.jaas.config');
    if (jaas === null || jaas === '') {
      throw new ClientSecurityConfigError(
        `${failed}: Could not find a 'KafkaClient' entry in the JAAS configuration. System property 'java.security.auth.login.config' is not set (set sasl.jaas.config)`,
      );
    }
    let entries: LoginModuleEntry[];
    try {
      entries = parseJaasConfigValue(jaas);
    } catch (e) {
      if (e instanceof JaasConfigError) throw new ClientSecurityConfigError(`${failed}: ${e.message} (sasl.jaas.config)`);
      throw e;
    }
    if (mechanism === OAUTHBEARER) {
      const entry = entries.find((e) => e.loginModule === OAUTH_LOGIN_MODULE) ?? entries[0];
      // OAuthBearerUnsecuredLoginCallbackHandler's token (the oauth work's builder), checked now so that a bad option
      // fails the tool at once; the SASL clients build a fresh one for every authentication.
      const login = (): UnsecuredLoginToken => {
        try {
          const t = unsecuredLoginToken(entry.options);
          if (t === null)
            throw new OAuthBearerConfigException('the OAuthBearerLoginModule has no options to build a token from (set unsecuredLoginStringClaim_sub)');
          return t;
        } catch (e) {
          if (e instanceof OAuthBearerConfigException) throw new ClientSecurityConfigError(`${failed}: ${e.message} (sasl.jaas.config)`);
          throw e;
        }
      };
      // NetworkClient's OAuthBearerSaslClient builds its token from loginOptions.
      security.sasl = { mechanism, username: login().jws.principalName, password: '', loginOptions: entry.options };
      kafkajs.sasl = { mechanism: 'oauthbearer', oauthBearerProvider: () => Promise.resolve({ value: login().jws.value }) };
    } else {
      const withCreds = entries.find((e) => e.options.has('username') && e.options.has('password'));
      if (!withCreds) throw new ClientSecurityConfigError(`${failed}: the sasl.jaas.config of ${mechanism} needs username and password options`);
      const username = withCreds.options.get('username')!;
      const password = withCreds.options.get('password')!;
      if (mechanism !== 'PLAIN' && withCreds.options.get('tokenauth')?.toLowerCase() === 'true') {
        // A delegation token (ScramLoginModule tokenauth="true": username = token id, password = its HMAC): our
        // NetworkClient sends the tokenauth extension (the dtoken work's ClientSecurity.sasl.tokenAuth); kafkajs cannot.
        security.sasl = { mechanism, username, password, tokenAuth: true };
        return {
          security,
          kafkajs,
          kafkajsUnsupported: 'delegation token authentication (ScramLoginModule tokenauth="true") is not supported by the kafkajs client of this tool',
        };
      }
      security.sasl = { mechanism, username, password };
      kafkajs.sasl =
        mechanism === 'PLAIN'
          ? { mechanism: 'plain', username, password }
          : mechanism === 'SCRAM-SHA-256'
            ? { mechanism: 'scram-sha-256', username, password }
            : { mechanism: 'scram-sha-512', username, password };
    }
  }
  return { security, kafkajs };
}
