/** Reading a lesson's printed output in tests: the commands it showed and what each printed. */

/** A command shown to the learner: on its own line as typed, optionally after `$ ` (issue 14). */
export function isCommandLine(line: string): boolean {
  return /^(\$ )?(bin\/|kcat |zkCli\.sh |ls )/.test(line);
}

/** The lines right after the first shown command matching `command` (its output), up to the next command line. */
export function outputOf(run: { lines: string[] }, command: RegExp): string[] {
  const i = run.lines.findIndex((l) => isCommandLine(l) && command.test(l));
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < run.lines.length && !isCommandLine(run.lines[j]); j++) out.push(run.lines[j]);
  return out;
}

/** The data printed after each shown `zookeeper-shell ... get <path>` whose path matches, in order. */
export function zkGets(run: { lines: string[] }, path: RegExp): string[] {
  const out: string[] = [];
  run.lines.forEach((l, i) => {
    const m = /(?:zookeeper-shell|zkCli\.sh) .* get (\S+)$/.exec(l);
    if (m && path.test(m[1]) && i + 1 < run.lines.length) out.push(run.lines[i + 1]);
  });
  return out;
}
