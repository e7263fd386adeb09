/**
 * kafka.server.DynamicBrokerConfig (Kafka 3.7): broker configs changed without a restart. Two levels live in
 * ZooKeeper: /config/brokers/<id> (this broker) and /config/brokers/<default> (every broker). The effective config is
 * per-broker dynamic > cluster default dynamic > static server.properties > KafkaConfig default; every change builds a
 * new KafkaConfig from those layers (so all of KafkaConfig's parsing and validateValues checks apply), asks each
 * reconfigurable to validate it, then makes it current: the broker's own KafkaConfig object takes its values (Kafka's
 * KafkaConfig.updateCurrentConfig, through which every reader of the config sees the new values) and the
 * reconfigurables apply it (log defaults on live logs, listener keystores, ...).
 * Passwords are stored encrypted with password.encoder.secret (PasswordEncoder) in ZooKeeper mode, as they are in
 * KRaft mode's metadata (NoOpPasswordEncoder).
 */
import { getLogger, Logger } from '../../common/logger';
import { ConfigException } from '../../common/config/ConfigDef';
import {
  brokerConfigSynonyms,
  isPasswordConfig,
  nonDynamicConfigs,
  perBrokerConfigs,
  securityConfigsWithoutListenerPrefix,
  validateConfigTypes,
  validateConfigs,
} from './DynamicBrokerConfigDefs';
import { KafkaConfig } from './KafkaConfig';
import { EncryptingPasswordEncoder, NOOP_PASSWORD_ENCODER, PasswordEncoder } from './PasswordEncoder';
import type { KafkaZkClient } from '../../zk/KafkaZkClient';
import { ConfigType } from '../../zk/ZkData';

/** ConfigEntityName.Default */
export const DEFAULT_BROKER_ENTITY = '<default>';

/** Kafka's BrokerReconfigurable: validated before a new config is made current, applied after. */
export interface BrokerReconfigurable {
  /** Throws a ConfigException (or any Error) when the new config cannot be applied; nothing is changed then. */
  validateReconfiguration(oldConfig: KafkaConfig, newConfig: KafkaConfig): void;
  reconfigure(oldConfig: KafkaConfig, newConfig: KafkaConfig): void;
  /** reloadUpdatedFilesWithoutConfigChange: re-read files (keystores) whose path did not change. */
  reloadFiles?(newConfig: KafkaConfig): void;
}

/** Where the dynamic configs are kept: /config/brokers/<name> plus a change notification (AdminZkClient). */
export interface BrokerConfigStore {
  fetchBrokerConfig(entityName: string): Promise<Record<string, string>>;
  changeBrokerConfig(entityName: string, props: Readonly<Record<string, string>>): Promise<void>;
}

type Props = Record<string, string>;

function stringProps(o: Readonly<Record<string, unknown>>): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}

/** DynamicBrokerConfig.overrideProps: a key replaces its synonyms, so the dynamic level wins over e.g. log.retention.hours. */
function overrideProps(props: Props, overrides: Readonly<Props>): void {
  for (const [k, v] of Object.entries(overrides)) {
    for (const s of brokerConfigSynonyms(k, false)) delete props[s];
    props[k] = v;
  }
}

/** The password encoder of a ZooKeeper-mode broker, or null without password.encoder.secret. */
export function passwordEncoderFor(config: KafkaConfig, secretKey = 'password.encoder.secret'): PasswordEncoder | null {
  if (config.kraft) return NOOP_PASSWORD_ENCODER;
  const secret = config.getString(secretKey);
  if (secret === null) return null;
  return new EncryptingPasswordEncoder(
    secret,
    config.getString('password.encoder.keyfactory.algorithm'),
    config.getString('password.encoder.cipher.algorithm') ?? 'AES/CBC/PKCS5Padding',
    config.getInt('password.encoder.key.length'),
    config.getInt('password.encoder.iterations'),
  );
}

export class DynamicBrokerConfig {
  /** The static layer (server.properties as given), as strings; and the config it makes, for DescribeConfigs. */
  readonly staticBrokerConfigs: Readonly<Props>;
  readonly staticConfig: KafkaConfig;
  private dynamicBrokerConfigs: Props = {};
  private dynamicDefaultConfigs: Props = {};
  private current: KafkaConfig;
  private readonly reconfigurables: BrokerReconfigurable[] = [];
  private readonly encoder: PasswordEncoder | null;
  private readonly log: Logger;

  constructor(private readonly kafkaConfig: KafkaConfig) {
    this.staticBrokerConfigs = stringProps(kafkaConfig.originals);
    // A snapshot: the broker's own object takes every new config's values (updateCurrentConfig).
    this.staticConfig = new KafkaConfig(kafkaConfig.originals);
    this.current = this.staticConfig;
    this.encoder = passwordEncoderFor(kafkaConfig);
    this.log = getLogger('kafka.server.DynamicBrokerConfig', `[DynamicBrokerConfig nodeId=${kafkaConfig.brokerId}] `);
  }

  get currentKafkaConfig(): KafkaConfig {
    return this.current;
  }

  currentDynamicBrokerConfigs(): Readonly<Props> {
    return { ...this.dynamicBrokerConfigs };
  }

  currentDynamicDefaultConfigs(): Readonly<Props> {
    return { ...this.dynamicDefaultConfigs };
  }

  addReconfigurable(r: BrokerReconfigurable): void {
    this.reconfigurables.push(r);
  }

  /**
   * DynamicBrokerConfig.initialize: the cluster default, then this broker's configs (re-encoded first when
   * password.encoder.old.secret is set), applied before the broker serves anything.
   */
  async initialize(store: BrokerConfigStore): Promise<void> {
    this.updateDefaultConfig(await store.fetchBrokerConfig(DEFAULT_BROKER_ENTITY), false);
    const props = await this.maybeReEncodePasswords(await store.fetchBrokerConfig(String(this.kafkaConfig.brokerId)), store);
    this.updateBrokerConfig(this.kafkaConfig.brokerId, props, false);
  }

  /** BrokerConfigHandler: /config/brokers/<id> changed (persistent form: passwords encoded). Errors are logged. */
  updateBrokerConfig(brokerId: number, persistentProps: Readonly<Props>, doLog = true): void {
    try {
      const props = this.fromPersistentProps(persistentProps, true);
      const before = this.dynamicBrokerConfigs;
      this.dynamicBrokerConfigs = props;
      try {
        this.updateCurrentConfig(doLog);
      } catch (e) {
        this.dynamicBrokerConfigs = before;
        throw e;
      }
    } catch (e) {
      this.log.error(`Per-broker configs of ${brokerId} could not be applied: [${Object.keys(persistentProps).join(', ')}]`, e);
    }
  }

  /** BrokerConfigHandler: /config/brokers/<default> changed. Errors are logged. */
  updateDefaultConfig(persistentProps: Readonly<Props>, doLog = true): void {
    try {
      const props = this.fromPersistentProps(persistentProps, false);
      const before = this.dynamicDefaultConfigs;
      this.dynamicDefaultConfigs = props;
      try {
        this.updateCurrentConfig(doLog);
      } catch (e) {
        this.dynamicDefaultConfigs = before;
        throw e;
      }
    } catch (e) {
      this.log.error(`Cluster default configs could not be applied: [${Object.keys(persistentProps).join(', ')}]`, e);
    }
  }

  /** DynamicBrokerConfig.validate: an AlterConfigs' new set for one level, checked as if applied (nothing changes). */
  validate(props: Readonly<Props>, perBrokerConfig: boolean): void {
    this.processReconfiguration(this.validatedKafkaProps(props, perBrokerConfig), true);
  }

  /**
   * reloadUpdatedFilesWithoutConfigChange: an AlterConfigs for this broker that leaves the keystore paths as they are
   * still re-reads the files, so a keystore replaced in place is picked up.
   */
  reloadUpdatedFilesWithoutConfigChange(props: Readonly<Props>): void {
    const newConfig = new KafkaConfig(this.validatedKafkaProps(props, true));
    for (const r of this.reconfigurables) r.reloadFiles?.(newConfig);
  }

  /** toPersistentProps: password configs encrypted (only per broker, and only with password.encoder.secret). */
  toPersistentProps(configProps: Readonly<Props>, perBrokerConfig: boolean): Props {
    const props = { ...configProps };
    for (const [name, value] of Object.entries(configProps)) {
      if (!isPasswordConfig(name)) continue;
      if (!perBrokerConfig) throw new ConfigException('Password config can be defined only at broker level');
      props[name] = this.passwordEncoder().encode(value);
    }
    return props;
  }

  /** fromPersistentProps: invalid, non-dynamic and misplaced keys dropped (with an error logged), passwords decoded. */
  fromPersistentProps(persistentProps: Readonly<Props>, perBrokerConfig: boolean): Props {
    const props = { ...persistentProps };
    this.removeInvalidConfigs(props, perBrokerConfig);
    const removeInvalidProps = (invalid: string[], message: string) => {
      if (invalid.length === 0) return;
      for (const k of invalid) delete props[k];
      this.log.error(`${message}: Set(${invalid.join(', ')})`);
    };
    removeInvalidProps(nonDynamicConfigs(Object.keys(props)), 'Non-dynamic configs configured in ZooKeeper will be ignored');
    removeInvalidProps(
      securityConfigsWithoutListenerPrefix(Object.keys(props)),
      'Security configs can be dynamically updated only using listener prefix, base configs will be ignored',
    );
    if (!perBrokerConfig) removeInvalidProps(perBrokerConfigs(Object.keys(props)), 'Per-broker configs defined at default cluster level will be ignored');
    for (const [name, value] of Object.entries(props)) {
      if (!isPasswordConfig(name)) continue;
      try {
        props[name] = this.passwordEncoder().decode(value);
      } catch (e) {
        this.log.error(`Dynamic password config ${name} could not be decoded, ignoring.`, e);
        delete props[name];
      }
    }
    return props;
  }

  private passwordEncoder(): PasswordEncoder {
    if (!this.encoder) throw new ConfigException('Password encoder secret not configured');
    return this.encoder;
  }

  /** removeInvalidConfigs: values that do not parse are dropped one by one, the rest kept. */
  private removeInvalidConfigs(props: Props, perBrokerConfig: boolean): void {
    try {
      validateConfigTypes(props);
    } catch (e) {
      const invalid = Object.entries(props)
        .filter(([k, v]) => {
          try {
            validateConfigTypes({ [k]: v });
            return false;
          } catch {
            return true;
          }
        })
        .map(([k]) => k);
      for (const k of invalid) delete props[k];
      this.log.error(
        `Dynamic ${perBrokerConfig ? 'broker' : 'default cluster'} config contains invalid values in: Set(${invalid.join(', ')}), these configs will be ignored`,
        e,
      );
    }
  }

  /**
   * maybeReEncodePasswords: with password.encoder.old.secret, every password stored with the old secret is decoded
   * with it and stored again encoded with the current secret (values the old secret cannot decode are left as they are).
   */
  private async maybeReEncodePasswords(persistentProps: Readonly<Props>, store: BrokerConfigStore): Promise<Props> {
    const props = { ...persistentProps };
    if (!Object.keys(props).some(isPasswordConfig)) return props;
    const decoder = passwordEncoderFor(this.kafkaConfig, 'password.encoder.old.secret');
    if (!decoder || this.kafkaConfig.kraft) return props;
    for (const [name, value] of Object.entries(persistentProps)) {
      if (!isPasswordConfig(name)) continue;
      let decoded: string | null = null;
      try {
        decoded = decoder.decode(value);
      } catch {
        this.log.debug(`Dynamic password config ${name} could not be decoded using old secret, new secret will be used.`);
      }
      if (decoded !== null) props[name] = this.passwordEncoder().encode(decoded);
    }
    await store.changeBrokerConfig(String(this.kafkaConfig.brokerId), props);
    return props;
  }

  /** validatedKafkaProps: the full property set the broker would run with once `propsOverride` replaces its level. */
  private validatedKafkaProps(propsOverride: Readonly<Props>, perBrokerConfig: boolean): Props {
    validateConfigs(propsOverride, perBrokerConfig);
    const newProps: Props = { ...this.staticBrokerConfigs };
    if (perBrokerConfig) {
      overrideProps(newProps, this.dynamicDefaultConfigs);
      overrideProps(newProps, propsOverride);
    } else {
      overrideProps(newProps, propsOverride);
      overrideProps(newProps, this.dynamicBrokerConfigs);
    }
    return newProps;
  }

  private updateCurrentConfig(doLog: boolean): void {
    const newProps: Props = { ...this.staticBrokerConfigs };
    overrideProps(newProps, this.dynamicDefaultConfigs);
    overrideProps(newProps, this.dynamicBrokerConfigs);
    const oldConfig = this.current;
    const newConfig = this.processReconfiguration(newProps, false);
    if (newConfig === oldConfig) return;
    this.current = newConfig;
    // KafkaConfig.updateCurrentConfig: the broker's one KafkaConfig object (held by every component) reads the new
    // values from now on. Its fields are plain data, so copying the new config's fields over is that switch.
    Object.assign(this.kafkaConfig, newConfig);
    if (doLog) this.log.info(`Updated broker configuration: ${JSON.stringify(redacted(changedKeys(oldConfig, newConfig), newConfig))}`);
    for (const r of this.reconfigurables) {
      try {
        r.reconfigure(oldConfig, newConfig);
      } catch (e) {
        this.log.error('Failed to apply a validated broker configuration', e);
      }
    }
  }

  /**
   * processReconfiguration: the new KafkaConfig (its own parse and validation errors surface as they are), and when it
   * differs from the current one each reconfigurable validates it; a refusal is Kafka's "Invalid dynamic configuration".
   */
  private processReconfiguration(newProps: Readonly<Props>, validateOnly: boolean): KafkaConfig {
    const newConfig = new KafkaConfig(newProps);
    if (changedKeys(this.current, newConfig).length === 0) return this.current;
    try {
      for (const r of this.reconfigurables) r.validateReconfiguration(this.current, newConfig);
    } catch (e) {
      if (!validateOnly) this.log.error('Failed to update broker configuration with configs', e);
      else this.log.info(`Validation of dynamic broker configs failed: ${(e as Error).message}`);
      throw new ConfigException('Invalid dynamic configuration');
    }
    return newConfig;
  }
}

/** The keys whose given value differs between two configs (added, removed or changed). */
export function changedKeys(oldConfig: KafkaConfig, newConfig: KafkaConfig): string[] {
  const a = stringProps(oldConfig.originals);
  const b = stringProps(newConfig.originals);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

function redacted(keys: string[], config: KafkaConfig): Record<string, string> {
  const o = stringProps(config.originals);
  return Object.fromEntries(keys.map((k) => [k, k in o ? (isPasswordConfig(k) ? '[hidden]' : o[k]) : '(removed)']));
}

/** /config/brokers/<name> in ZooKeeper (AdminZkClient.fetchEntityConfig / changeBrokerConfig). */
export function zkBrokerConfigStore(
  zk: Pick<KafkaZkClient, 'getEntityConfigs' | 'setOrCreateEntityConfigs' | 'createConfigChangeNotification'>,
): BrokerConfigStore {
  return {
    fetchBrokerConfig: (name) => zk.getEntityConfigs(ConfigType.Broker, name),
    changeBrokerConfig: async (name, props) => {
      // AdminZkClient.changeEntityConfig: the entity znode first, then the notification every broker watches.
      await zk.setOrCreateEntityConfigs(ConfigType.Broker, name, props);
      await zk.createConfigChangeNotification(`${ConfigType.Broker}/${name}`);
    },
  };
}
