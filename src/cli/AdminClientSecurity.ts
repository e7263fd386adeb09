/**
 * The security part of an admin client's properties (--command-config), as Kafka's clients read it:
 * security.protocol (PLAINTEXT by default), sasl.mechanism (GSSAPI by default, which we do not implement) with the
 * username/password options of sasl.jaas.config, and for SSL/SASL_SSL the trust store (and a key store for client
 * authentication) with ssl.endpoint.identification.algorithm (https by default: host name verification).
 */
import type { ClientSecurity, SecurityProtocol } from '../security/auth/ListenerSecurity';
import { usesSasl, usesTls } from '../security/auth/ListenerSecurity';
import { clientCredentials, JaasConfigError, parseJaasConfigValue } from '../security/sasl/JaasConfig';
import { secureContextOptions, SslConfigError } from '../security/ssl/SslFactory';
import { fail } from './CommandUtils';

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const CLIENT_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function clientSecurityFromProps(props: ReadonlyMap<string, string>): ClientSecurity {
  const get = (k: string): string | null => {
    const v = props.get(k);
    return v === undefined ? null : v.trim();
  };
  const protocol = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase() as SecurityProtocol;
  if (!PROTOCOLS.includes(protocol)) {
    fail(`Invalid value ${get('security.protocol')} for configuration security.protocol: String must be one of: ${PROTOCOLS.join(', ')}`);
  }
  const out: ClientSecurity = { protocol };
  if (usesTls(protocol)) {
    try {
      const context = secureContextOptions({
        keystoreType: get('ssl.keystore.type') ?? 'JKS',
        keystoreLocation: get('ssl.keystore.location'),
        keystorePassword: get('ssl.keystore.password'),
        keyPassword: get('ssl.key.password'),
        keystoreKey: get('ssl.keystore.key'),
        keystoreCertificateChain: get('ssl.keystore.certificate.chain'),
        truststoreType: get('ssl.truststore.type') ?? 'JKS',
        truststoreLocation: get('ssl.truststore.location'),
        truststorePassword: get('ssl.truststore.password'),
        truststoreCertificates: get('ssl.truststore.certificates'),
        enabledProtocols: (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(/\s*,\s*/).filter((s) => s !== ''),
      });
      out.tls = { context, verifyHostname: (get('ssl.endpoint.identification.algorithm') ?? 'https').toLowerCase() === 'https' };
    } catch (e) {
      if (e instanceof SslConfigError) fail(`${e.message} (${e.config})`);
      throw e;
    }
  }
  if (usesSasl(protocol)) {
    const mechanism = get('sasl.mechanism') ?? 'GSSAPI';
    if (!CLIENT_SASL_MECHANISMS.includes(mechanism)) fail(`Failed to create new KafkaAdminClient: SASL mechanism ${mechanism} is not supported by this client`);
    const jaas = get('sasl.jaas.config');
    if (jaas === null) fail("Could not find a 'KafkaClient' entry in the JAAS configuration. System property 'java.security.auth.login.config' is not set");
    let creds: { username: string; password: string } | null;
    let tokenAuth = false;
    try {
      const entries = parseJaasConfigValue(jaas);
      creds = clientCredentials(entries);
      // dtoken: ScramLoginModule's tokenauth="true" (case-insensitive): authenticate with a delegation token.
      tokenAuth = mechanism.startsWith('SCRAM-') && entries.some((e) => e.options.get('tokenauth')?.toLowerCase() === 'true');
    } catch (e) {
      if (e instanceof JaasConfigError) fail(`Failed to create new KafkaAdminClient: ${e.message}`);
      throw e;
    }
    if (!creds) fail(`Failed to create new KafkaAdminClient: the sasl.jaas.config of ${mechanism} needs username and password options`);
    out.sasl = { mechanism, ...creds, ...(tokenAuth ? { tokenAuth } : {}) }; // dtoken: tokenAuth
  }
  return out;
}
