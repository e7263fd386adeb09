/**
 * `kafka-storage format --add-scram` (Kafka 3.7's StorageTool.getUserScramCredentialRecords): SCRAM credentials
 * written into bootstrap.checkpoint, so the first active controller puts them in the metadata log and the brokers
 * can authenticate a SCRAM user (e.g. the inter-broker one) from the start. Each argument is
 * `SCRAM-SHA-256=[name=alice,password=alice-secret]` (or SCRAM-SHA-512; keys name, password | saltedpassword+salt,
 * salt (base64), iterations; a value may be quoted). As in Kafka 3.7, `iterations` is read only together with
 * `salt`; without a salt a random one is drawn and 4096 iterations used.
 */
import type { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataRecordTypeId } from '../../metadata/records/MetadataRecordType';
import { ScramMechanism, credentialFromSaltedPassword, isScramMechanism, saltedPassword, scramMechanismInfo, scramMechanismType } from './ScramCredential';
import { randomBytes } from 'node:crypto';

/** A refusal that StorageTool prints as a TerseFailure (its message alone, exit 1). */
export class AddScramError extends Error {}

/** getUserScramCredentialRecord: the bracketed `k=v,...` list, `=` inside double quotes kept, quotes removed. */
function argMap(config: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const pair of config.substring(1, config.length - 1).split(',')) {
    // split("=(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"): the first '=' outside quotes.
    let inQuotes = false;
    let at = -1;
    for (let i = 0; i < pair.length; i++) {
      if (pair[i] === '"') inQuotes = !inQuotes;
      else if (pair[i] === '=' && !inQuotes) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new AddScramError(`Error attempting to create UserScramCredentialRecord: malformed add-scram argument ${pair}`);
    m.set(pair.slice(0, at), pair.slice(at + 1).replace(/"/g, ''));
  }
  return m;
}

function record(mechanism: ScramMechanism, config: string): ApiMessageAndVersion {
  const args = argMap(config);
  const name = args.get('name');
  if (name === undefined) throw new AddScramError("You must supply 'name' to add-scram");
  const salt = args.has('salt') ? Buffer.from(args.get('salt')!, 'base64') : randomBytes(32);
  let iterations = 4096;
  if (args.has('salt')) {
    iterations = Number.parseInt(args.get('iterations') ?? '', 10);
    const info = scramMechanismInfo(mechanism);
    if (!Number.isFinite(iterations))
      throw new AddScramError(`Error attempting to create UserScramCredentialRecord: For input string: "${args.get('iterations') ?? 'null'}"`);
    if (iterations < info.minIterations) throw new AddScramError(`The 'iterations' value must be >= ${info.minIterations} for add-scram`);
    if (iterations > info.maxIterations) throw new AddScramError(`The 'iterations' value must be <= ${info.maxIterations} for add-scram`);
  }
  let salted: Buffer;
  if (args.has('password')) {
    if (args.has('saltedpassword')) throw new AddScramError("You must only supply one of 'password' or 'saltedpassword' to add-scram");
    salted = saltedPassword(mechanism, args.get('password')!, salt, iterations);
  } else {
    if (!args.has('saltedpassword')) throw new AddScramError("You must supply one of 'password' or 'saltedpassword' to add-scram");
    if (!args.has('salt')) throw new AddScramError("You must supply 'salt' with 'saltedpassword' to add-scram");
    salted = Buffer.from(args.get('saltedpassword')!, 'base64');
  }
  const c = credentialFromSaltedPassword(mechanism, salt, salted, iterations);
  return {
    type: MetadataRecordTypeId.USER_SCRAM_CREDENTIAL,
    version: 0,
    data: { name, mechanism: scramMechanismType(mechanism), salt, storedKey: c.storedKey, serverKey: c.serverKey, iterations },
  };
}

/** The UserScramCredentialRecords of the --add-scram arguments; SCRAM needs metadata.version 3.5-IV2 (level 11). */
export function addScramRecords(addScram: readonly string[], metadataVersionLevel: number): ApiMessageAndVersion[] {
  const out: ApiMessageAndVersion[] = [];
  for (const arg of addScram) {
    const first = arg.split(/\s+/)[0];
    const eq = first.indexOf('=');
    const mechanism = eq < 0 ? first : first.slice(0, eq);
    if (!isScramMechanism(mechanism) || eq < 0) throw new AddScramError(`The add-scram mechanism ${mechanism} is not supported.`);
    out.push(record(mechanism, first.slice(eq + 1)));
  }
  if (out.length > 0 && metadataVersionLevel < 11) throw new AddScramError('SCRAM is only supported in metadataVersion IBP_3_5_IV2 or later.');
  return out;
}
