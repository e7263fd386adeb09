/**
 * Kafka 3.7's org.apache.kafka.controller.ScramControlManager: AlterUserScramCredentials on the active controller.
 * Each user either fails as a whole or all its changes are written: a user named twice in the request (deletions
 * then upsertions, in that order) is DUPLICATE_RESOURCE, an empty name UNACCEPTABLE_CREDENTIAL, an unknown mechanism
 * UNSUPPORTED_SASL_MECHANISM, iterations outside [mechanism minimum, 16384] UNACCEPTABLE_CREDENTIAL, deleting a
 * credential that does not exist RESOURCE_NOT_FOUND, and a metadata.version before 3.5-IV2 UNSUPPORTED_VERSION. The
 * records (RemoveUserScramCredentialRecord, UserScramCredentialRecord with StoredKey and ServerKey derived from the
 * salted password, never the password) are written atomically. Results: deletions, upsertions, then errors.
 */
import type { MetadataImage } from '../../metadata/image/MetadataImage';
import { SCRAM_SUPPORTED_LEVEL } from '../../metadata/image/SecurityImage';
import type {
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
  AlterUserScramCredentialsResult,
  ScramCredentialDeletion,
  ScramCredentialUpsertion,
} from '../../protocol/apis/51-alter-user-scram-credentials';
import { ErrorCode } from '../../protocol/errors';
import { credentialFromSaltedPassword, scramMechanismFromType, scramMechanismInfo } from '../../security/scram/ScramCredential';
import { ApiError, ControllerResult, atomicResultOf } from './ControllerResult';
import { record } from './MetadataRecords';

/** ScramControlManager.MAX_ITERATIONS. */
export const MAX_SCRAM_ITERATIONS = 16384;
const DUPLICATE = 'A user credential cannot be altered twice in the same request';
const NO_SCRAM = 'The current metadata version does not support SCRAM';

/** validateScramUsernameAndMechanism. */
function validateUsernameAndMechanism(name: string, mechanism: number): ApiError {
  if (name === '') return new ApiError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
  if (scramMechanismFromType(mechanism) === undefined) return new ApiError(ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
  return ApiError.NONE;
}

export function validateUpsertion(u: ScramCredentialUpsertion): ApiError {
  const error = validateUsernameAndMechanism(u.name, u.mechanism);
  if (error.isFailure()) return error;
  const m = scramMechanismFromType(u.mechanism)!;
  if (u.iterations < scramMechanismInfo(m).minIterations) return new ApiError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
  if (u.iterations > MAX_SCRAM_ITERATIONS) return new ApiError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
  return ApiError.NONE;
}

export class ScramControlManager {
  constructor(private readonly image: () => MetadataImage) {}

  private validateDeletion(d: ScramCredentialDeletion): ApiError {
    const error = validateUsernameAndMechanism(d.name, d.mechanism);
    if (error.isFailure()) return error;
    if (!this.image().security.scramCredential(d.mechanism, d.name)) {
      return new ApiError(ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
    }
    return ApiError.NONE;
  }

  alterCredentials(req: AlterUserScramCredentialsRequest): ControllerResult<AlterUserScramCredentialsResponse> {
    const supported = this.image().metadataVersion() >= SCRAM_SUPPORTED_LEVEL;
    const deletions = new Map<string, ScramCredentialDeletion>();
    const upsertions = new Map<string, ScramCredentialUpsertion>();
    const errors = new Map<string, ApiError>();
    for (const d of req.deletions) {
      if (errors.has(d.name)) continue;
      if (deletions.delete(d.name)) errors.set(d.name, new ApiError(ErrorCode.DUPLICATE_RESOURCE, DUPLICATE));
      else if (!supported) errors.set(d.name, new ApiError(ErrorCode.UNSUPPORTED_VERSION, NO_SCRAM));
      else {
        const e = this.validateDeletion(d);
        if (e.isFailure()) errors.set(d.name, e);
        else deletions.set(d.name, d);
      }
    }
    for (const u of req.upsertions) {
      if (errors.has(u.name)) continue;
      const removedDeletion = deletions.delete(u.name);
      const removedUpsertion = upsertions.delete(u.name);
      if (removedDeletion || removedUpsertion) errors.set(u.name, new ApiError(ErrorCode.DUPLICATE_RESOURCE, DUPLICATE));
      else if (!supported) errors.set(u.name, new ApiError(ErrorCode.UNSUPPORTED_VERSION, NO_SCRAM));
      else {
        const e = validateUpsertion(u);
        if (e.isFailure()) errors.set(u.name, e);
        else upsertions.set(u.name, u);
      }
    }
    const results: AlterUserScramCredentialsResult[] = [];
    const records = [];
    for (const d of deletions.values()) {
      results.push({ user: d.name, errorCode: ErrorCode.NONE, errorMessage: null });
      records.push(record('RemoveUserScramCredentialRecord', 0, { name: d.name, mechanism: d.mechanism }));
    }
    for (const u of upsertions.values()) {
      // finishUpsertion: StoredKey = H(ClientKey), ServerKey, from the salted password the client computed.
      const c = credentialFromSaltedPassword(scramMechanismFromType(u.mechanism)!, u.salt, u.saltedPassword, u.iterations);
      records.push(
        record('UserScramCredentialRecord', 0, {
          name: u.name,
          mechanism: u.mechanism,
          salt: u.salt,
          storedKey: c.storedKey,
          serverKey: c.serverKey,
          iterations: u.iterations,
        }),
      );
      results.push({ user: u.name, errorCode: ErrorCode.NONE, errorMessage: null });
    }
    for (const [user, e] of errors) results.push({ user, errorCode: e.code, errorMessage: e.message });
    return atomicResultOf(records, { throttleTimeMs: 0, results });
  }
}
