/**
 * Kafka 3.7's ClientQuotasImage.describe: DescribeClientQuotas answered from a KRaft broker's metadata image. Filter
 * components: an entity type at most once, `user`, `client-id` or `ip` (else UnsupportedVersionException), EXACT
 * with a match, DEFAULT and SPECIFIED without one, ip not combined with user/client-id (InvalidRequestException);
 * `strict` keeps only entities with exactly the filtered types.
 */
import type { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from '../../protocol/apis/48-describe-client-quotas';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import type { SecurityImage } from './SecurityImage';

const invalid = (m: string) => new KafkaError(ErrorCode.INVALID_REQUEST, m);

function describe(image: SecurityImage, req: DescribeClientQuotasRequest): DescribeClientQuotasResponse {
  const exact = new Map<string, string | null>();
  const typeMatch = new Set<string>();
  for (const c of req.components) {
    if (c.entityType === '') throw invalid('Invalid empty entity type.');
    if (exact.has(c.entityType) || typeMatch.has(c.entityType)) throw invalid(`Entity type ${c.entityType} cannot appear more than once in the filter.`);
    if (!['ip', 'user', 'client-id'].includes(c.entityType)) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `Unsupported entity type ${c.entityType}`);
    switch (c.matchType) {
      case 0:
        if (c.match === null) throw invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.');
        exact.set(c.entityType, c.match);
        break;
      case 1:
        if (c.match !== null) throw invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
        exact.set(c.entityType, null);
        break;
      case 2:
        if (c.match !== null) throw invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.');
        typeMatch.add(c.entityType);
        break;
      default:
        throw invalid(`Unknown match type ${c.matchType}`);
    }
  }
  const has = (t: string) => exact.has(t) || typeMatch.has(t);
  if (has('ip') && (has('user') || has('client-id')))
    throw invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
  const entries: NonNullable<DescribeClientQuotasResponse['entries']> = [];
  for (const q of image.quotas.values()) {
    const names = new Map(q.entity.map((e) => [e.entityType, e.entityName]));
    if (req.strict && names.size !== exact.size + typeMatch.size) continue;
    if ([...exact].some(([t, n]) => !names.has(t) || names.get(t) !== n)) continue;
    if ([...typeMatch].some((t) => !names.has(t))) continue;
    entries.push({ entity: q.entity.map((e) => ({ ...e })), values: [...q.values].map(([key, value]) => ({ key, value })) });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
}

/** The response, with a refused filter as its error (KafkaApis: DescribeClientQuotasResponse.fromQuotaEntities error). */
export function describeClientQuotas(image: SecurityImage, req: DescribeClientQuotasRequest): DescribeClientQuotasResponse {
  try {
    return describe(image, req);
  } catch (e) {
    const err = e as KafkaError;
    return { throttleTimeMs: 0, errorCode: err.code, errorMessage: err.message, entries: null };
  }
}
