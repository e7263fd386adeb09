import { ApiCodec } from './types';
import { ProduceApi } from './00-produce';
import { FetchApi } from './01-fetch';
import { ListOffsetsApi } from './02-list-offsets';
import { MetadataApi } from './03-metadata';
import { LeaderAndIsrApi } from './04-leader-and-isr';
import { StopReplicaApi } from './05-stop-replica';
import { UpdateMetadataApi } from './06-update-metadata';
import { ControlledShutdownApi } from './07-controlled-shutdown';
import { OffsetCommitApi } from './08-offset-commit';
import { OffsetFetchApi } from './09-offset-fetch';
import { FindCoordinatorApi } from './10-find-coordinator';
import { JoinGroupApi } from './11-join-group';
import { HeartbeatApi } from './12-heartbeat';
import { LeaveGroupApi } from './13-leave-group';
import { SyncGroupApi } from './14-sync-group';
import { DescribeGroupsApi } from './15-describe-groups';
import { ListGroupsApi } from './16-list-groups';
import { DeleteGroupsApi } from './42-delete-groups';
import { OffsetDeleteApi } from './47-offset-delete';
import { ApiVersionsApi } from './18-api-versions';
import { CreateTopicsApi } from './19-create-topics';
import { DeleteTopicsApi } from './20-delete-topics';
import { CreatePartitionsApi } from './37-create-partitions';
import { DeleteRecordsApi } from './21-delete-records';
import { InitProducerIdApi } from './22-init-producer-id';
import { OffsetForLeaderEpochApi } from './23-offset-for-leader-epoch';
import { ElectLeadersApi } from './43-elect-leaders';
import { AlterPartitionReassignmentsApi } from './45-alter-partition-reassignments';
import { ListPartitionReassignmentsApi } from './46-list-partition-reassignments';
import { AlterPartitionApi } from './56-alter-partition';
import { DescribeConfigsApi } from './32-describe-configs';
import { AlterConfigsApi } from './33-alter-configs';
import { IncrementalAlterConfigsApi } from './44-incremental-alter-configs';

export {
  ProduceApi, FetchApi, ListOffsetsApi, MetadataApi, LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi,
  ControlledShutdownApi, ApiVersionsApi, CreateTopicsApi, DeleteTopicsApi, CreatePartitionsApi,
  DeleteRecordsApi, InitProducerIdApi, OffsetForLeaderEpochApi, ElectLeadersApi, AlterPartitionReassignmentsApi,
  ListPartitionReassignmentsApi, AlterPartitionApi,
  OffsetCommitApi, OffsetFetchApi, FindCoordinatorApi, JoinGroupApi, HeartbeatApi, LeaveGroupApi, SyncGroupApi,
  DescribeGroupsApi, ListGroupsApi, DeleteGroupsApi, OffsetDeleteApi,
  DescribeConfigsApi, AlterConfigsApi, IncrementalAlterConfigsApi,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ApiCodec<any, any>;

/** Every API codec we have, by key. */
export const API_CODECS: ReadonlyMap<number, AnyCodec> = new Map<number, AnyCodec>(
  [
    ProduceApi, FetchApi, ListOffsetsApi, MetadataApi, LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi,
    ControlledShutdownApi, ApiVersionsApi, CreateTopicsApi, DeleteTopicsApi, CreatePartitionsApi,
    DeleteRecordsApi, InitProducerIdApi, OffsetForLeaderEpochApi, ElectLeadersApi, AlterPartitionReassignmentsApi,
    ListPartitionReassignmentsApi, AlterPartitionApi,
    OffsetCommitApi, OffsetFetchApi, FindCoordinatorApi, JoinGroupApi, HeartbeatApi, LeaveGroupApi, SyncGroupApi,
    DescribeGroupsApi, ListGroupsApi, DeleteGroupsApi, OffsetDeleteApi,
    DescribeConfigsApi, AlterConfigsApi, IncrementalAlterConfigsApi,
  ].map((c) => [c.apiKey, c as AnyCodec]),
);
