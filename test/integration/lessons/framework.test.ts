/** Issue 14: the lesson runner's command line (--list, unknown names, a cluster that is not there). */
import { expect } from 'chai';
import { LESSON_ORDER } from '../../../src/lessons/order';
import { runLesson } from './lessonRunner';

describe('integration: lessons runner', function () {
  this.timeout(30_000);

  it('--list prints `<name>  <description>` per lesson, in the issue order', async () => {
    const run = await runLesson(['--list'], 20_000);
    expect(run.code).to.equal(0);
    const names = run.lines.map((l) => l.split('  ')[0]);
    expect(names).to.include('partitions-and-consumers');
    for (const line of run.lines) expect(line).to.match(/^[a-z0-9-]+ {2}\S.*$/);
    const ranks = names.map((n) => LESSON_ORDER.indexOf(n));
    expect(ranks.every((r) => r >= 0)).to.equal(true);
    expect(ranks).to.deep.equal([...ranks].sort((a, b) => a - b));
  });

  it('an unknown lesson is refused with the list of lessons and exit code 2', async () => {
    const run = await runLesson(['no-such-lesson'], 20_000);
    expect(run.code).to.equal(2);
    expect(run.output).to.contain('no lesson named no-such-lesson');
    expect(run.output).to.contain('partitions-and-consumers');
  });

  it('--bootstrap to a cluster that is not there fails with a reason, last, and exit code 1', async () => {
    const run = await runLesson(['partitions-and-consumers', '--check', '--bootstrap', '127.0.0.1:1', '--zookeeper', '127.0.0.1:1'], 20_000);
    expect(run.code).to.equal(1);
    expect(run.lastLine).to.match(/^lesson partitions-and-consumers: failed \(no broker answers at 127\.0\.0\.1:1: .+\)$/);
    expect(run.tmpLeft).to.deep.equal([]);
  });

  it('Ctrl-C during --check stops the private cluster, removes its folder and says why, last', async function () {
    this.timeout(60_000);
    const run = await runLesson(['partitions-and-consumers', '--check'], 55_000, /^Step 2: /m);
    expect(run.output).to.match(/^Step 2: /m);
    expect(run.code).to.equal(130);
    expect(run.lastLine).to.equal('lesson partitions-and-consumers: failed (interrupted by SIGINT)');
    expect(run.tmpLeft, 'temp folders left in TMPDIR').to.deep.equal([]);
    expect(run.processesLeft, 'processes left behind').to.deep.equal([]);
  });

  it('Ctrl-C while the private cluster starts leaves nothing behind either', async function () {
    this.timeout(60_000);
    const run = await runLesson(['partitions-and-consumers', '--check'], 55_000, /Starting 3 broker/);
    expect(run.code).to.equal(130);
    expect(run.lastLine).to.equal('lesson partitions-and-consumers: failed (interrupted by SIGINT)');
    expect(run.tmpLeft, 'temp folders left in TMPDIR').to.deep.equal([]);
    expect(run.processesLeft, 'processes left behind').to.deep.equal([]);
  });
});
