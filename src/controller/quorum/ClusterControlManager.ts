/**
 * Kafka 3.7's org.apache.kafka.controller.ClusterControlManager: broker registrations. The registrations
 * themselves live in the metadata image (RegisterBrokerRecord, fencing and controlled-shutdown changes); while
 * this node is the active controller, a BrokerHeartbeatManager tracks the brokers' sessions.
 *
 * registerBroker: the cluster id must match; a broker id held by another incarnation whose session is still valid
 * gets DUPLICATE_BROKER_REGISTRATION; the new broker epoch is the offset the RegisterBrokerRecord will have; the
 * broker starts fenced and must catch up to that offset before it is unfenced.
 */
import { Logger } from '../../common/logger';
import { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../../protocol/apis/62-broker-registration';
import { ErrorCode } from '../../protocol/errors';
import { METADATA_VERSION_FEATURE_NAME } from '../../metadata/MetadataVersion';
import { BrokerRegistration, DIRECTORY_MIGRATING, DIRECTORY_UNASSIGNED, MetadataImage } from '../../metadata/image/MetadataImage';
import { BrokerHeartbeatManager } from './BrokerHeartbeatManager';
import { apiException, atomicResultOf, ControllerResult } from './ControllerResult';
import { MV, record, registerBrokerRecordVersion } from './MetadataRecords';
import { UsableBroker } from './StripedReplicaPlacer';

/** MetadataVersion.MINIMUM_KRAFT_VERSION (3.0-IV1): what a broker that sends no metadata.version range supports. */
const MINIMUM_KRAFT_VERSION = 1;

export class ClusterControlManager {
  heartbeatManager: BrokerHeartbeatManager | null = null;

  constructor(
    private readonly clusterId: string,
    private readonly image: () => MetadataImage,
    private readonly time: { milliseconds(): number },
    private readonly sessionTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** activate: a new active controller gives every registered broker a fresh session. */
  activate(): void {
    this.heartbeatManager = new BrokerHeartbeatManager(this.time, this.sessionTimeoutMs, this.log);
    for (const b of this.image().brokers.values()) this.heartbeatManager.register(b.id, b.fenced);
  }

  deactivate(): void {
    this.heartbeatManager = null;
  }

  registration(brokerId: number): BrokerRegistration | undefined {
    return this.image().brokers.get(brokerId);
  }

  /** isActive: registered, unfenced and not in controlled shutdown: may lead and join ISRs. */
  isActive(brokerId: number): boolean {
    const b = this.image().brokers.get(brokerId);
    return b !== undefined && !b.fenced && !b.inControlledShutdown;
  }

  inControlledShutdown(brokerId: number): boolean {
    return this.image().brokers.get(brokerId)?.inControlledShutdown ?? false;
  }

  /**
   * ClusterDescriber.defaultDir: a broker with one log directory gets new replicas there; one that registered none
   * (a ZooKeeper-era broker) MIGRATING; several, UNASSIGNED until the broker picks one (KIP-858).
   */
  defaultDir(brokerId: number): Buffer {
    const b = this.image().brokers.get(brokerId);
    if (!b) return DIRECTORY_UNASSIGNED;
    if (b.logDirs.length === 0) return DIRECTORY_MIGRATING;
    if (b.logDirs.length === 1) return b.logDirs[0];
    return DIRECTORY_UNASSIGNED;
  }

  /** usableBrokers: every registered broker not in controlled shutdown, for replica placement. */
  usableBrokers(): UsableBroker[] {
    const out: UsableBroker[] = [];
    for (const b of this.image().brokers.values()) {
      if (!b.inControlledShutdown) out.push({ id: b.id, rack: b.rack, fenced: b.fenced });
    }
    return out;
  }

  /** checkBrokerEpoch: STALE_BROKER_EPOCH with Kafka's messages. */
  checkBrokerEpoch(brokerId: number, brokerEpoch: number): void {
    const registration = this.image().brokers.get(brokerId);
    if (!registration) throw apiException(ErrorCode.STALE_BROKER_EPOCH, `No broker registration found for broker id ${brokerId}`);
    if (registration.epoch !== brokerEpoch) {
      throw apiException(ErrorCode.STALE_BROKER_EPOCH, `Expected broker epoch ${registration.epoch}, but got broker epoch ${brokerEpoch}`);
    }
  }

  registerBroker(request: BrokerRegistrationRequest, brokerEpoch: number): ControllerResult<BrokerRegistrationResponse> {
    const hb = this.heartbeatManager;
    if (!hb) throw new Error('ClusterControlManager is not active.');
    if (request.clusterId !== this.clusterId) {
      throw apiException(ErrorCode.INCONSISTENT_CLUSTER_ID, `Expected cluster ID ${this.clusterId}, but got cluster ID ${request.clusterId}`);
    }
    const brokerId = request.brokerId;
    const existing = this.image().brokers.get(brokerId);
    if (existing) {
      if (hb.hasValidSession(brokerId)) {
        if (!existing.incarnationId.equals(request.incarnationId)) {
          throw apiException(ErrorCode.DUPLICATE_BROKER_REGISTRATION, 'Another broker is registered with that broker id.');
        }
      } else if (!existing.incarnationId.equals(request.incarnationId)) {
        // Remove any existing session for the old broker incarnation.
        hb.remove(brokerId);
      }
    }
    if (request.isMigratingZkBroker) {
      throw apiException(ErrorCode.BROKER_ID_NOT_REGISTERED, 'Controller does not support registering ZK brokers.');
    }
    const mv = this.image().metadataVersion();
    const features = request.features.map((f) => this.processRegistrationFeature(brokerId, f));
    if (!request.features.some((f) => f.name === METADATA_VERSION_FEATURE_NAME)) {
      // Brokers that don't send a supported metadata.version range are assumed to only support the original one.
      features.push(
        this.processRegistrationFeature(brokerId, {
          name: METADATA_VERSION_FEATURE_NAME,
          minSupportedVersion: MINIMUM_KRAFT_VERSION,
          maxSupportedVersion: MINIMUM_KRAFT_VERSION,
        }),
      );
    }
    const data: Record<string, unknown> = {
      brokerId,
      isMigratingZkBroker: false,
      incarnationId: request.incarnationId,
      brokerEpoch,
      endPoints: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
      features,
      rack: request.rack,
      fenced: true,
      inControlledShutdown: false,
    };
    // 3.7-IV2+ registrations carry the broker's log directories (KIP-858); Kafka refuses an empty list there, we
    // accept it (this project's brokers do not assign directories yet).
    if (mv >= MV.IBP_3_7_IV2) data.logDirs = request.logDirs ?? [];
    hb.register(brokerId, true);
    return atomicResultOf([record('RegisterBrokerRecord', registerBrokerRecordVersion(mv), data)], {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      brokerEpoch,
    });
  }

  private processRegistrationFeature(
    brokerId: number,
    feature: { name: string; minSupportedVersion: number; maxSupportedVersion: number },
  ): { name: string; minSupportedVersion: number; maxSupportedVersion: number } {
    const finalized = this.image().features.get(feature.name);
    if (finalized !== undefined) {
      if (finalized < feature.minSupportedVersion || finalized > feature.maxSupportedVersion) {
        throw apiException(
          ErrorCode.UNSUPPORTED_VERSION,
          `Unable to register because the broker does not support version ${finalized} of ${feature.name}. It wants a version between ${feature.minSupportedVersion} and ${feature.maxSupportedVersion}, inclusive.`,
        );
      }
    } else {
      this.log.warn(`Broker ${brokerId} registered with feature ${feature.name} that is unknown to the controller`);
    }
    return { name: feature.name, minSupportedVersion: feature.minSupportedVersion, maxSupportedVersion: feature.maxSupportedVersion };
  }
}
