/**
 * Errors of the ZooKeeper layer, named after Java's `KeeperException.Code` and Kafka's exceptions
 * (`ControllerMovedException`, `TopicExistsException`, `ZooKeeperClientTimeoutException`).
 */

/** ZooKeeper result codes (org.apache.zookeeper.KeeperException.Code), by their Java enum names. */
const ZK_CODES = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
} as const;

export type ZkErrorCode = keyof typeof ZK_CODES;

const BY_NUMBER = new Map<number, ZkErrorCode>((Object.keys(ZK_CODES) as ZkErrorCode[]).map((k) => [ZK_CODES[k], k]));

/** Java's KeeperException messages ("KeeperErrorCode = NoNode for /path"). */
const JAVA_TEXT: Partial<Record<ZkErrorCode, string>> = {
  OK: 'ok',
  SYSTEMERROR: 'SystemError',
  RUNTIMEINCONSISTENCY: 'RuntimeInconsistency',
  CONNECTIONLOSS: 'ConnectionLoss',
  OPERATIONTIMEOUT: 'OperationTimeout',
  BADARGUMENTS: 'BadArguments',
  APIERROR: 'APIError',
  NONODE: 'NoNode',
  NOAUTH: 'NoAuth',
  BADVERSION: 'BadVersion',
  NOCHILDRENFOREPHEMERALS: 'NoChildrenForEphemerals',
  NODEEXISTS: 'NodeExists',
  NOTEMPTY: 'Directory not empty',
  SESSIONEXPIRED: 'Session expired',
  INVALIDACL: 'InvalidACL',
  AUTHFAILED: 'AuthFailed',
  SESSIONMOVED: 'Session moved',
};

export function zkCodeName(code: number): ZkErrorCode {
  return BY_NUMBER.get(code) ?? 'SYSTEMERROR';
}

/** Result of one op of a multi, as ZooKeeper's OpResult (ErrorResult for failed multis). */
export type ZkOpResult =
  | { type: 'create'; path: string }
  | { type: 'setData'; stat: import('./ZkStat').ZkStat }
  | { type: 'delete' }
  | { type: 'check' }
  | { type: 'error'; code: ZkErrorCode };

/** A KeeperException. `results` is set for a failed multi (per op; the failing op carries the code). */
export class ZkError extends Error {
  readonly code: ZkErrorCode;
  readonly path: string | undefined;
  readonly results: ZkOpResult[] | undefined;
  constructor(code: ZkErrorCode, path?: string, results?: ZkOpResult[], message?: string) {
    super(message ?? `KeeperErrorCode = ${JAVA_TEXT[code] ?? code}${path ? ` for ${path}` : ''}`);
    this.name = 'ZkError';
    this.code = code;
    this.path = path;
    this.results = results;
  }
  get zkCode(): number {
    return ZK_CODES[this.code];
  }
}

export function isZkError(e: unknown, code?: ZkErrorCode): e is ZkError {
  return e instanceof ZkError && (code === undefined || e.code === code);
}

/** Kafka's ControllerMovedException: a fenced write found /controller_epoch at another zkVersion. */
export class ControllerMovedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControllerMovedError';
  }
}

/** Kafka's TopicExistsException (TOPIC_ALREADY_EXISTS). */
export class TopicExistsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicExistsError';
  }
}

/** Kafka's ZooKeeperClientTimeoutException: no connection within zookeeper.connection.timeout.ms. */
export class ZooKeeperClientTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZooKeeperClientTimeoutError';
  }
}
