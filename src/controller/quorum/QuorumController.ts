/**
 * Kafka 3.7's org.apache.kafka.controller.QuorumController: the KRaft controller's state machine over the Raft
 * client. Every node of the controller quorum replays the committed metadata log into a *committed* image; the one
 * the Raft leader names is the active controller: it claims the epoch, appends the bootstrap records into an empty
 * log (CompleteActivationEvent), and serves writes. A write runs alone on one event queue (Kafka's single
 * controller thread), reads and replays into a *working* image (committed + its own uncommitted records), appends
 * its records atomically at the offset it expects, and answers only once the Raft client has committed them (the
 * deferred event queue). Losing the leadership (renounce) drops the working image and fails pending writes with
 * NotControllerError.
 *
 * The managers hold Kafka's rules: ClusterControlManager (registrations), BrokerHeartbeatManager (sessions),
 * ReplicationControlManager (+ ReplicationControlTopics), ConfigurationControlManager, FeatureControlManager,
 * ProducerIdControlManager, PartitionReassignments. Periodic work: fence brokers whose session expired (one at a
 * time), a NoOpRecord every metadata.max.idle.interval.ms so brokers see the high watermark move, preferred-leader
 * balancing (auto.leader.rebalance.enable), and a snapshot after metadata.log.max.record.bytes.between.snapshots
 * bytes of committed records. This file holds the controller APIs; the machinery is in ./QuorumControllerCore.ts.
 */
import { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../../protocol/apis/62-broker-registration';
import { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../../protocol/apis/63-broker-heartbeat';
import { UnregisterBrokerResponse } from '../../protocol/apis/64-unregister-broker';
import { AlterPartitionRequest, AlterPartitionResponse } from '../../protocol/apis/56-alter-partition';
import { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/19-create-topics';
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/20-delete-topics';
import { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/37-create-partitions';
import { IncrementalAlterConfigsApi } from '../../protocol/apis/44-incremental-alter-configs';
import { AlterConfigsApi } from '../../protocol/apis/33-alter-configs';
import { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../../protocol/apis/67-allocate-producer-ids';
import { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/apis/43-elect-leaders';
import { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/apis/45-alter-partition-reassignments';
import { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../../protocol/apis/46-list-partition-reassignments';
import { UpdateFeaturesRequest, UpdateFeaturesResponse } from '../../protocol/apis/57-update-features';
import { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from '../../protocol/apis/51-alter-user-scram-credentials';
import { ErrorCode, errorInfo, KafkaError } from '../../protocol/errors';
import type { AclBinding, AclBindingFilter } from '../../security/authorizer/AclBinding';
import type { AclCreateOutcome, AclDeleteOutcome } from './AclControlManager';
import type { ClientQuotaAlteration, ClientQuotaAlterationResult } from './ClientQuotaControlManager';
import { resultOf } from './ControllerResult';
import { QuorumControllerCore } from './QuorumControllerCore';

export { NotControllerError } from './QuorumControllerCore';
export type { ControllerRaft, QuorumControllerOptions } from './QuorumControllerCore';

type IncrementalAlterConfigsRequest = Parameters<typeof IncrementalAlterConfigsApi.encodeRequest>[2];
type IncrementalAlterConfigsResponse = ReturnType<typeof IncrementalAlterConfigsApi.decodeResponse>;
type AlterConfigsRequest = Parameters<typeof AlterConfigsApi.encodeRequest>[2];
type AlterConfigsResponse = ReturnType<typeof AlterConfigsApi.decodeResponse>;

export class QuorumController extends QuorumControllerCore {
  async registerBroker(req: BrokerRegistrationRequest): Promise<BrokerRegistrationResponse> {
    return this.orError(
      this.appendWriteEvent('registerBroker', () => {
        const result = this.clusterControl.registerBroker(req, this.nextWriteOffset);
        this.rescheduleMaybeFenceStaleBrokers();
        return result;
      }),
      (errorCode) => ({ throttleTimeMs: 0, errorCode, brokerEpoch: -1 }),
    );
  }

  async processBrokerHeartbeat(req: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResponse> {
    let inControlledShutdown = false;
    return this.orError(
      this.appendWriteEvent(
        'processBrokerHeartbeat',
        () => {
          // The broker epoch is the offset of the broker's RegisterBrokerRecord.
          const registration = this.clusterControl.registration(req.brokerId);
          if (!registration) throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `Receive a heartbeat from broker ${req.brokerId} before registration`);
          const result = this.replication.processBrokerHeartbeat(req, registration.epoch);
          inControlledShutdown = result.inControlledShutdown;
          this.rescheduleMaybeFenceStaleBrokers();
          return result;
        },
        (offset) => {
          if (inControlledShutdown) this.clusterControl.heartbeatManager?.maybeUpdateControlledShutdownOffset(req.brokerId, offset);
        },
      ),
      (errorCode) => ({ throttleTimeMs: 0, errorCode, isCaughtUp: false, isFenced: true, shouldShutDown: false }),
    );
  }

  async unregisterBroker(brokerId: number): Promise<UnregisterBrokerResponse> {
    return this.orError(
      this.appendWriteEvent('unregisterBroker', () => this.replication.unregisterBroker(brokerId)).then(() => ({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      })),
      (errorCode, errorMessage) => ({ throttleTimeMs: 0, errorCode, errorMessage }),
    );
  }

  async alterPartition(req: AlterPartitionRequest, version: number): Promise<AlterPartitionResponse> {
    return this.orError(
      this.appendWriteEvent('alterPartition', () => this.replication.alterPartition(req, version)),
      (errorCode) => ({
        throttleTimeMs: 0,
        errorCode,
        topics: [],
      }),
    );
  }

  async createTopics(req: CreateTopicsRequest, _version: number): Promise<CreateTopicsResponse> {
    if (req.topics.length === 0) return { throttleTimeMs: 0, topics: [] };
    return this.appendWriteEvent('createTopics', () => this.topics.createTopics(req));
  }

  async deleteTopics(req: DeleteTopicsRequest, version: number): Promise<DeleteTopicsResponse> {
    return this.appendWriteEvent('deleteTopics', () => this.topics.deleteTopics(req, version));
  }

  async createPartitions(req: CreatePartitionsRequest, _version: number): Promise<CreatePartitionsResponse> {
    if (req.topics.length === 0) return { throttleTimeMs: 0, results: [] };
    return this.appendWriteEvent('createPartitions', () => this.topics.createPartitions(req));
  }

  async incrementalAlterConfigs(req: IncrementalAlterConfigsRequest, _version: number): Promise<IncrementalAlterConfigsResponse> {
    const result = await this.appendWriteEvent('incrementalAlterConfigs', () => this.configControl.incrementalAlterConfigs(req.resources, req.validateOnly));
    return { throttleTimeMs: 0, responses: result };
  }

  async legacyAlterConfigs(req: AlterConfigsRequest, _version: number): Promise<AlterConfigsResponse> {
    const result = await this.appendWriteEvent('legacyAlterConfigs', () => this.configControl.legacyAlterConfigs(req.resources, req.validateOnly));
    return { throttleTimeMs: 0, responses: result };
  }

  async allocateProducerIds(req: AllocateProducerIdsRequest): Promise<AllocateProducerIdsResponse> {
    return this.orError(
      this.appendWriteEvent('allocateProducerIds', () => this.producerIds.generateNextProducerId(req)),
      (errorCode) => ({
        throttleTimeMs: 0,
        errorCode,
        producerIdStart: 0,
        producerIdLen: 0,
      }),
    );
  }

  async electLeaders(req: ElectLeadersRequest, _version: number): Promise<ElectLeadersResponse> {
    // topicPartitions null means every partition; an empty list means nothing to do.
    if (req.topicPartitions !== null && req.topicPartitions.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: [] };
    // A refused request (an unknown election type) answers its error for every partition (ElectLeadersRequest.getErrorResponse).
    return this.orError(
      this.appendWriteEvent('electLeaders', () => this.replication.electLeaders(req)),
      (errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        errorCode,
        replicaElectionResults: (req.topicPartitions ?? []).map((t) => ({
          topic: t.topic,
          partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
        })),
      }),
    );
  }

  async alterPartitionReassignments(req: AlterPartitionReassignmentsRequest, _version: number): Promise<AlterPartitionReassignmentsResponse> {
    return this.appendWriteEvent('alterPartitionReassignments', () => this.reassignments.alterPartitionReassignments(req));
  }

  async listPartitionReassignments(req: ListPartitionReassignmentsRequest, _version: number): Promise<ListPartitionReassignmentsResponse> {
    // A read: it runs on the queue after every write before it, answered from the working image as Kafka does.
    return this.appendWriteEvent('listPartitionReassignments', () => resultOf([], this.reassignments.listPartitionReassignments(req)));
  }

  async updateFeatures(req: UpdateFeaturesRequest, version: number): Promise<UpdateFeaturesResponse> {
    return this.appendWriteEvent('updateFeatures', () => this.features.updateFeatures(req, version));
  }

  /** ScramControlManager.alterCredentials (KIP-554 in KRaft). */
  async alterUserScramCredentials(req: AlterUserScramCredentialsRequest): Promise<AlterUserScramCredentialsResponse> {
    return this.appendWriteEvent('alterUserScramCredentials', () => this.scramControl.alterCredentials(req));
  }

  /** AclControlManager.createAcls: what StandardAuthorizer.createAcls asks of the controller (AclMutator). */
  async createAcls(bindings: AclBinding[]): Promise<AclCreateOutcome[]> {
    return this.appendWriteEvent('createAcls', () => this.aclControl.createAcls(bindings));
  }

  /** AclControlManager.deleteAcls. */
  async deleteAcls(filters: AclBindingFilter[]): Promise<AclDeleteOutcome[]> {
    return this.appendWriteEvent('deleteAcls', () => this.aclControl.deleteAcls(filters));
  }

  /**
   * ClientQuotaControlManager.alterClientQuotas (ControllerApis.handleAlterClientQuotas). Not served on the wire yet:
   * the AlterClientQuotas codec (49) comes with the ZooKeeper-mode quota admin work.
   */
  async alterClientQuotas(alterations: ClientQuotaAlteration[], validateOnly: boolean): Promise<ClientQuotaAlterationResult[]> {
    return this.appendWriteEvent('alterClientQuotas', () => this.clientQuotaControl.alterClientQuotas(alterations, validateOnly));
  }

  /** An ApiException becomes the response's error code (ControllerApis); NotControllerError and bugs propagate. */
  private async orError<T>(p: Promise<T>, onError: (code: number, message: string | null) => T): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KafkaError) return onError(e.code, e.message || errorInfo(e.code).message);
      throw e;
    }
  }
}
