import { expect } from 'chai';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor, waitForPort } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe("integration: a broker started by hand writes its log files to the checkout's logs/", function () {
  this.timeout(90000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('without LOG_DIR, from another working directory, server.log goes to <checkout>/logs as kafka-run-class.sh does', async () => {
    const port = await freePort();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-cwd-'));
    const env = { ...process.env };
    delete env.LOG_DIR;
    const proc = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'kafka-server-start'),
        cluster.broker(1).propsFile,
        '--override',
        'broker.id=2',
        '--override',
        `listeners=PLAINTEXT://127.0.0.1:${port}`,
        '--override',
        `log.dirs=${path.join(cwd, 'data')}`,
      ],
      { cwd, env, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    try {
      await waitForPort(port, 30000);
      const serverLog = path.join(ROOT, 'logs', 'server.log');
      // The start-up dump of KafkaConfig values names this broker's listener: proof the line is this run's.
      await waitFor(
        "server.log in the checkout's logs/ with this broker's config",
        async () => fs.existsSync(serverLog) && fs.readFileSync(serverLog, 'utf8').includes(`listeners = PLAINTEXT://127.0.0.1:${port}`),
        20000,
      );
      expect(fs.existsSync(path.join(cwd, 'logs'))).to.equal(false);
    } finally {
      proc.kill('SIGKILL');
      await exited;
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
