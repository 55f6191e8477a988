/**
 * The exit codes every rfai command uses, and the closing line that names them.
 *
 * `nx run` reports any failed target as exit 1, so a command that fails also prints its own code as its last stderr
 * line: a script that calls an nx target reads the code there (`grep -o 'exit code [0-9]*'`), and one that needs the
 * process status itself runs the command directly (`npm run -s trainer -- ...`, see the README's "Exit codes").
 */

/** 0 ok, 1 runtime failure, 2 bad usage, configuration or input (a corrupt checkpoint, a full disk during a save), 130/143 stopped by SIGINT/SIGTERM. */
export const EXIT_CODES = Object.freeze({ ok: 0, failure: 1, usage: 2, sigint: 130, sigterm: 143 });

const MEANINGS: Readonly<Record<number, string>> = {
  [EXIT_CODES.failure]: 'failed',
  [EXIT_CODES.usage]: 'bad usage, configuration or input',
  [EXIT_CODES.sigint]: 'stopped by SIGINT',
  [EXIT_CODES.sigterm]: 'stopped by SIGTERM',
};

/** The exit code of a stop by `signal` (130 for SIGINT, 143 for SIGTERM and any other). */
export function signalExitCode(signal: string): number {
  return signal === 'SIGINT' ? EXIT_CODES.sigint : EXIT_CODES.sigterm;
}

/** `PROGRAM: exit code N (meaning)\n`, the last line a failing command writes to stderr; '' for 0. */
export function exitCodeLine(program: string, code: number): string {
  if (code === 0) return '';
  return `${program}: exit code ${code} (${MEANINGS[code] ?? 'failure'})\n`;
}

/**
 * Ends a command-line program with `code`: sets process.exitCode (so pending output is flushed, unlike
 * process.exit) and writes {@link exitCodeLine} to stderr when the code is not 0.
 */
export function finishProcess(program: string, code: number): void {
  process.exitCode = code;
  const line = exitCodeLine(program, code);
  if (line) process.stderr.write(line);
}
