/**
 * DescribeClientQuotas (key 48, KIP-546), admin client -> any broker: the quota configs of the user / client-id / ip
 * entities a filter matches. v1 is the flexible version of v0 (KIP-482); we serve both, as Kafka 3.7 does.
 */
import * as schema from '../messages/DescribeClientQuotas';
import { messageApi } from './messageApi';

/** DescribeClientQuotasRequest.MATCH_TYPE_*: an exact name (or the default when null), the default entity, any named entity. */
export const MatchType = { EXACT: 0, DEFAULT: 1, SPECIFIED: 2 } as const;

export interface DescribeClientQuotasComponent {
  /** ClientQuotaEntity type: `user`, `client-id` or `ip`. */
  entityType: string;
  matchType: number;
  match: string | null;
}

export interface DescribeClientQuotasRequest {
  components: DescribeClientQuotasComponent[];
  /** True: only entities with exactly the filtered entity types (ClientQuotaFilter.containsOnly). */
  strict: boolean;
}

export interface ClientQuotaEntityData {
  entityType: string;
  /** null: the default entity of the type. */
  entityName: string | null;
}

export interface DescribeClientQuotasEntry {
  entity: ClientQuotaEntityData[];
  values: { key: string; value: number }[];
}

export interface DescribeClientQuotasResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** null with an error. */
  entries: DescribeClientQuotasEntry[] | null;
}

export const DescribeClientQuotasApi = messageApi<DescribeClientQuotasRequest, DescribeClientQuotasResponse>(
  schema.DescribeClientQuotasRequest,
  schema.DescribeClientQuotasResponse,
  { minVersion: 0, maxVersion: 1 },
);
