import { ApiCodec } from './types';
import { ProduceApi } from './00-produce';
import { FetchApi } from './01-fetch';
import { ListOffsetsApi } from './02-list-offsets';
import { MetadataApi } from './03-metadata';
import { LeaderAndIsrApi } from './04-leader-and-isr';
import { StopReplicaApi } from './05-stop-replica';
import { UpdateMetadataApi } from './06-update-metadata';
import { ControlledShutdownApi } from './07-controlled-shutdown';
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

export {
  ProduceApi, FetchApi, ListOffsetsApi, MetadataApi, LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi,
  ControlledShutdownApi, ApiVersionsApi, CreateTopicsApi, DeleteTopicsApi, CreatePartitionsApi,
  DeleteRecordsApi, InitProducerIdApi, OffsetForLeaderEpochApi, ElectLeadersApi, AlterPartitionReassignmentsApi,
  ListPartitionReassignmentsApi, AlterPartitionApi,
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
  ].map((c) => [c.apiKey, c as AnyCodec]),
);
