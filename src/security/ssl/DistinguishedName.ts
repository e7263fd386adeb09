/**
 * A certificate subject as Java's X500Principal.getName(RFC2253) prints it, which is what Kafka's
 * DefaultKafkaPrincipalBuilder feeds to ssl.principal.mapping.rules: most specific RDN first
 * (`CN=client,OU=eng,O=Acme,C=US`), RFC 2253 escapes, keywords only for the attributes Java knows (CN, C, L, ST, O,
 * OU, STREET, DC, UID), others as OID=#<hex DER> (e.g. emailAddress).
 */

/** Node's X509Certificate.subject: one `key=value` per line in certificate order, `a=1 + b=2` for a multi-valued RDN. */
const RFC2253_KEYWORDS = new Set(['CN', 'C', 'L', 'ST', 'O', 'OU', 'STREET', 'DC', 'UID']);

/** Attributes Java prints by OID, with the DER string tag their value is usually encoded in. */
const OID_ATTRIBUTES: Record<string, { oid: string; tag: number }> = {
  emailAddress: { oid: '1.2.840.113549.1.9.1', tag: 0x16 }, // IA5String
  serialNumber: { oid: '2.5.4.5', tag: 0x13 }, // PrintableString
  title: { oid: '2.5.4.12', tag: 0x0c },
  SN: { oid: '2.5.4.4', tag: 0x0c },
  GN: { oid: '2.5.4.42', tag: 0x0c },
  initials: { oid: '2.5.4.43', tag: 0x0c },
  pseudonym: { oid: '2.5.4.65', tag: 0x0c },
  postalCode: { oid: '2.5.4.17', tag: 0x0c },
};

/** Splits at unescaped occurrences of `sep`, keeping escapes in place. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
    } else {
      cur += s[i];
    }
  }
  out.push(cur);
  return out;
}

/** OpenSSL's escapes: `\,` and friends, and `\XX` hex bytes (UTF-8). */
function unescapeOpenSsl(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && i + 2 < v.length + 1 && /^[0-9A-Fa-f]{2}$/.test(v.substring(i + 1, i + 3))) {
      bytes.push(parseInt(v.substring(i + 1, i + 3), 16));
      i += 2;
    } else if (v[i] === '\\' && i + 1 < v.length) {
      bytes.push(...Buffer.from(v[++i], 'utf8'));
    } else {
      bytes.push(...Buffer.from(v[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2253 section 2.4 as Java applies it. */
function escapeRfc2253(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (',+"\\<>;'.includes(c)) out += `\\${c}`;
    else if ((i === 0 && (c === '#' || c === ' ')) || (i === v.length - 1 && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function derHex(tag: number, value: string): string {
  const body = Buffer.from(value, 'utf8');
  if (body.length >= 128) {
    const len = body.length < 256 ? Buffer.from([0x81, body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
    return Buffer.concat([Buffer.from([tag]), len, body]).toString('hex');
  }
  return Buffer.concat([Buffer.from([tag, body.length]), body]).toString('hex');
}

function formatAva(ava: string): string {
  const eq = ava.indexOf('=');
  if (eq < 0) return escapeRfc2253(ava);
  const key = ava.substring(0, eq).trim();
  const value = unescapeOpenSsl(ava.substring(eq + 1));
  if (RFC2253_KEYWORDS.has(key.toUpperCase())) return `${key.toUpperCase()}=${escapeRfc2253(value)}`;
  const known = OID_ATTRIBUTES[key];
  if (known) return `${known.oid}=#${derHex(known.tag, value)}`;
  if (/^\d+(\.\d+)+$/.test(key)) return `${key}=#${derHex(0x0c, value)}`;
  return `${key}=${escapeRfc2253(value)}`;
}

/** Node's X509Certificate.subject text -> Java's RFC 2253 DN. */
export function rfc2253FromNodeSubject(subject: string): string {
  const rdns = subject.split('\n').filter((l) => l.length > 0);
  return rdns
    .reverse()
    .map((rdn) =>
      splitUnescaped(rdn, ' + ')
        .map((ava) => formatAva(ava))
        .join('+'),
    )
    .join(',');
}
