/**
 * Kafka's `LogDirFailureChannel`: where an I/O error on a log dir (a full disk, EIO) is reported. The dir goes
 * offline: every log in it refuses appends with KAFKA_STORAGE_ERROR from then on, so a failed write never
 * gets a second, partial go. Kafka then stops serving the dir's replicas (and halts when no live dir is left);
 * here the dir stays offline until the broker restarts.
 */
import { getLogger } from '../common/logger';

/** A Node file-system error (it has an errno code and a syscall): Kafka's IOException. */
export function isStorageError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException;
  return e instanceof Error && typeof err.code === 'string' && typeof err.syscall === 'string';
}

export class LogDirFailureChannel {
  private readonly offline = new Map<string, string>();
  private readonly listeners: Array<(dir: string) => void> = [];
  private readonly logger = getLogger('kafka.server.LogDirFailureChannel');

  /** Marks `dir` offline (once) after logging `msg` at ERROR with the cause, as Kafka's maybeAddOfflineLogDir. */
  maybeAddOfflineLogDir(dir: string, msg: string, cause: unknown): void {
    this.logger.error(msg, cause);
    if (this.offline.has(dir)) return;
    this.offline.set(dir, msg);
    this.logger.error(`Log dir ${dir} is offline: appends to its logs fail with KAFKA_STORAGE_ERROR`);
    for (const l of this.listeners) l(dir);
  }

  isOffline(dir: string): boolean {
    return this.offline.has(dir);
  }

  get offlineLogDirs(): string[] {
    return [...this.offline.keys()];
  }

  onOffline(listener: (dir: string) => void): void {
    this.listeners.push(listener);
  }
}
