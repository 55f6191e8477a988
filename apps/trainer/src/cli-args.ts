import { InvalidArgumentError, type Command } from 'commander';

/** commander collector for repeatable options such as `--set a=1 --set b=2`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** commander parser for a positive integer option (usage error otherwise). */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, found "${v}"`);
  return n;
}

/**
 * Parses `argv` into a command built with `.exitOverride()`. Returns null when
 * parsing succeeded, else the exit code: 0 after --help, 2 for bad usage
 * (commander has already printed the message to stderr).
 */
export function parseArgs(program: Command, argv: string[]): number | null {
  try {
    program.parse(argv, { from: 'user' });
    return null;
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
}
