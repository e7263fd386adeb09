import { getLogger, Logger } from '../common/logger';
import { DisconnectedError, NetworkClient } from '../network/NetworkClient';
import { LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi } from '../protocol/apis';
import { ApiCodec } from '../protocol/apis/types';
import { BrokerInfo } from '../zk/ZkData';

interface QueuedRequest {
  codec: ApiCodec<unknown, unknown>;
  version: number;
  build: () => unknown;
  callback?: (res: unknown) => void;
}

/** Versions an IBP >= 3.4 Apache ZK controller sends (zk-mode.md §5.1). */
export const LEADER_AND_ISR_VERSION = 7;
export const UPDATE_METADATA_VERSION = 8;
export const STOP_REPLICA_VERSION = 4;

const SECURITY_PROTOCOL_IDS: Record<string, number> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };
export function securityProtocolId(name: string): number {
  return SECURITY_PROTOCOL_IDS[name] ?? 0;
}

/**
 * One queue per broker, drained one request at a time (Kafka's RequestSendThread): a request waits
 * for its response before the next goes out; on a connection failure it is retried after a back-off
 * while the broker stays registered.
 */
class BrokerChannel {
  private readonly queue: QueuedRequest[] = [];
  private running = false;
  private stopped = false;
  readonly client: NetworkClient;

  constructor(
    readonly brokerId: number,
    host: string,
    port: number,
    controllerId: number,
    timeoutMs: number,
    private readonly log: Logger,
  ) {
    this.client = new NetworkClient(host, port, `controller-${controllerId}`, timeoutMs);
  }

  enqueue(req: QueuedRequest): void {
    this.queue.push(req);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.queue.length > 0) {
      const req = this.queue[0];
      try {
        const res = await this.client.send(req.codec, req.version, req.build());
        this.queue.shift();
        req.callback?.(res);
      } catch (e) {
        if (this.stopped) break;
        this.log.warn(`[RequestSendThread controllerId] Controller's connection to broker ${this.brokerId} was unsuccessful: ${(e as Error).message}`);
        if (!(e instanceof DisconnectedError)) this.queue.shift(); // malformed response: do not loop on it
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    this.running = false;
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.client.close();
  }
}

/** kafka.controller.ControllerChannelManager. */
export class ControllerChannelManager {
  private readonly channels = new Map<number, BrokerChannel>();
  private readonly log: Logger;

  constructor(
    private readonly controllerId: number,
    readonly interBrokerListener: string,
    private readonly requestTimeoutMs: number,
  ) {
    this.log = getLogger('kafka.controller.ControllerChannelManager', `[Controller id=${controllerId}] `);
  }

  addBroker(id: number, info: BrokerInfo): void {
    if (this.channels.has(id)) return;
    const ep = info.endpoints.find((e) => e.listenerName === this.interBrokerListener) ?? info.endpoints[0];
    if (!ep) {
      this.log.error(`Broker ${id} has no endpoint for listener ${this.interBrokerListener}`);
      return;
    }
    this.channels.set(id, new BrokerChannel(id, ep.host || '127.0.0.1', ep.port, this.controllerId, this.requestTimeoutMs, this.log));
    this.log.info(`Added broker ${id} (${ep.host}:${ep.port}) to the controller's channels`);
  }

  removeBroker(id: number): void {
    this.channels.get(id)?.stop();
    this.channels.delete(id);
  }

  sendRequest<Req, Res>(brokerId: number, codec: ApiCodec<Req, Res>, version: number, build: () => Req, callback?: (res: Res) => void): void {
    const ch = this.channels.get(brokerId);
    if (!ch) {
      this.log.warn(`Not sending ${codec.name} to broker ${brokerId}: it is not alive`);
      return;
    }
    ch.enqueue({
      codec: codec as ApiCodec<unknown, unknown>,
      version,
      build: build as () => unknown,
      callback: callback as ((res: unknown) => void) | undefined,
    });
  }

  shutdown(): void {
    for (const ch of this.channels.values()) ch.stop();
    this.channels.clear();
  }
}

export { LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi };
