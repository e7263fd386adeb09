/**
 * Drives test/integration/groups/pyconsumer.py: a librdkafka group consumer (Debian's python3-confluent-kafka,
 * librdkafka 2.0.2) in its own process, reporting assignments, records and errors as JSON lines.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SCRIPT = path.join(ROOT, 'test', 'integration', 'groups', 'pyconsumer.py');
/** Debian's interpreter: the package installs into /usr/lib/python3/dist-packages, not a pyenv python. */
export const PYTHON = '/usr/bin/python3';

export interface PyEvent {
  ev: string;
  partitions?: number[];
  partition?: number;
  offset?: number;
  code?: number;
  name?: string;
  str?: string;
  fatal?: boolean;
}

export class PyConsumer {
  readonly events: PyEvent[] = [];
  readonly stderr: string[] = [];
  private readonly proc: ChildProcess;
  exited = false;

  constructor(conf: Record<string, string | number | boolean>, topic: string) {
    this.proc = spawn(PYTHON, [SCRIPT, JSON.stringify(conf), topic], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line) this.events.push(JSON.parse(line) as PyEvent);
      }
    });
    this.proc.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString('utf8')));
    this.proc.once('exit', () => (this.exited = true));
  }

  of(ev: string): PyEvent[] {
    return this.events.filter((e) => e.ev === ev);
  }

  /** The partitions of the last assign event, or null before the first one. */
  lastAssignment(): number[] | null {
    const a = this.of('assign');
    return a.length > 0 ? a[a.length - 1].partitions! : null;
  }

  async waitForEvent(what: string, pred: (e: PyEvent) => boolean, timeoutMs = 30000): Promise<PyEvent> {
    let found: PyEvent | undefined;
    await waitFor(what, async () => (found = this.events.find(pred)) !== undefined, timeoutMs, 100).catch((e: Error) => {
      throw new Error(`${e.message}\nevents: ${JSON.stringify(this.events)}\nstderr: ${this.stderr.join('')}`);
    });
    return found!;
  }

  command(cmd: 'pause' | 'resume' | 'close' | 'crash'): void {
    if (!this.exited) this.proc.stdin!.write(`${cmd}\n`);
  }

  async exit(timeoutMs = 15000): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, timeoutMs);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}
