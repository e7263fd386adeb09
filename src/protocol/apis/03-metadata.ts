/**
 * Metadata (key 3), versions 0-6; none flexible (MetadataRequest/Response.json, flexible from 9).
 *
 * Request:
 *   v0:    topics [name STRING]                       -- empty array = ALL topics
 *   v1-v3: topics [name STRING] (nullable)            -- null = all topics, empty = none
 *   v4-v6: v1 + allow_auto_topic_creation BOOLEAN     -- default true before v4
 *
 * Response:
 *   v0:    brokers [node_id INT32, host STRING, port INT32],
 *          topics [error_code INT16, name STRING,
 *                  partitions [error_code INT16, partition_index INT32, leader_id INT32,
 *                              replica_nodes [INT32], isr_nodes [INT32]]]
 *   v1:    brokers add rack NULLABLE_STRING; controller_id INT32 after brokers;
 *          topics add is_internal BOOLEAN after name
 *   v2:    v1 + cluster_id NULLABLE_STRING between brokers and controller_id
 *   v3-v4: throttle_time_ms INT32 first, then as v2
 *   v5-v6: partitions add offline_replicas [INT32] after isr_nodes
 *
 * Decoding normalises v0's "empty = all topics" to `topics: null`, the v1+ meaning, so handlers
 * test one thing (Apache: MetadataRequest.isAllTopics). Encoding v0 writes null as an empty array.
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, writeInt32 } from './versioned';
import { ApiCodec } from './types';

interface MetadataRequestTopic {
  name: string;
}

export interface MetadataRequest {
  /** null = all topics; [] = no topics (v1+). */
  topics: MetadataRequestTopic[] | null;
  /** v4+; true (the schema default) before. */
  allowAutoTopicCreation: boolean;
}

interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; null before. */
  rack: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+; [] before. */
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  name: string;
  /** v1+; false before. */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
}

export interface MetadataResponse {
  /** v3+; 0 before. */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** v2+; null before. */
  clusterId: string | null;
  /** v1+; -1 before. */
  controllerId: number;
  topics: MetadataResponseTopic[];
}

function readTopicName(r: Reader): MetadataRequestTopic {
  return { name: r.string() };
}

function writeTopicName(w: Writer, t: MetadataRequestTopic): void {
  w.string(t.name);
}

export const MetadataApi: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, version: number): MetadataRequest {
    let topics: MetadataRequestTopic[] | null;
    if (version === 0) {
      const list = r.array(readTopicName);
      topics = list.length === 0 ? null : list;
    } else {
      topics = r.nullableArray(readTopicName);
    }
    const allowAutoTopicCreation = version >= 4 ? r.bool() : true;
    return { topics, allowAutoTopicCreation };
  },

  encodeRequest(w: Writer, version: number, req: MetadataRequest): void {
    if (version === 0) w.array(req.topics ?? [], writeTopicName);
    else w.nullableArray(req.topics, writeTopicName);
    if (version >= 4) w.bool(req.allowAutoTopicCreation);
  },

  decodeResponse(r: Reader, version: number): MetadataResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const brokers = r.array((rb): MetadataResponseBroker => ({
      nodeId: rb.int32(),
      host: rb.string(),
      port: rb.int32(),
      rack: version >= 1 ? rb.nullableString() : null,
    }));
    const clusterId = version >= 2 ? r.nullableString() : null;
    const controllerId = version >= 1 ? r.int32() : -1;
    const topics = r.array((rt): MetadataResponseTopic => ({
      errorCode: rt.int16(),
      name: rt.string(),
      isInternal: version >= 1 ? rt.bool() : false,
      partitions: rt.array((rp): MetadataResponsePartition => ({
        errorCode: rp.int16(),
        partitionIndex: rp.int32(),
        leaderId: rp.int32(),
        replicaNodes: rp.array(readInt32),
        isrNodes: rp.array(readInt32),
        offlineReplicas: version >= 5 ? rp.array(readInt32) : [],
      })),
    }));
    return { throttleTimeMs, brokers, clusterId, controllerId, topics };
  },

  encodeResponse(w: Writer, version: number, res: MetadataResponse): void {
    if (version >= 3) w.int32(res.throttleTimeMs);
    w.array(res.brokers, (wb, b) => {
      wb.int32(b.nodeId).string(b.host).int32(b.port);
      if (version >= 1) wb.nullableString(b.rack);
    });
    if (version >= 2) w.nullableString(res.clusterId);
    if (version >= 1) w.int32(res.controllerId);
    w.array(res.topics, (wt, t) => {
      wt.int16(t.errorCode).string(t.name);
      if (version >= 1) wt.bool(t.isInternal);
      wt.array(t.partitions, (wp, p) => {
        wp.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
        wp.array(p.replicaNodes, writeInt32);
        wp.array(p.isrNodes, writeInt32);
        if (version >= 5) wp.array(p.offlineReplicas, writeInt32);
      });
    });
  },
};
