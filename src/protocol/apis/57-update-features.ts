/**
 * UpdateFeatures (key 57, KIP-584), admin -> controller: finalize, upgrade or downgrade cluster-wide feature
 * levels kept in /feature. Versions 0-1, flexible. v0 says AllowDowngrade, v1 an UpgradeType (1 upgrade,
 * 2 safe downgrade, 3 unsafe downgrade) and ValidateOnly.
 */
import * as schema from '../messages/UpdateFeatures';
import { messageApi } from './messageApi';

interface FeatureUpdateKey {
  feature: string;
  maxVersionLevel: number;
  /** v0 only. */
  allowDowngrade: boolean;
  /** v1+; 1 (UPGRADE) before. */
  upgradeType: number;
}

export interface UpdateFeaturesRequest {
  timeoutMs: number;
  featureUpdates: FeatureUpdateKey[];
  validateOnly: boolean;
}

export interface UpdatableFeatureResult {
  feature: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface UpdateFeaturesResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: UpdatableFeatureResult[];
}

export const UpdateFeaturesApi = messageApi<UpdateFeaturesRequest, UpdateFeaturesResponse>(schema.UpdateFeaturesRequest, schema.UpdateFeaturesResponse);
