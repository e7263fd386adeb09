/**
 * Issue 14: a lesson on a running cluster (--bootstrap/--zookeeper, as on `npm start`'s): no private cluster is
 * started, it can run again on the same cluster (its own topic and group names), and without --yes it pauses
 * before each step (here stdin is closed, so each pause ends at once).
 */
import { expect } from 'chai';
import { TestCluster } from '../../helpers/cluster';
import { runLesson } from './lessonRunner';

describe('integration: lessons on a running cluster', function () {
  this.timeout(90_000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('runs narrated (pausing before each step), then again with --yes, both passing', async () => {
    const target = ['--bootstrap', cluster.bootstrap.join(','), '--zookeeper', cluster.connectString];
    const first = await runLesson(['manual-commit', ...target], 40_000);
    expect(first.lastLine, first.output).to.equal('lesson manual-commit: passed');
    expect(first.code).to.equal(0);
    expect(first.output).to.not.contain('Starting a private cluster');
    expect(first.lines.filter((l) => l === '(press Enter for the next step)').length).to.equal(4);

    const again = await runLesson(['manual-commit', '--yes', ...target], 40_000);
    expect(again.lastLine, again.output).to.equal('lesson manual-commit: passed');
    expect(again.output).to.not.contain('press Enter');
  });
});
