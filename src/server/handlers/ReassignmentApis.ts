/**
 * Partition reassignments (KIP-455) of KafkaApis in ZK mode: AlterPartitionReassignments and
 * ListPartitionReassignments, served by the active controller. Their authorization (cluster ALTER and DESCRIBE) is
 * checked before they get here (ClusterOperationGate).
 */
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterPartitionReassignmentsApi, ListPartitionReassignmentsApi } from '../../protocol/apis';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { KafkaApisDeps } from './ApiDeps';

export class ReassignmentApis {
  constructor(private readonly deps: KafkaApisDeps) {}

  /** AlterPartitionReassignments 0 (KIP-455): controller only; answers once each reassignment has started. */
  async handleAlterPartitionReassignments(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const controller = this.deps.controller;
    const v = ctx.header.apiVersion;
    const req = AlterPartitionReassignmentsApi.decodeRequest(r, v);
    const items = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
    const res = await controller.alterPartitionReassignments(items);
    return encodeResponse(AlterPartitionReassignmentsApi, v, {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      errorMessage: null,
      responses:
        res.errorCode !== ErrorCode.NONE
          ? []
          : req.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => {
                const x = res.results.find((y) => y.topic === t.name && y.partition === p.partitionIndex)!;
                return { partitionIndex: p.partitionIndex, errorCode: x.errorCode, errorMessage: x.errorMessage };
              }),
            })),
    });
  }

  /** ListPartitionReassignments 0: the ongoing reassignments the controller knows (all, or the listed partitions). */
  async handleListPartitionReassignments(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const controller = this.deps.controller;
    const v = ctx.header.apiVersion;
    const req = ListPartitionReassignmentsApi.decodeRequest(r, v);
    const filter = req.topics === null ? null : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    const res = await controller.listPartitionReassignments(filter);
    const byTopic = new Map<string, Array<{ partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }>>();
    for (const o of res.ongoing) {
      byTopic.set(o.tp.topic, [
        ...(byTopic.get(o.tp.topic) ?? []),
        { partitionIndex: o.tp.partition, replicas: o.replicas, addingReplicas: o.adding, removingReplicas: o.removing },
      ]);
    }
    return encodeResponse(ListPartitionReassignmentsApi, v, {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      errorMessage: null,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
  }
}
