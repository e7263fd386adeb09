/**
 * BrokerLifecycleManager against a scripted controller: registration retried on errors with the broker epoch
 * taken from the answer, heartbeats with the metadata offset and wantFence until ready, the STARTING -> RECOVERY
 * -> RUNNING transitions on isCaughtUp and isFenced, controlled shutdown by wantShutDown heartbeats, and the
 * registration timeout.
 */
import { expect } from 'chai';
import { BrokerHeartbeatApi, BrokerRegistrationApi } from '../../../../src/protocol/apis';
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../../../../src/protocol/apis/63-broker-heartbeat';
import type { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../../../../src/protocol/apis/62-broker-registration';
import type { ApiCodec } from '../../../../src/protocol/apis/types';
import { ErrorCode } from '../../../../src/protocol/errors';
import { BrokerLifecycleManager, ControllerChannel, exponentialBackoff } from '../../../../src/server/BrokerLifecycleManager';
import { BrokerState } from '../../../../src/server/metrics/KafkaMetrics';
import type { Logger } from '../../../../src/common/logger';
import { waitFor } from '../../../helpers/ports';

/** A controller that answers as its handlers say and records what it got. */
class ScriptedController implements ControllerChannel {
  registrations: Array<{ version: number; req: BrokerRegistrationRequest }> = [];
  heartbeats: BrokerHeartbeatRequest[] = [];
  resets = 0;
  onRegister: (req: BrokerRegistrationRequest) => BrokerRegistrationResponse = () => ({ throttleTimeMs: 0, errorCode: 0, brokerEpoch: 42 });
  onHeartbeat: (req: BrokerHeartbeatRequest) => BrokerHeartbeatResponse = () => ({
    throttleTimeMs: 0,
    errorCode: 0,
    isCaughtUp: false,
    isFenced: true,
    shouldShutDown: false,
  });

  async send<Req, Res>(codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res> {
    if (codec.apiKey === BrokerRegistrationApi.apiKey) {
      this.registrations.push({ version, req: request as BrokerRegistrationRequest });
      return this.onRegister(request as BrokerRegistrationRequest) as Res;
    }
    if (codec.apiKey === BrokerHeartbeatApi.apiKey) {
      this.heartbeats.push(request as BrokerHeartbeatRequest);
      return this.onHeartbeat(request as BrokerHeartbeatRequest) as Res;
    }
    throw new Error(`unexpected ${codec.name}`);
  }

  reset(): void {
    this.resets++;
  }
}

function manager(controller: ScriptedController, overrides: Partial<ConstructorParameters<typeof BrokerLifecycleManager>[0]> = {}) {
  let metadataOffset = 7;
  const m = new BrokerLifecycleManager({
    nodeId: 1,
    clusterId: 'abcdefghijklmnopqrstuv',
    rack: 'r1',
    brokerHeartbeatIntervalMs: 20,
    brokerSessionTimeoutMs: 300,
    initialBrokerRegistrationTimeoutMs: 60000,
    channel: controller,
    listeners: () => [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }],
    features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
    highestMetadataOffset: () => metadataOffset,
    logDirs: [Buffer.alloc(16, 2), Buffer.alloc(16, 1)],
    random: () => 0.5,
    ...overrides,
  });
  return { m, setOffset: (o: number) => (metadataOffset = o) };
}

describe('BrokerLifecycleManager', () => {
  let m: BrokerLifecycleManager | null = null;
  afterEach(() => m?.close());

  it('ExponentialBackoff(100, 2, max, 0.02): doubles from 100 ms up to the session timeout, within 2% jitter', () => {
    expect([0, 1, 2, 3, 10].map((a) => exponentialBackoff(a, 9000, () => 0.5))).to.deep.equal([100, 200, 400, 800, 9000]);
    expect(exponentialBackoff(0, 9000, () => 1)).to.equal(102);
    expect(exponentialBackoff(0, 9000, () => 0)).to.equal(98);
  });

  it('registers (retrying NOT_CONTROLLER), heartbeats its metadata offset, and goes STARTING -> RECOVERY -> RUNNING', async () => {
    const c = new ScriptedController();
    let refusals = 2;
    c.onRegister = () =>
      refusals-- > 0 ? { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, brokerEpoch: -1 } : { throttleTimeMs: 0, errorCode: 0, brokerEpoch: 42 };
    let caughtUp = false;
    c.onHeartbeat = (req) => ({ throttleTimeMs: 0, errorCode: 0, isCaughtUp: caughtUp, isFenced: req.wantFence, shouldShutDown: false });
    const made = manager(c);
    m = made.m;
    m.start();
    expect(m.state).to.equal(BrokerState.STARTING);
    await waitFor('two heartbeats', async () => c.heartbeats.length >= 2, 5000, 5);
    expect(c.registrations).to.have.length(3);
    expect(c.resets).to.be.at.least(2);
    const reg = c.registrations[2];
    expect(reg.version).to.equal(3);
    expect(reg.req).to.deep.include({ brokerId: 1, clusterId: 'abcdefghijklmnopqrstuv', rack: 'r1', isMigratingZkBroker: false, previousBrokerEpoch: -1 });
    expect(reg.req.incarnationId.equals(m.incarnationId)).to.equal(true);
    expect(reg.req.listeners).to.deep.equal([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }]);
    expect(reg.req.logDirs!.map((d) => d[0])).to.deep.equal([1, 2]); // sorted as Kafka sorts Uuids
    expect(m.brokerEpoch).to.equal(42);
    expect(c.heartbeats[0]).to.deep.include({ brokerId: 1, brokerEpoch: 42, currentMetadataOffset: 7, wantFence: true, wantShutDown: false });
    expect(m.state).to.equal(BrokerState.STARTING);

    made.setOffset(12);
    caughtUp = true;
    await m.initialCatchUpPromise;
    expect(m.state).to.equal(BrokerState.RECOVERY);
    const unfenced = m.setReadyToUnfence();
    await unfenced;
    expect(m.state).to.equal(BrokerState.RUNNING);
    const last = c.heartbeats[c.heartbeats.length - 1];
    expect(last).to.deep.include({ currentMetadataOffset: 12, wantFence: false });
  });

  it('controlled shutdown: wantShutDown heartbeats until the controller answers shouldShutDown', async () => {
    const c = new ScriptedController();
    let leadsNothing = false;
    c.onHeartbeat = (req) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      isCaughtUp: true,
      isFenced: req.wantFence,
      shouldShutDown: req.wantShutDown && leadsNothing,
    });
    m = manager(c).m;
    m.start();
    await m.initialCatchUpPromise;
    await m.setReadyToUnfence();
    m.beginControlledShutdown();
    expect(m.state).to.equal(BrokerState.PENDING_CONTROLLED_SHUTDOWN);
    await waitFor('wantShutDown heartbeats', async () => c.heartbeats.filter((h) => h.wantShutDown).length >= 2, 5000, 5);
    leadsNothing = true;
    await m.controlledShutdownPromise;
    expect(m.state).to.equal(BrokerState.SHUTTING_DOWN);
    const sent = c.heartbeats.length;
    await new Promise((r) => setImmediate(r));
    expect(c.heartbeats.length).to.equal(sent);
  });

  it('a heartbeat error backs off and keeps trying; the time since the last answer grows while the controller is gone', async () => {
    const c = new ScriptedController();
    m = manager(c).m;
    m.start();
    await waitFor('a heartbeat', async () => c.heartbeats.length >= 1, 5000, 5);
    c.onHeartbeat = () => {
      throw new Error('connection refused');
    };
    const before = c.heartbeats.length;
    await waitFor('heartbeats after errors', async () => c.heartbeats.length >= before + 2, 5000, 5);
    await waitFor('no contact for 50 ms', async () => m!.millisSinceLastContact() >= 50, 5000, 5);
  });

  it('shuts the broker down when no registration succeeds within initial.broker.registration.timeout.ms', async () => {
    const c = new ScriptedController();
    c.onRegister = () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, brokerEpoch: -1 });
    let timedOut = false;
    m = manager(c, { initialBrokerRegistrationTimeoutMs: 150, onRegistrationTimeout: () => (timedOut = true) }).m;
    m.start();
    let rejected: Error | null = null;
    m.initialCatchUpPromise.catch((e: Error) => (rejected = e));
    await waitFor('the registration timeout', async () => timedOut, 5000, 5);
    await waitFor('the catch-up to fail', async () => rejected !== null, 5000, 5);
    expect(rejected!.message).to.match(/unable to register/);
  });

  it('warns when a heartbeat fires late because the event loop was busy (heartbeats share the loop with metadata publishing)', async () => {
    const c = new ScriptedController();
    const warnings: string[] = [];
    const noop = (): void => undefined;
    const logger = { trace: noop, debug: noop, info: noop, error: noop, warn: (msg: string) => void warnings.push(msg) } as unknown as Logger;
    m = manager(c, { logger }).m;
    m.start();
    await waitFor('a heartbeat', async () => c.heartbeats.length >= 1, 5000, 5);
    expect(warnings.filter((w) => w.includes('late'))).to.deep.equal([]);
    // A long synchronous task, as creating thousands of logs in one go was: the next heartbeat timer fires > 1 s late.
    const busyUntil = Date.now() + 1100;
    while (Date.now() < busyUntil) {
      /* busy */
    }
    const sent = c.heartbeats.length;
    await waitFor('the late heartbeat', async () => c.heartbeats.length > sent, 5000, 5);
    const late = warnings.filter((w) => w.includes('heartbeat ran'));
    expect(late).to.have.length.at.least(1);
    expect(Number(/ran (\d+) ms late/.exec(late[0])![1])).to.be.at.least(1000);
  });
});
