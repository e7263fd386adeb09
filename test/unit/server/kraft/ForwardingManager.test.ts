/**
 * ForwardingManager: a KRaft broker re-sends a client's admin request body to the active controller unchanged and
 * returns the controller's response body unchanged; NOT_CONTROLLER answers and an unreachable controller are
 * retried until the retry timeout, then the client gets the API's error response with REQUEST_TIMED_OUT.
 */
import { expect } from 'chai';
import { CreateTopicsApi, DeleteTopicsApi, IncrementalAlterConfigsApi } from '../../../../src/protocol/apis';
import type { ApiCodec } from '../../../../src/protocol/apis/types';
import { ErrorCode } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import type { RequestContext } from '../../../../src/network/RequestContext';
import { FORWARDED_APIS, ForwardingManager, hasNotController } from '../../../../src/server/ForwardingManager';
import type { ControllerChannel } from '../../../../src/server/BrokerLifecycleManager';

function encodeRequest<Req>(codec: ApiCodec<Req, unknown>, v: number, req: Req): Buffer {
  const w = new Writer(128);
  codec.encodeRequest(w, v, req);
  return w.toBuffer();
}

function encodeResponse<Res>(codec: ApiCodec<unknown, Res>, v: number, res: Res): Buffer {
  const w = new Writer(128);
  codec.encodeResponse(w, v, res);
  return w.toBuffer();
}

const ctx = (apiKey: number, apiVersion: number): RequestContext => ({
  header: { apiKey, apiVersion, correlationId: 1, clientId: 'test' },
  listenerName: 'PLAINTEXT',
  clientAddress: '127.0.0.1:5555',
  connectionId: 'c1',
});

const createTopics = {
  topics: [{ name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
  timeoutMs: 5000,
  validateOnly: false,
};

class FakeController implements ControllerChannel {
  bodies: Buffer[] = [];
  resets = 0;
  constructor(private readonly answer: (body: Buffer, attempt: number) => Buffer) {}
  async send<Req, Res>(_codec: ApiCodec<Req, Res>, _v: number, body: Req): Promise<Res> {
    this.bodies.push(body as unknown as Buffer);
    return this.answer(body as unknown as Buffer, this.bodies.length) as unknown as Res;
  }
  reset(): void {
    this.resets++;
  }
}

describe('ForwardingManager', () => {
  it('forwards the request body as sent and returns the controller response body as answered', async () => {
    const v = 7;
    const body = encodeRequest(CreateTopicsApi, v, createTopics);
    const answer = encodeResponse(CreateTopicsApi, v, {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          topicId: Buffer.alloc(16, 1),
          errorCode: 0,
          errorMessage: null,
          topicConfigErrorCode: 0,
          numPartitions: 3,
          replicationFactor: 1,
          configs: [],
        },
      ],
    });
    const c = new FakeController(() => answer);
    const fm = new ForwardingManager(1, c, 1000);
    // The request arrives after its header: the reader starts mid-buffer.
    const framed = Buffer.concat([Buffer.from([9, 9, 9]), body]);
    const res = await fm.forward(ctx(CreateTopicsApi.apiKey, v), new Reader(framed, 3));
    expect(c.bodies).to.have.length(1);
    expect(c.bodies[0].equals(body)).to.equal(true);
    expect(Buffer.concat(res!).equals(answer)).to.equal(true);
  });

  it('retries when the controller answers NOT_CONTROLLER (the controller moved), then returns the next answer', async () => {
    const v = 6;
    const req = { topics: [{ name: 'orders', topicId: Buffer.alloc(16) }], topicNames: [], timeoutMs: 1000 };
    const body = encodeRequest(DeleteTopicsApi, v, req);
    const notController = encodeResponse(DeleteTopicsApi, v, {
      throttleTimeMs: 0,
      responses: [{ name: 'orders', topicId: Buffer.alloc(16), errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null }],
    });
    const ok = encodeResponse(DeleteTopicsApi, v, {
      throttleTimeMs: 0,
      responses: [{ name: 'orders', topicId: Buffer.alloc(16, 3), errorCode: 0, errorMessage: null }],
    });
    const c = new FakeController((_b, attempt) => (attempt === 1 ? notController : ok));
    const res = await new ForwardingManager(1, c, 5000).forward(ctx(DeleteTopicsApi.apiKey, v), new Reader(body));
    expect(c.bodies).to.have.length(2);
    expect(c.resets).to.equal(1);
    expect(Buffer.concat(res!).equals(ok)).to.equal(true);
  });

  it('answers REQUEST_TIMED_OUT for every resource once the controller stays unreachable past the retry timeout', async () => {
    const v = 1;
    const req = {
      resources: [
        { resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] },
        { resourceType: 4, resourceName: '1', configs: [] },
      ],
      validateOnly: false,
    };
    const body = encodeRequest(IncrementalAlterConfigsApi, v, req);
    const c = new FakeController(() => {
      throw new Error('no controller known');
    });
    const started = Date.now();
    const res = await new ForwardingManager(1, c, 300).forward(ctx(IncrementalAlterConfigsApi.apiKey, v), new Reader(body));
    expect(Date.now() - started).to.be.within(150, 5000);
    expect(c.bodies.length).to.be.at.least(2);
    const decoded = IncrementalAlterConfigsApi.decodeResponse(new Reader(Buffer.concat(res!)), v);
    expect(decoded.responses.map((r) => [r.resourceType, r.resourceName, r.errorCode])).to.deep.equal([
      [2, 'orders', ErrorCode.REQUEST_TIMED_OUT],
      [4, '1', ErrorCode.REQUEST_TIMED_OUT],
    ]);
  });

  it('a body that does not parse is refused before anything is sent', async () => {
    const c = new FakeController(() => Buffer.alloc(0));
    const fm = new ForwardingManager(1, c, 300);
    let err: unknown = null;
    await fm.forward(ctx(CreateTopicsApi.apiKey, 7), new Reader(Buffer.from([0xff, 0xff]))).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(Error);
    expect(c.bodies).to.have.length(0);
  });

  it('forwards the admin APIs a 3.7 KRaft broker forwards, and finds NOT_CONTROLLER at any depth', () => {
    expect([...FORWARDED_APIS.keys()].sort((a, b) => a - b)).to.deep.equal([19, 20, 30, 31, 33, 37, 43, 44, 45, 46, 49, 51, 55, 57, 64]);
    expect(hasNotController({ errorCode: 0, topics: [{ partitions: [{ errorCode: ErrorCode.NOT_CONTROLLER }] }] })).to.equal(true);
    expect(hasNotController({ errorCode: 0, topics: [{ partitions: [{ errorCode: 0 }] }] })).to.equal(false);
  });
});
