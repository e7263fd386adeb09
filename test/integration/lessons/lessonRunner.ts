/**
 * Runs `node dist/src/lessons/main.js <args>` as a learner's terminal would, with TMPDIR pointed at a fresh folder,
 * and returns its output; checks afterwards that the lesson removed its temp folders and left no process behind
 * (every process of a private cluster has its properties file under TMPDIR, so none may still mention it).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';

const MAIN = path.resolve(__dirname, '../../../src/lessons/main.js');

export interface LessonRun {
  code: number | null;
  output: string;
  lines: string[];
  lastLine: string;
  tmpLeft: string[];
  processesLeft: string[];
}

function processesMentioning(text: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((l) => l.includes(text))
    .map((l) => l.trim());
}

/** `interruptWhen`: send SIGINT (a learner's Ctrl-C) once the output matches it. */
export async function runLesson(args: string[], timeoutMs: number, interruptWhen?: RegExp): Promise<LessonRun> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lesson-test-'));
  try {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
      if (interruptWhen && !interrupted && interruptWhen.test(output)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    return {
      code,
      output,
      lines,
      lastLine: lines[lines.length - 1] ?? '',
      tmpLeft: fs.readdirSync(tmp),
      processesLeft: processesMentioning(tmp),
    };
  } finally {
    for (const line of processesMentioning(tmp)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `<name> --check` passed: exit 0, `lesson <name>: passed` last, nothing left in TMPDIR, no process left. */
export async function expectLessonPasses(name: string, timeoutMs = 55_000): Promise<LessonRun> {
  const run = await runLesson([name, '--check'], timeoutMs);
  if (run.code !== 0) console.log(run.output);
  expect(run.lastLine, run.output).to.equal(`lesson ${name}: passed`);
  expect(run.code).to.equal(0);
  expect(run.tmpLeft, 'temp folders left in TMPDIR').to.deep.equal([]);
  expect(run.processesLeft, 'processes left behind').to.deep.equal([]);
  return run;
}

/** The commands the lesson showed (`$ ...` lines), in order. */
export function commandsShown(run: LessonRun): string[] {
  return run.lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
}
