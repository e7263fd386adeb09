/**
 * Request plumbing of Kafka's KafkaZkClient: retryRequestsUntilConnected, responses carrying a result code
 * instead of throwing, controller-epoch-fenced writes (a multi whose first op is
 * check(/controller_epoch, epochZkVersion)), createRecursive and the checked ephemeral create.
 */
import { Logger } from '../common/logger';
import { ControllerMovedError, ZkError, ZkErrorCode, ZkOpResult, isZkError } from './errors';
import { ControllerEpochZNode } from './data/paths';
import { MATCH_ANY_VERSION, ZkOp, ZkStat, ZkWatcher, ZooKeeperClient } from './ZooKeeperClient';

/** A response with its result code, as Kafka's AsyncResponse (resultCode + maybeThrow). */
export interface ZkResponse<T> {
  code: ZkErrorCode;
  value?: T;
  error?: ZkError;
}

export function maybeThrow<T>(r: ZkResponse<T>): T {
  if (r.code !== 'OK') throw r.error ?? new ZkError(r.code);
  return r.value as T;
}

export class ZkRequests {
  constructor(
    readonly zk: ZooKeeperClient,
    protected readonly log: Logger,
  ) {}

  /** Kafka's retryRequestUntilConnected: CONNECTIONLOSS → wait for the connection and send again. */
  async retry<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if (!isZkError(e, 'CONNECTIONLOSS')) throw e;
        await this.zk.waitUntilConnected(0x7fffffff);
      }
    }
  }

  /** Runs a request and turns a ZooKeeper error into a result code. */
  async raw<T>(fn: () => Promise<T>): Promise<ZkResponse<T>> {
    try {
      return { code: 'OK', value: await this.retry(fn) };
    } catch (e) {
      if (e instanceof ZkError) return { code: e.code, error: e };
      throw e;
    }
  }

  getDataRaw(path: string): Promise<ZkResponse<{ data: Buffer | null; stat: ZkStat }>> {
    return this.raw(() => this.zk.getData(path));
  }

  /**
   * One write, fenced by the controller epoch when expectedControllerEpochZkVersion >= 0 (Kafka's
   * controllerZkVersionCheck). A failed check with BADVERSION throws ControllerMovedError; the op's own
   * failure is returned as its code (unwrapResponseWithControllerEpochCheck).
   */
  async fencedOp(op: ZkOp, expectedControllerEpochZkVersion: number): Promise<ZkResponse<ZkOpResult>> {
    if (expectedControllerEpochZkVersion < 0) {
      const r = await this.raw(() => this.zk.multi([op]));
      return r.code === 'OK' ? { code: 'OK', value: r.value?.[0] } : { code: r.code, error: r.error };
    }
    const check: ZkOp = { type: 'check', path: ControllerEpochZNode.path, version: expectedControllerEpochZkVersion };
    const r = await this.raw(() => this.zk.multi([check, op]));
    if (r.code === 'OK') return { code: 'OK', value: r.value?.[1] };
    const results = r.error?.results;
    if (!results || results.length < 2) return { code: r.code, error: r.error };
    const checkResult = results[0];
    if (checkResult.type === 'error' && checkResult.code !== 'OK') {
      if (checkResult.code === 'BADVERSION') {
        throw new ControllerMovedError(`Controller epoch zkVersion check fails. Expected zkVersion = ${expectedControllerEpochZkVersion}`);
      }
      throw new ZkError(checkResult.code, ControllerEpochZNode.path);
    }
    const opResult = results[1];
    const code = opResult.type === 'error' ? opResult.code : 'OK';
    return { code, error: code === 'OK' ? undefined : new ZkError(code, op.path) };
  }

  /**
   * A pipelined batch of fenced ops (sent in order, so zxids follow the order given). Like Kafka, the
   * ControllerMovedError is raised after every response arrived.
   */
  async fencedBatch(ops: ZkOp[], expectedControllerEpochZkVersion: number): Promise<Array<ZkResponse<ZkOpResult>>> {
    const settled = await Promise.allSettled(ops.map((op) => this.fencedOp(op, expectedControllerEpochZkVersion)));
    const moved = settled.find((s) => s.status === 'rejected' && s.reason instanceof ControllerMovedError);
    if (moved && moved.status === 'rejected') throw moved.reason;
    return settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
  }

  private createRaw(path: string, data: Buffer | null): Promise<ZkResponse<string>> {
    return this.raw(() => this.zk.create(path, data, 'PERSISTENT'));
  }

  /**
   * Kafka's createRecursive: create; on NONODE create the parents (each "create, NONODE → parent first,
   * retry"), then retry. ZooKeeper spends a zxid on every failed attempt, so the attempt sequence matters.
   */
  async createRecursive(path: string, data: Buffer | null = null, throwIfPathExists = true): Promise<void> {
    const first = await this.createRaw(path, data);
    if (throwIfPathExists && first.code === 'NODEEXISTS') {
      maybeThrow(first);
    } else if (first.code === 'NONODE') {
      await this.createRecursive0(parentPath(path));
      const second = await this.createRaw(path, data);
      if (throwIfPathExists || second.code !== 'NODEEXISTS') maybeThrow(second);
    } else if (first.code !== 'NODEEXISTS') {
      maybeThrow(first);
    }
  }

  private async createRecursive0(path: string): Promise<void> {
    let r = await this.createRaw(path, null);
    if (r.code === 'NONODE') {
      await this.createRecursive0(parentPath(path));
      r = await this.createRaw(path, null);
    }
    if (r.code !== 'OK' && r.code !== 'NODEEXISTS') maybeThrow(r);
  }

  /**
   * Kafka's CheckedEphemeral.create(): multi(create EPHEMERAL with null data, setData(data, version 0)),
   * so the node is born at dataVersion 1. Returns the final stat (czxid = broker epoch).
   */
  async checkedEphemeralCreate(path: string, data: Buffer): Promise<ZkStat> {
    const r = await this.raw(() =>
      this.zk.multi([
        { type: 'create', path, data: null, mode: 'EPHEMERAL' },
        { type: 'setData', path, data, version: 0 },
      ]),
    );
    if (r.code === 'OK') {
      const set = r.value?.[1];
      if (set?.type === 'setData') return set.stat;
      throw new ZkError('RUNTIMEINCONSISTENCY', path);
    }
    if (r.code === 'NODEEXISTS') return this.getAfterNodeExists(path, data);
    this.log.error(`Error while creating ephemeral at ${path} with return code: ${r.code}`);
    throw r.error ?? new ZkError(r.code, path);
  }

  private async getAfterNodeExists(path: string, data: Buffer): Promise<ZkStat> {
    const r = await this.getDataRaw(path);
    const current = this.zk.sessionId;
    if (r.code === 'OK' && r.value) {
      const owner = r.value.stat.ephemeralOwner;
      if (owner !== current && this.zk.previousSessionIds.includes(owner)) {
        // ZOOKEEPER-2985: the node of our own expired session may outlive it briefly; replace it.
        this.log.info(
          `Was not possible to create the ephemeral at ${path}, node already exists and owner '0x${owner}' does not match ` +
            `current session '0x${current}', trying to delete and re-create it with the newest Zookeeper session`,
        );
        const d = await this.raw(() => this.zk.delete(path, MATCH_ANY_VERSION));
        if (d.code !== 'OK' && d.code !== 'NONODE') maybeThrow(d);
        return this.checkedEphemeralCreate(path, data);
      }
      if (owner !== current) {
        const msg = `Error while creating ephemeral at ${path}, node already exists and owner '0x${owner}' does not match ` + `current session '0x${current}'`;
        this.log.error(msg);
        throw new ZkError('NODEEXISTS', path, undefined, msg);
      }
      return r.value.stat;
    }
    if (r.code === 'NONODE') {
      this.log.info(`The ephemeral node at ${path} went away while reading it, attempting create() again`);
      return this.checkedEphemeralCreate(path, data);
    }
    this.log.error(`Error while creating ephemeral at ${path} as it already exists and error getting the node data due to ${r.code}`);
    throw r.error ?? new ZkError(r.code, path);
  }

  /** Kafka's deleteRecursive: children first, each delete fenced when a version is given. */
  async deleteRecursive(path: string, expectedControllerEpochZkVersion = MATCH_ANY_VERSION): Promise<boolean> {
    const r = await this.raw(() => this.zk.getChildren(path));
    if (r.code === 'NONODE') return false;
    const children = maybeThrow(r).children;
    for (const child of children) await this.deleteRecursive(`${path}/${child}`, expectedControllerEpochZkVersion);
    const d = await this.fencedOp({ type: 'delete', path, version: MATCH_ANY_VERSION }, expectedControllerEpochZkVersion);
    if (d.code !== 'OK' && d.code !== 'NONODE') maybeThrow(d);
    return true;
  }

  // ---- generic reads and conditional writes (KafkaZkClient) ------------------------------------------

  async pathExists(path: string): Promise<boolean> {
    return (await this.retry(() => this.zk.exists(path))) !== null;
  }

  /**
   * KafkaZkClient.registerZNodeChangeHandlerAndCheckExistence: arms an exists-watch on `path` (fired when it is
   * created, changed or deleted), retrying a lost connection as every other request does.
   */
  async watchExistence(path: string, watcher: ZkWatcher): Promise<boolean> {
    return (await this.retry(() => this.zk.exists(path, watcher))) !== null;
  }

  /** Children, empty for NONODE. */
  async getChildren(path: string, watcher?: ZkWatcher): Promise<string[]> {
    const r = await this.raw(() => this.zk.getChildren(path, watcher));
    return r.code === 'NONODE' ? [] : maybeThrow(r).children;
  }

  /** Data and stat, null for NONODE. */
  async getDataAndStat(path: string, watcher?: ZkWatcher): Promise<{ data: Buffer | null; stat: ZkStat } | null> {
    const r = await this.raw(() => this.zk.getData(path, watcher));
    return r.code === 'NONODE' ? null : maybeThrow(r);
  }

  /**
   * Kafka's conditionalUpdatePath: setData only if the node is at expectVersion. BADVERSION or NONODE ->
   * {succeeded: false, version: -1} (the caller re-reads and retries); other errors throw.
   */
  async conditionalUpdatePath(path: string, data: Buffer, expectVersion: number): Promise<{ succeeded: boolean; version: number }> {
    const r = await this.raw(() => this.zk.setData(path, data, expectVersion));
    if (r.code === 'BADVERSION' || r.code === 'NONODE') return { succeeded: false, version: -1 };
    return { succeeded: true, version: maybeThrow(r).version };
  }
}

function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  if (i <= 0) throw new Error(`Invalid path ${path}`);
  return path.substring(0, i);
}
