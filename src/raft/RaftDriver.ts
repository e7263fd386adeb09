/**
 * Runs a KafkaRaftClient on Node's event loop (Kafka's KafkaRaftClientDriver thread, whose loop calls poll()):
 * polls when the client asks to (its returned timeout) and as soon as a request or response arrives. Inbound
 * requests come in as promises of their responses, which is how a server answers them.
 */
import { KafkaRaftClient } from './KafkaRaftClient';
import { Completion, RaftApiKeyValue } from './NetworkChannel';

export class RaftDriver<T> {
  private timer: NodeJS.Timeout | undefined;
  private wakeQueued = false;
  private running = false;
  /** The error that stopped the client, if one did (Kafka's driver hands it to the fault handler). */
  failure: Error | undefined;

  constructor(
    readonly client: KafkaRaftClient<T>,
    private readonly onFailure: (e: Error) => void = () => {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.client.initialize();
    this.pollNow();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Schedules a poll on the next turn of the event loop (a message arrived, a completion fired). */
  wakeup(): void {
    if (!this.running || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.pollNow();
    });
  }

  /** An inbound request from node `sourceId`; resolves with the response body. */
  handle(sourceId: number, apiKey: RaftApiKeyValue, data: object): Promise<object> {
    return new Promise((resolve, reject) => {
      const completion = new Completion<object>();
      completion.onComplete((v, e) => (e || !v ? reject(e ?? new Error('no response')) : resolve(v)));
      this.client.handle({ sourceId, apiKey, data, completion });
      this.wakeup();
    });
  }

  private pollNow(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let timeout: number;
    try {
      timeout = this.client.poll();
    } catch (e) {
      this.failure = e as Error;
      this.stop();
      this.onFailure(e as Error);
      return;
    }
    if (!this.client.isRunning()) {
      this.stop();
      return;
    }
    // Responses to our requests arrive through completions: the channel wakes us (see promiseChannel's caller).
    if (timeout !== Infinity) this.timer = setTimeout(() => this.pollNow(), Math.min(timeout, 2 ** 31 - 1));
  }
}
