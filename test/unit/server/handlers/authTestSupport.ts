/**
 * What the handler authorization tests share: a one-broker metadata cache with the given topics, a request context of
 * User:alice, and a call that encodes a request, runs a handler on it and decodes its response.
 */
import { RequestContext } from '../../../../src/network/RequestContext';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import { MetadataCache } from '../../../../src/server/MetadataCache';

/** Broker 1 on PLAINTEXT leading partition 0 of each topic (ISR [1]); topic ids where given. */
export function oneBrokerCache(topics: string[], topicIds: Map<string, Buffer> = new Map()): MetadataCache {
  const c = new MetadataCache(1);
  const part = (topicName: string) => ({
    topicName,
    partitionIndex: 0,
    controllerEpoch: 1,
    leader: 1,
    leaderEpoch: 0,
    isr: [1],
    partitionEpoch: 0,
    replicas: [1],
    offlineReplicas: [],
  });
  c.update(1, [{ id: 1, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }], rack: null }], topics.map(part), topicIds);
  return c;
}

/** A request from User:alice on PLAINTEXT. */
export function aliceContext(apiKey: number, apiVersion: number): RequestContext {
  return {
    header: { apiKey, apiVersion, correlationId: 1, clientId: 'test' },
    listenerName: 'PLAINTEXT',
    clientAddress: '127.0.0.1',
    connectionId: 'c',
    principal: userPrincipal('alice'),
  };
}

/** The request as a handler reads it. */
export function requestReader<Req>(codec: ApiCodec<Req, unknown>, v: number, req: Req): Reader {
  const w = new Writer();
  codec.encodeRequest(w, v, req);
  return new Reader(w.toBuffer());
}

/** Encodes `req`, hands it to `handler` as User:alice and decodes the response. */
export async function callAsAlice<Req, Res>(
  codec: ApiCodec<Req, Res>,
  v: number,
  req: Req,
  handler: (ctx: RequestContext, r: Reader) => unknown,
  apiKey: number = codec.apiKey,
): Promise<Res> {
  const body = (await handler(aliceContext(apiKey, v), requestReader(codec, v, req))) as Buffer[];
  return codec.decodeResponse(new Reader(Buffer.concat(body)), v);
}
