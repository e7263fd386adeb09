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

export {
  ProduceApi, FetchApi, ListOffsetsApi, MetadataApi, LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi,
  ControlledShutdownApi, ApiVersionsApi, CreateTopicsApi, DeleteTopicsApi, CreatePartitionsApi,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ApiCodec<any, any>;

/** Every API codec we have, by key. */
export const API_CODECS: ReadonlyMap<number, AnyCodec> = new Map<number, AnyCodec>(
  [
    ProduceApi, FetchApi, ListOffsetsApi, MetadataApi, LeaderAndIsrApi, StopReplicaApi, UpdateMetadataApi,
    ControlledShutdownApi, ApiVersionsApi, CreateTopicsApi, DeleteTopicsApi, CreatePartitionsApi,
  ].map((c) => [c.apiKey, c as AnyCodec]),
);
