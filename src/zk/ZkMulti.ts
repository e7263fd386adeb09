/**
 * ZooKeeper's multi (org.apache.zookeeper.Op and OpResult) over node-zookeeper-client's Transaction:
 * the ops Kafka's KafkaZkClient sends (check, create, setData, delete) and their per-op results.
 */
import * as zookeeper from 'node-zookeeper-client';
import { ZkError, ZkErrorCode, ZkOpResult, zkCodeName } from './errors';
import { toZkStat } from './ZkStat';

export type CreateMode = 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL';

export type ZkOp =
  | { type: 'check'; path: string; version: number }
  | { type: 'create'; path: string; data: Buffer | null; mode: CreateMode }
  | { type: 'setData'; path: string; data: Buffer | null; version: number }
  | { type: 'delete'; path: string; version: number };

const OP = { CREATE: 1, DELETE: 2, SET_DATA: 5, CHECK: 13 } as const;

/** node-zookeeper-client internals we rely on (not in its typings). */
interface RawTxOp {
  type: number;
  path: string;
  version?: number;
  data?: Buffer;
}
interface RawTransaction {
  ops: RawTxOp[];
}
export interface RawMultiResult {
  type: number;
  path?: string;
  stat?: zookeeper.Stat;
  err?: number;
}

export function buildTransaction(c: zookeeper.Client, ops: ZkOp[]): zookeeper.Transaction {
  const tx = c.transaction();
  // Built by hand: the driver's check/setData/remove turn version 0 into -1 (`version || -1`).
  const raw = tx as unknown as RawTransaction;
  for (const op of ops) {
    switch (op.type) {
      case 'create':
        if (op.data) tx.create(op.path, op.data, zookeeper.CreateMode[op.mode]);
        else tx.create(op.path, zookeeper.CreateMode[op.mode]);
        break;
      case 'check':
        raw.ops.push({ type: OP.CHECK, path: op.path, version: op.version });
        break;
      case 'setData':
        raw.ops.push({ type: OP.SET_DATA, path: op.path, data: op.data ?? undefined, version: op.version });
        break;
      case 'delete':
        raw.ops.push({ type: OP.DELETE, path: op.path, version: op.version });
        break;
    }
  }
  return tx;
}

/**
 * The results of a committed multi, or the error to throw: a ZkError whose code is the first failing op's
 * and whose `results` hold one entry per op (ErrorResult codes: OK before it, RUNTIMEINCONSISTENCY after).
 */
export function multiOutcome(
  ops: ZkOp[],
  err: Error | zookeeper.Exception | null,
  rawResults: RawMultiResult[] | undefined,
): { results: ZkOpResult[] } | { error: Error } {
  const results = (rawResults ?? []).map((r): ZkOpResult => {
    switch (r.type) {
      case OP.CREATE:
        return { type: 'create', path: r.path ?? '' };
      case OP.SET_DATA:
        return { type: 'setData', stat: toZkStat(r.stat as zookeeper.Stat) };
      case OP.DELETE:
        return { type: 'delete' };
      case OP.CHECK:
        return { type: 'check' };
      default:
        return { type: 'error', code: zkCodeName(r.err ?? 0) };
    }
  });
  if (!err) return { results };
  if (!(err instanceof zookeeper.Exception)) return { error: err };
  const code: ZkErrorCode = zkCodeName(err.getCode());
  const failedAt = results.findIndex((r) => r.type === 'error' && r.code !== 'OK');
  return { error: new ZkError(code, failedAt >= 0 ? ops[failedAt]?.path : undefined, results.length ? results : undefined) };
}
