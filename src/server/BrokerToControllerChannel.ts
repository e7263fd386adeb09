import { NetworkClient } from '../network/NetworkClient';
import type { ClientSecurity } from '../security/auth/ListenerSecurity';
import { ApiCodec } from '../protocol/apis/types';
import { MetadataCache } from './MetadataCache';

/** Where the active controller can be reached now (Kafka's ControllerNodeProvider); undefined when none is known. */
export interface ControllerNode {
  id: number;
  host: string;
  port: number;
}
export type ControllerNodeProvider = () => ControllerNode | undefined;

/**
 * MetadataCacheControllerNodeProvider (ZooKeeper mode): the broker the controller's UpdateMetadata named as
 * controller, on the inter-broker listener.
 */
export function metadataCacheControllerNodeProvider(metadataCache: MetadataCache, listener: string): ControllerNodeProvider {
  return () => {
    const id = metadataCache.controllerId;
    const ep = id !== null && id >= 0 ? metadataCache.endpointFor(id, listener) : undefined;
    return ep && id !== null ? { id, host: ep.host, port: ep.port } : undefined;
  };
}

/**
 * kafka.server.NodeToControllerChannelManager: one connection per purpose ("alter-partition",
 * "allocate-producer-ids", "heartbeat", "forwarding"...) to whichever node the provider names as the active
 * controller (ZK mode: a broker from the metadata cache; KRaft: the Raft leader's CONTROLLER listener), reopened
 * when the controller moves. Callers handle NOT_CONTROLLER and retry as Kafka's do.
 */
export class BrokerToControllerChannel {
  private client: NetworkClient | null = null;
  private clientAddr = '';

  constructor(
    private readonly brokerId: number,
    private readonly purpose: string,
    private readonly controllerNode: ControllerNodeProvider,
    private readonly timeoutMs: number,
    /** kraftsec: the controller listener's TLS/SASL (ControllerClientSecurity); the process default when absent. */
    private readonly security?: ClientSecurity,
  ) {}

  /** The current controller's connection, or null when no live controller is known. */
  private controllerClient(): NetworkClient | null {
    const node = this.controllerNode();
    if (!node) return null;
    const addr = `${node.host}:${node.port}`;
    if (!this.client || this.clientAddr !== addr) {
      this.client?.close();
      this.client = new NetworkClient(node.host, node.port, `broker-${this.brokerId}-${this.purpose}`, this.timeoutMs, undefined, this.security);
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

  /** Drops the connection (after NOT_CONTROLLER or a timeout: the next send looks the controller up again). */
  reset(): void {
    this.client?.close();
    this.client = null;
    this.clientAddr = '';
  }

  shutdown(): void {
    this.reset();
  }
}
