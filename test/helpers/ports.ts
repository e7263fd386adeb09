import { freePort as claimFreePort } from '../../src/launcher/FreePorts';
import * as net from 'net';

/**
 * A free TCP port on 127.0.0.1 for a test's real server: claimed across the test processes and taken from below the
 * ephemeral range, so neither another test file nor an outgoing connection can take it first (src/launcher/FreePorts.ts).
 */
export function freePort(): Promise<number> {
  return claimFreePort('127.0.0.1');
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  await waitFor(`port ${port} to accept connections`, () => portAccepts(port), timeoutMs);
}

/**
 * The one way tests wait: polls `fn` every `intervalMs` until it returns something truthy (which is returned),
 * failing after `timeoutMs` with `what` and the last error `fn` threw. Tests wait for conditions, never for
 * fixed sleeps, so that a busy machine only makes them slower, not red.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 20000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
