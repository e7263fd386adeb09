/** A quorum controller (or several) over a FakeQuorum, on a fake clock, with the events it emits. */
import { randomBytes } from 'crypto';
import { Logger } from '../../../../src/common/logger';
import { QuorumController, QuorumControllerOptions } from '../../../../src/controller/quorum/QuorumController';
import { bootstrapRecords } from '../../../../src/metadata/bootstrap/BootstrapDirectory';
import { LATEST_PRODUCTION } from '../../../../src/metadata/MetadataVersion';
import { BrokerRegistrationRequest } from '../../../../src/protocol/apis/62-broker-registration';
import { FakeQuorum, FakeTime, settle } from './FakeControllerRaft';

export const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

/** A logger that keeps its lines (level and text) for assertions. */
export function captureLogger(lines: string[]): Logger {
  const at = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { error: at('ERROR'), warn: at('WARN'), info: at('INFO'), debug: at('DEBUG'), trace: at('TRACE'), isDebugEnabled: () => true };
}

export interface Env {
  logs: string[];
  time: FakeTime;
  quorum: FakeQuorum;
  controllers: Map<number, QuorumController>;
  events: Array<{ node: number; event: string; fields: Record<string, unknown> }>;
  c(id?: number): QuorumController;
  /** Another controller node on the same quorum (not started). */
  newController(id: number): QuorumController;
}

/** A seeded java.util.Random-like source so placements repeat. */
export function seededRandom(seed = 42): { nextInt(bound: number): number } {
  let s = seed >>> 0;
  return {
    nextInt(bound: number): number {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % bound;
    },
  };
}

export async function startEnv(opts: { nodes?: number[]; leader?: number | null; overrides?: Partial<QuorumControllerOptions> } = {}): Promise<Env> {
  const time = new FakeTime();
  const quorum = new FakeQuorum(time);
  const events: Env['events'] = [];
  const controllers = new Map<number, QuorumController>();
  const logs: string[] = [];
  const nodes = opts.nodes ?? [3001];
  const newController = (id: number) =>
    new QuorumController({
      nodeId: id,
      clusterId: CLUSTER_ID,
      raft: quorum.node(id),
      brokerSessionTimeoutMs: 9000,
      defaultNumPartitions: 1,
      defaultReplicationFactor: 1,
      metadataMaxIdleIntervalMs: 0,
      snapshotMaxNewRecordBytes: 20 * 1024 * 1024,
      bootstrapRecords: bootstrapRecords(LATEST_PRODUCTION),
      events: { emit: (event, fields) => events.push({ node: id, event, fields }) },
      time,
      scheduler: time,
      random: seededRandom(),
      logger: captureLogger(logs),
      stateChangeLogger: captureLogger(logs),
      ...opts.overrides,
    });
  for (const id of nodes) {
    const c = newController(id);
    c.start();
    controllers.set(id, c);
  }
  const leader = opts.leader === undefined ? nodes[0] : opts.leader;
  if (leader !== null) quorum.elect(leader);
  await settle();
  return { time, quorum, controllers, events, logs, c: (id = nodes[0]) => controllers.get(id)!, newController };
}

export function registration(brokerId: number, incarnationId = randomBytes(16)): BrokerRegistrationRequest {
  return {
    brokerId,
    clusterId: CLUSTER_ID,
    incarnationId,
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + brokerId, securityProtocol: 0 }],
    features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: LATEST_PRODUCTION.featureLevel }],
    rack: null,
    logDirs: [randomBytes(16)],
    previousBrokerEpoch: -1,
  };
}

export function heartbeat(
  brokerId: number,
  brokerEpoch: number,
  extra: Partial<{ wantFence: boolean; wantShutDown: boolean; currentMetadataOffset: number }> = {},
) {
  return { brokerId, brokerEpoch, currentMetadataOffset: 1_000_000, wantFence: false, wantShutDown: false, ...extra };
}

/** Registers the brokers and unfences them with a caught-up heartbeat; returns their epochs. */
export async function registerBrokers(c: QuorumController, ids: number[]): Promise<Map<number, number>> {
  const epochs = new Map<number, number>();
  for (const id of ids) {
    const r = await c.registerBroker(registration(id));
    if (r.errorCode !== 0) throw new Error(`registration of ${id} failed: ${r.errorCode}`);
    epochs.set(id, r.brokerEpoch);
    const hb = await c.processBrokerHeartbeat(heartbeat(id, r.brokerEpoch));
    if (hb.isFenced) throw new Error(`broker ${id} still fenced`);
  }
  return epochs;
}

export function createTopicRequest(
  name: string,
  numPartitions: number,
  replicationFactor: number,
  configs: Array<{ name: string; value: string | null }> = [],
) {
  return { topics: [{ name, numPartitions, replicationFactor, assignments: [], configs }], timeoutMs: 30000, validateOnly: false };
}
