/**
 * Logging in Kafka's log4j line shape: `[2024-01-01 12:00:00,123] INFO [Component id=1] message (logger.name)`.
 * Placeholder implementation; the winston-backed one keeps exactly this interface.
 */
export interface Logger {
  error(msg: string, err?: unknown): void;
  warn(msg: string, err?: unknown): void;
  info(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  isDebugEnabled(): boolean;
}

/**
 * @param loggerName Kafka's logger (class) name, e.g. `kafka.server.KafkaServer`.
 * @param logIdent   the bracketed prefix, e.g. `[KafkaServer id=1] ` (with trailing space), as Kafka's Logging trait.
 */
export function getLogger(loggerName: string, logIdent = ''): Logger {
  const line = (level: string, msg: string) => {
    const d = new Date();
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const ts = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
    process.stdout.write(`[${ts}] ${level} ${logIdent}${msg} (${loggerName})\n`);
  };
  return {
    error: (m, e) => line('ERROR', e ? `${m}: ${e instanceof Error ? e.stack : String(e)}` : m),
    warn: (m, e) => line('WARN', e ? `${m}: ${e instanceof Error ? e.message : String(e)}` : m),
    info: (m) => line('INFO', m),
    debug: () => undefined,
    trace: () => undefined,
    isDebugEnabled: () => false,
  };
}
