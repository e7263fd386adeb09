import { NetworkClient } from '../network/NetworkClient';
import { ApiCodec } from '../protocol/apis/types';
import { MetadataCache } from './MetadataCache';

/**
 * kafka.server.NodeToControllerChannelManager in a ZK-mode broker: one connection per purpose
 * ("alter-partition", "allocate-producer-ids"...) to whichever broker the metadata cache names as the active
 * controller, reopened when the controller moves. Callers handle NOT_CONTROLLER and retry as Kafka's do.
 */
export class BrokerToControllerChannel {
  private client: NetworkClient | null = null;
  private clientAddr = '';

  constructor(
    private readonly brokerId: number,
    private readonly purpose: string,
    private readonly metadataCache: MetadataCache,
    private readonly listener: string,
    private readonly timeoutMs: number,
  ) {}

  /** The current controller's connection, or null when no live controller is known. */
  private controllerClient(): NetworkClient | null {
    const id = this.metadataCache.controllerId;
    const ep = id !== null && id >= 0 ? this.metadataCache.endpointFor(id, this.listener) : undefined;
    if (!ep) return null;
    const addr = `${ep.host}:${ep.port}`;
    if (!this.client || this.clientAddr !== addr) {
      this.client?.close();
      this.client = new NetworkClient(ep.host, ep.port, `broker-${this.brokerId}-${this.purpose}`, this.timeoutMs);
      this.clientAddr = addr;
    }
    return this.client;
  }

  /** Sends to the controller; rejects with 'no controller known' when there is none. */
  async send<Req, Res>(codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res> {
    const c = this.controllerClient();
    if (!c) throw new Error('no controller known');
    return c.send(codec, version, request);
  }

  shutdown(): void {
    this.client?.close();
    this.client = null;
  }
}
