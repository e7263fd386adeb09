/**
 * Kafka 3.7's org.apache.kafka.controller.FeatureControlManager (with QuorumFeatures): UpdateFeatures. A finalized
 * feature level is a FeatureLevelRecord; metadata.version is one of them. A level must be supported by this
 * controller (metadata.version 3.0-IV1..3.7-IV4; no other feature) and by every registered broker; lowering a
 * level needs a downgrade upgrade-type, raising one an UPGRADE.
 *
 * Where it differs: Kafka lets a metadata.version downgrade through when no metadata format changed between the two
 * versions (MetadataVersion.checkIfMetadataChanged); this controller refuses every downgrade with Kafka's message.
 */
import { Logger } from '../../common/logger';
import { UpdateFeaturesRequest, UpdateFeaturesResponse } from '../../protocol/apis/57-update-features';
import { ErrorCode } from '../../protocol/errors';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { LATEST_PRODUCTION, METADATA_VERSION_FEATURE_NAME, METADATA_VERSIONS, MINIMUM_BOOTSTRAP_VERSION } from '../../metadata/MetadataVersion';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { ApiError, atomicResultOf, ControllerResult, resultOf } from './ControllerResult';
import { record } from './MetadataRecords';

/** FeatureUpdate.UpgradeType. */
export const UpgradeType = { UNKNOWN: 0, UPGRADE: 1, SAFE_DOWNGRADE: 2, UNSAFE_DOWNGRADE: 3 } as const;

interface VersionRange {
  min: number;
  max: number;
}

/** VersionRange.toString. */
function rangeString(r: VersionRange): string {
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`;
}

/** QuorumFeatures.reasonNotSupported. */
function reasonNotSupported(newVersion: number, what: string, range: VersionRange): string | null {
  if (newVersion >= range.min && newVersion <= range.max) return null;
  if (range.max === 0) return `${what} does not support this feature.`;
  return `${what} only supports versions ${rangeString(range)}`;
}

export class FeatureControlManager {
  constructor(
    private readonly nodeId: number,
    private readonly image: () => MetadataImage,
    private readonly log: Logger,
  ) {}

  /** QuorumFeatures.defaultFeatureMap: what this controller supports. */
  private localSupported(feature: string): VersionRange {
    if (feature === METADATA_VERSION_FEATURE_NAME) return { min: 1, max: LATEST_PRODUCTION.featureLevel };
    return { min: 0, max: 0 };
  }

  updateFeatures(request: UpdateFeaturesRequest, version: number): ControllerResult<UpdateFeaturesResponse> {
    const records: ApiMessageAndVersion[] = [];
    const results = new Map<string, ApiError>();
    for (const u of request.featureUpdates) {
      const upgradeType = version === 0 ? (u.allowDowngrade ? UpgradeType.SAFE_DOWNGRADE : UpgradeType.UPGRADE) : u.upgradeType;
      results.set(u.feature, this.updateFeature(u.feature, u.maxVersionLevel, upgradeType, records));
    }
    const response: UpdateFeaturesResponse = {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: [...results]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([feature, e]) => ({ feature, errorCode: e.code, errorMessage: e.message })),
    };
    return request.validateOnly ? resultOf([], response) : atomicResultOf(records, response);
  }

  private invalidUpdateVersion(feature: string, version: number, message: string): ApiError {
    const errorMessage = `Invalid update version ${version} for feature ${feature}. ${message}`;
    this.log.warn(errorMessage);
    return new ApiError(ErrorCode.INVALID_UPDATE_VERSION, errorMessage);
  }

  private updateFeature(feature: string, newVersion: number, upgradeType: number, records: ApiMessageAndVersion[]): ApiError {
    if (upgradeType < UpgradeType.UPGRADE || upgradeType > UpgradeType.UNSAFE_DOWNGRADE) {
      return this.invalidUpdateVersion(feature, newVersion, 'The controller does not support the given upgrade type.');
    }
    const current = this.image().features.get(feature) ?? 0;
    if (newVersion < 0) return this.invalidUpdateVersion(feature, newVersion, 'A feature version cannot be less than 0.');
    const reason = this.reasonNotSupported(feature, newVersion);
    if (reason !== null) return this.invalidUpdateVersion(feature, newVersion, reason);
    if (newVersion < current && upgradeType === UpgradeType.UPGRADE) {
      return this.invalidUpdateVersion(
        feature,
        newVersion,
        "Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.",
      );
    }
    if (newVersion > current && upgradeType !== UpgradeType.UPGRADE)
      return this.invalidUpdateVersion(feature, newVersion, "Can't downgrade to a newer version.");
    if (feature === METADATA_VERSION_FEATURE_NAME) {
      const invalid = (m: string) => new ApiError(ErrorCode.INVALID_UPDATE_VERSION, `Invalid metadata.version ${newVersion}. ${m}`);
      const target = METADATA_VERSIONS.find((m) => m.featureLevel === newVersion);
      if (!target) return invalid('Unknown metadata.version.');
      if (newVersion < MINIMUM_BOOTSTRAP_VERSION.featureLevel)
        return invalid(`Unable to set a metadata.version less than ${MINIMUM_BOOTSTRAP_VERSION.version}`);
      if (newVersion < current) {
        if (upgradeType === UpgradeType.UNSAFE_DOWNGRADE) return invalid('Unsafe metadata downgrade is not supported in this version.');
        return invalid('Refusing to perform the requested downgrade because it might delete metadata information.');
      }
      this.log.warn(`Upgrading metadata.version from ${current} to ${newVersion}.`);
    }
    records.push(record('FeatureLevelRecord', 0, { name: feature, featureLevel: newVersion }));
    return ApiError.NONE;
  }

  private reasonNotSupported(feature: string, newVersion: number): string | null {
    const local = reasonNotSupported(newVersion, `Local controller ${this.nodeId}`, this.localSupported(feature));
    if (local !== null) return local;
    for (const b of this.image().brokers.values()) {
      const f = b.features.find((x) => x.name === feature);
      const reason = reasonNotSupported(newVersion, `Broker ${b.id}`, f ? { min: f.minSupportedVersion, max: f.maxSupportedVersion } : { min: 0, max: 0 });
      if (reason !== null) return reason;
    }
    return null;
  }
}
