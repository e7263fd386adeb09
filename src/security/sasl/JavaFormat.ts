/**
 * Java's Double.toString, which Kafka's unsecured login writes into the `iat` / `exp` claims
 * (`time.milliseconds() / 1000.0`): plain decimal with at least one fraction digit for 1e-3 <= |d| < 1e7, else
 * "computerized scientific notation" (1.7335836001E9). The digits are the shortest that round-trip, as in
 * JavaScript (and Java 19+).
 */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}
