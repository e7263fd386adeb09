/**
 * What every request handler shares: the broker's parts they work through (KafkaApisDeps, the same set that
 * kafka.server.KafkaApis is constructed with). Handlers import this, never KafkaApis.
 */
import type { Authorizer } from '../../security/authorizer/Authorizer';
import type { AlterPartitionItem, AlterPartitionResult } from '../../controller/KafkaController';
import type { GroupCoordinator } from '../../coordinator/group/GroupCoordinator';
import type { TransactionCoordinator } from '../../coordinator/transaction/TransactionCoordinator';
import type { KafkaConfig } from '../config/KafkaConfig';
import type { MetadataCache } from '../MetadataCache';
import type { ProducerIdManager } from '../ProducerIdManager';
import type { ReplicaManager } from '../ReplicaManager';
import type { ZkAdminManager } from '../ZkAdminManager';
import type { FinalizedFeatures } from '../FinalizedFeatureChangeListener';
import type { ConfigApis } from './ConfigApis';
import type { ScramApis } from './ScramApis';
import type { DelegationTokenManager } from '../../security/token/DelegationTokenManager';
import type { ClientQuotaAdmin } from '../ClientQuotaAdmin';
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import type { Reader } from '../../protocol/Reader';
import type { ApiCodec } from '../../protocol/apis/types';
import type { SecurityImage } from '../../metadata/image/SecurityImage';
import type { QuotaManagers } from '../quota/QuotaManagers';

/** What KafkaApis needs from the controller living in this broker. */
interface ControllerHandle {
  isActive(): boolean;
  electLeaders(
    partitions: Array<{ topic: string; partition: number }> | null,
    type: number,
  ): Promise<{
    errorCode: number;
    results: Array<{ topic: string; partition: number; errorCode: number; errorMessage: string | null }>;
  }>;
  alterPartitionReassignments(items: Array<{ topic: string; partition: number; replicas: number[] | null }>): Promise<{
    errorCode: number;
    results: Array<{ topic: string; partition: number; errorCode: number; errorMessage: string | null }>;
  }>;
  listPartitionReassignments(filter: Array<{ topic: string; partition: number }> | null): Promise<{
    errorCode: number;
    ongoing: Array<{ tp: { topic: string; partition: number }; replicas: number[]; adding: number[]; removing: number[] }>;
  }>;
  alterPartition(brokerId: number, brokerEpoch: number, items: AlterPartitionItem[]): Promise<{ errorCode: number; results: AlterPartitionResult[] }>;
  controlledShutdown(brokerId: number, brokerEpoch: number): Promise<{ errorCode: number; remaining: Array<{ topic: string; partition: number }> }>;
  allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<{ errorCode: number; producerIdStart: number; producerIdLen: number }>;
  updateFeatures(
    updates: Array<{ feature: string; versionLevel: number; upgradeType: number }>,
  ): Promise<{ errorCode: number; errors: Map<string, { errorCode: number; errorMessage: string | null }> }>;
}

/** KafkaZkClient's consumer-offset znodes: where OffsetCommit/OffsetFetch v0 keep offsets in ZK mode. */
interface ConsumerOffsetsZk {
  setOrCreateConsumerOffset(group: string, tp: { topic: string; partition: number }, offset: number): Promise<void>;
  getConsumerOffset(group: string, tp: { topic: string; partition: number }): Promise<number | null>;
}

/**
 * Where the broker creates topics itself (auto-creation, __consumer_offsets) and, in ZooKeeper mode, does the topic
 * admin work: ZkAdminManager; in KRaft mode the AutoTopicCreationManager, which asks the quorum controller.
 */
export type AdminManager = Pick<ZkAdminManager, 'createTopics' | 'autoCreateTopic' | 'deleteTopics' | 'createPartitions'>;

/** KRaft mode: admin requests go to the quorum controller (ForwardingManager) instead of this broker. */
export interface KRaftApiDeps {
  forward: (ctx: RequestContext, r: Reader) => Promise<ResponseBody>;
  /** The API keys to forward, with their codecs (ApiVersions advertises them). */
  forwardedApis: ReadonlyMap<number, ApiCodec<unknown, unknown>>;
  /** kraftsec: SCRAM credentials and ACLs from the broker's image, authorization before forwarding (KRaftSecurityApis). */
  security?: {
    image: () => SecurityImage;
    /** A topic id's name in the broker's image. */
    topicName: (id: Buffer) => string | undefined;
    forwardDecoded: <Req, Res>(ctx: RequestContext, codec: ApiCodec<Req, Res>, req: Req) => Promise<Res>;
  };
}

export interface KafkaApisDeps {
  config: KafkaConfig;
  clusterId: string;
  brokerEpoch: () => number;
  metadataCache: MetadataCache;
  replicaManager: ReplicaManager;
  adminManager: AdminManager;
  controller: ControllerHandle;
  /** Reads /config/topics/<t> for topics this broker does not know yet (their logs need the overrides). */
  loadTopicConfigs: (topics: string[]) => Promise<void>;
  /** Producer ids for InitProducerId (idempotent producers); absent: COORDINATOR_NOT_AVAILABLE. */
  producerIdManager?: ProducerIdManager;
  /** The group coordinator (FindCoordinator, JoinGroup, OffsetCommit, ...); absent, those APIs are not offered. */
  groupCoordinator?: GroupCoordinator;
  /** The transaction coordinator (InitProducerId, AddPartitionsToTxn, EndTxn, ...); absent, transactions are not offered. */
  transactionCoordinator?: TransactionCoordinator;
  /** ZooKeeper-stored offsets of OffsetCommit/OffsetFetch v0; absent, v0 answers UNKNOWN_SERVER_ERROR per partition. */
  consumerOffsetsZk?: ConsumerOffsetsZk;
  /** DescribeConfigs, AlterConfigs, IncrementalAlterConfigs; absent, those APIs are not offered. */
  configApis?: ConfigApis;
  /** DescribeUserScramCredentials, AlterUserScramCredentials (ZooKeeper mode); absent, those APIs are not offered. */
  scramApis?: ScramApis;
  /** qadmin: DescribeClientQuotas, AlterClientQuotas (ZooKeeper mode); absent, those APIs are not offered. */
  clientQuotaAdmin?: ClientQuotaAdmin;
  /** The finalized features from /feature (ApiVersions v3); absent: none, epoch -1. */
  features?: () => FinalizedFeatures;
  /** Set on a KRaft broker (BrokerServer); absent in ZooKeeper mode. */
  kraft?: KRaftApiDeps;
  /** authorizer.class.name's authorizer; absent (no authorizer configured), every action is allowed. */
  authorizer?: Authorizer;
  /** dtoken: delegation tokens (ZooKeeper mode); absent, the token APIs (38-41) are not offered. */
  delegationTokenManager?: DelegationTokenManager;
  /** quota: the client quota managers (fed from /config in ZooKeeper mode, from ClientQuotaRecords in KRaft); absent, nothing is measured or throttled. */
  quotas?: QuotaManagers;
}
