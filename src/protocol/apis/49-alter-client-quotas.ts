/**
 * AlterClientQuotas (key 49, KIP-546), admin client -> any broker in ZooKeeper mode (the KRaft broker forwards it to
 * the controller): set or remove quota configs of user / client-id / ip entities, each entity answered on its own.
 * v1 is the flexible version of v0; we serve both, as Kafka 3.7 does.
 */
import * as schema from '../messages/AlterClientQuotas';
import { messageApi } from './messageApi';
import type { ClientQuotaEntityData } from './48-describe-client-quotas';

export interface AlterClientQuotasOp {
  key: string;
  /** Ignored when remove is set (the Java client sends 0.0). */
  value: number;
  remove: boolean;
}

export interface AlterClientQuotasEntry {
  entity: ClientQuotaEntityData[];
  ops: AlterClientQuotasOp[];
}

export interface AlterClientQuotasRequest {
  entries: AlterClientQuotasEntry[];
  validateOnly: boolean;
}

export interface AlterClientQuotasResponseEntry {
  errorCode: number;
  errorMessage: string | null;
  entity: ClientQuotaEntityData[];
}

export interface AlterClientQuotasResponse {
  throttleTimeMs: number;
  entries: AlterClientQuotasResponseEntry[];
}

export const AlterClientQuotasApi = messageApi<AlterClientQuotasRequest, AlterClientQuotasResponse>(
  schema.AlterClientQuotasRequest,
  schema.AlterClientQuotasResponse,
  { minVersion: 0, maxVersion: 1 },
);
