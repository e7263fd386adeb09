/**
 * What QuorumControllerApis (the CONTROLLER listener's handler) needs of the quorum controller and of the raft
 * manager: src/controller/quorum/QuorumController and KafkaRaftManager satisfy these; unit tests use stand-ins.
 */
import type { RequestContext } from '../../network/RequestContext';
import type { AlterConfigsApi, IncrementalAlterConfigsApi } from '../../protocol/apis';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/19-create-topics';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/20-delete-topics';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/37-create-partitions';
import type { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/apis/43-elect-leaders';
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/apis/45-alter-partition-reassignments';
import type { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../../protocol/apis/46-list-partition-reassignments';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../../protocol/apis/56-alter-partition';
import type { UpdateFeaturesRequest, UpdateFeaturesResponse } from '../../protocol/apis/57-update-features';
import type { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../../protocol/apis/62-broker-registration';
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../../protocol/apis/63-broker-heartbeat';
import type { UnregisterBrokerResponse } from '../../protocol/apis/64-unregister-broker';
import type { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../../protocol/apis/67-allocate-producer-ids';
import type { Reader } from '../../protocol/Reader';
import type { Logger } from '../../common/logger';
import type { ControllerSecurityForApis } from './QuorumControllerSecurityApis';

export type AlterConfigsRequest = ReturnType<typeof AlterConfigsApi.decodeRequest>;
export type AlterConfigsResponse = ReturnType<typeof AlterConfigsApi.decodeResponse>;
export type IncrementalAlterConfigsRequest = ReturnType<typeof IncrementalAlterConfigsApi.decodeRequest>;
export type IncrementalAlterConfigsResponse = ReturnType<typeof IncrementalAlterConfigsApi.decodeResponse>;

/** What this handler calls on the quorum controller (src/controller/quorum/QuorumController satisfies it). */
export interface ControllerForApis {
  isActive(): boolean;
  /** The committed image: finalized features and their epoch (the image's last offset). */
  image(): { offset: number; features: ReadonlyMap<string, number> };
  registerBroker(req: BrokerRegistrationRequest): Promise<BrokerRegistrationResponse>;
  processBrokerHeartbeat(req: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResponse>;
  unregisterBroker(brokerId: number): Promise<UnregisterBrokerResponse>;
  alterPartition(req: AlterPartitionRequest, version: number): Promise<AlterPartitionResponse>;
  createTopics(req: CreateTopicsRequest, version: number): Promise<CreateTopicsResponse>;
  deleteTopics(req: DeleteTopicsRequest, version: number): Promise<DeleteTopicsResponse>;
  createPartitions(req: CreatePartitionsRequest, version: number): Promise<CreatePartitionsResponse>;
  incrementalAlterConfigs(req: IncrementalAlterConfigsRequest, version: number): Promise<IncrementalAlterConfigsResponse>;
  legacyAlterConfigs(req: AlterConfigsRequest, version: number): Promise<AlterConfigsResponse>;
  allocateProducerIds(req: AllocateProducerIdsRequest): Promise<AllocateProducerIdsResponse>;
  electLeaders(req: ElectLeadersRequest, version: number): Promise<ElectLeadersResponse>;
  alterPartitionReassignments(req: AlterPartitionReassignmentsRequest, version: number): Promise<AlterPartitionReassignmentsResponse>;
  listPartitionReassignments(req: ListPartitionReassignmentsRequest, version: number): Promise<ListPartitionReassignmentsResponse>;
  updateFeatures(req: UpdateFeaturesRequest, version: number): Promise<UpdateFeaturesResponse>;
}

/** What this handler needs of the raft manager (KafkaRaftManager satisfies it). */
export interface RaftForApis {
  isRaftApi(apiKey: number): boolean;
  raftApiVersions(): Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
  handleRaftRequest(ctx: RequestContext, body: Reader): Promise<Buffer[]>;
  leaderAndEpoch(): { leaderId: number | undefined; epoch: number };
}

export interface QuorumControllerApisDeps {
  nodeId: number;
  clusterId: string;
  controller: ControllerForApis;
  raft: RaftForApis;
  /** delete.topic.enable */
  deleteTopicEnable: boolean;
  /**
   * The controllers reachable on a listener, for DescribeCluster (KIP-919). Kafka lists the controllers'
   * ControllerRegistrationRecords; we have none, so ControllerServer answers with controller.quorum.voters.
   */
  controllerNodes(listenerName: string): Array<{ id: number; host: string; port: number }>;
  /** kraftsec: SCRAM credentials and ACLs (AlterUserScramCredentials, Create/Delete/DescribeAcls); absent: not served. */
  security?: ControllerSecurityForApis;
  logger?: Logger;
}
