import * as fs from 'fs';
import * as path from 'path';

/**
 * A machine-readable record of what the controller did, one JSON object per line with a timestamp,
 * for people studying failover: election won, brokers added/removed, leader and ISR per partition,
 * topics created. Written to controller-events.jsonl in the broker's log directory (LOG_DIR).
 */
export class ControllerEventLog {
  private fd: number | null = null;

  constructor(
    private readonly brokerId: number,
    file?: string,
  ) {
    const target = file ?? path.join(process.env.LOG_DIR ?? path.join(process.cwd(), 'logs'), 'controller-events.jsonl');
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      this.fd = fs.openSync(target, 'a');
    } catch {
      this.fd = null;
    }
  }

  emit(event: string, fields: Record<string, unknown>): void {
    if (this.fd === null) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), broker: this.brokerId, event, ...fields });
    try {
      fs.writeSync(this.fd, line + '\n');
    } catch {
      // best effort: the event stream must never disturb the controller
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
