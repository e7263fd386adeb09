/**
 * Runs a command-line parser's refusals in-process. The bench/CLI parsers take an `exit` function (process.exit by
 * default) and print why they refuse to stderr; a test passes a stand-in that records the code and throws instead, and
 * captures what was written to stderr so it can assert the flag is named without printing it among the test output.
 */

/** An `exit` stand-in: records each code in `codes` and throws `exit <code>` so the parser stops there. */
export function throwingExit(codes: number[] = []): (code: number) => never {
  return (code: number): never => {
    codes.push(code);
    throw new Error(`exit ${code}`);
  };
}

/** What `withExitCaptured` saw: the exit codes asked for, in order, and everything written to stderr. */
export interface ExitCapture {
  codes: number[];
  stderr: string;
}

/**
 * Calls `fn` with a throwing `exit` while process.stderr.write is captured (restored afterwards, also when `fn` throws),
 * and returns the codes and the text. `fn` asserts the throws itself (e.g. `expect(() => parse(argv, exit)).to.throw('exit 1')`).
 */
export function withExitCaptured(fn: (exit: (code: number) => never) => void): ExitCapture {
  const captured: ExitCapture = { codes: [], stderr: '' };
  const write = process.stderr.write;
  process.stderr.write = ((s: string | Uint8Array) => {
    captured.stderr += typeof s === 'string' ? s : Buffer.from(s).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    fn(throwingExit(captured.codes));
  } finally {
    process.stderr.write = write;
  }
  return captured;
}
