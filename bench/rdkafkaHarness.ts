/**
 * Builds and runs bench/rdkafka_perf.c, the librdkafka (C client) side of the benchmark.
 * It is compiled with `cc` against Debian's librdkafka-dev into .bench/ (git-ignored), and rebuilt when the
 * source is newer than the binary.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface HarnessResult {
  mode: 'produce' | 'consume';
  records: number;
  bytes: number;
  seconds: number;
  records_per_sec: number;
  mb_per_sec: number;
  errors: number;
  timed_out: boolean;
  partitions: number;
  first_error: string;
  /** Every librdkafka property the harness set beyond the client's defaults (its own and each -X), 'key=value ...'. */
  settings: string;
}

const HEADER = '/usr/include/librdkafka/rdkafka.h';

function hasHeader(): boolean {
  return fs.existsSync(HEADER) || spawnSync('pkg-config', ['--exists', 'rdkafka']).status === 0;
}

/** Installs librdkafka-dev with apt-get when running as root; otherwise explains how. Returns an error text or null. */
function ensureLibrdkafkaDev(log: (line: string) => void): string | null {
  if (hasHeader()) return null;
  const howTo =
    'librdkafka-dev is not installed; install it with `sudo apt-get install -y librdkafka-dev` ' + '(Debian/Ubuntu) to run the C client part of the benchmark';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return howTo;
  log('librdkafka-dev is missing: apt-get install -y librdkafka-dev');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', 'librdkafka-dev'], { stdio: 'inherit', env });
  if (r.status !== 0) {
    // A fresh machine has no package lists yet.
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', 'librdkafka-dev'], { stdio: 'inherit', env });
  }
  return r.status === 0 && hasHeader() ? null : `apt-get could not install librdkafka-dev. ${howTo}`;
}

/** Returns the harness binary path, building it when needed; throws with a clear message when it cannot. */
export function buildHarness(rootDir: string, log: (line: string) => void): string {
  const src = path.join(rootDir, 'bench', 'rdkafka_perf.c');
  const outDir = path.join(rootDir, '.bench');
  const bin = path.join(outDir, 'rdkafka_perf');
  if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= fs.statSync(src).mtimeMs) return bin;
  const missing = ensureLibrdkafkaDev(log);
  if (missing) throw new Error(missing);
  fs.mkdirSync(outDir, { recursive: true });
  let flags = ['-lrdkafka'];
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'rdkafka'], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    /* no pkg-config: plain -lrdkafka */
  }
  const args = ['-O2', '-Wall', '-pthread', '-o', bin, src, ...flags];
  log(`Building the C harness: cc ${args.join(' ')}`);
  const r = spawnSync('cc', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error || r.status !== 0) {
    throw new Error(`cc failed to build ${src}${r.error ? `: ${r.error.message}` : ''}`);
  }
  return bin;
}

/** Runs the harness, returns its JSON result line; stderr is kept and its tail attached to failures. */
export function runHarness(bin: string, args: string[], timeoutMs: number): Promise<HarnessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-8192);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop();
      const tail = err.trim().split('\n').slice(-10).join('\n');
      if (!line) {
        reject(new Error(`rdkafka_perf ${args[0]} ${signal ? `killed by ${signal}` : `exited ${code}`}` + ` without a result${tail ? `:\n${tail}` : ''}`));
        return;
      }
      const result = JSON.parse(line) as HarnessResult;
      if (code !== 0) {
        const why = result.timed_out ? 'timed out' : `${result.errors} error(s), first: ${result.first_error}`;
        reject(new Error(`rdkafka_perf ${args[0]} failed (${why}) after ${result.records} records` + `${tail ? `:\n${tail}` : ''}`));
        return;
      }
      resolve(result);
    });
  });
}

/** Quotes an argument for display in a copy-pasteable shell command. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_/.,:=+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
