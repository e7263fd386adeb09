import { hasIncompatibleFeatures, SUPPORTED_FEATURES } from '../common/BrokerFeatures';
import { ErrorCode } from '../protocol/errors';

/** FeatureUpdate.UpgradeType codes. */
export const UpgradeType = { UNKNOWN: 0, UPGRADE: 1, SAFE_DOWNGRADE: 2, UNSAFE_DOWNGRADE: 3 } as const;

/** UpdateFeaturesRequest.FeatureUpdateItem. */
export interface FeatureUpdateItem {
  feature: string;
  versionLevel: number;
  upgradeType: number;
}

export interface FeatureUpdateError {
  errorCode: number;
  errorMessage: string | null;
}

const SUPPORTED = Object.fromEntries(SUPPORTED_FEATURES.map((f) => [f.name, { minVersion: f.minVersion, maxVersion: f.maxVersion }]));

/**
 * KafkaController.processFeatureUpdatesWithActiveController, minus the ZooKeeper write: each update is validated
 * (KafkaController.validateFeatureUpdate) against the existing finalized levels, this broker's supported range and
 * every live broker's registered features; valid ones are applied to the target map. Since ZK-mode brokers register
 * `"features":{}`, Kafka 3.7 rejects every upgrade there as incompatible; so do we, for the same reason.
 */
export function applyFeatureUpdates(
  existing: ReadonlyMap<string, number>,
  updates: readonly FeatureUpdateItem[],
  liveBrokerFeatures: ReadonlyArray<Readonly<Record<string, { minVersion: number; maxVersion: number }>>>,
): { target: Map<string, number>; errors: Map<string, FeatureUpdateError> } {
  const target = new Map(existing);
  const errors = new Map<string, FeatureUpdateError>();
  const invalid = (errorMessage: string): FeatureUpdateError => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });
  for (const u of updates) {
    const isDelete = u.versionLevel < 1 && u.upgradeType !== UpgradeType.UPGRADE;
    const cur = existing.get(u.feature);
    let error: FeatureUpdateError | null = null;
    if (u.feature === '') error = invalid('Feature name can not be empty.');
    else if (u.upgradeType === UpgradeType.UNKNOWN || u.upgradeType > UpgradeType.UNSAFE_DOWNGRADE) error = invalid('Received unknown upgrade type.');
    else if (isDelete) {
      if (cur === undefined) error = invalid('Can not delete non-existing finalized feature.');
      else target.delete(u.feature);
    } else if (u.versionLevel < 1) {
      error = invalid(`Can not provide versionLevel: ${u.versionLevel} less than 1 without setting the SAFE downgradeType in the request.`);
    } else if (cur !== undefined && u.versionLevel === cur) {
      const verb = u.upgradeType === UpgradeType.SAFE_DOWNGRADE ? 'downgrade' : 'upgrade';
      error = invalid(`Can not ${verb} a finalized feature from existing versionLevel:${cur} to the same value.`);
    } else if (cur !== undefined && u.versionLevel < cur && u.upgradeType !== UpgradeType.SAFE_DOWNGRADE) {
      error = invalid(
        `Can not downgrade finalized feature from existing versionLevel:${cur} to provided versionLevel:${u.versionLevel} without setting the downgradeType to SAFE in the request.`,
      );
    } else if (cur !== undefined && u.upgradeType !== UpgradeType.UPGRADE && u.versionLevel > cur) {
      error = invalid(
        `When the downgradeType is set to SAFE in the request, the provided versionLevel:${u.versionLevel} can not be greater than existing versionLevel:${cur}.`,
      );
    } else {
      const range = SUPPORTED[u.feature];
      if (!range) error = invalid('Could not apply finalized feature update because the provided feature is not supported.');
      else if (u.versionLevel < range.minVersion || u.versionLevel > range.maxVersion) {
        error = invalid(
          `Could not apply finalized feature update because the provided versionLevel:${u.versionLevel} is lower than the supported minVersion:${range.minVersion} or higher than the supported maxVersion:${range.maxVersion}.`,
        );
      } else if (liveBrokerFeatures.some((f) => hasIncompatibleFeatures(f, new Map([[u.feature, u.versionLevel]])))) {
        error = invalid('Could not apply finalized feature update because brokers were found to have incompatible versions for the feature.');
      } else target.set(u.feature, u.versionLevel);
    }
    errors.set(u.feature, error ?? { errorCode: ErrorCode.NONE, errorMessage: null });
  }
  return { target, errors };
}
