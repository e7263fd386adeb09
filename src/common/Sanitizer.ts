/**
 * org.apache.kafka.common.utils.Sanitizer: user principals and client ids as znode names (/config/users/<u>) and
 * metric tags. URL-encoding as Java's URLEncoder does (letters, digits and `.-_` kept; space as %20, not '+'),
 * and '*' as %2A because JMX treats it as a pattern.
 */
export function sanitize(name: string): string {
  return encodeURIComponent(name)
    .replace(/\*/g, '%2A')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sanitizer.desanitize (URLDecoder.decode: '+' is a space); a malformed escape leaves the name as it is. */
export function desanitize(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
