/**
 * Issue 14: batching-and-compression's trickle producer (produce.py over confluent_kafka) is found on this machine,
 * reports what the lesson reads, and a python3 without confluent_kafka is the lesson's failure with the reason.
 */
import { expect } from 'chai';
import { findRepoRoot } from '../../../src/launcher/ClusterLayout';
import { findPython, parseTrickleReport, PRODUCE_PY } from '../../../src/lessons/catalog/support/TrickleProducer';

const root = findRepoRoot(__dirname);

describe('integration: the trickle producer of batching-and-compression', function () {
  this.timeout(30_000);

  it('finds a python3 that imports confluent_kafka (python3-confluent-kafka, installed by .ci/run)', async () => {
    expect(await findPython(root)).to.match(/python3$/);
  });

  it('without confluent_kafka: a LessonFailure naming python3-confluent-kafka, never a pass', async () => {
    const saved = process.env.PYTHONHOME;
    process.env.PYTHONHOME = '/nonexistent'; // every python3 fails to start, as one without the module fails to import it
    try {
      const err = await findPython(root).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.name).to.equal('LessonFailure');
      expect(err?.message).to.contain('needs python3-confluent-kafka').and.to.contain('apt-get install python3-confluent-kafka');
    } finally {
      if (saved === undefined) delete process.env.PYTHONHOME;
      else process.env.PYTHONHOME = saved;
    }
  });

  it("reads produce.py's report; the script sets linger.ms and sleeps between records, never bursting to catch up", () => {
    expect(parseTrickleReport('sent 1000 records in 1.31 s: 763 records/s\ndelivery latency: average 27.4 ms, max 55.0 ms\n')).to.deep.equal({
      recordsPerSecond: 763,
      avgLatencyMs: 27.4,
    });
    expect(parseTrickleReport('Traceback ...')).to.equal(undefined);
    expect(PRODUCE_PY).to.contain("'linger.ms': linger_ms").and.to.contain('time.sleep(gap_ms / 1000)');
  });
});
