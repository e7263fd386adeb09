import { getLogger, Logger } from '../common/logger';

/**
 * kafka.controller.ControllerEventManager: one queue, one consumer. Every controller action (watch
 * callbacks, API requests, elections) runs as an event, one at a time, so controller state needs no locks.
 */
export class ControllerEventManager {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly log: Logger;
  private pending = 0;

  constructor(controllerId: number) {
    this.log = getLogger('kafka.controller.ControllerEventManager', `[ControllerEventThread controllerId=${controllerId}] `);
  }

  get queueSize(): number {
    return this.pending;
  }

  put<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('controller event manager is closed'));
    this.pending++;
    const run = this.chain.then(async () => {
      this.pending--;
      if (this.closed) throw new Error('controller event manager is closed');
      this.log.debug(`Processing event ${name}`);
      return fn();
    });
    this.chain = run.then(
      () => undefined,
      (e: Error) => {
        if (!this.closed) this.log.error(`Uncaught error processing event ${name}`, e);
      },
    );
    return run;
  }

  /** Lets queued events run, then refuses new ones. */
  async close(): Promise<void> {
    const last = this.chain;
    this.closed = true;
    await last.catch(() => undefined);
  }
}
