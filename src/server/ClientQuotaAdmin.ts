/**
 * Client quotas in ZooKeeper as Kafka 3.7's ZkAdminManager describes and alters them (describeClientQuotas,
 * alterClientQuotas) through AdminZkClient: /config/users/<user>, /config/users/<user>/clients/<client-id>,
 * /config/clients/<client-id> and /config/ips/<ip>, `<default>` for a default entity, names sanitized (Sanitizer).
 * A failure is a ClientQuotaError carrying the Kafka error and message ApiError.fromThrowable would answer.
 */
import { desanitize, sanitize } from '../common/Sanitizer';
import { javaDoubleToString } from '../common/config/ConfigDef';
import { ErrorCode, errorInfo } from '../protocol/errors';
import { javaPropertiesOrder } from '../zk/data/json';
import * as D from '../zk/ZkData';
import { isIP } from 'net';

/** ClientQuotaEntity.USER / CLIENT_ID / IP. */
export const USER = 'user';
export const CLIENT_ID = 'client-id';
export const IP = 'ip';
/** ConfigEntityName.Default. */
const DEFAULT = '<default>';

type ConfigType = 'LONG' | 'DOUBLE' | 'INT' | 'STRING';
/** QuotaConfigs.userAndClientQuotaConfigs: the keys of a client-id, <user, client-id> or default user entity. */
const CLIENT_CONFIGS: ReadonlyMap<string, ConfigType> = new Map<string, ConfigType>([
  ['producer_byte_rate', 'LONG'],
  ['consumer_byte_rate', 'LONG'],
  ['request_percentage', 'DOUBLE'],
  ['controller_mutation_rate', 'DOUBLE'],
]);
/** QuotaConfigs.scramMechanismsPlusUserAndClientQuotaConfigs: a user also keeps its SCRAM credentials. */
const USER_CONFIGS: ReadonlyMap<string, ConfigType> = new Map<string, ConfigType>([
  ['SCRAM-SHA-256', 'STRING'],
  ['SCRAM-SHA-512', 'STRING'],
  ...CLIENT_CONFIGS,
]);
/** QuotaConfigs.ipConfigs. */
const IP_CONFIGS: ReadonlyMap<string, ConfigType> = new Map<string, ConfigType>([['connection_creation_rate', 'INT']]);

/** QuotaConfigs.isClientOrUserConfig. */
export const isClientOrUserQuotaConfig = (key: string): boolean => CLIENT_CONFIGS.has(key);

/** An exception of ZkAdminManager as the response carries it (ApiError.fromThrowable: the code, the message or null). */
export class ClientQuotaError extends Error {
  constructor(
    readonly code: number,
    readonly errorMessage: string | null,
  ) {
    super(errorMessage ?? errorInfo(code).message);
  }
}
const invalidRequest = (message: string): ClientQuotaError => new ClientQuotaError(ErrorCode.INVALID_REQUEST, message);
/** IllegalStateException / IllegalArgumentException: UNKNOWN_SERVER_ERROR without a message (it is not leaked). */
const unknownServerError = (): ClientQuotaError => new ClientQuotaError(ErrorCode.UNKNOWN_SERVER_ERROR, null);

/** What the quota admin needs of ZooKeeper (KafkaZkClient's methods of the same names). */
export interface QuotaConfigZk {
  getEntityConfigs(entityType: string, sanitizedName: string): Promise<Record<string, string>>;
  setOrCreateEntityConfigs(entityType: string, sanitizedName: string, config: Readonly<Record<string, string>>): Promise<void>;
  getChildren(path: string): Promise<string[]>;
  deletePathIfExists(path: string): Promise<boolean>;
  createConfigChangeNotification(sanitizedEntityPath: string): Promise<string>;
}

/** One ClientQuotaFilterComponent: match undefined = any named entity (ofEntityType), null = the default, else a name. */
export interface FilterComponent {
  entityType: string;
  match: string | null | undefined;
}

/** A ClientQuotaEntity: entity type -> name (null: the default entity), in the entity's own order. */
export type QuotaEntity = Array<[string, string | null]>;

export interface DescribedQuotas {
  entity: QuotaEntity;
  values: Array<[string, number]>;
}

/** Java's Double.parseDouble, or null for a NumberFormatException (leading/trailing whitespace is trimmed). */
export function parseJavaDouble(text: string): number | null {
  const s = text.trim();
  const m = /^([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/.exec(s);
  if (!m) return null;
  if (m[2] === 'NaN') return NaN;
  const v = m[2] === 'Infinity' ? Infinity : Number(m[2].replace(/[fFdD]$/, ''));
  return m[1] === '-' ? -v : v;
}

const sanitizeEntityName = (name: string | null): string => (name === null ? DEFAULT : sanitize(name));
const desanitizeEntityName = (name: string): string | null => (name === DEFAULT ? null : desanitize(name));

/** ZkAdminManager.clientQuotaPropsToDoubleMap over the keys `wanted` keeps, in the Properties' iteration order. */
function quotaValues(props: Record<string, string>, wanted: (key: string) => boolean): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const key of javaPropertiesOrder(Object.keys(props).filter(wanted))) {
    const v = parseJavaDouble(props[key]);
    // IllegalStateException("Unexpected client quota configuration value: ..."): the whole request fails.
    if (v === null) throw unknownServerError();
    out.push([key, v]);
  }
  return out;
}

export class ClientQuotaAdmin {
  constructor(private readonly zk: QuotaConfigZk) {}

  /** ZkAdminManager.describeClientQuotas: the filter's components checked, then user/client-id or ip entities read. */
  async describeClientQuotas(components: readonly FilterComponent[], strict: boolean): Promise<DescribedQuotas[]> {
    let user: FilterComponent | undefined;
    let clientId: FilterComponent | undefined;
    let ip: FilterComponent | undefined;
    for (const c of components) {
      if (c.entityType === USER) {
        if (user) throw invalidRequest('Duplicate user filter component entity type');
        user = c;
      } else if (c.entityType === CLIENT_ID) {
        if (clientId) throw invalidRequest('Duplicate client filter component entity type');
        clientId = c;
      } else if (c.entityType === IP) {
        if (ip) throw invalidRequest('Duplicate ip filter component entity type');
        ip = c;
      } else if (c.entityType === '') {
        throw invalidRequest('Unexpected empty filter component entity type');
      } else {
        // Supplying other entity types is not yet supported (Kafka's words).
        throw new ClientQuotaError(ErrorCode.UNSUPPORTED_VERSION, `Custom entity type '${c.entityType}' not supported`);
      }
    }
    if ((user || clientId) && ip) {
      throw invalidRequest('Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.');
    }
    const userClient = ip ? [] : await this.describeUserClientQuotas(user, clientId, strict);
    const ips = user || clientId ? [] : await this.describeIpQuotas(ip, strict);
    return [...userClient, ...ips];
  }

  /** ZkAdminManager.handleDescribeClientQuotas: only the znodes the filter can match are read. */
  private async describeUserClientQuotas(
    userC: FilterComponent | undefined,
    clientC: FilterComponent | undefined,
    strict: boolean,
  ): Promise<DescribedQuotas[]> {
    // wantExact: a name or the default (a component whose match is not "any named entity").
    const exactUser = userC !== undefined && userC.match !== undefined;
    const exactClient = clientC !== undefined && clientC.match !== undefined;
    const excludeUser = strict && userC === undefined;
    const excludeClient = strict && clientC === undefined;
    const user = exactUser ? (userC.match as string | null) : null;
    const client = exactClient ? (clientC.match as string | null) : null;
    const candidates: Array<{ u: string | null | undefined; c: string | null | undefined; props: Record<string, string> }> = [];
    const T = D.ConfigType;

    if (exactUser && excludeClient) {
      candidates.push({ u: user, c: undefined, props: await this.zk.getEntityConfigs(T.User, sanitizeEntityName(user)) });
    } else if (!excludeUser && !exactClient) {
      for (const [name, props] of await this.fetchAllEntityConfigs(T.User)) candidates.push({ u: desanitizeEntityName(name), c: undefined, props });
    }
    if (excludeUser && exactClient) {
      candidates.push({ u: undefined, c: client, props: await this.zk.getEntityConfigs(T.Client, sanitizeEntityName(client)) });
    } else if (!exactUser && !excludeClient) {
      for (const [name, props] of await this.fetchAllEntityConfigs(T.Client)) candidates.push({ u: undefined, c: desanitizeEntityName(name), props });
    }
    if (exactUser && exactClient) {
      const path = `${sanitizeEntityName(user)}/clients/${sanitizeEntityName(client)}`;
      candidates.push({ u: user, c: client, props: await this.zk.getEntityConfigs(T.User, path) });
    } else if (!excludeUser && !excludeClient) {
      for (const u of await this.allEntities(T.User)) {
        for (const c of await this.allEntities(`${T.User}/${u}/${T.Client}`)) {
          candidates.push({ u: desanitizeEntityName(u), c: desanitizeEntityName(c), props: await this.zk.getEntityConfigs(T.User, `${u}/clients/${c}`) });
        }
      }
    }

    const matches = (component: FilterComponent | undefined, name: string | null | undefined): boolean => {
      if (component === undefined) return name === undefined || !strict;
      if (component.match === undefined) return name !== undefined;
      return name !== undefined && name === component.match;
    };
    const out: DescribedQuotas[] = [];
    for (const { u, c, props } of candidates) {
      const values = quotaValues(props, isClientOrUserQuotaConfig);
      if (values.length === 0 || !matches(userC, u) || !matches(clientC, c)) continue;
      // userClientIdToEntity: the user first, then the client id.
      const entity: QuotaEntity = [];
      if (u !== undefined) entity.push([USER, u]);
      if (c !== undefined) entity.push([CLIENT_ID, c]);
      out.push({ entity, values });
    }
    return out;
  }

  /** ZkAdminManager.handleDescribeIpQuotas. */
  private async describeIpQuotas(ipC: FilterComponent | undefined, strict: boolean): Promise<DescribedQuotas[]> {
    const entries: Array<[string | null, Record<string, string>]> = [];
    if (ipC !== undefined && ipC.match !== undefined) {
      entries.push([ipC.match, await this.zk.getEntityConfigs(D.ConfigType.Ip, sanitizeEntityName(ipC.match))]);
    } else if (ipC !== undefined || !strict) {
      for (const [name, props] of await this.fetchAllEntityConfigs(D.ConfigType.Ip)) entries.push([desanitizeEntityName(name), props]);
    }
    const out: DescribedQuotas[] = [];
    for (const [ip, props] of entries) {
      const values = quotaValues(props, (k) => IP_CONFIGS.has(k));
      if (values.length > 0) out.push({ entity: [[IP, ip]], values });
    }
    return out;
  }

  /**
   * ZkAdminManager.alterClientQuotas for one entity: its znode read, the ops applied and checked, then (unless
   * validateOnly) AdminZkClient.changeConfigs: validation, the write (or the emptied node's removal) and a notification.
   */
  async alterEntityQuotas(entity: QuotaEntity, ops: ReadonlyArray<{ key: string; value: number | null }>, validateOnly: boolean): Promise<void> {
    const { path, configType, configKeys, isUserClientId } = parseQuotaEntity(entity);
    const props = await this.zk.getEntityConfigs(configType, path);
    for (const op of ops) {
      if (op.value === null) {
        delete props[op.key];
        continue;
      }
      const type = configKeys.get(op.key);
      if (type === undefined) throw invalidRequest(`Invalid configuration key ${op.key}`);
      props[op.key] = quotaValueText(op.key, type, op.value);
    }
    if (validateOnly) return;
    validateEntityConfigs(configType, path, props);
    await this.changeEntityConfig(configType, path, props, isUserClientId);
  }

  /** AdminZkClient.changeEntityConfig: an emptied quota node with no children is deleted instead of written. */
  private async changeEntityConfig(rootType: string, sanitizedName: string, props: Record<string, string>, isUserClientId: boolean): Promise<void> {
    if (Object.keys(props).length > 0 || !(await this.tryCleanQuotaNodes(rootType, sanitizedName, isUserClientId))) {
      await this.zk.setOrCreateEntityConfigs(rootType, sanitizedName, props);
    }
    await this.zk.createConfigChangeNotification(`${rootType}/${sanitizedName}`);
  }

  /** AdminZkClient.tryCleanQuotaNodes: also the emptied <user>/clients and <user> nodes of a <user, client-id>. */
  private async tryCleanQuotaNodes(rootType: string, sanitizedName: string, isUserClientId: boolean): Promise<boolean> {
    const current = D.ConfigEntityZNode.path(rootType, sanitizedName);
    if ((await this.zk.getChildren(current)).length > 0) return false;
    let toDelete = current;
    if (isUserClientId) {
      const user = sanitizedName.substring(0, sanitizedName.indexOf('/'));
      const clientId = sanitizedName.substring(sanitizedName.lastIndexOf('/') + 1);
      const clientsPath = D.ConfigEntityZNode.path(D.ConfigType.User, `${user}/${D.ConfigType.Client}`);
      const clients = await this.zk.getChildren(clientsPath);
      if (clients.length === 1 && clients[0] === clientId) {
        toDelete = clientsPath;
        const userData = await this.zk.getEntityConfigs(D.ConfigType.User, user);
        const userPath = D.ConfigEntityZNode.path(D.ConfigType.User, user);
        const userChildren = await this.zk.getChildren(userPath);
        if (Object.keys(userData).length === 0 && userChildren.length === 1 && userChildren[0] === D.ConfigType.Client) toDelete = userPath;
      }
    }
    await this.deleteRecursive(toDelete);
    return true;
  }

  private async deleteRecursive(path: string): Promise<void> {
    for (const child of await this.zk.getChildren(path)) await this.deleteRecursive(`${path}/${child}`);
    await this.zk.deletePathIfExists(path);
  }

  /** KafkaZkClient.getAllEntitiesWithConfig: the children of /config/<type path>, sorted here for a stable answer. */
  private async allEntities(typePath: string): Promise<string[]> {
    return (await this.zk.getChildren(D.ConfigEntityTypeZNode.path(typePath))).sort();
  }

  private async fetchAllEntityConfigs(type: string): Promise<Array<[string, Record<string, string>]>> {
    const out: Array<[string, Record<string, string>]> = [];
    for (const name of await this.allEntities(type)) out.push([name, await this.zk.getEntityConfigs(type, name)]);
    return out;
  }
}

/**
 * ZkAdminManager.parseAndSanitizeQuotaEntity and the entity cases of alterClientQuotas: where the entity's configs
 * live and which keys it takes. The entries are visited in the entity's order (a Java HashMap's in Kafka).
 */
export function parseQuotaEntity(entity: QuotaEntity): {
  path: string;
  configType: string;
  configKeys: ReadonlyMap<string, ConfigType>;
  isUserClientId: boolean;
} {
  if (entity.length === 0) throw invalidRequest('Invalid empty client quota entity');
  let user: string | undefined;
  let clientId: string | undefined;
  let ip: string | undefined;
  for (const [type, name] of entity) {
    const sanitized = sanitizeEntityName(name);
    if (type === USER) user = sanitized;
    else if (type === CLIENT_ID) clientId = sanitized;
    else if (type === IP) ip = sanitized;
    else throw invalidRequest(`Unhandled client quota entity type: ${type}`);
    if (name !== null && name.length === 0) throw invalidRequest(`Empty ${type} not supported`);
  }
  const T = D.ConfigType;
  if (ip === undefined) {
    if (user !== undefined && clientId !== undefined)
      return { path: `${user}/clients/${clientId}`, configType: T.User, configKeys: USER_CONFIGS, isUserClientId: true };
    if (user !== undefined) return { path: user, configType: T.User, configKeys: USER_CONFIGS, isUserClientId: false };
    if (clientId !== undefined) return { path: clientId, configType: T.Client, configKeys: CLIENT_CONFIGS, isUserClientId: false };
    throw invalidRequest('Invalid client quota entity');
  }
  if (user !== undefined || clientId !== undefined)
    throw invalidRequest('Invalid quota entity combination, IP entity should not be used with user/client ID entity.');
  if (!isValidIpEntity(ip)) throw invalidRequest(`${ip} is not a valid IP or resolvable host.`);
  return { path: ip, configType: T.Ip, configKeys: IP_CONFIGS, isUserClientId: false };
}

/**
 * DynamicConfig.Ip.isValidIpEntity: the default, or a name InetAddress.getByName resolves. We take IP literals and
 * host-name-shaped strings without a DNS look-up (a request handler does not block on the resolver).
 */
function isValidIpEntity(ip: string): boolean {
  if (ip === DEFAULT || isIP(ip) !== 0) return true;
  return /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(ip);
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 31n - 1n;
const INT_MIN = -(2n ** 31n);

/** Scala's Double.toLong / toInt: truncation, saturating at the type's bounds, NaN -> 0. */
function truncate(v: number, min: bigint, max: bigint): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v === Infinity) return max;
  if (v === -Infinity) return min;
  const t = BigInt(Math.trunc(v));
  return t > max ? max : t < min ? min : t;
}

/**
 * The stored text of an op's value (ZkAdminManager.alterClientQuotas): a DOUBLE as Java prints it, a LONG or INT
 * only when within 1e-6 of an integer ("Configuration <key> must be a LONG value" otherwise).
 */
export function quotaValueText(key: string, type: ConfigType, value: number): string {
  if (type === 'DOUBLE') return javaDoubleToString(value);
  if (type === 'LONG' || type === 'INT') {
    const epsilon = 1e-6;
    const n = type === 'LONG' ? truncate(value + epsilon, LONG_MIN, LONG_MAX) : truncate(value + epsilon, INT_MIN, INT_MAX);
    // (intValue.toDouble - value).abs > epsilon: false for NaN, as in Scala.
    if (Math.abs(Number(n) - value) > epsilon) throw invalidRequest(`Configuration ${key} must be a ${type} value`);
    return n.toString();
  }
  // A SCRAM key of a user: IllegalStateException("Unexpected config type STRING").
  throw unknownServerError();
}

/**
 * AdminZkClient.changeConfigs' validation (DynamicConfig.User/Client/Ip.validate): a default user or a
 * <user, client-id> takes client configs only (a SCRAM key left on such a node fails), and each value must parse.
 */
function validateEntityConfigs(configType: string, path: string, props: Record<string, string>): void {
  const keys =
    configType === D.ConfigType.User
      ? path === DEFAULT || path.includes('/clients')
        ? CLIENT_CONFIGS
        : USER_CONFIGS
      : configType === D.ConfigType.Ip
        ? IP_CONFIGS
        : CLIENT_CONFIGS;
  const unknown = Object.keys(props).filter((k) => !keys.has(k));
  // require(...): IllegalArgumentException, answered as UNKNOWN_SERVER_ERROR.
  if (unknown.length > 0) throw unknownServerError();
  for (const [k, v] of Object.entries(props)) {
    const type = keys.get(k)!;
    if (type === 'STRING') continue;
    const n = type === 'DOUBLE' ? parseJavaDouble(v) : /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : null;
    // ConfigDef.parse's ConfigException (not an ApiException: UNKNOWN_SERVER_ERROR); ipConfigs' atLeast(0).
    if (n === null || (type === 'INT' && n < 0)) throw unknownServerError();
  }
}
