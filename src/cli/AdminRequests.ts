/**
 * The few Admin-API calls kafkajs lacks (ApiVersions per broker, ElectLeaders, OffsetDelete,
 * FindCoordinator for --state, topic descriptions with their ids): sent with our own NetworkClient and the protocol codecs, to a bootstrap
 * broker, to every broker of the cluster, to the controller or to a group's coordinator.
 */
import { AuthenticationError, NetworkClient } from '../network/NetworkClient';
import { FindCoordinatorApi, ListPartitionReassignmentsApi, MetadataApi } from '../protocol/apis';
import { MetadataResponse } from '../protocol/apis/03-metadata';
import { ApiCodec } from '../protocol/apis/types';
import { errorInfo } from '../protocol/errors';
import { CommandError } from './CommandUtils';

interface NodeAddress {
  id: number;
  host: string;
  port: number;
}

function split(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.substring(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.substring(i + 1)) };
}

/** Sends one request to `node` and closes the connection. */
export async function sendTo<Req, Res>(
  node: { host: string; port: number },
  codec: ApiCodec<Req, Res>,
  version: number,
  req: Req,
  timeoutMs = 10000,
): Promise<Res> {
  const client = new NetworkClient(node.host, node.port, 'kafka-cli', timeoutMs, Math.min(timeoutMs, 5000));
  try {
    return await client.send(codec, version, req);
  } finally {
    client.close();
  }
}

/** Tries each bootstrap address in turn (like the admin client's bootstrap) until one answers. */
export async function sendToAny<Req, Res>(bootstrap: string[], codec: ApiCodec<Req, Res>, version: number, req: Req, timeoutMs = 10000): Promise<Res> {
  let last: Error | null = null;
  for (const b of bootstrap) {
    try {
      return await sendTo(split(b), codec, version, req, timeoutMs);
    } catch (e) {
      // A refused authentication fails the call at once, as the admin client's SaslAuthenticationException does.
      if (e instanceof AuthenticationError) throw e;
      last = e as Error;
    }
  }
  throw new CommandError(`Timed out waiting for a node assignment (${last?.message ?? 'no bootstrap server'})`);
}

interface ClusterInfo {
  brokers: NodeAddress[];
  controllerId: number;
  clusterId: string | null;
}

export async function describeCluster(bootstrap: string[], timeoutMs = 10000): Promise<ClusterInfo> {
  const md = await sendToAny(bootstrap, MetadataApi, 2, { topics: [], allowAutoTopicCreation: false }, timeoutMs);
  return {
    brokers: md.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id),
    controllerId: md.controllerId,
    clusterId: md.clusterId,
  };
}

/**
 * Admin.describeTopics as Kafka 3.7's admin client sends it: Metadata v12 without auto-creation, for the named
 * topics or (null) every topic; each topic comes with its id (kafkajs stops at v6, which has none).
 */
export async function describeTopics(bootstrap: string[], topics: string[] | null, timeoutMs = 10000): Promise<MetadataResponse> {
  return sendToAny(
    bootstrap,
    MetadataApi,
    12,
    { topics: topics === null ? null : topics.map((name) => ({ name })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false },
    timeoutMs,
  );
}

export async function sendToController<Req, Res>(bootstrap: string[], codec: ApiCodec<Req, Res>, version: number, req: Req, timeoutMs = 30000): Promise<Res> {
  const c = await describeCluster(bootstrap);
  const controller = c.brokers.find((b) => b.id === c.controllerId);
  if (!controller) throw new CommandError('Timed out waiting for a node assignment (no controller)');
  return sendTo(controller, codec, version, req, timeoutMs);
}

export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  adding: number[];
  removing: number[];
}

/**
 * Admin.listPartitionReassignments, sent to the controller: every ongoing reassignment, or those of the named
 * partitions. (kafkajs hands back its topics under `name` while typing them as `topic`.)
 */
export async function listPartitionReassignments(
  bootstrap: string[],
  partitions: Array<{ topic: string; partition: number }> | null = null,
): Promise<OngoingReassignment[]> {
  const topics =
    partitions === null
      ? null
      : [...new Set(partitions.map((p) => p.topic))].map((name) => ({
          name,
          partitionIndexes: partitions.filter((p) => p.topic === name).map((p) => p.partition),
        }));
  const res = await sendToController(bootstrap, ListPartitionReassignmentsApi, 0, { timeoutMs: 60000, topics });
  if (res.errorCode !== 0) throw new CommandError(res.errorMessage ?? errorInfo(res.errorCode).message);
  return res.topics
    .flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, adding: p.addingReplicas, removing: p.removingReplicas })),
    )
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/** FindCoordinator (key type 0 = group). */
export async function findCoordinator(bootstrap: string[], groupId: string): Promise<NodeAddress> {
  for (let attempt = 0; ; attempt++) {
    const r = await sendToAny(bootstrap, FindCoordinatorApi, 1, { key: groupId, keyType: 0, coordinatorKeys: [] });
    if (r.errorCode === 0) return { id: r.nodeId, host: r.host, port: r.port };
    const info = errorInfo(r.errorCode);
    if (attempt >= 20 || !info.retriable) throw new CommandError(r.errorMessage ?? info.message);
    await new Promise((res) => setTimeout(res, 250));
  }
}

export async function sendToCoordinator<Req, Res>(bootstrap: string[], groupId: string, codec: ApiCodec<Req, Res>, version: number, req: Req): Promise<Res> {
  return sendTo(await findCoordinator(bootstrap, groupId), codec, version, req);
}
