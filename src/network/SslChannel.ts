/**
 * The SSL side of a connection's identity (Kafka's SslTransportLayer + DefaultKafkaPrincipalBuilder for an
 * SslAuthenticationContext): with a verified client certificate the principal is User:<the subject DN in RFC 2253
 * form, through ssl.principal.mapping.rules>, without one User:ANONYMOUS.
 */
import * as tls from 'tls';
import { ANONYMOUS, KafkaPrincipal, userPrincipal } from '../security/auth/KafkaPrincipal';
import { ServerTlsSettings } from '../security/auth/ListenerSecurity';
import { rfc2253FromNodeSubject } from '../security/ssl/DistinguishedName';

export function sslPrincipal(sock: tls.TLSSocket, settings: ServerTlsSettings): KafkaPrincipal {
  const cert = sock.getPeerX509Certificate();
  if (!cert) return ANONYMOUS;
  // ssl.client.auth=requested lets the handshake finish with an untrusted certificate; Java's wantClientAuth fails it.
  if (!sock.authorized) throw new Error(`SSL handshake failed: client certificate not trusted: ${String(sock.authorizationError)}`);
  return userPrincipal(settings.principalMapper.getName(rfc2253FromNodeSubject(cert.subject)));
}
