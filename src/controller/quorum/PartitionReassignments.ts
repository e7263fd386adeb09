/**
 * Partition reassignments in Kafka 3.7's ReplicationControlManager (with PartitionReassignmentReplicas and
 * PartitionReassignmentRevert): AlterPartitionReassignments starts one by writing the target replicas plus the
 * ones being removed, with addingReplicas/removingReplicas; the partition leader's AlterPartition that brings every
 * adding replica into the ISR completes it (PartitionChangeBuilder). A null target cancels: the adding replicas
 * are taken out again (an unclean election if no ISR member would be left, only where the topic allows it).
 */
import { Logger } from '../../common/logger';
import { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/apis/45-alter-partition-reassignments';
import { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../../protocol/apis/46-list-partition-reassignments';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage, PartitionRegistration, TopicImage } from '../../metadata/image/MetadataImage';
import { ClusterControlManager } from './ClusterControlManager';
import { ApiError, apiException, atomicResultOf, ControllerResult } from './ControllerResult';
import { Election, PartitionChangeBuilder } from './PartitionChangeBuilder';

function isReassignmentInProgress(p: PartitionRegistration): boolean {
  return p.addingReplicas.length > 0 || p.removingReplicas.length > 0;
}

export class PartitionReassignments {
  constructor(
    private readonly image: () => MetadataImage,
    private readonly clusterControl: ClusterControlManager,
    private readonly log: Logger,
    private readonly uncleanAllowed: (topic: string) => boolean = () => false,
  ) {}

  alterPartitionReassignments(request: AlterPartitionReassignmentsRequest): ControllerResult<AlterPartitionReassignmentsResponse> {
    const records: ApiMessageAndVersion[] = [];
    let successful = 0;
    let total = 0;
    const responses = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((target) => {
        let error = ApiError.NONE;
        try {
          const rec = this.alterPartitionReassignment(topic.name, target.partitionIndex, target.replicas);
          if (rec) records.push(rec);
          successful++;
        } catch (e) {
          if (!(e instanceof KafkaError)) throw e;
          this.log.info(`Unable to alter partition reassignment for ${topic.name}:${target.partitionIndex} because of an ${e.name} error: ${e.message}`);
          error = ApiError.fromThrowable(e);
        }
        total++;
        return { partitionIndex: target.partitionIndex, errorCode: error.code, errorMessage: error.message };
      }),
    }));
    this.log.info(`Successfully altered ${successful} out of ${total} partition reassignment(s).`);
    return atomicResultOf(records, { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses });
  }

  private alterPartitionReassignment(topicName: string, partitionId: number, replicas: number[] | null): ApiMessageAndVersion | null {
    const topic = this.image().topicsByName.get(topicName);
    if (!topic) throw apiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${topicName}.`);
    const part = topic.partitions.get(partitionId);
    if (!part) throw apiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${topicName}:${partitionId}.`);
    return replicas === null ? this.cancel(topic, partitionId, part) : this.change(topic, partitionId, part, replicas);
  }

  private builder(topic: TopicImage, partitionId: number, part: PartitionRegistration): PartitionChangeBuilder {
    const b = new PartitionChangeBuilder(
      part,
      topic.id,
      partitionId,
      (r) => this.clusterControl.isActive(r),
      this.image().metadataVersion(),
      (r) => this.clusterControl.defaultDir(r),
    );
    if (this.uncleanAllowed(topic.name)) b.setElection(Election.UNCLEAN);
    return b;
  }

  /** cancelPartitionReassignment (PartitionReassignmentRevert). */
  private cancel(topic: TopicImage, partitionId: number, part: PartitionRegistration): ApiMessageAndVersion | null {
    if (!isReassignmentInProgress(part)) throw apiException(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
    const adding = new Set(part.addingReplicas);
    const replicas = part.replicas.filter((r) => !adding.has(r));
    let isr = part.isr.filter((r) => !adding.has(r));
    if (isr.length === 0) {
      if (!this.uncleanAllowed(topic.name)) {
        throw apiException(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Unable to revert partition assignment for ${topic.name}:${partitionId} because it would require an unclean leader election.`,
        );
      }
      isr = [...replicas];
    }
    return this.builder(topic, partitionId, part).setTargetIsr(isr).setTargetReplicas(replicas).setTargetRemoving([]).setTargetAdding([]).build();
  }

  /** changePartitionReassignment (PartitionReassignmentReplicas). */
  private change(topic: TopicImage, partitionId: number, part: PartitionRegistration, target: number[]): ApiMessageAndVersion | null {
    const invalid = (m: string) => apiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT, m);
    if (target.length === 0) throw invalid('The manual partition assignment includes an empty replica list.');
    const sorted = [...target].sort((a, b) => a - b);
    sorted.forEach((id, i) => {
      if (!this.image().brokers.has(id)) throw invalid(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
      if (i > 0 && sorted[i - 1] === id) throw invalid(`The manual partition assignment includes the broker ${id} more than once.`);
    });
    const targetSet = new Set(target);
    const currentSet = new Set(part.replicas);
    const removing = part.replicas.filter((r) => !targetSet.has(r));
    const adding = target.filter((r) => !currentSet.has(r));
    const replicas = [...target, ...removing];
    const b = this.builder(topic, partitionId, part);
    if (!(replicas.length === part.replicas.length && replicas.every((r, i) => r === part.replicas[i]))) b.setTargetReplicas(replicas);
    if (removing.length > 0) b.setTargetRemoving(removing);
    if (adding.length > 0) b.setTargetAdding(adding);
    return b.build();
  }

  listPartitionReassignments(request: ListPartitionReassignmentsRequest): ListPartitionReassignmentsResponse {
    const topics: ListPartitionReassignmentsResponse['topics'] = [];
    const add = (topic: TopicImage, ids: number[]) => {
      const partitions = ids
        .map((i) => [i, topic.partitions.get(i)] as const)
        .filter((e): e is readonly [number, PartitionRegistration] => e[1] !== undefined && isReassignmentInProgress(e[1]))
        .map(([partitionIndex, p]) => ({
          partitionIndex,
          replicas: [...p.replicas],
          addingReplicas: [...p.addingReplicas],
          removingReplicas: [...p.removingReplicas],
        }));
      if (partitions.length > 0) topics.push({ name: topic.name, partitions });
    };
    if (request.topics === null) {
      for (const topic of this.image().topicsByName.values())
        add(
          topic,
          [...topic.partitions.keys()].sort((a, b) => a - b),
        );
    } else {
      for (const t of request.topics) {
        const topic = this.image().topicsByName.get(t.name);
        if (topic) add(topic, t.partitionIndexes);
      }
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
  }
}
