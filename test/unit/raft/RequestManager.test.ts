/** RequestManager (Kafka 3.7): one request in flight per peer, retry backoff, request timeout, stale answers ignored. */
import { expect } from 'chai';
import { RequestManager } from '../../../src/raft/RequestManager';
import { SeededRandom } from '../../../src/raft/Time';

describe('RequestManager', () => {
  it('a connection is ready, then awaits its one request, then is ready again on the answer', () => {
    const rm = new RequestManager([1, 2, 3], 20, 2000, new SeededRandom(1));
    const c = rm.getOrCreate(2);
    expect(c.isReady(0)).to.equal(true);
    c.onRequestSent(7, 0);
    expect([c.isReady(10), c.remainingRequestTimeMs(10)]).to.deep.equal([false, 1990]);
    expect(c.isResponseExpected(6)).to.equal(false);
    c.onResponseReceived(6); // not the request in flight: ignored
    expect(c.isReady(10)).to.equal(false);
    c.onResponseReceived(7);
    expect(c.isReady(10)).to.equal(true);
  });

  it('backs off retry.backoff.ms after an error, and gives up waiting at request.timeout.ms', () => {
    const rm = new RequestManager([1, 2, 3], 20, 2000, new SeededRandom(1));
    const c = rm.getOrCreate(3);
    c.onRequestSent(1, 100);
    c.onResponseError(1, 150);
    expect([c.isBackingOff(160), c.remainingBackoffMs(160), c.isReady(160)]).to.deep.equal([true, 10, false]);
    expect(c.isReady(170)).to.equal(true);
    c.onRequestSent(2, 200);
    expect(c.hasRequestTimedOut(2199)).to.equal(false);
    expect(c.hasRequestTimedOut(2200)).to.equal(true);
    expect(c.isReady(2200)).to.equal(true);
  });

  it('an observer fetches from one ready voter at a time; resetAll forgets requests in flight', () => {
    const rm = new RequestManager([1, 2, 3], 20, 2000, new SeededRandom(5));
    const v = rm.findReadyVoter(0)!;
    expect([1, 2, 3]).to.include(v);
    rm.getOrCreate(v).onRequestSent(9, 0);
    expect(rm.findReadyVoter(1)).to.equal(undefined);
    expect(rm.backoffBeforeAvailableVoter(1)).to.equal(1999);
    rm.resetAll();
    expect(rm.getOrCreate(v).isResponseExpected(9)).to.equal(false);
    expect(rm.findReadyVoter(2)).to.not.equal(undefined);
  });
});
