/**
 * Runs `node dist/src/lessons/main.js <name> --check` as a learner's `npm run lesson -- <name> --check` would,
 * with a private TMPDIR, and returns its exit code and output lines.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findRepoRoot } from '../../../../src/launcher/ClusterLayout';

export interface LessonRun {
  code: number | null;
  lines: string[];
  output: string;
  /** TMPDIR the lesson ran with: empty again afterwards when the lesson cleaned up. */
  tmpDir: string;
}

export function checkLesson(name: string, timeoutMs: number, extraArgs: string[] = []): Promise<LessonRun> {
  const root = findRepoRoot();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `lesson-test-${name}-`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'lessons', 'main.js'), name, '--check', ...extraArgs], {
      cwd: root,
      env: { ...process.env, TMPDIR: tmpDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = output.split('\n').filter((l) => l.trim().length > 0);
      resolve({ code, lines, output, tmpDir });
    });
  });
}

/** The lines right after the first shown command matching `command` (its output), up to the next command line. */
export function outputOf(run: LessonRun, command: RegExp): string[] {
  const i = run.lines.findIndex((l) => isCommandLine(l) && command.test(l));
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < run.lines.length && !isCommandLine(run.lines[j]); j++) out.push(run.lines[j]);
  return out;
}

/** A command shown to the learner: on its own line as typed, optionally after `$ ` (issue 14). */
export function isCommandLine(line: string): boolean {
  return /^(\$ )?(bin\/|kcat |zkCli\.sh |ls )/.test(line);
}

export function removeTmp(run: LessonRun): void {
  fs.rmSync(run.tmpDir, { recursive: true, force: true });
}
