import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import { freePort } from '../../../src/launcher/FreePorts';

describe('FreePorts: ports for temporary clusters', () => {
  const ephemeralLow = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

  it('hands out distinct ports below the ephemeral range, even to concurrent callers', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).to.equal(50);
    for (const p of ports) expect(p).to.be.below(ephemeralLow).and.at.least(1024);
  });

  it('a port handed out can be bound by the caller', async () => {
    const port = await freePort();
    const srv = net.createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
