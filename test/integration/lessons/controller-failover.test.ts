import { expect } from 'chai';
import * as fs from 'fs';
import { checkLesson, removeTmp } from './support/checkLesson';

/** The data lines printed after each shown `get <path>`, in order. */
function gets(lines: string[], path: string): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (new RegExp(`(zookeeper-shell|zkCli\\.sh) .* get ${path}$`).test(l) && i + 1 < lines.length) out.push(lines[i + 1]);
  });
  return out;
}

describe('lesson controller-failover', function () {
  this.timeout(150_000);

  it('--check kills then stops the controller: /controller moves and /controller_epoch rises each time', async () => {
    const run = await checkLesson('controller-failover', 140_000);
    try {
      expect(run.lines[run.lines.length - 1], run.output).to.equal('lesson controller-failover: passed');
      expect(run.code, run.output).to.equal(0);
      const controllers = gets(run.lines, '/controller').map((l) => (JSON.parse(l) as { brokerid: number }).brokerid);
      const epochs = gets(run.lines, '/controller_epoch').map(Number);
      expect(controllers.length).to.be.at.least(4);
      expect(epochs.length).to.equal(controllers.length);
      // first, after the SIGKILL, after the restart (unchanged), after the SIGTERM
      expect(controllers[1]).to.not.equal(controllers[0]);
      expect(epochs[1]).to.be.greaterThan(epochs[0]);
      expect(controllers[2]).to.equal(controllers[1]);
      expect(epochs[2]).to.equal(epochs[1]);
      expect(controllers[3]).to.not.equal(controllers[2]);
      expect(epochs[3]).to.be.greaterThan(epochs[2]);
      expect(fs.readdirSync(run.tmpDir)).to.deep.equal([]);
    } finally {
      removeTmp(run);
    }
  });
});
