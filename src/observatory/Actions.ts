/**
 * What a learner can do from the page, each answered with its command-line equivalent: a controlled stop
 * (SIGTERM: Kafka's shutdown hook runs the controlled shutdown, as `kafka-server-stop` does), a SIGKILL (the
 * broker's ZooKeeper session is left to expire), a restart (spawned exactly as at start-up), and creating a
 * topic through the Kafka protocol (CreateTopics, as `kafka-topics --create` does).
 */
import { createKafka } from '../cli/CommandUtils';

/** Process control over the brokers, implemented by the launcher's LocalCluster. */
export interface BrokerControl {
  brokerPid(id: number): number | undefined;
  brokerRunning(id: number): boolean;
  /** SIGTERM (controlled shutdown); returns without waiting for the exit. */
  stopBroker(id: number): void;
  /** SIGKILL. */
  killBroker(id: number): void;
  /** Spawns the broker as at start-up (after ZooKeeper let go of a killed broker's registration). */
  startBroker(id: number): Promise<void>;
  /** The shell command that starts broker `id`, e.g. `bin/kafka-server-start config/local/server-1.properties`. */
  startCommand(id: number): string;
}

export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ActionResult {
  ok: true;
  message: string;
  command: string;
}

export type BrokerAction = 'stop' | 'kill' | 'start';

/** Runs a broker action; throws ActionError (400/409) for what the learner can fix. */
export function brokerAction(
  control: BrokerControl | undefined,
  knownIds: number[],
  id: number,
  action: BrokerAction,
  onStartError: (e: Error) => void,
): ActionResult {
  if (!control) throw new ActionError(400, 'this observatory has no process control (the brokers were not started by the launcher)');
  if (!knownIds.includes(id)) throw new ActionError(400, `unknown broker ${id} (known: ${knownIds.join(', ')})`);
  const pid = control.brokerPid(id);
  const running = control.brokerRunning(id);
  if (action === 'start') {
    if (running) throw new ActionError(409, `broker ${id} is already running (pid ${pid})`);
    control.startBroker(id).catch(onStartError);
    return { ok: true, message: `starting broker ${id}`, command: control.startCommand(id) };
  }
  if (!running || pid === undefined) throw new ActionError(409, `broker ${id} is not running`);
  if (action === 'stop') {
    control.stopBroker(id);
    return { ok: true, message: `controlled shutdown of broker ${id} (pid ${pid}) requested`, command: `kill -TERM ${pid}` };
  }
  control.killBroker(id);
  return { ok: true, message: `broker ${id} (pid ${pid}) killed`, command: `kill -9 ${pid}` };
}

export interface CreateTopicRequest {
  name: string;
  partitions: number;
  replicationFactor: number;
}

/** Kafka's Topic.validate: 1-249 characters of [a-zA-Z0-9._-], not "." or "..". */
const LEGAL = /^[a-zA-Z0-9._-]+$/;

function positiveInt(v: unknown, what: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100000)
    throw new ActionError(400, `${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

export function parseCreateTopic(body: unknown): CreateTopicRequest {
  if (!body || typeof body !== 'object') throw new ActionError(400, 'expected a JSON object {"name", "partitions", "replicationFactor"}');
  const b = body as Record<string, unknown>;
  const name = typeof b.name === 'string' ? b.name.trim() : '';
  if (!name) throw new ActionError(400, 'missing topic name');
  if (name === '.' || name === '..') throw new ActionError(400, 'Topic name cannot be "." or ".."');
  if (name.length > 249) throw new ActionError(400, `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`);
  if (!LEGAL.test(name))
    throw new ActionError(400, `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
  return { name, partitions: positiveInt(b.partitions, 'partitions'), replicationFactor: positiveInt(b.replicationFactor, 'replication factor') };
}

export function createTopicCommand(bootstrap: string, r: CreateTopicRequest): string {
  return `bin/kafka-topics --bootstrap-server ${bootstrap} --create --topic ${r.name} --partitions ${r.partitions} --replication-factor ${r.replicationFactor}`;
}

/** CreateTopics through the Kafka protocol; the broker's error (exists, bad replication factor) becomes a 400/409. */
export async function createTopic(bootstrapServers: string, r: CreateTopicRequest): Promise<ActionResult> {
  const brokers = bootstrapServers.split(',');
  const command = createTopicCommand(brokers[0], r);
  const admin = createKafka(brokers, { clientId: 'observatory', timeoutMs: 10000 }).admin();
  try {
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic: r.name, numPartitions: r.partitions, replicationFactor: r.replicationFactor }],
      waitForLeaders: false,
    });
    if (!created) throw new ActionError(409, `Topic '${r.name}' already exists.`);
    return { ok: true, message: `Created topic ${r.name}.`, command };
  } catch (e) {
    if (e instanceof ActionError) throw e;
    const inner = (e as { errors?: Array<{ message?: string; type?: string }> }).errors?.[0];
    const msg = inner?.message ?? (e as Error).message;
    throw new ActionError(inner?.type === 'TOPIC_ALREADY_EXISTS' ? 409 : 400, `Error while executing topic command : ${msg}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
