/**
 * Free TCP ports for temporary clusters (tests, benchmarks, `npm start` on free ports). Asking the OS for port 0 and
 * closing it hands out a port from the ephemeral range, which any outgoing connection of any process may take as its
 * local port before our server binds it (EADDRINUSE, seen with several test files running at once). So ports come
 * from below the ephemeral range, where outgoing connections never land, and each is claimed across processes with
 * an exclusively created file, so that two processes never pick the same port. Claims older than CLAIM_TTL_MS are
 * stale (a finished run) and reused.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

// Machine-wide, whatever TMPDIR a process has (the lessons give each run a private TMPDIR that must end empty).
const CLAIM_DIR = path.join(fs.existsSync('/tmp') ? '/tmp' : os.tmpdir(), 'kafka-ts-ports');
const CLAIM_TTL_MS = 20 * 60_000;
const RANGE_LOW = 15000;

/** The first port of Linux's ephemeral range (net.ipv4.ip_local_port_range), 32768 when unknown. */
function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > RANGE_LOW + 1000 ? low : 32768;
  } catch {
    return 32768;
  }
}

const rangeHigh = ephemeralLow(); // exclusive
let next = RANGE_LOW + Math.floor(Math.random() * (rangeHigh - RANGE_LOW));

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** Claims `port` for this process: true when no other live claim exists. */
function claim(port: number): boolean {
  const file = path.join(CLAIM_DIR, String(port));
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      if (Date.now() - fs.statSync(file).mtimeMs < CLAIM_TTL_MS) return false;
      fs.utimesSync(file, new Date(), new Date()); // stale: take it over (a race here at worst re-checks the bind)
      return true;
    } catch {
      return false;
    }
  }
}

/** The OS's choice (ephemeral): the fallback when no claimable port is left below the ephemeral range. */
function osPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A TCP port free now, claimed for this process, below the ephemeral range when one is left there. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  try {
    fs.mkdirSync(CLAIM_DIR, { recursive: true });
  } catch {
    return osPort(host);
  }
  for (let tries = rangeHigh - RANGE_LOW; tries > 0; tries--) {
    const port = next;
    next = next + 1 >= rangeHigh ? RANGE_LOW : next + 1;
    if (claim(port) && (await canBind(port, host))) return port;
  }
  return osPort(host);
}
