/**
 * A KRaft broker that cannot register: with no controller reachable, bin/kafka-server-start keeps retrying
 * BrokerRegistration with backoff, and after initial.broker.registration.timeout.ms it gives up with Kafka's
 * message and exits 1 (BrokerLifecycleManager's RegistrationTimeoutEvent), instead of hanging.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Uuid } from '../../../src/common/Uuid';
import { freePort } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('integration: a KRaft broker with no reachable controller', function () {
  this.timeout(60000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kraft-broker-registration-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("retries registration, then exits 1 after initial.broker.registration.timeout.ms with Kafka's message", async () => {
    const props = {
      'process.roles': 'broker',
      'node.id': '7',
      // Nothing listens on the voter's port.
      'controller.quorum.voters': `3001@127.0.0.1:${await freePort()}`,
      'controller.listener.names': 'CONTROLLER',
      listeners: `PLAINTEXT://127.0.0.1:${await freePort()}`,
      'log.dirs': path.join(root, 'data'),
      'initial.broker.registration.timeout.ms': '2000',
    };
    const file = path.join(root, 'broker.properties');
    fs.writeFileSync(
      file,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const fmt = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'kafka-storage'), 'format', '-t', Uuid.randomUuid().toString(), '-c', file], {
      encoding: 'utf8',
    });
    expect(fmt.status, fmt.stdout + fmt.stderr).to.equal(0);
    const started = Date.now();
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'kafka-server-start'), file], { env: { ...process.env, LOG_DIR: path.join(root, 'logs') } });
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      p.stderr.on('data', (d: Buffer) => (text += d.toString()));
      const t = setTimeout(() => p.kill('SIGKILL'), 40000);
      p.on('exit', (c) => {
        clearTimeout(t);
        resolve({ code: c, out: text });
      });
    });
    expect(code, out).to.equal(1);
    expect(Date.now() - started).to.be.at.least(2000);
    expect(out).to.contain('Unable to register broker 7');
    expect(out).to.contain('Shutting down because we were unable to register with the controller quorum.');
  });
});
